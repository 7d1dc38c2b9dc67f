import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunStore } from '../../../src/core/db/runStore';
import { Indexer, unpackState } from '../../../src/core/index/indexer';
import { decodeSnapshotRecords, readSnapshot, writeSnapshot } from '../../../src/core/index/snapshot';
import type { Reader } from '../../../src/core/readers/types';
import { lineReader } from '../../helpers/lineReader';
import { makeTemp, put, rmTemp, touchLater } from '../../helpers/tmp';

describe('indexer', () => {
  let root: string;
  beforeEach(() => {
    root = makeTemp();
  });
  afterEach(() => rmTemp(root));

  const index = (readers: readonly Reader[] = [lineReader]) => new Indexer(root, { readers });

  it('indexes runs and summarises their points', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    put(root, 'a/points.log', 'loss 0 2.0\nloss 1 1.0\nacc 1 0.5\n');
    put(root, 'b/c/run.txt', 'name=beta\n');
    const ix = index();
    const delta = await ix.indexAll();
    assert.equal(delta.stats.read, 2);
    const runs = ix.runs().sort((x, y) => x.path.localeCompare(y.path));
    assert.deepEqual(
      runs.map((r) => [r.path, r.name]),
      [
        ['a', 'alpha'],
        ['b/c', 'beta'],
      ],
    );
    assert.deepEqual(runs[0]!.metrics.loss, { last: 1, lastStep: 1, min: 1, max: 2, count: 2 });
    assert.equal(runs[0]!.id.length, 12);
    // b/c has no points.log: a diagnostic for that file, the run still indexed.
    assert.deepEqual(
      ix.diagnostics().map((d) => d.path),
      ['b/c/points.log'],
    );
  });

  it('re-reads nothing when nothing changed, and only the changed source otherwise', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    put(root, 'a/points.log', 'loss 0 2.0\n');
    put(root, 'b/run.txt', 'name=beta\n');
    put(root, 'b/points.log', 'loss 0 3.0\n');
    const ix = index();
    await ix.indexAll();
    const again = await ix.indexAll();
    assert.deepEqual([again.stats.read, again.stats.skipped, again.updated.length], [0, 2, 0]);
    const f = put(root, 'b/run.txt', 'name=beta2\n');
    touchLater(f);
    const third = await ix.indexAll();
    assert.deepEqual(
      third.updated.map((r) => r.key),
      ['keras:b'],
    );
    assert.equal(ix.runs().find((r) => r.path === 'b')!.name, 'beta2');
  });

  it('follows an append-only file from where it stopped, waiting for a half-written line', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    const log = put(root, 'a/points.log', 'loss 0 2.0\nloss 1 1.');
    const ix = index();
    await ix.indexAll();
    assert.deepEqual(ix.runs()[0]!.metrics.loss, { last: 2, lastStep: 0, min: 2, max: 2, count: 1 });
    assert.equal(ix.diagnostics().length, 0, 'a half-written last line is not an error');
    fs.appendFileSync(log, '5\nloss 2 0.5\n');
    const delta = await ix.refresh([log]);
    assert.equal(delta.updated.length, 1);
    assert.deepEqual(ix.runs()[0]!.metrics.loss, { last: 0.5, lastStep: 2, min: 0.5, max: 2, count: 3 });
    // The cursor moved to the end: the bytes already read are not parsed again.
    const rec = [...ix.sourceRecords()][0]!;
    assert.equal(rec.state.cursors['a/points.log']!.offset, fs.statSync(log).size);
  });

  it('keeps reporting a bad record in bytes already read when the file grows', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    const log = put(root, 'a/points.log', 'loss 0 2.0\ngarbage\n');
    const ix = index();
    await ix.indexAll();
    assert.deepEqual(
      ix.diagnostics().map((d) => d.message),
      ['bad line 2'],
    );
    fs.appendFileSync(log, 'loss 1 1.0\n');
    await ix.refresh([log]);
    assert.deepEqual(
      ix.diagnostics().map((d) => d.message),
      ['bad line 2'],
    );
    assert.equal(ix.runs()[0]!.metrics.loss!.count, 2);
  });

  it('reads a rewritten (not appended) file from the start', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    const log = put(root, 'a/points.log', 'loss 0 2.0\nloss 1 1.0\n');
    const ix = index();
    await ix.indexAll();
    fs.writeFileSync(log, 'xx 0 9.0\nloss 0 7.0\nloss 1 8.0\n');
    touchLater(log);
    await ix.indexAll();
    assert.deepEqual(ix.runs()[0]!.metrics.loss, { last: 8, lastStep: 1, min: 7, max: 8, count: 2 });
    assert.equal(ix.runs()[0]!.metrics.xx!.count, 1);
  });

  it('reads a file rewritten with the same first bytes and more content from the start', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    const head = 'loss 0 2.0\n'.repeat(10); // longer than the 64 bytes compared at the start
    const log = put(root, 'a/points.log', head + 'loss 10 1.0\n');
    const ix = index();
    await ix.indexAll();
    fs.writeFileSync(log, head + 'acc 10 0.5\nloss 11 0.25\n');
    const delta = await ix.refresh([log]);
    assert.equal(delta.updated.length, 1);
    const m = ix.runs()[0]!.metrics;
    assert.deepEqual(m.loss, { last: 0.25, lastStep: 11, min: 0.25, max: 2, count: 11 });
    assert.deepEqual(m.acc, { last: 0.5, lastStep: 10, min: 0.5, max: 0.5, count: 1 });
  });

  it('picks up a new run and drops a removed one in a targeted refresh', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    put(root, 'a/points.log', '');
    const ix = index();
    await ix.indexAll();
    const created = put(root, 'new/deep/run.txt', 'name=fresh\n');
    put(root, 'new/deep/points.log', 'm 0 1\n');
    let delta = await ix.refresh([path.dirname(path.dirname(created))]);
    assert.deepEqual(
      delta.updated.map((r) => r.key),
      ['keras:new/deep'],
    );
    fs.rmSync(path.join(root, 'a'), { recursive: true });
    delta = await ix.refresh([path.join(root, 'a')]);
    assert.deepEqual(delta.removed, ['keras:a']);
    assert.deepEqual(
      ix.runs().map((r) => r.name),
      ['fresh'],
    );
  });

  it('contains a reader that throws: a diagnostic, and the other runs still indexed', async () => {
    const throwing: Reader = {
      format: 'yolo',
      detect: (dir, tree) => lineReader.detect(dir, tree).map((s) => ({ ...s, format: 'yolo' as const })),
      read: async () => {
        throw new Error('boom');
      },
    };
    put(root, 'a/run.txt', 'name=alpha\n');
    put(root, 'a/points.log', '');
    const ix = index([lineReader, throwing]);
    await ix.indexAll();
    assert.deepEqual(
      ix.runs().map((r) => r.name),
      ['alpha'],
    );
    assert.ok(ix.diagnostics().some((d) => /yolo: reader failed: boom/.test(d.message)));
  });

  it('reads full curves on demand', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    put(root, 'a/points.log', 'loss 0 2\nacc 0 0.1\nloss 5 1\n');
    const ix = index();
    await ix.indexAll();
    const run = ix.runs()[0]!;
    const series = await ix.readSeries(run, ['loss']);
    assert.equal(series.length, 1);
    assert.deepEqual([...series[0]!.steps], [0, 5]);
    assert.deepEqual([...series[0]!.values], [2, 1]);
    assert.equal(series[0]!.extremes?.smoothed, undefined);
    // read for a panel: the smoothing it starts with is summarised too
    const [smoothed] = await ix.readSeries(run, ['loss'], 0.6);
    assert.equal(smoothed!.extremes?.smoothed?.weight, 0.6);
    assert.deepEqual([...smoothed!.extremes!.smoothed!.minS], [(0.4 * 2 * 0.6 + 0.4 * 1) / (1 - 0.36)]);
  });

  it('does not follow directory symlinks (no loops, no run seen twice)', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    put(root, 'a/points.log', '');
    fs.symlinkSync(path.join(root, 'a'), path.join(root, 'link'));
    fs.symlinkSync(root, path.join(root, 'a', 'loop'));
    const ix = index();
    await ix.indexAll();
    assert.deepEqual(
      ix.runs().map((r) => r.path),
      ['a'],
    );
  });

  it('warm-starts from a snapshot and re-reads only what changed since', async () => {
    put(root, 'a/run.txt', 'name=alpha\n');
    const log = put(root, 'a/points.log', 'loss 0 2\n');
    put(root, 'b/run.txt', 'name=beta\n');
    put(root, 'b/points.log', 'loss 0 3\n');
    const ix = index();
    const store = await RunStore.create();
    store.apply(await ix.indexAll());
    const bytes = writeSnapshot(store.export(), ix.sourceRecords(), store.runs());
    store.dispose();

    const { sqlite, records } = readSnapshot(bytes);
    const restored = await RunStore.fromSnapshot(sqlite);
    assert.equal(restored.runCount(), 2);
    const ix2 = index();
    ix2.restore(decodeSnapshotRecords(records));
    fs.appendFileSync(log, 'loss 1 1\n');
    const delta = await ix2.indexAll();
    assert.deepEqual(
      delta.updated.map((r) => r.key),
      ['keras:a'],
    );
    restored.apply(delta);
    const a = restored.runs().find((r) => r.path === 'a')!;
    assert.deepEqual(a.metrics.loss, { last: 1, lastStep: 1, min: 1, max: 2, count: 2 });
    restored.dispose();
  });
});

