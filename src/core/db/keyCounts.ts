import type { Database } from 'sql.js';
import { selectAll } from './selectAll';

/** `key_counts.kind` of a params key and of a metrics key (schema.ts). */
export type CountedKind = 'p' | 'm';

// SQLite binds at most 32,766 values per statement; a pass may bring 100,000 runs.
const CHUNK = 10_000;

/**
 * Keeps `key_counts` (how many runs have each param and metric key) right across one indexing pass, so that the
 * runs table learns every key and its count without reading every param and metric row (issue #19). The rows of
 * the runs a pass touches are counted before it changes them and after: the difference is exact whatever the pass
 * did (a source forgotten, runs replaced, a run id moved from one source to another).
 */
export class KeyCountDelta {
  private readonly delta = new Map<string, number>();

  constructor(private readonly db: Database) {}

  /** The rows of these runs are about to change (be deleted or replaced): their keys count one less each. */
  before(runIds: readonly string[]): void {
    this.count(runIds, -1);
  }

  /** The rows of these runs are written: their keys count one more each. */
  after(runIds: readonly string[]): void {
    this.count(runIds, +1);
  }

  /** Ids of a source's runs (to call `before` with, ahead of deleting them). */
  idsOfSource(sourceKey: string): string[] {
    return selectAll(this.db, 'SELECT id FROM runs WHERE source_key = ?', [sourceKey]).map((r) => String(r[0]));
  }

  /** Writes the pass's changes (inside the pass's transaction). */
  flush(): void {
    if (this.delta.size === 0) return;
    const up = this.db.prepare(
      'INSERT INTO key_counts(kind, key, n) VALUES (?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET n = n + excluded.n',
    );
    try {
      for (const [k, n] of this.delta) {
        if (n === 0) continue;
        const cut = k.indexOf('\0');
        up.run([k.slice(0, cut), k.slice(cut + 1), n]);
      }
    } finally {
      up.free();
    }
    this.db.run('DELETE FROM key_counts WHERE n <= 0');
    this.delta.clear();
  }

  private count(runIds: readonly string[], sign: 1 | -1): void {
    for (let i = 0; i < runIds.length; i += CHUNK) {
      const ids = runIds.slice(i, i + CHUNK);
      const marks = ids.map(() => '?').join(',');
      const rows = selectAll(
        this.db,
        `SELECT 'p', key, count(*) FROM params WHERE run_id IN (${marks}) GROUP BY key
         UNION ALL SELECT 'm', key, count(*) FROM metrics WHERE run_id IN (${marks}) GROUP BY key`,
        [...ids, ...ids],
      );
      for (const [kind, key, n] of rows) {
        const k = `${String(kind)}\0${String(key)}`;
        this.delta.set(k, (this.delta.get(k) ?? 0) + sign * Number(n));
      }
    }
  }
}
