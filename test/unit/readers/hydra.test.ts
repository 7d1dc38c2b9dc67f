import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Indexer } from '../../../src/core/index/indexer';
import type { Run } from '../../../src/core/model';
import { hfTrainerReader } from '../../../src/core/readers/hfTrainer';
import { hydraReader } from '../../../src/core/readers/hydra';
import { READERS } from '../../../src/core/readers/index';
import { sacredReader } from '../../../src/core/readers/sacred';
import { scanFolder, type ScanResult } from '../../../src/core/index/scan';
import { trainerState, trainLogs, writeTrainerOutput } from '../../helpers/writers/hf';
import { omegaYaml, writeHydraJob, writeHydraSweep } from '../../helpers/writers/hydra';
import { runJson, writeSacredRun } from '../../helpers/writers/sacred';

describe('hydra reader', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-hydra-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const scan = (): Promise<ScanResult> => scanFolder(root, { readers: [hydraReader] });
  const byPath = (r: ScanResult): Map<string, Run> => new Map(r.runs.map((x) => [x.path, x]));

  const config = {
    main: { project_name: 'genre', execute_steps: ['download', 'train'], random_seed: 42 },
    model: { dim: 128, head_dim: '${model.dim}', lr: 0.001, dropout: 0.0, name: '???', bias: true, init: null },
    data: { path: '${oc.env:HOME}/data', 'odd key': 'a: b # not a comment' },
  };

  it('reads a single run: the flattened config as params, overrides and job name as tags', async () => {
    writeHydraJob(root, 'outputs/2024-05-01/12-34-56', {
      config,
      overrides: ['model.dim=128', "+trainer.extra='x,y'", '~data.cache'],
      jobName: 'train',
      log: ['[2024-05-01 12:34:56,789][__main__][INFO] - start'],
    });
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.runs.length, 1);
    const run = r.runs[0]!;
    assert.equal(run.format, 'hydra');
    assert.equal(run.path, 'outputs/2024-05-01/12-34-56');
    assert.equal(run.name, 'outputs/2024-05-01/12-34-56');
    assert.equal(run.experiment, null);
    assert.equal(run.status, 'unknown');
    assert.equal(run.startTime, null);
    assert.deepEqual(run.metrics, {});
    assert.deepEqual(run.params, {
      'main.project_name': 'genre',
      'main.execute_steps': '["download","train"]',
      'main.random_seed': 42,
      'model.dim': 128,
      'model.head_dim': '${model.dim}',
      'model.lr': 0.001,
      'model.dropout': 0,
      'model.name': '???',
      'model.bias': true,
      'model.init': null,
      'data.path': '${oc.env:HOME}/data',
      'data.odd key': 'a: b # not a comment',
    });
    assert.equal(run.tags['hydra.overrides'], JSON.stringify(['model.dim=128', "+trainer.extra='x,y'", '~data.cache']));
    assert.equal(run.tags['hydra.job.name'], 'train');
    assert.equal(run.tags['hydra.job.num'], undefined);
    assert.equal(run.tags['hydra.runtime.choices.hydra/launcher'], 'basic');
  });

  it('groups the jobs of a multirun under their sweep folder, which is no run itself', async () => {
    const jobs = [0.1, 0.01].map((lr) => ({ overrides: [`lr=${lr}`], config: { lr, epochs: 3 } }));
    writeHydraSweep(root, 'multirun/2024-05-01/12-00-00', { lr: 0.1, epochs: 3 }, jobs);
    const runs = byPath(await scan());
    assert.deepEqual([...runs.keys()].sort(), ['multirun/2024-05-01/12-00-00/0', 'multirun/2024-05-01/12-00-00/1']);
    const j1 = runs.get('multirun/2024-05-01/12-00-00/1')!;
    assert.equal(j1.experiment, 'multirun/2024-05-01/12-00-00');
    assert.deepEqual(j1.params, { lr: 0.01, epochs: 3 });
    assert.equal(j1.tags['hydra.job.num'], '1');
    assert.equal(j1.tags['hydra.overrides'], '["lr=0.01"]');
  });

  it('gives an empty config no params and an empty overrides file no tag', async () => {
    writeHydraJob(root, 'job', { config: {}, overrides: [] });
    assert.equal(omegaYaml({}), '{}\n');
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.runs[0]!.params, {});
    assert.equal(r.runs[0]!.tags['hydra.overrides'], undefined);
  });

  it('reads jobs written with output_subdir "" and ignores look-alikes without a hydra node', async () => {
    writeHydraJob(root, 'flat/1', { config: { a: 1 }, outputSubdir: '', jobName: 'main' });
    fs.mkdirSync(path.join(root, 'conf'));
    fs.writeFileSync(path.join(root, 'conf/config.yaml'), 'a: 1\n');
    fs.writeFileSync(path.join(root, 'conf/hydra.yaml'), 'run:\n  dir: x\n');
    fs.writeFileSync(path.join(root, 'conf/overrides.yaml'), '[]\n');
    const r = await scan();
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(
      r.runs.map((x) => [x.path, x.params, x.tags['hydra.job.name']]),
      [['flat/1', { a: 1 }, 'main']],
    );
  });

  it('diagnoses a config.yaml that is not YAML and still lists the job', async () => {
    writeHydraJob(root, 'job', { config: 'a: [1, 2\nb: }\n' });
    const r = await scan();
    assert.equal(r.runs.length, 1);
    assert.deepEqual(r.runs[0]!.params, {});
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]!.path, 'job/.hydra/config.yaml');
    assert.match(r.diagnostics[0]!.message, /^hydra: YAML error: /);
  });

  it('reads unknown YAML tags as their plain node', async () => {
    writeHydraJob(root, 'job', { config: 'shape: !!python/tuple [3, 4]\nname: x\n' });
    const r = await scan();
    assert.deepEqual(r.runs[0]!.params, { shape: '[3,4]', name: 'x' });
  });

  it('does not claim a .hydra folder without config.yaml, nor the .hydra folder itself', async () => {
    writeHydraJob(root, 'crashed', { config: {}, omit: ['config'] });
    const r = await scan();
    // crashed/.hydra holds hydra.yaml and overrides.yaml but no config.yaml: not a job folder.
    assert.deepEqual(r.runs, []);
  });

  it('lists each of nested job folders once', async () => {
    writeHydraJob(root, 'outer', { config: { level: 'outer' } });
    writeHydraJob(root, 'outer/inner', { config: { level: 'inner' } });
    const runs = byPath(await scan());
    assert.deepEqual(runs.get('outer')!.params, { level: 'outer' });
    assert.deepEqual(runs.get('outer/inner')!.params, { level: 'inner' });
    assert.equal(runs.size, 2);
  });

  it('keeps a job whose folder holds the default `<job>.log` (or any .log) when every reader runs', async () => {
    // Hydra writes `<job.name>.log` into every job folder; the Keras reader nominates *.log files and yields no run
    // for them, which once made the job fold into a run that does not exist.
    writeHydraJob(root, 'outputs/d/t', {
      config: { lr: 0.5 },
      jobName: 'train',
      log: ['[2024-05-01 12:34:56,789][__main__][INFO] - start'],
    });
    writeHydraJob(root, 'multirun/d/t/0', { config: { lr: 0.1 }, num: 0, mode: 'MULTIRUN' });
    fs.writeFileSync(path.join(root, 'multirun/d/t/0/x.log'), '');
    const r = await scanFolder(root, { readers: READERS });
    assert.deepEqual(r.runs.map((x) => [x.format, x.path, x.params]).sort(), [
      ['hydra', 'multirun/d/t/0', { lr: 0.1 }],
      ['hydra', 'outputs/d/t', { lr: 0.5 }],
    ]);
    assert.deepEqual(r.diagnostics, []);
  });

  describe('with a run of another format inside the job folder', () => {
    const all = (): Promise<ScanResult> => scanFolder(root, { readers: [hydraReader, sacredReader, hfTrainerReader] });

    it('enriches that run with the Hydra params (its own win on a clash) instead of listing the job', async () => {
      writeHydraJob(root, 'outputs/d/t', { config: { lr: 0.5, model: { depth: 3 } } });
      writeSacredRun(root, 'outputs/d/t/my_runs', '1', {
        run: runJson({ experiment: 'e', status: 'COMPLETED', start: 0, stop: 1 }),
        config: { lr: 0.1, seed: 7 },
      });
      const r = await all();
      assert.deepEqual(
        r.runs.map((x) => [x.format, x.path]),
        [['sacred', 'outputs/d/t/my_runs/1']],
      );
      assert.deepEqual(r.runs[0]!.params, { lr: 0.1, 'model.depth': 3, seed: 7 });
    });

    it('drops the params of a job folder that stopped being one, on the next pass', async () => {
      writeHydraJob(root, 'outputs/d/t', { config: { model: { depth: 3 } } });
      writeSacredRun(root, 'outputs/d/t/my_runs', '1', {
        run: runJson({ experiment: 'e', status: 'COMPLETED', start: 0, stop: 1 }),
        config: { lr: 0.1, seed: 7 },
      });
      const ix = new Indexer(root, { readers: [hydraReader, sacredReader, hfTrainerReader] });
      await ix.indexAll();
      assert.deepEqual(ix.runs()[0]!.params, { lr: 0.1, 'model.depth': 3, seed: 7 });
      fs.rmSync(path.join(root, 'outputs/d/t/.hydra'), { recursive: true });
      const delta = await ix.indexAll();
      assert.deepEqual(
        delta.updated.map((r) => r.source.format),
        ['sacred'],
        'the run is reported changed',
      );
      assert.deepEqual(ix.runs()[0]!.params, { lr: 0.1, seed: 7 });
      ix.dispose();
    });

    it('uses the nearest enclosing job folder', async () => {
      writeHydraJob(root, 'a', { config: { which: 'outer', only_outer: 1 } });
      writeHydraJob(root, 'a/b', { config: { which: 'inner' } });
      writeTrainerOutput(root, 'a/b/out', {
        top: trainerState({ globalStep: 1, logHistory: trainLogs([1], () => 1) }),
      });
      const r = await all();
      const runs = byPath(r);
      assert.deepEqual(runs.get('a/b/out')!.params, { which: 'inner' });
      assert.equal(runs.has('a/b'), false);
    });
  });
});
