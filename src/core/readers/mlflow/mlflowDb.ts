import type { Database, SqlJsStatic, Statement } from 'sql.js';
import { loadSqlJs } from '../../db/sqljs';
import {
  adoptModelDiff,
  gitFromTags,
  MODEL_GIT_TAGS,
  nonEmpty,
  PARENT_RUN_TAG,
  runName,
  statusOrUnknown,
} from './mlflowCommon';
import type { PointSink, ReadContext, Reader, RunDraft, Source, TreeView } from '../types';
import { baseName } from '../paths';

/**
 * MLflow SQL tracking store in SQLite (`mlflow.db`, the default backend since MLflow 3.7): one source per database
 * file, one run per `runs` row, path `<db path>#<run_id>`. Schema: mlflow/store/tracking/dbmodels/models.py.
 * Other `*.db` files are claimed too and dropped silently unless they hold MLflow's tables.
 */
export const mlflowDbReader: Reader = {
  format: 'mlflow',
  detect(dir: string, tree: TreeView): Source[] {
    const out: Source[] = [];
    for (const e of tree.list(dir) ?? []) {
      if (!e.isFile || !isCandidateName(e.name)) continue;
      const path = dir === '' ? e.name : `${dir}/${e.name}`;
      out.push({ format: 'mlflow', dir, path, files: [path] });
    }
    return out;
  },
  read: readDb,
  readRunSeries,
};

const DEFAULT_NAME = 'mlflow.db';
const SQLITE_MAGIC = 'SQLite format 3\u0000';
/** The SQL store clamps ±Inf to ±sys.float_info.max (SQL has no Inf); NaN is stored as 0 with is_nan = 1. */
const FLOAT_MAX = 1.7976931348623157e308;
const REQUIRED_TABLES = ['runs', 'experiments', 'metrics', 'params', 'tags'];

function isCandidateName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('.db') || lower.endsWith('.sqlite') || lower.endsWith('.sqlite3');
}

async function readDb(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const path = source.path;
  const db = await openDb(path, ctx);
  if (!db) return [];
  try {
    let drafts: RunDraft[];
    try {
      drafts = readRuns(db, path, ctx);
    } catch (err) {
      ctx.problem(path, `mlflow: corrupt database (reading runs): ${message(err)}`);
      return [];
    }
    try {
      await readMetrics(db, path, new Set(drafts.map((d) => d.path)), ctx);
    } catch (err) {
      ctx.problem(path, `mlflow: corrupt database (reading metrics): ${message(err)}`);
    }
    return drafts;
  } catch (err) {
    ctx.problem(path, `mlflow: corrupt database: ${message(err)}`);
    return [];
  } finally {
    db.close();
  }
}

/**
 * The database loaded into sql.js, or undefined (with a diagnostic where one is due) when the file is missing,
 * empty, not SQLite or holds no MLflow tables.
 */
async function openDb(path: string, ctx: ReadContext): Promise<Database | undefined> {
  const isDefault = baseName(path) === DEFAULT_NAME;
  if (!isDefault) {
    // Any other *.db is only a guess: peek at the header before reading the whole file.
    const head = await ctx.readHead(path, 16);
    if (head === undefined || !head.startsWith('SQLite format 3')) return undefined;
  }
  const bytes = await ctx.readBytes(path, { optional: !isDefault });
  if (bytes === undefined) return undefined;
  if (bytes.length === 0) {
    // A 0-byte file is an empty SQLite database: what `mlflow` leaves before its first migration, or a crash.
    if (isDefault) ctx.problem(path, 'mlflow: mlflow.db is empty (0 bytes): no runs in it yet', 'warning');
    return undefined;
  }
  if (!hasMagic(bytes)) {
    if (isDefault) ctx.problem(path, 'mlflow: mlflow.db is not an SQLite database (bad header)');
    return undefined;
  }
  // A WAL-mode header (file format 2) cannot be opened in memory; the main file's pages read the same as legacy.
  if (bytes[18] === 2 || bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  let SQL: SqlJsStatic;
  try {
    SQL = await loadSqlJs();
  } catch (err) {
    ctx.problem(path, `mlflow: cannot load the SQLite engine (sql.js): ${message(err)}`);
    return undefined;
  }
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    const tables = new Set(
      rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r['name'])),
    );
    if (REQUIRED_TABLES.every((t) => tables.has(t))) return db;
    if (isDefault)
      ctx.problem(
        path,
        `mlflow: mlflow.db has no MLflow tables (${REQUIRED_TABLES.join(', ')}); no runs read`,
        'warning',
      );
  } catch (err) {
    ctx.problem(path, `mlflow: corrupt database: ${message(err)}`);
  }
  db?.close();
  return undefined;
}

