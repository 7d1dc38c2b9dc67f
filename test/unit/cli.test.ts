import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runId } from '../../src/core/ids';
import { cli } from '../helpers/runCli';
import { makeTemp, put, rmTemp } from '../helpers/tmp';
import { writeMlflowStore } from '../helpers/writers/mlflowFiles';

const T0 = 1_700_000_000_000;

describe('CLI', () => {
  let root: string;
  const A = 'a'.repeat(32);
  const B = 'b'.repeat(32);
  const idA = runId('mlflow', `mlruns/1/${A}`);
  const idB = runId('mlflow', `mlruns/1/${B}`);

  before(() => {
    root = makeTemp();
    writeMlflowStore(root, 'mlruns', [
      {
        id: '1',
        name: 'sweep',
        runs: [
          {
            id: A,
            runName: 'base <b>',
            startTime: T0,
            endTime: T0 + 60_000,
            params: { lr: '0.1', layers: '2' },
            tags: { 'mlflow.source.git.commit': 'c0ffee' },
            metrics: {
              val_loss: [
                [T0, 1.0, 0],
                [T0 + 1, 0.5, 1],
              ],
              acc: [[T0, 0.7, 1]],
            },
          },
          {
            id: B,
            runName: 'wider|lr',
            startTime: T0 + 100,
            endTime: T0 + 200,
            params: { lr: '0.01', layers: '2' },
            metrics: {
              val_loss: [
                [T0, 0.9, 0],
                [T0 + 1, 0.25, 1],
              ],
              acc: [[T0, 0.8, 1]],
            },
          },
        ],
      },
    ]);
    put(root, 'broken/mlruns/1/meta.yaml', 'experiment_id: "1"\nname: x\nartifact_location: x\n');
  });
  after(() => rmTemp(root));

  it('index --json prints the contract with stable ids', async () => {
    const { code, out } = await cli(['index', root, '--json']);
    assert.equal(code, 0);
    const json = JSON.parse(out);
    const a = json.runs.find((r: { id: string }) => r.id === idA);
    assert.deepEqual(
      {
        format: a.format,
        path: a.path,
        name: a.name,
        experiment: a.experiment,
        status: a.status,
        startTime: a.startTime,
        commit: a.git.commit,
        lr: a.params.lr,
      },
      {
        format: 'mlflow',
        path: `mlruns/1/${A}`,
        name: 'base <b>',
        experiment: 'sweep',
        status: 'finished',
        startTime: new Date(T0).toISOString(),
        commit: 'c0ffee',
        lr: '0.1',
      },
    );
    assert.deepEqual(a.metrics.val_loss, { last: 0.5, lastStep: 1, min: 0.5, max: 1, count: 2 });
    const again = JSON.parse((await cli(['index', root, '--json'])).out);
    assert.deepEqual(
      again.runs.map((r: { id: string }) => r.id),
      json.runs.map((r: { id: string }) => r.id),
    );
  });

  it('list prints a table with one row per run', async () => {
    const { code, out } = await cli(['list', root]);
    assert.equal(code, 0);
    assert.match(out, new RegExp(`${idA}\\s+mlflow\\s+base <b>\\s+sweep\\s+finished`));
    assert.match(out, /2 runs/);
  });

  it('show resolves a run by id prefix and prints params and metrics', async () => {
    const { code, out } = await cli(['show', root, idB.slice(0, 6)]);
    assert.equal(code, 0);
    assert.match(out, /^wider\|lr {2}\(mlflow, finished\)/);
    assert.match(out, /val_loss\s+0\.25\s+1\s+0\.25\s+0\.9\s+2/);
  });

  it('diff prints only differing params and deltas vs the first run, in text, md and json', async () => {
    const text = await cli(['diff', root, idA, idB]);
    assert.equal(text.code, 0);
    assert.match(text.out, /lr\s+0\.1\s+0\.01/);
    assert.doesNotMatch(text.out, /layers/);
    assert.match(text.out, /val_loss\s+0\.5\s+0\.25 \(−0\.25, −50\.0%\) ★/);
    const all = await cli(['diff', root, idA, idB, '--all']);
    assert.match(all.out, /layers\s+2\s+2/);
    const md = await cli(['diff', root, idA, idB, '--format', 'md']);
    assert.match(md.out, /\| lr \| 0\.1 \| 0\.01 \|/);
    assert.ok(md.out.includes('base &lt;b&gt;'), 'run names are escaped in Markdown');
    assert.ok(md.out.includes('wider\\|lr'), 'pipes in names do not break the table');
    const json = JSON.parse((await cli(['diff', root, idA, idB, '--format=json'])).out);
    const vl = json.metrics.find((m: { key: string }) => m.key === 'val_loss');
    assert.equal(vl.best, idB);
    assert.equal(vl.runs[1].delta, -0.25);
  });

  it('query answers read-only SQL and refuses writes with exit code 1', async () => {
    const ok = await cli(['query', root, "SELECT count(*) AS n FROM params WHERE key = 'lr'", '--json']);
    assert.equal(ok.code, 0);
    assert.deepEqual(JSON.parse(ok.out).rows, [[2]]);
    const refused = await cli(['query', root, 'UPDATE runs SET name = 1']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /^runlens: only read-only queries/);
    assert.equal(refused.err.trim().split('\n').length, 1, 'one clear line');
  });

  it('exits 2 on usage errors and 1 on missing folders or runs', async () => {
    assert.equal((await cli([])).code, 2);
    assert.equal((await cli(['frobnicate', root])).code, 2);
    assert.equal((await cli(['diff', root, idA])).code, 2);
    assert.equal((await cli(['diff', root, idA, idB, '--format', 'xml'])).code, 2);
    assert.equal((await cli(['list', root, '--bogus'])).code, 2);
    const missing = await cli(['list', path.join(root, 'nope')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no such folder/);
    const noRun = await cli(['show', root, 'zzzz']);
    assert.equal(noRun.code, 1);
    assert.match(noRun.err, /no run "zzzz"/);
  });

  it('runs as a real process from the bundle with the same exit codes', function () {
    const bundle = path.resolve(__dirname, '../../../dist/cli.js');
    if (!fs.existsSync(bundle)) this.skip(); // npm test builds it first; a bare mocha run may not have
    const ok = spawnSync(process.execPath, [bundle, 'list', root], { encoding: 'utf8' });
    assert.equal(ok.status, 0);
    assert.match(ok.stdout, /2 runs/);
    const usage = spawnSync(process.execPath, [bundle, 'diff'], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /runlens: diff needs <dir>/);
  });
});
