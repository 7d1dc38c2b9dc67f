import type { Database, SqlValue, Statement } from 'sql.js';

/** `key_counts.kind` of a params key and of a metrics key (schema.ts). */
export type CountedKind = 'p' | 'm';

/**
 * Keeps `key_counts` (how many runs have each param and metric key) right across one indexing pass, so that the
 * runs table learns every key and its count without reading every param and metric row (issue #19). The rows of
 * the runs a pass touches are counted before it changes them and after: the difference is exact whatever the pass
 * did (a source forgotten, runs replaced, a run id moved from one source to another). The statements are prepared
 * once per pass: a pass may forget thousands of sources.
 */
export class KeyCountDelta {
  private readonly delta = new Map<string, number>();
  private readonly ofSource: Statement;
  private readonly ofRun: Statement;

  constructor(private readonly db: Database) {
    this.ofSource = db.prepare(
      `SELECT 'p', key, count(*) FROM params WHERE run_id IN (SELECT id FROM runs WHERE source_key = ?1) GROUP BY key
       UNION ALL
       SELECT 'm', key, count(*) FROM metrics WHERE run_id IN (SELECT id FROM runs WHERE source_key = ?1) GROUP BY key`,
    );
    this.ofRun = db.prepare(
      "SELECT 'p', key, 1 FROM params WHERE run_id = ?1 UNION ALL SELECT 'm', key, 1 FROM metrics WHERE run_id = ?1",
    );
  }

  /** A source's runs are about to be deleted: their keys count one less each. */
  leaving(sourceKey: string): void {
    this.count(this.ofSource, sourceKey, -1);
  }

  /** The rows of these runs are about to be replaced: their keys count one less each. */
  before(runIds: readonly string[]): void {
    for (const id of new Set(runIds)) this.count(this.ofRun, id, -1);
  }

  /** The rows of these runs are written: their keys count one more each. */
  after(runIds: readonly string[]): void {
    for (const id of new Set(runIds)) this.count(this.ofRun, id, +1);
  }

  /** Writes the pass's changes (inside the pass's transaction) and frees the statements. */
  finish(): void {
    this.ofSource.free();
    this.ofRun.free();
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

  private count(stmt: Statement, arg: SqlValue, sign: 1 | -1): void {
    stmt.bind([arg]);
    try {
      while (stmt.step()) {
        const [kind, key, n] = stmt.get();
        const k = `${String(kind)}\0${String(key)}`;
        this.delta.set(k, (this.delta.get(k) ?? 0) + sign * Number(n));
      }
    } finally {
      stmt.reset();
    }
  }
}
