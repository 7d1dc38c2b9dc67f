import { randomFillSync } from 'node:crypto';
import type { Database, SqlValue } from 'sql.js';
import type { IndexDelta, StoreDelta } from '../index/types';
import type { Diagnostic, MetricSummary, ParamValue, Run, RunStatus, Severity, SourceFormat } from '../model';
import { parseFilter } from '../filter/parser';
import { readsAsNumber } from '../filter/ast';
import { compileFilter } from './filterSql';
import { readRunOrder, selectRunIds, type RunOrder } from './filterSets';
import { KeyCountDelta } from './keyCounts';
import { TableQueries } from './tableSql';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema';
import { loadSqlJs } from './sqljs';

/** A snapshot that cannot be used (corrupt, or from another schema version): discard it and index afresh. */
export class SnapshotError extends Error {
  override name = 'SnapshotError' as const;
}

/** A query the read-only console refuses (writes, several statements, PRAGMA…). */
export class QueryError extends Error {
  override name = 'QueryError' as const;
}

export interface QueryResult {
  columns: string[];
  rows: SqlValue[][];
  /** True when more rows existed than the cap allowed. */
  truncated: boolean;
  /** True when the rows stopped early because their values passed the byte budget (see query's maxBytes). */
  overBytes?: boolean;
}

/**
 * The in-memory SQLite index (sql.js). The indexer's deltas are applied here; the tree, the compare view and
 * the CLI read from here. All SQL lives in this folder.
 */
export class RunStore {
  /** The runs' order for runIdsWhere, read when first needed after a change (apply clears it). */
  private order: RunOrder | undefined;

  private constructor(private readonly db: Database) {
    // The database lives in sql.js's in-memory file system, so a journal file buys no safety; keeping the rollback
    // journal in memory instead halves the time to store a pass (1.06 s -> 0.57 s for 10,000 runs) and its spikes.
    db.run('PRAGMA journal_mode = MEMORY');
  }