describe('indexer with worker threads', function () {
  this.timeout(30_000);
  let root: string;
  before(() => {
    root = makeTemp();
    // Enough real runs (Lightning CSVLogger) to cross the threshold where a pass goes to the workers.
    for (let v = 0; v < 80; v++) {
      put(root, `lightning_logs/version_${v}/hparams.yaml`, `lr: ${v / 1000}\nlayers: ${v % 4}\n`);
      const rows = ['epoch,step,train_loss,val_loss'];
      for (let step = 0; step < 50; step++)
        rows.push(
          `${Math.floor(step / 10)},${step},${(2 + v / 10) / (step + 1)},${step % 10 === 9 ? 1 / (step + v) : ''}`,
        );
      put(root, `lightning_logs/version_${v}/metrics.csv`, rows.join('\n') + '\n');
    }
  });
  after(() => rmTemp(root));

  it('gives exactly the runs and summaries of a single-threaded pass', async () => {
    const { READERS } = await import('../../../src/core/readers');
    const single = new Indexer(root, { readers: READERS });
    const parallel = new Indexer(root, { readers: READERS, workers: 2 });
    try {
      await single.indexAll();
      const delta = await parallel.indexAll();
      assert.equal(delta.stats.read, 80);
      const byPath = (runs: ReturnType<Indexer['runs']>) => runs.sort((a, b) => a.path.localeCompare(b.path));
      assert.deepEqual(byPath(parallel.runs()), byPath(single.runs()));
      assert.equal(parallel.runs().length, 80);
      assert.deepEqual(parallel.runs().find((r) => r.path === 'lightning_logs/version_7')!.params, {
        lr: 0.007,
        layers: 3,
      });
      // The next pass resumes from the records the workers returned: nothing is read again.
      const again = await parallel.indexAll();
      assert.deepEqual([again.stats.read, again.stats.skipped], [0, 80]);
      // Appends to every run: the workers resume each file from the cursors the calling thread kept packed.
      for (let v = 0; v < 80; v++) {
        const csv = path.join(root, `lightning_logs/version_${v}/metrics.csv`);
        fs.appendFileSync(csv, `5,50,0.001,\n`);
        touchLater(csv);
      }
      const third = await parallel.indexAll();
      assert.equal(third.stats.read, 80);
      const v7 = parallel.runs().find((r) => r.path === 'lightning_logs/version_7')!;
      assert.deepEqual(v7.metrics.train_loss, { last: 0.001, lastStep: 50, min: 0.001, max: 2.7, count: 51 });
      const rec = [...parallel.sourceRecords()].find((r) => r.key === 'lightning:lightning_logs/version_7')!;
      assert.ok(rec.packedCursors, 'cursors kept packed in the calling thread');
      assert.equal(
        unpackState(rec).cursors['lightning_logs/version_7/metrics.csv']!.offset,
        fs.statSync(path.join(root, 'lightning_logs/version_7/metrics.csv')).size,
      );
    } finally {
      parallel.dispose();
    }
  });
});

