import type { Database, SqlJsStatic } from 'sql.js';
import { loadSqlJs } from '../../db/sqljs';
import type { RunStatus } from '../../model';
import {
  adoptModelDiff,
  gitFromTags,
  mapStatus,
  MODEL_GIT_TAGS,
  nonEmpty,
  PARENT_RUN_TAG,
  runName,
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
  const isDefault = baseName(path) === DEFAULT_NAME;
  if (!isDefault) {
    // Any other *.db is only a guess: peek at the header before reading the whole file.
    const head = await ctx.readHead(path, 16);
    if (head === undefined || !head.startsWith('SQLite format 3')) return [];
  }
  const bytes = await ctx.readBytes(path, { optional: !isDefault });
  if (bytes === undefined) return [];
  if (bytes.length === 0) {
    // A 0-byte file is an empty SQLite database: what `mlflow` leaves before its first migration, or a crash.
    if (isDefault) ctx.problem(path, 'mlflow: mlflow.db is empty (0 bytes): no runs in it yet', 'warning');
    return [];
  }
  if (!hasMagic(bytes)) {
    if (isDefault) ctx.problem(path, 'mlflow: mlflow.db is not an SQLite database (bad header)');
    return [];
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
    return [];
  }
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    const tables = new Set(
      rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r['name'])),
    );
    if (!REQUIRED_TABLES.every((t) => tables.has(t))) {
      if (isDefault)
        ctx.problem(
          path,
          `mlflow: mlflow.db has no MLflow tables (${REQUIRED_TABLES.join(', ')}); no runs read`,
          'warning',
        );
      return [];
    }
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
    db?.close();
  }
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
    let status: RunStatus | undefined = mapStatus(r['status']);
    if (status === undefined) {
      ctx.problem(path, `mlflow: run ${id} has an unknown status ${JSON.stringify(String(r['status']))}`, 'warning');
      status = 'unknown';
    }
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
  const cols = new Set(rows(db, 'PRAGMA table_info(metrics)').map((r) => String(r['name'])));
  // `step` and `is_nan` came with later migrations; very old stores lack them.
  const step = cols.has('step') ? 'step' : '0';
  const isNan = cols.has('is_nan') ? 'is_nan' : '0';
  const stmt = db.prepare(`SELECT run_uuid, "key", value, timestamp, ${step}, ${isNan} FROM metrics`);
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
      if (sink) {
        let v = typeof row[2] === 'number' ? row[2] : Number(row[2]);
        if (row[5] === 1) v = NaN;
        else if (v >= FLOAT_MAX) v = Infinity;
        else if (v <= -FLOAT_MAX) v = -Infinity;
        const t = row[3] === null ? NaN : Number(row[3]);
        const s = row[4] === null ? NaN : Number(row[4]);
        sink(String(row[1]), s, v, t);
      }
      if ((++n & 0xffff) === 0) await ctx.breathe();
    }
  } finally {
    stmt.free();
  }
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
