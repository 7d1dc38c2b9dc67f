import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { walk } from '../../../src/core/index/walk';
import { breathe } from '../../../src/core/breathe';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';

/** Sets the mtime of every folder under root (not the files) to `ms`. */
function ageFolders(root: string, ms: number): void {
  const visit = (abs: string): void => {
    for (const d of fs.readdirSync(abs, { withFileTypes: true })) if (d.isDirectory()) visit(path.join(abs, d.name));
    if (abs !== root) fs.utimesSync(abs, new Date(ms), new Date(ms));
  };
  visit(root);
}

describe('walk with the previous tree', () => {
  let root: string;
  beforeEach(() => {
    root = makeTemp();
    put(root, 'mlruns/0/r1/metrics/loss', '1 0.5 0\n');
    put(root, 'mlruns/0/r1/params/lr', '0.1');
    put(root, 'mlruns/0/r2/metrics/loss', '1 0.7 0\n');
    put(root, 'other/notes.txt', 'x');
  });
  afterEach(() => rmTemp(root));

  it('shares the listing of folders whose mtime did not move, and still sees files whose content changed', async () => {
    const hourAgo = Date.now() - 3_600_000;
    ageFolders(root, hourAgo);
    const first = await walk(root);
    // content changes do not touch the folder's mtime
    fs.appendFileSync(path.join(root, 'mlruns/0/r1/metrics/loss'), '2 0.4 0\n');
    ageFolders(root, hourAgo);
    const second = await walk(root, {}, [], first);
    assert.equal(
      second.list('mlruns/0/r2/metrics'),
      first.list('mlruns/0/r2/metrics'),
      'unchanged folder: the same array',
    );
    assert.equal(second.list('other'), first.list('other'));
    assert.notEqual(second.list('mlruns/0/r1/metrics'), first.list('mlruns/0/r1/metrics'));
    assert.equal(second.entry('mlruns/0/r1/metrics/loss')!.size, 16);
    assert.equal(first.entry('mlruns/0/r1/metrics/loss')!.size, 8, 'the previous tree is not mutated');
    assert.ok(await second.sameShape(first));
  });

  it('lists a folder again when an entry was added or removed (its mtime moved)', async () => {
    ageFolders(root, Date.now() - 3_600_000);
    const first = await walk(root);
    put(root, 'mlruns/0/r2/metrics/acc', '1 0.9 0\n');
    fs.rmSync(path.join(root, 'other/notes.txt'));
    const second = await walk(root, {}, [], first);
    assert.deepEqual(
      second.list('mlruns/0/r2/metrics')!.map((e) => e.name),
      ['acc', 'loss'],
    );
    assert.deepEqual(second.list('other'), []);
    assert.equal(await second.sameShape(first), false);
  });

  it('lists a folder again when its mtime is within 2 s of the previous walk (coarse timestamps)', async () => {
    const first = await walk(root);
    // Same mtime as before, as a file system with 1-2 s timestamps would show for a change in the same tick.
    const st = fs.statSync(path.join(root, 'other'));
    put(root, 'other/late.txt', 'y');
    fs.utimesSync(path.join(root, 'other'), st.atime, st.mtime);
    const second = await walk(root, {}, [], first);
    assert.deepEqual(
      second.list('other')!.map((e) => e.name),
      ['late.txt', 'notes.txt'],
    );
  });

  it('lists a folder again when an entry changed kind or vanished without its mtime moving', async () => {
    const hourAgo = Date.now() - 3_600_000;
    ageFolders(root, hourAgo);
    const first = await walk(root);
    fs.rmSync(path.join(root, 'other/notes.txt'));
    fs.mkdirSync(path.join(root, 'other/notes.txt'));
    ageFolders(root, hourAgo);
    const second = await walk(root, {}, [], first);
    assert.deepEqual(
      second.list('other')!.map((e) => [e.name, e.isDir]),
      [['notes.txt', true]],
    );
  });

  it('yields to the event loop inside a folder of thousands of entries, not only between folders', async () => {
    for (let i = 0; i < 1500; i++) put(root, `big/run-${i}.csv`, 'x');
    let turns = 0;
    let stop = false;
    const tick = (): void => {
      turns++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    const tree = await walk(root, { sliceMs: 0 });
    stop = true;
    assert.equal(tree.list('big')!.length, 1500);
    // ~1500 / 64 steps inside "big" alone; a walk that yields only between its 9 folders gives ~9
    assert.ok(turns > 20, `${turns} turns of the event loop`);
  });
});

describe('breathe', () => {
  it('lets callers that yielded meanwhile go on one per turn of the event loop, with timers in between', async () => {
    const order: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const chain = async (name: string): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        const end = performance.now() + 3;
        while (performance.now() < end);
        order.push(`${name}${i}:${ticks}`);
        await breathe();
      }
    };
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([chain('a'), chain('b'), chain('c')]);
    clearInterval(timer);
    // in the order they yielded, one slice a turn: the timer ran between any two slices (a bare setImmediate ran
    // a, b and c back to back before the next tick)
    assert.deepEqual(
      order.map((o) => o.split(':')[0]),
      ['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2'],
    );
    const seen = order.map((o) => Number(o.split(':')[1]));
    // The first three slices run at once, before anyone yields, and the first turn may come before the next timer
    // tick (the chains started inside a timer callback); from then on a tick comes between any two turns.
    for (let i = 4; i < seen.length; i++)
      assert.ok(seen[i]! > seen[i - 1]!, `timer ticks between slices: ${order.join(' ')}`);
  });
});