  static async create(): Promise<RunStore> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run(SCHEMA_SQL);
    db.run('INSERT INTO meta(key, value) VALUES (?, ?)', ['schema_version', String(SCHEMA_VERSION)]);
    return new RunStore(db);
  }

  /** Reopens an exported snapshot; throws SnapshotError when it is not one of ours at this schema version. */
  static async fromSnapshot(bytes: Uint8Array): Promise<RunStore> {
    const SQL = await loadSqlJs();
    let db: Database | undefined;
    try {
      db = new SQL.Database(bytes);
      const version = db.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0]?.values[0]?.[0];
      if (version !== String(SCHEMA_VERSION))
        throw new SnapshotError(`snapshot schema ${String(version)} is not ${SCHEMA_VERSION}`);
      db.exec('SELECT count(*) FROM runs; SELECT count(*) FROM params; SELECT count(*) FROM metrics');
      return new RunStore(db);
    } catch (err) {
      db?.close();
      if (err instanceof SnapshotError) throw err;
      throw new SnapshotError(`snapshot unreadable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Applies one indexing pass (or a remote source's refresh) in a single transaction. */
  apply(delta: StoreDelta | IndexDelta): void {
    const db = this.db;
    this.order = undefined;
    db.run('BEGIN');
    try {
      const delRuns = db.prepare('DELETE FROM runs WHERE source_key = ?');
      const delChildren = ['params', 'metrics', 'tags'].map((t) =>
        db.prepare(`DELETE FROM ${t} WHERE run_id IN (SELECT id FROM runs WHERE source_key = ?)`),
      );
      const delDiags = db.prepare('DELETE FROM diagnostics WHERE source_key = ?');
      const counts = new KeyCountDelta(db);
      const forget = (key: string): void => {
        counts.leaving(key);
        for (const s of delChildren) s.run([key]);
        delRuns.run([key]);
        delDiags.run([key]);
      };
      for (const key of delta.removed) forget(key);
      // A source with neither runs nor diagnostics stored (all of them on a cold index) has nothing to delete.
      const known = db.prepare(
        'SELECT 1 FROM runs WHERE source_key = ?1 UNION ALL SELECT 1 FROM diagnostics WHERE source_key = ?1 LIMIT 1',
      );
      const isKnown = (key: string): boolean => {
        known.bind([key]);
        const found = known.step();
        known.reset();
        return found;
      };
      const insRun = db.prepare('INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
      const insParam = db.prepare('INSERT OR REPLACE INTO params VALUES (?,?,?,?,?)');
      const insMetric = db.prepare('INSERT OR REPLACE INTO metrics VALUES (?,?,?,?,?,?,?)');
      const insTag = db.prepare('INSERT OR REPLACE INTO tags VALUES (?,?,?)');
      const insDiag = db.prepare('INSERT INTO diagnostics VALUES (?,?,?,?)');
      for (const rec of delta.updated) {
        if (isKnown(rec.key)) forget(rec.key);
        const ids = rec.runs.map((r) => r.id);
        counts.before(ids);
        for (const r of rec.runs) {
          insRun.run([
            r.id,
            r.format,
            r.path,
            r.name,
            r.experiment,
            r.status,
            r.startTime,
            r.endTime,
            r.git.commit,
            r.git.branch,
            r.git.dirty === null ? null : r.git.dirty ? 1 : 0,
            r.git.remote,
            r.parentId,
            r.deleted ? 1 : 0,
            rec.key,
            r.source ?? null,
          ]);
          for (const [k, v] of Object.entries(r.params))
            insParam.run([
              r.id,
              k,
              v === null ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v,
              paramType(v),
              paramNumber(v),
            ]);
          for (const [k, m] of Object.entries(r.metrics))
            insMetric.run([r.id, k, sqlNumber(m.last), m.lastStep, m.min, m.max, m.count]);
          for (const [k, v] of Object.entries(r.tags)) insTag.run([r.id, k, v]);
        }
        counts.after(ids);
        for (const d of rec.diagnostics) insDiag.run([rec.key, d.path, d.severity, d.message]);
      }
      counts.finish();
      // Folder-level problems (unreadable folders) are stored under the walk's own key, one per workspace folder.
      const walkKey = delta.walkKey ?? 'walk:';
      db.run('DELETE FROM diagnostics WHERE source_key = ?', [walkKey]);
      for (const d of delta.walkDiagnostics) insDiag.run([walkKey, d.path, d.severity, d.message]);
      for (const s of [known, delRuns, ...delChildren, delDiags, insRun, insParam, insMetric, insTag, insDiag])
        s.free();
      db.run('COMMIT');
    } catch (err) {
      db.run('ROLLBACK');
      throw err;
    }
  }

  /** Every run, params and metrics included, ordered by format and path. */
  runs(): Run[] {
    return this.loadRuns('');
  }

  runsByIds(ids: readonly string[]): Run[] {
    if (ids.length === 0) return [];
    const marks = ids.map(() => '?').join(',');
    const order = new Map(ids.map((id, i) => [id, i]));
    return this.loadRuns(`WHERE r.id IN (${marks})`, [...ids]).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  /**
   * Runs a filter expression selects (grammar: docs/filters.md), in the order of runs(); throws FilterError when
   * it does not parse. A blank filter selects every run.
   */
  runsWhere(filter: string): Run[] {
    const expr = parseFilter(filter);
    if (!expr) return this.runs();
    const { where, args } = compileFilter(expr);
    return this.loadRuns(`WHERE ${where}`, args);
  }

  /** The runs table's queries (sorting, filtering and paging in SQL). */
  table(): TableQueries {
    return new TableQueries(this.db);
  }

  /**
   * Ids of the runs a filter selects (see runsWhere), without loading the runs: each condition read from its
   * index, and / or / not done on the sets (filterSets.ts; issue #19's < 20 ms at 10,000 runs).
   */
  runIdsWhere(filter: string): string[] {
    const expr = parseFilter(filter);
    const order = (): RunOrder => (this.order ??= readRunOrder(this.db));
    return expr ? selectRunIds(this.db, expr, order) : [...order()];
  }

  /** Resolves what a user typed: an exact id, a unique id prefix, or an exact path or name. */
  resolveRun(ref: string): { run?: Run; ambiguous?: string[] } {
    const ids = this.column('SELECT id FROM runs WHERE id = ? OR path = ? OR name = ?', [ref, ref, ref]);
    const byPrefix = ids.length ? ids : this.column("SELECT id FROM runs WHERE id LIKE ? || '%'", [ref]);
    if (byPrefix.length === 1) return { run: this.runsByIds([byPrefix[0]!])[0] };
    return byPrefix.length > 1 ? { ambiguous: byPrefix } : {};
  }

  diagnostics(): Diagnostic[] {
    return this.rows('SELECT path, severity, message FROM diagnostics ORDER BY path, message').map(([p, s, m]) => ({
      path: String(p),
      severity: s as Severity,
      message: String(m),
    }));
  }

  /** [run id, source key] of every run. */
  runSourceKeys(): Array<[string, string]> {
    return this.rows('SELECT id, source_key FROM runs').map(([id, key]) => [String(id), String(key)]);
  }

  /** Whether a run read from the workspace's own files (not from a remote source) has this id. */
  hasWorkspaceRun(id: string): boolean {
    return this.column('SELECT id FROM runs WHERE id = ? AND source IS NULL', [id]).length > 0;
  }

  /** Source keys of the stored runs and problems that start with `prefix` (a remote source's keys). */
  sourceKeysLike(prefix: string): string[] {
    return this.column(
      'SELECT source_key FROM runs WHERE substr(source_key, 1, length(?1)) = ?1 UNION SELECT source_key FROM diagnostics WHERE substr(source_key, 1, length(?1)) = ?1',
      [prefix],
    );
  }

  /** A bookkeeping value kept in the store (and so in the snapshot), e.g. when a remote source was last read. */
  getMeta(key: string): string | undefined {
    return this.column('SELECT value FROM meta WHERE key = ?', [key])[0];
  }

  setMeta(key: string, value: string | undefined): void {
    if (value === undefined) this.db.run('DELETE FROM meta WHERE key = ?', [key]);
    else this.db.run('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)', [key, value]);
  }

  runIdsOfSource(key: string): string[] {
    return this.column('SELECT id FROM runs WHERE source_key = ?', [key]);
  }

  runCount(): number {
    return Number(this.db.exec('SELECT count(*) FROM runs')[0]?.values[0]?.[0] ?? 0);
  }

  /**
   * Runs one read-only statement (SELECT / WITH / EXPLAIN / VALUES) under `PRAGMA query_only`, returning at most
   * `maxRows` rows. Anything else — writes, PRAGMA, ATTACH, several statements — is refused with QueryError.
   */
  query(sql: string, maxRows = 10_000, maxBytes = Infinity): QueryResult {
    const body = stripSqlComments(sql).trim().replace(/;\s*$/, '');
    if (!body) throw new QueryError('empty query');
    if (!/^(select|with|explain|values)\b/i.test(body)) {
      throw new QueryError(
        'only read-only queries (SELECT, WITH, EXPLAIN, VALUES) are allowed: the index is read-only',
      );
    }
    if (hasSecondStatement(body)) throw new QueryError('one statement at a time, please');
    this.db.run('PRAGMA query_only = 1');
    try {
      const stmt = this.db.prepare(body);
      try {
        const columns = stmt.getColumnNames();
        const rows: SqlValue[][] = [];
        let truncated = false;
        let bytes = 0;
        while (stmt.step()) {
          if (rows.length >= maxRows) {
            truncated = true;
            break;
          }
          const row = stmt.get();
          bytes += row.reduce<number>(
            (n, v) => n + (typeof v === 'string' ? v.length * 2 : v instanceof Uint8Array ? v.length : 8),
            0,
          );
          if (bytes > maxBytes) return { columns, rows, truncated: true, overBytes: true };
          rows.push(row);
        }
        return { columns, rows, truncated };
      } finally {
        stmt.free();
      }
    } catch (err) {
      if (err instanceof QueryError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      throw new QueryError(
        /readonly|read-only/i.test(msg) ? 'the index is read-only: statements that change it are refused' : msg,
      );
    } finally {
      this.db.run('PRAGMA query_only = 0');
    }
  }

  /**
   * Caps the values randomblob() and zeroblob() make (SQLite's length limit, which sql.js does not expose): one
   * call could otherwise ask for a gigabyte. Longer values built step by step meet the console's time limit.
   */
  capValueLength(maxBytes: number): void {
    for (const name of ['randomblob', 'zeroblob']) {
      this.db.create_function(name, (n: unknown) => {
        const size = Math.max(0, Math.floor(Number(n) || 0));
        if (size > maxBytes) throw new Error(`${name}(${size}): values are limited to ${maxBytes} bytes here`);
        if (name === 'zeroblob') return new Uint8Array(size);
        return randomFillSync(new Uint8Array(size));
      });
    }
  }

  /** The whole database (the SQL part of the warm-start snapshot, see snapshot.ts). */
  export(): Uint8Array {
    return this.db.export();
  }

  dispose(): void {
    this.db.close();
  }

  private loadRuns(where: string, args: SqlValue[] = []): Run[] {
    const runs = new Map<string, Run>();
    const stmt = this.db.prepare(
      `SELECT r.id, r.format, r.path, r.name, r.experiment, r.status, r.start_time, r.end_time, r.git_commit, r.git_branch, r.git_dirty, r.git_remote, r.parent_id, r.deleted, r.source FROM runs r ${where} ORDER BY r.format, r.path`,
    );
    stmt.bind(args);
    while (stmt.step()) {
      const v = stmt.get();
      runs.set(String(v[0]), {
        id: String(v[0]),
        format: v[1] as SourceFormat,
        path: String(v[2]),
        name: String(v[3]),
        experiment: v[4] === null ? null : String(v[4]),
        status: v[5] as RunStatus,
        startTime: v[6] as number | null,
        endTime: v[7] as number | null,
        git: {
          commit: v[8] as string | null,
          branch: v[9] as string | null,
          dirty: v[10] === null ? null : v[10] === 1,
          remote: v[11] as string | null,
        },
        parentId: v[12] as string | null,
        deleted: v[13] === 1,
        ...(v[14] === null ? {} : { source: String(v[14]) }),
        params: {},
        metrics: {},
        tags: {},
      });
    }
    stmt.free();
    if (runs.size === 0) return [];
    const scope = where ? `WHERE run_id IN (SELECT r.id FROM runs r ${where})` : '';
    for (const [id, key, value, type] of this.rows(
      `SELECT run_id, key, value, type FROM params ${scope} ORDER BY run_id, key`,
      args,
    )) {
      const run = runs.get(String(id));
      if (run) run.params[String(key)] = fromSqlParam(value, String(type));
    }
    for (const [id, key, last, lastStep, min, max, count] of this.rows(
      `SELECT run_id, key, last, last_step, min, max, count FROM metrics ${scope} ORDER BY run_id, key`,
      args,
    )) {
      const run = runs.get(String(id));
      if (run)
        run.metrics[String(key)] = {
          last: fromSqlNumber(last),
          lastStep: lastStep as number | null,
          min: min as number | null,
          max: max as number | null,
          count: Number(count),
        } satisfies MetricSummary;
    }
    for (const [id, key, value] of this.rows(`SELECT run_id, key, value FROM tags ${scope}`, args)) {
      const run = runs.get(String(id));
      if (run) run.tags[String(key)] = String(value);
    }
    return [...runs.values()];
  }

  private rows(sql: string, args: SqlValue[] = []): SqlValue[][] {
    const stmt = this.db.prepare(sql);
    stmt.bind(args);
    const out: SqlValue[][] = [];
    while (stmt.step()) out.push(stmt.get());
    stmt.free();
    return out;
  }

  private column(sql: string, args: SqlValue[]): string[] {
    return this.rows(sql, args).map((r) => String(r[0]));
  }
}

/** params.num: the value as a number when it is one (the filter language compares params by it). */
function paramNumber(v: ParamValue): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return typeof v === 'string' ? readsAsNumber(v) : null;
}

function paramType(v: ParamValue): string {
  return v === null ? 'null' : typeof v;
}

function fromSqlParam(v: SqlValue, type: string): ParamValue {
  switch (type) {
    case 'boolean':
      return v === 1;
    case 'number':
      return typeof v === 'number' ? v : Number(v);
    case 'null':
      return null;
    default:
      return v === null ? null : String(v);
  }
}

/** SQLite turns NaN into NULL: non-finite values are stored as text. */
function sqlNumber(v: number | null): SqlValue {
  if (v === null) return null;
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

function fromSqlNumber(v: SqlValue): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  return Number(v);
}

function stripSqlComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/** Whether text after the first statement holds another one (semicolons inside quotes don't count). */
function hasSecondStatement(sql: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
    } else if (c === ';') {
      return sql.slice(i + 1).trim().length > 0;
    }
  }
  return false;
}