describe('indexer refresh with many events', function () {
  this.timeout(30_000);
  it('handles the events of a deleted tree of thousands of files quickly and exactly', async () => {
    const root = makeTemp();
    try {
      for (let i = 0; i < 1500; i++) {
        put(root, `big/r${i}/run.txt`, `name=r${i}\n`);
        put(root, `big/r${i}/points.log`, 'loss 0 1\n');
      }
      put(root, 'keep/run.txt', 'name=keep\n');
      put(root, 'keep/points.log', 'loss 0 1\n');
      const ix = new Indexer(root, { readers: [lineReader] });
      await ix.indexAll();
      assert.equal(ix.runs().length, 1501);
      // A watcher reports every file and folder of a deleted tree.
      const events: string[] = [path.join(root, 'big')];
      for (let i = 0; i < 1500; i++)
        events.push(
          path.join(root, `big/r${i}`),
          path.join(root, `big/r${i}/run.txt`),
          path.join(root, `big/r${i}/points.log`),
        );
      fs.rmSync(path.join(root, 'big'), { recursive: true });
      const t0 = Date.now();
      const delta = await ix.refresh(events);
      const ms = Date.now() - t0;
      assert.equal(delta.removed.length, 1500);
      assert.deepEqual(
        ix.runs().map((r) => r.name),
        ['keep'],
      );
      // Quadratic work over 4,500 events and 3,000 folders took seconds; linear work takes a few dozen ms.
      assert.ok(ms < 2000, `refresh took ${ms} ms`);
    } finally {
      rmTemp(root);
    }
  });
});

