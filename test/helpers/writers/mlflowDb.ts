import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';

/**
 * Creates a real `mlflow.db` with MLflow's SQLite schema (the CREATE statements of an MLflow 2.x store, alembic
 * revision 5b0e9adcef9c, as found in shared/fixtures) and rows written the way sqlalchemy_store.py writes them:
 * NaN as value 0 with is_nan 1, ±Inf clamped to ±sys.float_info.max, latest_metrics kept per key.
 */

export interface DbExperiment {
  id: number;
  name: string;
  lifecycleStage?: 'active' | 'deleted';
}

export interface DbMetric {
  key: string;
  value: number;
  timestamp: number;
  step?: number;
}

export interface DbRun {
  id: string;
  experimentId: number;
  name?: string | null;
  status?: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED' | string;
  startTime?: number;
  endTime?: number | null;
  lifecycleStage?: 'active' | 'deleted';
  sourceVersion?: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  metrics?: DbMetric[];
}

export const MLFLOW_SCHEMA = `
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE experiments (
	experiment_id INTEGER NOT NULL,
	name VARCHAR(256) NOT NULL,
	artifact_location VARCHAR(256),
	lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT,
	CONSTRAINT experiment_pk PRIMARY KEY (experiment_id),
	CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
	UNIQUE (name)
);
CREATE TABLE experiment_tags (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	experiment_id INTEGER NOT NULL,
	CONSTRAINT experiment_tag_pk PRIMARY KEY ("key", experiment_id),
	FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)
);
CREATE TABLE "runs" (
	run_uuid VARCHAR(32) NOT NULL,
	name VARCHAR(250),
	source_type VARCHAR(20),
	source_name VARCHAR(500),
	entry_point_name VARCHAR(50),
	user_id VARCHAR(256),
	status VARCHAR(9),
	start_time BIGINT,
	end_time BIGINT,
	source_version VARCHAR(50),
	lifecycle_stage VARCHAR(20),
	artifact_uri VARCHAR(200),
	experiment_id INTEGER, deleted_time BIGINT,
	CONSTRAINT run_pk PRIMARY KEY (run_uuid),
	CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
	CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')),
	FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
	CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'))
);
CREATE TABLE "tags" (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
);
CREATE TABLE "params" (
	"key" VARCHAR(250) NOT NULL,
	value VARCHAR(8000) NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT param_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)
);
CREATE TABLE "metrics" (
	"key" VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	step BIGINT DEFAULT '0' NOT NULL,
	is_nan BOOLEAN DEFAULT '0' NOT NULL,
	CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value, is_nan),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
	CHECK (is_nan IN (0, 1))
);
CREATE TABLE "latest_metrics" (
	"key" VARCHAR(250) NOT NULL,
	value FLOAT NOT NULL,
	timestamp BIGINT,
	step BIGINT NOT NULL,
	is_nan BOOLEAN NOT NULL,
	run_uuid VARCHAR(32) NOT NULL,
	CONSTRAINT latest_metric_pk PRIMARY KEY ("key", run_uuid),
	FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
	CHECK (is_nan IN (0, 1))
);
CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);
CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics (run_uuid);
CREATE INDEX index_params_run_uuid ON params (run_uuid);
CREATE INDEX index_tags_run_uuid ON tags (run_uuid);
INSERT INTO alembic_version VALUES ('5b0e9adcef9c');
`;

const FLOAT_MAX = 1.7976931348623157e308;

