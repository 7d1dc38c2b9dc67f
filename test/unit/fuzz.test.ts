import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzzWorkspace, filesUnder, seededRandom, type FuzzCase } from '../helpers/fuzz';
import { makeSampleWorkspace } from '../helpers/sampleWorkspace';
import { makeTemp, put, rmTemp } from '../helpers/tmp';
import { writeGuildRun } from '../helpers/writers/guild';
import { writeHydraJob } from '../helpers/writers/hydra';
import { writeMlflowDb } from '../helpers/writers/mlflowDb';
import { runJson, writeSacredRun } from '../helpers/writers/sacred';
import { kerasCsv, yoloResultsCsv } from '../helpers/writers/tabular';

/** Files damaged per workspace, and damages per file: bounded so the suite stays fast, fixed by the seed. */
const MAX_FILES = 48;
const PER_FILE = 2;

/** An even spread of at most `n` of `files` (the same ones every run). */
function spread(files: readonly string[], n: number): string[] {
  if (files.length <= n) return [...files];
  return Array.from({ length: n }, (_, i) => files[Math.floor((i * files.length) / n)]!);
}

function report(label: string, cases: readonly FuzzCase[]): void {
  const drops = cases.filter((c) => c.silentDrops.length > 0);
  console.log(`      fuzz ${label}: ${cases.length} damaged files read, ${drops.length} silent drops`);
  assert.deepEqual(
    drops.map((c) => `${c.file} (${c.how}): ${c.silentDrops.join(', ')} vanished without a diagnostic`),
    [],
  );
}

describe('every reader under one mutation harness (seeded)', function () {
  this.timeout(600_000);
  let root: string;
  afterEach(() => rmTemp(root));

  it('files the project writers make, one workspace of every format: no crash, no hang, no silent drop', async () => {
    root = makeTemp('runlens-fuzz-');
    await makeSampleWorkspace(root);
    put(
      root,
      'keras/model_history_log.csv',
      kerasCsv([
        { loss: 0.9, accuracy: 0.5 },
        { loss: 0.5, accuracy: 0.7 },
      ]),
    );
    put(
      root,
      'runs/detect/train/results.csv',
      yoloResultsCsv(
        ['train/box_loss', 'metrics/mAP50(B)'],
        [
          [1.2, 0.1],
          [0.9, 0.3],
        ],
      ),
    );
    put(root, 'runs/detect/train/args.yaml', 'task: detect\nepochs: 2\nlr0: 0.01\n');
    writeSacredRun(root, 'my_runs', '1', {
      run: runJson({ experiment: 'e', status: 'COMPLETED', start: 0, stop: 1 }),
      config: { lr: 0.1 },
      metrics: {
        loss: {
          steps: [0, 1],
          values: [1, 0.5],
          timestamps: ['2024-05-01T00:00:00.000000', '2024-05-01T00:00:01.000000'],
        },
      },
    });
    writeHydraJob(root, 'outputs/2024-05-01/12-00-00', {
      config: { lr: 0.1, model: { depth: 3 } },
      overrides: ['lr=0.1'],
      log: ['[2024-05-01 12:00:00,000][__main__][INFO] - start'],
    });
    await writeMlflowDb(
      path.join(root, 'db/mlflow.db'),
      [{ id: 0, name: 'Default' }],
      [
        {
          id: 'f'.repeat(32),
          experimentId: 0,
          name: 'in-db',
          params: { lr: '0.1' },
          metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }],
        },
      ],
    );
    writeGuildRun(root, '.guild', {
      id: 'a'.repeat(32),
      flags: { lr: 0.05 },
      label: 'l',
      started: 1796594617734106,
      stopped: 1796594633774040,
      exitStatus: 0,
      scalars: [
        ['loss', 0.5, 0],
        ['loss', 0.25, 1],
      ],
      sources: { 'train.py': 'lr = 0.05\n' },
    });
    const files = filesUnder(root).filter((f) => !f.startsWith('.git/'));
    report('(writers)', await fuzzWorkspace(root, spread(files, MAX_FILES), seededRandom(0xf022), PER_FILE));
  });

  it('the real files of the shared fixtures, one source per format', async function () {
    const fixtures = process.env.RUNLENS_FIXTURES;
    if (!fixtures || !fs.existsSync(fixtures)) {
      console.log('      fuzz (shared fixtures): RUNLENS_FIXTURES not set or missing; skipped');
      this.skip();
    }
    root = makeTemp('runlens-fuzz-real-');
    const cases: FuzzCase[] = [];
    const rand = seededRandom(0x4ea1);
    for (const format of fs.readdirSync(fixtures!).sort()) {
      const dir = path.join(fixtures!, format);
      if (!fs.statSync(dir).isDirectory()) continue;
      const source = fs
        .readdirSync(dir)
        .filter((n) => fs.statSync(path.join(dir, n)).isDirectory())
        .sort()[0];
      if (!source) continue;
      const ws = path.join(root, format);
      fs.cpSync(path.join(dir, source), ws, { recursive: true, verbatimSymlinks: true });
      const files = filesUnder(ws).filter((f) => fs.statSync(path.join(ws, f)).size <= 4 * 1024 * 1024);
      cases.push(...(await fuzzWorkspace(ws, spread(files, MAX_FILES / 3), rand, 1)));
    }
    report('(shared fixtures)', cases);
  });
});