/**
 * An opened database kept between curve reads (ReadContext.held): one run's metric rows found through an index on
 * `run_uuid` built once in the in-memory copy (the user's file is never written). Without it every run's curves
 * loaded and scanned the whole database again: 291 s for the curves of 200 runs that indexed in 5.4 s.
 */
class HeldDb {
  private readonly byRun: Statement;

  constructor(private readonly db: Database) {
    try {
      db.exec('CREATE INDEX IF NOT EXISTS runlens_metrics_by_run ON metrics(run_uuid)');
    } catch {
      // a damaged table: the query below scans it instead
    }
    // Rows of one run come in insertion order (an index keeps equal keys in rowid order), as the full read's do.
    this.byRun = db.prepare(`SELECT "key", value, timestamp, ${metricColumns(db)} FROM metrics WHERE run_uuid = ?`);
  }

  async points(runId: string, sink: PointSink, ctx: ReadContext): Promise<void> {
    const stmt = this.byRun;
    try {
      stmt.bind([runId]);
      let n = 0;
      while (stmt.step()) {
        const row = stmt.get();
        emitRow(sink, row[0], row[1], row[2], row[3], row[4]);
        if ((++n & 0xffff) === 0) await ctx.breathe();
      }
    } finally {
      stmt.reset();
    }
  }

  close(): void {
    this.byRun.free();
    this.db.close();
  }
}

/** One run's points from a database kept open between curve reads (see HeldDb). */
async function readRunSeries(source: Source, runPath: string, ctx: ReadContext): Promise<void> {
  const runId = runPath.slice(source.path.length + 1);
  const sink = ctx.sink(runPath);
  const open = async (): Promise<HeldDb | undefined> => {
    const db = await openDb(source.path, ctx);
    if (!db) return undefined;
    try {
      return new HeldDb(db);
    } catch (err) {
      db.close();
      ctx.problem(source.path, `mlflow: corrupt database (reading metrics): ${message(err)}`);
      return undefined;
    }
  };
  if (!ctx.held) {
    const held = await open();
    try {
      await held?.points(runId, sink, ctx);
    } finally {
      held?.close();
    }
    return;
  }
  await ctx.held.use(source.path, open, (held) => held.points(runId, sink, ctx));
}

function readRuns(db: Database, path: string, ctx: ReadContext): RunDraft[] {
  const experiments = new Map<string, { name: string; deleted: boolean }>();
  for (const e of rows(db, 'SELECT * FROM experiments')) {
    const id = text(e['experiment_id']);
    if (id === undefined) continue;
    experiments.set(id, { name: nonEmpty(text(e['name'])) ?? id, deleted: e['lifecycle_stage'] === 'deleted' });
  }
  const tags = groupByRun(db, 'tags');
  const params = groupByRun(db, 'params');
  for (const [run, modelTags] of modelGitTags(db)) {
    let runTags = tags.get(run);
    if (!runTags) tags.set(run, (runTags = {}));
    adoptModelDiff(runTags, modelTags);
  }
  const runRows = rows(db, 'SELECT * FROM runs');
  const ids = new Set(runRows.map((r) => text(r['run_uuid'])));
  const drafts: RunDraft[] = [];
  for (const r of runRows) {
    const id = text(r['run_uuid']);
    if (id === undefined) continue;
    const runTags = tags.get(id) ?? {};
    const expId = text(r['experiment_id']);
    const exp = expId === undefined ? undefined : experiments.get(expId);
    const status = statusOrUnknown(r['status'], (v) =>
      ctx.problem(path, `mlflow: run ${id} has an unknown status ${v}`, 'warning'),
    );
    let parentPath: string | null = null;
    const pid = runTags[PARENT_RUN_TAG]?.trim();
    if (pid) {
      if (ids.has(pid)) parentPath = `${path}#${pid}`;
      else
        ctx.problem(
          path,
          `mlflow: parent run ${pid} of run ${id} is not in this database; shown as a top-level run`,
          'warning',
        );
    }
    drafts.push({
      path: `${path}#${id}`,
      format: 'mlflow',
      name: runName(id, text(r['name']), runTags),
      experiment: exp?.name ?? expId ?? null,
      status,
      startTime: int(r['start_time']),
      endTime: int(r['end_time']),
      git: gitFromTags(runTags, text(r['source_version'])),
      params: params.get(id) ?? {},
      tags: runTags,
      parentPath,
      deleted: r['lifecycle_stage'] === 'deleted' || exp?.deleted === true,
    });
  }
  return drafts;
}

