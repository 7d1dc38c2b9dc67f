import assert from 'node:assert/strict';
import { RunStore } from '../../../src/core/db/runStore';
import type { SelectionStats } from '../../../src/core/db/tableSql';
import { parseField, parseFilter } from '../../../src/core/filter/parser';
import type { IndexDelta } from '../../../src/core/index/types';
import type { Run } from '../../../src/core/model';
import { modelRun } from '../../helpers/modelRun';
import { syntheticDelta } from '../../helpers/syntheticDelta';

// The runs table's column stats over every run come from key_counts (kept by each pass) and two index seeks per
// key; over a filter's runs from one GROUP BY. Both must agree with the rows themselves, pass after pass.

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Runs with mixed param types (text that reads as a number, numbers, booleans, null), keys often missing. */
function runs(prefix: string, n: number, seed: number): Run[] {
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const params: Run['params'] = {};
    if (rand() < 0.8) params.lr = pick(['0.1', '1e-3', '0.001', 0.1]);
    if (rand() < 0.9) params.opt = pick(['adam', 'adam', 'sgd']);
    if (rand() < 0.5) params.flag = pick([true, false, null]);
    params.const = 'same';
    const metrics: Run['metrics'] = {};
    if (rand() < 0.9)
      metrics.loss = { last: pick([0.5, 0.25, NaN]), lastStep: 1, min: 0.1, max: pick([1, 2]), count: 2 };
    metrics.epoch = { last: 10, lastStep: 10, min: 0, max: 10, count: 11 };
    return modelRun(
      `${prefix}${i}`,
      params,
      {},
      {
        format: 'hydra',
        path: `${prefix}/${i}`,
        name: `${prefix}-${i}`,
        experiment: pick(['a', 'b']),
        startTime: 1000,
        metrics,
      },
    );
  });
}

const RUN_SPECS = ['name', 'experiment', 'started', 'duration'].map((id) => ({ id, field: parseField(id) }));

/** The stats as comparable JSON (maps sorted by key). */
function plain(s: SelectionStats): unknown {
  const sorted = <T>(m: Map<string, T>): Array<[string, T]> => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
  return { total: s.total, params: sorted(s.params), metrics: sorted(s.metrics), run: sorted(s.run) };
}

describe('runs table column stats (key_counts)', () => {
  let store: RunStore;
  before(async () => {
    store = await RunStore.create();
  });
  after(() => store.dispose());

  const check = (): void => {
    const counted = store.query('SELECT kind, key, n FROM key_counts ORDER BY kind, key').rows;
    const actual = store.query(
      `SELECT 'm', key, count(*) FROM metrics GROUP BY key UNION ALL SELECT 'p', key, count(*) FROM params GROUP BY key
       ORDER BY 1, 2`,
    ).rows;
    assert.deepEqual(counted, actual);
    const table = store.table();
    // A filter every run passes takes the GROUP BY path: the seek path must give the same answer.
    const every = table.stats(undefined, RUN_SPECS, ['loss', 'epoch']);
    const viaFilter = table.stats(parseFilter("name ~ '*'"), RUN_SPECS);
    assert.deepEqual(plain(every), plain(viaFilter));
  };

  it('agree with the rows after adding, replacing and removing sources', () => {
    const pass = (updated: Array<[string, Run[]]>, removed: string[] = []): IndexDelta => ({
      ...syntheticDelta([]),
      updated: updated.map(([key, rs]) => syntheticDelta(rs, 'hydra', key).updated[0]!),
      removed,
    });
    store.apply(
      pass([
        ['s1', runs('a', 40, 1)],
        ['s2', runs('b', 30, 2)],
      ]),
    );
    check();
    // s1 comes again with other runs (some ids kept, some gone), s3 is new
    store.apply(
      pass([
        ['s1', runs('a', 25, 3)],
        ['s3', runs('c', 10, 4)],
      ]),
    );
    check();
    // a run id moves from s3 to s2 (a collision the store resolves by replacing)
    store.apply(pass([['s2', [...runs('b', 30, 2), runs('c', 1, 4)[0]!]]]));
    check();
    store.apply(pass([], ['s1', 's3']));
    check();
    assert.ok(store.runCount() > 0);
    store.apply(pass([], ['s2']));
    assert.equal(store.query('SELECT count(*) FROM key_counts').rows[0]![0], 0);
  });
});
