/**
 * The index schema — the one place it is defined. Documented in the README ("SQL schema"); users query it with
 * `runlens query` and "Runlens: Query Runs with SQL…". Bump SCHEMA_VERSION on any change: snapshots of another
 * version are discarded, never migrated.
 */
export const SCHEMA_VERSION = 7;

export const SCHEMA_SQL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per run. Times are ms since the epoch (UTC).
CREATE TABLE runs (
  id          TEXT PRIMARY KEY,
  format      TEXT NOT NULL,
  path        TEXT NOT NULL,
  name        TEXT NOT NULL,
  experiment  TEXT,
  status      TEXT NOT NULL,
  start_time  INTEGER,
  end_time    INTEGER,
  git_commit  TEXT,
  git_branch  TEXT,
  git_dirty   INTEGER,
  git_remote  TEXT,
  parent_id   TEXT,
  deleted     INTEGER NOT NULL DEFAULT 0,
  source_key  TEXT NOT NULL,
  -- The remote source (runlens.sources / --source) the run came from, secrets removed; NULL for workspace runs.
  source      TEXT
);
CREATE INDEX runs_source ON runs(source_key);
-- The runs' order (runs(), the CLI's lists, runIdsWhere): read from the index, not sorted per query (issue #19).
CREATE INDEX runs_order ON runs(format, path, id);

-- Flattened params; value keeps the writer's type, which 'type' names ('string','number','boolean','null').
-- num is the value as a number when it is one: numbers, and text that reads as a decimal number (MLflow's '1e-3').
CREATE TABLE params (
  run_id TEXT NOT NULL,
  key    TEXT NOT NULL,
  value,
  type   TEXT NOT NULL,
  num    REAL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
-- By key, covering the values: the runs table's "columns that differ" is one sequential read of it, and a filter's
-- condition on a param one read of its key's rows (type: booleans read true/false) (issue #19).
CREATE INDEX params_key ON params(key, num, value, type);

-- Metric summaries. 'last' is REAL, or the TEXT 'NaN' / 'Infinity' / '-Infinity'; min/max over finite values.
CREATE TABLE metrics (
  run_id    TEXT NOT NULL,
  key       TEXT NOT NULL,
  last,
  last_step REAL,
  min       REAL,
  max       REAL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX metrics_key ON metrics(key, last, min, max);

CREATE TABLE tags (
  run_id TEXT NOT NULL,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

-- How many runs have each param ('p') and metric ('m') key, kept by every pass (keyCounts.ts): the runs table's
-- columns and which of them differ, without reading every row.
CREATE TABLE key_counts (
  kind TEXT NOT NULL,
  key  TEXT NOT NULL,
  n    INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- Problems found while reading, one per file and problem.
CREATE TABLE diagnostics (
  source_key TEXT,
  path       TEXT NOT NULL,
  severity   TEXT NOT NULL,
  message    TEXT NOT NULL
);
CREATE INDEX diagnostics_source ON diagnostics(source_key);
`;

/** Tables a user may read: the internal bookkeeping stays out of the documented surface but is readable. */
export const USER_TABLES = ['runs', 'params', 'metrics', 'tags', 'diagnostics'] as const;

/** Quotes an identifier for SQL (the only way identifiers enter SQL text). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