/**
 * MLflow 3 (3.4+) LoggedModels' git tags per run linked to them: `inputs` rows from the run (RUN_INPUT) to the
 * model (MODEL_INPUT), tags in `logged_model_tags`; empty for stores older than those tables. See adoptModelDiff.
 */
function modelGitTags(db: Database): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const tables = new Set(
    rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('inputs', 'logged_model_tags')").map(
      (r) => String(r['name']),
    ),
  );
  if (tables.size < 2) return out;
  const stmt = db.prepare(
    `SELECT i.source_id, t.tag_key, t.tag_value FROM inputs i JOIN logged_model_tags t ON t.model_id = i.destination_id
     WHERE i.source_type = 'RUN_INPUT' AND i.destination_type = 'MODEL_INPUT' AND t.tag_key IN (${MODEL_GIT_TAGS.map(() => '?').join(', ')})`,
  );
  try {
    stmt.bind([...MODEL_GIT_TAGS]);
    while (stmt.step()) {
      const [run, key, value] = stmt.get();
      if (run === null || key === null || value === null) continue;
      let m = out.get(String(run));
      if (!m) out.set(String(run), (m = {}));
      m[String(key)] = String(value);
    }
  } finally {
    stmt.free();
  }
  return out;
}

/** Every metric row, in insertion order (ties at the highest step go to the last logged). */
async function readMetrics(db: Database, path: string, runPaths: Set<string>, ctx: ReadContext): Promise<void> {
  const stmt = db.prepare(`SELECT run_uuid, "key", value, timestamp, ${metricColumns(db)} FROM metrics`);
  try {
    let lastRun: unknown = undefined;
    let sink: PointSink | undefined;
    let n = 0;
    while (stmt.step()) {
      const row = stmt.get();
      if (row[0] !== lastRun) {
        lastRun = row[0];
        const runPath = `${path}#${String(row[0])}`;
        sink = runPaths.has(runPath) ? ctx.sink(runPath) : undefined;
      }
      if (sink) emitRow(sink, row[1], row[2], row[3], row[4], row[5]);
      if ((++n & 0xffff) === 0) await ctx.breathe();
    }
  } finally {
    stmt.free();
  }
}

/** The step and is_nan columns of `metrics`: both came with later migrations, and very old stores lack them. */
function metricColumns(db: Database): string {
  const cols = new Set(rows(db, 'PRAGMA table_info(metrics)').map((r) => String(r['name'])));
  return `${cols.has('step') ? 'step' : '0'}, ${cols.has('is_nan') ? 'is_nan' : '0'}`;
}

/** One metric row as a point: NaN stored as 0 with is_nan = 1, ±Inf clamped to ±FLOAT_MAX by the store. */
function emitRow(sink: PointSink, key: unknown, value: unknown, time: unknown, step: unknown, isNan: unknown): void {
  let v = typeof value === 'number' ? value : Number(value);
  if (isNan === 1) v = NaN;
  else if (v >= FLOAT_MAX) v = Infinity;
  else if (v <= -FLOAT_MAX) v = -Infinity;
  sink(String(key), step === null ? NaN : Number(step), v, time === null ? NaN : Number(time));
}

function groupByRun(db: Database, table: 'tags' | 'params'): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const stmt = db.prepare(`SELECT run_uuid, "key", value FROM ${table}`);
  try {
    while (stmt.step()) {
      const [run, key, value] = stmt.get();
      if (run === null || key === null) continue;
      const id = String(run);
      let m = out.get(id);
      if (!m) out.set(id, (m = {}));
      m[String(key)] = value === null ? '' : String(value);
    }
  } finally {
    stmt.free();
  }
  return out;
}

function rows(db: Database, sql: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const stmt = db.prepare(sql);
  try {
    while (stmt.step()) out.push(stmt.getAsObject());
  } finally {
    stmt.free();
  }
  return out;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

function int(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return null;
}

function hasMagic(b: Uint8Array): boolean {
  if (b.length < 16) return false;
  for (let i = 0; i < 16; i++) if (b[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
  return true;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
