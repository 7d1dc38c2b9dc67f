import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Indexer } from '../../../src/core/index/indexer';
import { wandbReader } from '../../../src/core/readers/wandb/wandb';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { items, rec, WandbLogWriter, writeWandbRun } from '../../helpers/writers/wandb';
import { feed } from './wandbFeed';
import { seededRandom as prng } from '../../helpers/fuzz';

/** A realistic log of ~3 blocks: run record, config, history rows, a multi-block record, summary, exit. */
function sampleLog(seed: number): Uint8Array {
  const rnd = prng(seed);
  const w = new WandbLogWriter();
  w.append(rec.header());
  w.append(
    rec.run({ runId: 'fuzz', project: 'p', startMs: 1714566896000, config: items({ lr: 0.1, opt: { name: 'adam' } }) }),
  );
  for (let s = 0; s < 400; s++) {
    const its = items({ loss: rnd(), acc: rnd() }, true);
    its.push({ nested: ['_step'], json: String(s) }, { nested: ['_timestamp'], json: String(1714566896 + s) });
    w.append(rec.history(its, s));
    if (s === 200) w.append(rec.config([{ key: 'blob', json: JSON.stringify('z'.repeat(40000)) }]));
    if (s % 50 === 0) w.append(rec.summary(items({ loss: rnd() }, true)));
  }
  w.append(rec.exit(0, 10));
  return w.bytes();
}

const BUDGET_MS = 2000;

describe('wandb reader fuzz', function () {
  this.timeout(60_000);

  it('truncation at many offsets: no diagnostics, no throw, points are a prefix', () => {
    const bytes = sampleLog(1);
    const whole = feed(bytes);
    assert.equal(whole.points.length, 800);
    const rnd = prng(2);
    for (let i = 0; i < 150; i++) {
      const cut = Math.floor(rnd() * bytes.length);
      const started = Date.now();
      const r = feed(bytes.subarray(0, cut), 1 + Math.floor(rnd() * 9000), true);
      assert.ok(Date.now() - started < BUDGET_MS);
      assert.deepEqual(r.problems, [], `cut at ${cut}`);
      assert.deepEqual(r.points, whole.points.slice(0, r.points.length), `cut at ${cut}`);
    }
  });

  it('flipped bytes: no throw, a diagnostic for each damaged file, later blocks still read', () => {
    const bytes = sampleLog(3);
    const rnd = prng(4);
    for (let i = 0; i < 200; i++) {
      const bad = bytes.slice();
      const flips = 1 + Math.floor(rnd() * 4);
      let first = bad.length;
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(rnd() * bad.length);
        first = Math.min(first, at);
        bad[at]! ^= 1 + Math.floor(rnd() * 255);
      }
      const started = Date.now();
      const r = feed(bad, 4096, i % 2 === 0);
      assert.ok(Date.now() - started < BUDGET_MS);
      // A flip inside zero padding at a block end changes nothing the reader looks at; anything else is seen.
      if (r.problems.length === 0) {
        assert.ok(r.points.length === 800 || first < 7 || first >= bad.length - 7, `flip at ${first} unnoticed`);
      }
      for (const [k, s, v] of r.points) {
        assert.equal(typeof k, 'string');
        assert.ok(Number.isFinite(s));
        assert.equal(typeof v, 'number');
      }
    }
  });

  it('splicing two logs and random garbage: no throw, diagnostics, bounded time', () => {
    const a = sampleLog(5);
    const b = sampleLog(6);
    const rnd = prng(7);
    for (let i = 0; i < 60; i++) {
      const x = Math.floor(rnd() * a.length);
      const y = Math.floor(rnd() * b.length);
      const spliced = new Uint8Array(x + (b.length - y));
      spliced.set(a.subarray(0, x), 0);
      spliced.set(b.subarray(y), x);
      const started = Date.now();
      const r = feed(spliced, 1 + Math.floor(rnd() * 40000), true);
      assert.ok(Date.now() - started < BUDGET_MS);
      if (spliced.length > x + 64 && x > 7) assert.ok(r.problems.length > 0 || r.points.length > 0);
    }
    for (let i = 0; i < 30; i++) {
      const junk = Uint8Array.from({ length: 5000 + Math.floor(rnd() * 70000) }, () => Math.floor(rnd() * 256));
      junk.set([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00], 0);
      const r = feed(junk, 8192, true);
      // Garbage is reported, unless it reads as a chunk header whose payload lies past the end of the file:
      // that is indistinguishable from a chunk being written, so the reader waits there (no points, no error).
      assert.ok(
        r.problems.length > 0 || (r.points.length === 0 && r.consumed < junk.length),
        'garbage after a valid header is reported',
      );
      assert.ok(r.problems.length <= 20, 'diagnostics are capped');
    }
  });

  it('the whole reader on damaged run folders never throws', async () => {
    const root = makeTemp('runlens-wandb-fuzz-');
    try {
      const rnd = prng(8);
      const bytes = sampleLog(9);
      for (let i = 0; i < 25; i++) {
        const bad = bytes.slice(0, Math.floor(rnd() * bytes.length));
        for (let f = 0; f < 3; f++) if (bad.length) bad[Math.floor(rnd() * bad.length)]! ^= 0x5a;
        const junk = (n: number): string =>
          Array.from({ length: n }, () => String.fromCharCode(Math.floor(rnd() * 128))).join('');
        writeWandbRun(root, {
          id: `f${i}`,
          log: bad,
          files: {
            'config.yaml': i % 3 === 0 ? junk(200) : 'lr:\n  value: 1\n',
            'wandb-summary.json': i % 2 === 0 ? junk(100) : '{"x": NaN, "_step": 3}',
            'wandb-metadata.json': junk(50),
          },
        });
      }
      const ix = new Indexer(root, { readers: [wandbReader] });
      const started = Date.now();
      await ix.indexAll();
      assert.ok(Date.now() - started < 10_000);
      const runs = ix.runs();
      assert.equal(runs.length, 25);
      assert.ok(ix.diagnostics().length >= 25);
      assert.ok(!ix.diagnostics().some((d) => /reader failed/.test(d.message)), 'no reader threw');
      for (const r of runs) assert.ok(fs.existsSync(path.join(root, r.path)));
    } finally {
      rmTemp(root);
    }
  });
});