describe('polling active runs', () => {
  it('picks up an append that no watcher reported', async () => {
    const root = makeTemp();
    try {
      put(root, 'a/run.txt', 'name=alpha\n');
      const log = put(root, 'a/points.log', 'loss 0 2\n');
      const ix = new Indexer(root, { readers: [lineReader] });
      await ix.indexAll();
      assert.equal(await ix.pollActive(60_000), undefined, 'nothing changed: nothing to do');
      fs.appendFileSync(log, 'loss 1 1\n');
      const delta = await ix.pollActive(60_000);
      assert.deepEqual(
        delta?.updated.map((r) => r.key),
        ['keras:a'],
      );
      assert.equal(ix.runs()[0]!.metrics.loss!.count, 2);
      // Files older than the window are not looked at (an hour-old change goes to the watcher or a refresh).
      const old = new Date(Date.now() - 3_600_000);
      fs.appendFileSync(log, 'loss 2 0.5\n');
      fs.utimesSync(log, old, old);
      assert.ok(await ix.pollActive(60_000), 'seen: the last known mtime was recent');
      fs.appendFileSync(log, 'loss 3 0.25\n');
      fs.utimesSync(log, old, old);
      assert.equal(await ix.pollActive(60_000), undefined);
      assert.equal(ix.runs()[0]!.metrics.loss!.count, 3);
    } finally {
      rmTemp(root);
    }
  });

  it('keeps following a run that became active after the recent files were listed', async () => {
    const root = makeTemp();
    try {
      put(root, 'a/run.txt', 'name=alpha\n');
      put(root, 'a/points.log', 'loss 0 2\n');
      put(root, 'b/run.txt', 'name=beta\n');
      const logB = put(root, 'b/points.log', 'loss 0 2\n');
      const old = new Date(Date.now() - 3_600_000);
      for (const f of ['b/run.txt', 'b/points.log']) fs.utimesSync(path.join(root, f), old, old);
      const ix = new Indexer(root, { readers: [lineReader] });
      await ix.indexAll();
      assert.equal(await ix.pollActive(60_000), undefined, 'lists the recent files: only alpha is');
      // beta starts training again: the watcher reports the first append, then drops the next ones
      fs.appendFileSync(logB, 'loss 1 1\n');
      await ix.refresh([logB]);
      fs.appendFileSync(logB, 'loss 2 0.5\n');
      const delta = await ix.pollActive(60_000);
      assert.deepEqual(
        delta?.updated.map((r) => r.key),
        ['keras:b'],
      );
      assert.equal(ix.runs().find((r) => r.name === 'beta')!.metrics.loss!.count, 3);
      // a new run appears (the list is found again) and is followed too
      const logC = put(root, 'c/points.log', 'loss 0 2\n');
      put(root, 'c/run.txt', 'name=gamma\n');
      await ix.refresh([path.join(root, 'c')]);
      fs.appendFileSync(logC, 'loss 1 1\n');
      assert.deepEqual(
        (await ix.pollActive(60_000))?.updated.map((r) => r.key),
        ['keras:c'],
      );
    } finally {
      rmTemp(root);
    }
  });
});