/** Builds the database in memory and writes it to `file` (folders created). */
export async function writeMlflowDb(
  file: string,
  experiments: readonly DbExperiment[],
  runs: readonly DbRun[],
  models: readonly DbLoggedModel[] = [],
): Promise<void> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    db.run(MLFLOW_SCHEMA);
    if (models.length) writeLoggedModels(db, models);
    for (const e of experiments) {
      db.run('INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?)', [
        e.id,
        e.name,
        `mlflow-artifacts:/${e.id}`,
        e.lifecycleStage ?? 'active',
        1717343602987,
        1717343602987,
      ]);
    }
    for (const r of runs) {
      const start = r.startTime ?? 1717343700000;
      db.run('INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        r.id,
        r.name === undefined ? `run-${r.id.slice(0, 4)}` : r.name,
        'LOCAL',
        'train.py',
        '',
        'alice',
        r.status ?? 'FINISHED',
        start,
        r.endTime === undefined ? start + 1000 : r.endTime,
        r.sourceVersion ?? '',
        r.lifecycleStage ?? 'active',
        `mlflow-artifacts:/${r.experimentId}/${r.id}/artifacts`,
        r.experimentId,
        r.lifecycleStage === 'deleted' ? start + 5000 : null,
      ]);
      const tags = { 'mlflow.user': 'alice', ...(r.name ? { 'mlflow.runName': r.name } : {}), ...(r.tags ?? {}) };
      for (const [k, v] of Object.entries(tags)) db.run('INSERT INTO tags VALUES (?, ?, ?)', [k, v, r.id]);
      for (const [k, v] of Object.entries(r.params ?? {})) db.run('INSERT INTO params VALUES (?, ?, ?)', [k, v, r.id]);
      const latest = new Map<string, DbMetric>();
      for (const m of r.metrics ?? []) {
        const [value, isNan] = storedValue(m.value);
        db.run('INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)', [m.key, value, m.timestamp, r.id, m.step ?? 0, isNan]);
        const prev = latest.get(m.key);
        if (
          !prev ||
          (m.step ?? 0) > (prev.step ?? 0) ||
          ((m.step ?? 0) === (prev.step ?? 0) && m.timestamp >= prev.timestamp)
        )
          latest.set(m.key, m);
      }
      for (const m of latest.values()) {
        const [value, isNan] = storedValue(m.value);
        db.run('INSERT INTO latest_metrics VALUES (?, ?, ?, ?, ?, ?)', [
          m.key,
          value,
          m.timestamp,
          m.step ?? 0,
          isNan,
          r.id,
        ]);
      }
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, db.export());
  } finally {
    db.close();
  }
}

/**
 * An MLflow 3 LoggedModel made by `mlflow.genai.enable_git_model_versioning()` in a SQL store (looked at with
 * MLflow 3.18 + SQLAlchemy): its tags in `logged_model_tags`, and each run made meanwhile linked by an `inputs` row
 * (source RUN_INPUT = the run, destination MODEL_INPUT = the model). Only the columns Runlens reads are modelled.
 */
export interface DbLoggedModel {
  id: string;
  experimentId: number;
  runIds: string[];
  tags: Record<string, string>;
}

function writeLoggedModels(db: import('sql.js').Database, models: readonly DbLoggedModel[]): void {
  db.run(`CREATE TABLE IF NOT EXISTS inputs (input_uuid VARCHAR(36) NOT NULL, source_type VARCHAR(36) NOT NULL, source_id VARCHAR(36) NOT NULL,
    destination_type VARCHAR(36) NOT NULL, destination_id VARCHAR(36) NOT NULL, step BIGINT DEFAULT '0' NOT NULL,
    PRIMARY KEY (source_type, source_id, destination_type, destination_id))`);
  db.run(`CREATE TABLE logged_model_tags (model_id VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL, tag_key VARCHAR(255) NOT NULL,
    tag_value TEXT NOT NULL, PRIMARY KEY (model_id, tag_key))`);
  for (const m of models) {
    for (const [k, v] of Object.entries(m.tags))
      db.run('INSERT INTO logged_model_tags VALUES (?, ?, ?, ?)', [m.id, m.experimentId, k, v]);
    for (const run of m.runIds)
      db.run('INSERT INTO inputs VALUES (?, ?, ?, ?, ?, 0)', [
        `${run.slice(0, 16)}${m.id.slice(2, 18)}`,
        'RUN_INPUT',
        run,
        'MODEL_INPUT',
        m.id,
      ]);
  }
}

/** sqlalchemy_store._get_metric_value_details: NaN → (0, is_nan=1), ±Inf → ±float max. */
function storedValue(v: number): [number, number] {
  if (Number.isNaN(v)) return [0, 1];
  if (v === Infinity) return [FLOAT_MAX, 0];
  if (v === -Infinity) return [-FLOAT_MAX, 0];
  return [v, 0];
}

/** A plain SQLite database that is not an MLflow store. */
export async function writeOtherSqlite(file: string): Promise<void> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    db.run('CREATE TABLE runs (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO runs VALUES (1, "x");');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, db.export());
  } finally {
    db.close();
  }
}
