import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Reader } from '../../../src/core/readers/types';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { lineReader } from '../../helpers/lineReader';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';

describe('workspace index (multi-root)', () => {
  let a: string;
  let b: string;
  beforeEach(() => {
    a = makeTemp();
    b = makeTemp();
  });
  afterEach(() => {
    rmTemp(a);
    rmTemp(b);
  });

  it('keeps equal relative paths of two folders apart and knows where each run lives', async () => {
    for (const [root, name] of [
      [a, 'first'],
      [b, 'second'],
    ] as const) {
      put(root, 'exp/run.txt', `name=${name}\n`);
      put(root, 'exp/points.log', 'loss 0 1\n');
    }
    const ix = await WorkspaceIndex.open(
      [
        { path: a, name: 'A' },
        { path: b, name: 'B' },
      ],
      { readers: [lineReader] },
    );
    const changes: string[][] = [];
    ix.onDidChange.on((e) => changes.push(e.changed));
    await ix.indexAll();
    const runs = ix.runs();
    assert.equal(runs.length, 2);
    assert.notEqual(runs[0]!.id, runs[1]!.id);
    const first = runs.find((r) => r.name === 'first')!;
    assert.equal(ix.absPath(first), path.join(a, 'exp'));
    assert.equal(ix.rootOf(first.id)!.name, 'A');
    assert.deepEqual(ix.filesOf(first.id).sort(), [path.join(a, 'exp/points.log'), path.join(a, 'exp/run.txt')]);
    assert.deepEqual(
      changes.map((c) => c.length),
      [2],
    );

    fs.appendFileSync(path.join(b, 'exp/points.log'), 'loss 1 0.5\n');
    const change = await ix.refresh([path.join(b, 'exp/points.log')]);
    const second = ix.runs().find((r) => r.name === 'second')!;
    assert.deepEqual(change, { changed: [second.id], removed: [] });
    assert.equal(second.metrics.loss!.last, 0.5);
    const series = await ix.readSeries(second.id, ['loss']);
    assert.deepEqual([...series[0]!.values], [1, 0.5]);
    ix.dispose();
  });

  it("keeps each folder's folder-level problems apart", async () => {
    // A reader whose detection throws gives a folder-level problem in each workspace folder.
    const broken: Reader = {
      format: 'yolo',
      detect: () => {
        throw new Error('boom');
      },
      read: async () => [],
    };
    put(a, 'x/y.txt', 'x');
    put(b, 'x/y.txt', 'x');
    const ix = await WorkspaceIndex.open(
      [
        { path: a, name: 'A' },
        { path: b, name: 'B' },
      ],
      { readers: [lineReader, broken] },
    );
    await ix.indexAll();
    const problems = ix.diagnostics().filter((d) => d.path === 'x' && /detection failed: boom/.test(d.message));
    assert.equal(problems.length, 2, JSON.stringify(ix.diagnostics()));
    ix.dispose();
  });

  it('stores every run of a big pass (applied to the store in slices)', async () => {
    for (let i = 0; i < 700; i++) {
      put(a, `runs/r${i}/run.txt`, `name=r${i}\n`);
      put(a, `runs/r${i}/points.log`, `loss 0 ${i}\n`);
    }
    const ix = await WorkspaceIndex.open([{ path: a, name: 'A' }], { readers: [lineReader] });
    const change = await ix.indexAll();
    assert.equal(change.changed.length, 700);
    assert.equal(ix.runCount(), 700);
    assert.equal(ix.runs().length, 700);
    assert.equal(new Set(ix.runs().map((r) => r.name)).size, 700);
    ix.dispose();
  });

  it('opens from a snapshot, and discards a corrupt one', async () => {
    put(a, 'exp/run.txt', 'name=one\n');
    put(a, 'exp/points.log', 'loss 0 1\n');
    const roots = [{ path: a, name: 'A' }];
    const ix = await WorkspaceIndex.open(roots, { readers: [lineReader] });
    await ix.indexAll();
    const snapshot = ix.snapshot();
    ix.dispose();

    const warm = await WorkspaceIndex.open(roots, { readers: [lineReader] }, snapshot);
    assert.deepEqual(
      warm.runs().map((r) => r.name),
      ['one'],
      'runs are there before any pass',
    );
    const delta = await warm.indexAll();
    assert.deepEqual(delta, { changed: [], removed: [] }, 'nothing re-read: the snapshot was current');
    warm.dispose();

    const errors: string[] = [];
    const cold = await WorkspaceIndex.open(roots, { readers: [lineReader] }, snapshot.slice(0, 100), (e) =>
      errors.push(e.message),
    );
    assert.equal(cold.runs().length, 0);
    assert.equal(errors.length, 1);
    cold.dispose();
  });
});
