import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mlflowDbReader } from '../../../src/core/readers/mlflow/mlflowDb';
import { mlflowFilesReader } from '../../../src/core/readers/mlflow/mlflowFiles';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeMlflowDb, type DbRun } from '../../helpers/writers/mlflowDb';
import { writeMlflowStore, type MetricPoint } from '../../helpers/writers/mlflowFiles';
import { readFolder, type ReadResult } from '../../helpers/writers/mlflowHarness';
import type { Reader } from '../../../src/core/readers/types';
import { seededRandom as prng } from '../../helpers/fuzz';

const T0 = 1721450907221;
const IDS = [
  'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  'b1b2c3d4e5f60718293a4b5c6d7e8f91',
  'c1b2c3d4e5f60718293a4b5c6d7e8f92',
];

function points(n: number, rnd: () => number): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (let i = 0; i < n; i++) out.push([T0 + i * 13, rnd() * 10 - 5, i]);
  return out;
}

function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out.sort();
}

/** Reads with a time bound; a throw or a hang fails the test. */
async function boundedRead(root: string, readers: readonly Reader[], ms: number): Promise<ReadResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`read took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([readFolder(root, readers), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('mlflow readers under damaged input (seeded fuzz)', function () {
  this.timeout(120_000);
  let root: string;
  beforeEach(() => {
    root = makeTemp('runlens-mlflowfuzz-');
  });
  afterEach(() => rmTemp(root));

  it('FileStore: truncation, byte flips and splices never throw, stay bounded, keep known paths', async () => {
    const rnd = prng(20240601);
    const store = writeMlflowStore(root, 'mlruns', [
      {
        id: '0',
        name: 'Default',
        runs: IDS.map((id, i) => ({
          id,
          runName: `run-${i}`,
          params: { lr: String(0.1 * (i + 1)), 'model/depth': String(i) },
          tags: { 'mlflow.source.git.commit': 'f'.repeat(40), ...(i > 0 ? { 'mlflow.parentRunId': IDS[0]! } : {}) },
          metrics: { loss: points(300, rnd), 'train/acc': points(50, rnd) },
        })),
      },
    ]);
    const files = allFiles(store).filter((f) => !f.includes('.trash'));
    const known = new Set(IDS.map((id) => `mlruns/0/${id}`));
    for (let iter = 0; iter < 150; iter++) {
      const target = files[Math.floor(rnd() * files.length)]!;
      const original = fs.readFileSync(target);
      const kind = iter % 3;
      let mutated: Buffer;
      if (kind === 0) {
        mutated = original.subarray(0, Math.floor(rnd() * (original.length + 1)));
      } else if (kind === 1) {
        mutated = Buffer.from(original);
        const flips = 1 + Math.floor(rnd() * 8);
        for (let i = 0; i < flips && mutated.length > 0; i++)
          mutated[Math.floor(rnd() * mutated.length)] = Math.floor(rnd() * 256);
      } else {
        const other = fs.readFileSync(files[Math.floor(rnd() * files.length)]!);
        mutated = Buffer.concat([
          original.subarray(0, Math.floor(rnd() * original.length)),
          other.subarray(Math.floor(rnd() * other.length)),
        ]);
      }
      fs.writeFileSync(target, mutated);
      try {
        const r = await boundedRead(root, [mlflowFilesReader], 5000);
        assert.ok(r.runs.length <= IDS.length);
        for (const x of r.runs) {
          assert.ok(known.has(x.path), `unexpected run ${x.path}`);
          // A splice can join two metric files, never more lines than the store holds.
          for (const m of Object.values(x.metrics)) assert.ok(m.count <= 3 * 350);
        }
      } finally {
        fs.writeFileSync(target, original);
      }
    }
  });

  it('FileStore: a corrupted character in a middle metric line is always diagnosed, other lines kept', async () => {
    const rnd = prng(7);
    const store = writeMlflowStore(root, 'mlruns', [
      { id: '0', name: 'Default', runs: [{ id: IDS[0]!, metrics: { loss: points(200, rnd) } }] },
    ]);
    const file = path.join(store, '0', IDS[0]!, 'metrics', 'loss');
    const original = fs.readFileSync(file);
    const lastLineStart = original.lastIndexOf(10, original.length - 2) + 1;
    for (let iter = 0; iter < 40; iter++) {
      let pos: number;
      do pos = Math.floor(rnd() * lastLineStart);
      while (original[pos] === 10);
      const mutated = Buffer.from(original);
      mutated[pos] = 'xqz#'.charCodeAt(iter % 4);
      fs.writeFileSync(file, mutated);
      const r = await boundedRead(root, [mlflowFilesReader], 5000);
      const rel = `mlruns/0/${IDS[0]}/metrics/loss`;
      const line = original.subarray(0, pos).toString('latin1').split('\n').length;
      assert.deepEqual(
        r.diagnostics.map((d) => [d.path, d.message.endsWith(` at line ${line}`)]),
        [[rel, true]],
        `byte ${pos}: ${JSON.stringify(r.diagnostics)}`,
      );
      assert.equal(r.runs[0]!.metrics['loss']!.count, 199);
    }
  });

  it('mlflow.db: truncation, byte flips and splices never throw and stay bounded', async () => {
    const rnd = prng(99);
    const runs: DbRun[] = IDS.map((id, i) => ({
      id,
      experimentId: 0,
      name: `run-${i}`,
      params: { lr: String(i) },
      tags: i > 0 ? { 'mlflow.parentRunId': IDS[0]! } : ({} as Record<string, string>),
      metrics: points(400, rnd).map(([timestamp, value, step]) => ({
        key: i % 2 ? 'loss' : 'acc',
        value,
        timestamp,
        step,
      })),
    }));
    const file = path.join(root, 'mlflow.db');
    await writeMlflowDb(file, [{ id: 0, name: 'Default' }], runs);
    const original = fs.readFileSync(file);
    const other = Buffer.from(`${T0} 0.5 1\n`.repeat(500));
    let diagnosed = 0;
    let truncatedBelowData = 0;
    for (let iter = 0; iter < 90; iter++) {
      const kind = iter % 3;
      let mutated: Buffer;
      const cut = Math.floor(rnd() * original.length);
      if (kind === 0) mutated = original.subarray(0, cut);
      else if (kind === 1) {
        mutated = Buffer.from(original);
        for (let i = 0; i < 1 + Math.floor(rnd() * 16); i++)
          mutated[Math.floor(rnd() * mutated.length)] = Math.floor(rnd() * 256);
      } else
        mutated = Buffer.concat([
          original.subarray(0, cut),
          rnd() < 0.5 ? other : original.subarray(Math.floor(rnd() * original.length)),
        ]);
      fs.writeFileSync(file, mutated);
      const r = await boundedRead(root, [mlflowDbReader], 10_000);
      assert.ok(r.runs.length <= IDS.length);
      for (const x of r.runs) assert.ok(IDS.some((id) => x.path === `mlflow.db#${id}`));
      if (r.diagnostics.length > 0) diagnosed++;
      // Cutting off half the file loses pages the schema points to: that must be reported, never silent.
      if (kind === 0 && cut < original.length / 2) {
        truncatedBelowData++;
        assert.ok(r.diagnostics.length > 0, `truncated at ${cut} of ${original.length} without a diagnostic`);
      }
    }
    assert.ok(
      truncatedBelowData > 5 && diagnosed > 20,
      `${truncatedBelowData} deep truncations, ${diagnosed} diagnosed`,
    );
  });
});
