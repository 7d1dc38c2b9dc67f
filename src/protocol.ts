// Host <-> compare webview messages and state. Imported by src/vscode/compare/ and (type-only) by webview/.
// JSON-safe by construction: VS Code serialises messages as JSON, so no undefined in arrays, no NaN/Infinity
// (non-finite numbers travel as the strings of JsonNumber), no typed arrays.
import type { Direction } from './core/compare/direction';
import type { BandKind, Curve, GroupCurve, XAxis } from './core/compare/curve';
import type { ParamValue, RunStatus, SourceFormat } from './core/model';
import type { SweepData } from './core/sweep/types';

// Curves are produced by core (compare/downsample.ts) and cross the wire as they are.
export type { BandKind, Curve, GroupCurve, XAxis };

/** A number that survives JSON: non-finite values as strings. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** One compared run, as the header shows it. All strings come from run files: untrusted, render as text. */
export interface RunRef {
  id: string;
  name: string;
  format: SourceFormat;
  status: RunStatus;
  experiment: string | null;
  /** ms since the epoch. */
  startTime: number | null;
  durationMs: number | null;
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
  /** The commit's state in the workspace's repositories ("✓ in HEAD", "not local", …), once resolved. */
  commitBadge: string | null;
  /** A longer description of it (tooltip). */
  commitDetail: string | null;
  /** For runs whose format records no commit: the commit inferred from the run's start time (always labelled). */
  inferredCommit: string | null;
  /** Run root relative to its workspace folder ('' = the folder itself). */
  folder: string;
  /** The remote source the run came from (its URI, secrets removed); absent for the workspace's own runs. */
  source?: string;
  deleted: boolean;
  /** CSS colour, stable for the life of the panel (table, chart and legend use it). */
  color: string;
}

/** A param the run does not have; distinct from null and "". */
export interface MissingParam {
  missing: true;
}
export type ParamCell = ParamValue | MissingParam;

export interface ParamRow {
  key: string;
  /** Prefix the row is grouped under ('' for top-level keys). */
  group: string;
  /** One per run, aligned with CompareState.runs. */
  values: ParamCell[];
  /** Per run: differs from the baseline's value (the baseline's own cell is false). */
  changed: boolean[];
  /** Some run differs from the baseline. */
  differs: boolean;
}

export interface MetricCell {
  last: JsonNumber | null;
  lastStep: number | null;
  min: number | null;
  max: number | null;
  /** Steps of min/max over finite points, once the host has read the curve (null until then or without steps). */
  minStep: number | null;
  maxStep: number | null;
  count: number;
  /** last − baseline last. */
  delta: number | null;
  /** delta / |baseline last| × 100. */
  pct: number | null;
}

export interface MetricRow {
  key: string;
  /** Effective direction (override, else guessed from the name); null = unknown, no best cell. */
  direction: Direction | null;
  /** What the name suggests, to show when the user resets an override. */
  guessed: Direction | null;
  overridden: boolean;
  /** One per run; null = the run has no such metric. */
  cells: Array<MetricCell | null>;
  /** Index into runs of the best cell. */
  bestRun: number | null;
  /** The original names runs logged this metric under, when the alias map renamed them (`eval_loss` → `val_loss`). */
  aliases?: string[];
}

/** Runs of one configuration (every param but the seed-like ones alike): the compare view draws their mean ± band. */
export interface CompareGroup {
  /** Short hash of the key (as `runlens groups` prints it). */
  id: string;
  /** The key's entries that differ between the groups, e.g. `lr=0.01`. */
  label: string;
  /** The whole key, param → value as text. */
  key: Record<string, string>;
  runIds: string[];
  /** The seed-like params of the runs, as text (`seed=0`, …), one entry per run. */
  seeds: string[];
  color: string;
}

/** One metric's group summaries (each run's last value) and each group's delta to the baseline group. */
export interface GroupMetricRow {
  key: string;
  direction: Direction | null;
  /** One per group. */
  cells: Array<{ mean: number | null; std: number | null; stderr: number | null; n: number }>;
  /** One per group: mean − the baseline group's mean, with the noise test; null for the baseline or without means. */
  deltas: Array<{ delta: number; pct: number | null; p: number | null; beyondNoise: boolean | null } | null>;
}

/** The compared runs' groups, when some configuration has more than one run. */
export interface CompareGroups {
  list: CompareGroup[];
  /** Index into list: the group holding the baseline run. */
  baseline: number;
  metrics: GroupMetricRow[];
  /** The noise test's name ("Welch's t-test") and its threshold. */
  test: string;
  alpha: number;
}

export interface CompareState {
  runs: RunRef[];
  /** Index into runs. */
  baseline: number;
  /** All params, differing or not; the webview filters (only differing rows by default). */
  params: ParamRow[];
  metrics: MetricRow[];
  /** Ids the panel was asked to show that the index does not (or no longer) know. */
  missingRunIds: string[];
  /** Bumped whenever curve data may have changed; the webview refetches curves when it changes. */
  dataRevision: number;
  defaults: { smoothing: number };
  capabilities: { compareCode: boolean; findMetricInCode: boolean };
  /** Present when the runs form groups (seeds of one configuration). */
  groups?: CompareGroups;
}

/** Aggregated curves: one per group and key, aligned by step (see core/compare/aggregate.ts). */
export interface GroupCurveRequest {
  requestId: number;
  groups: Array<{ id: string; runIds: string[] }>;
  keys: string[];
  band: BandKind;
  range?: { min: number; max: number };
  maxPoints: number;
  smoothing: number;
  /** Step (default) or relative time (a common grid of elapsed seconds); wall time draws no groups. */
  xAxis?: XAxis;
}

export interface CurveRequest {
  requestId: number;
  runIds: string[];
  keys: string[];
  xAxis: XAxis;
  /** Visible x range (same unit as Curve.x); absent = everything. */
  range?: { min: number; max: number };
  /** Upper bound of points per curve (about 2 per pixel column). */
  maxPoints: number;
  /** EMA weight in [0, 1). */
  smoothing: number;
}

// ---- A review shown in the compare view (built by src/core/review/header.ts) ----------------------------------

/** One metric summary of one paired group. Strings from run files (group, metric) are untrusted: render as text. */
export interface ReviewHeaderRow {
  group: string;
  /** "val_loss", or "val_loss (min)" for a summary other than the last value. */
  metric: string;
  /** "0.41 ± 0.01 (n=3)". */
  base: string;
  head: string;
  delta: string;
  pct: string;
  /** The gate's threshold as written ("+2%"), or null when ungated. */
  gate: string | null;
  verdict: 'pass' | 'fail' | 'ungated';
  /** Why a gated entry failed without a delta ("missing in head"). */
  note: string | null;
  /** "beyond noise (p=0.0003)", "within noise (p=0.4)", or "—" when a side has a single run. */
  noise: string;
  beyondNoise: boolean | null;
}

export interface ReviewHeaderSide {
  ref: string;
  /** Full hash, or null for runs named explicitly without a shared commit. */
  commit: string | null;
  subject: string | null;
  /** How the runs were found ("3 runs recording be201b4, 1 commit back from the merge-base"). */
  found: string;
  runs: number;
}

/** What the compare view shows of a review (JSON-safe: it crosses postMessage). */
export interface ReviewHeader {
  verdict: 'pass' | 'fail' | 'no-baseline';
  /** The comment's heading words: "1 of 2 gates failed", "2 gates passed", "nothing gated", "no baseline runs". */
  title: string;
  base: ReviewHeaderSide | null;
  head: ReviewHeaderSide;
  /** The failed gates, as "val_loss +2%" (with the summary when not the last value). */
  failed: string[];
  noise: { test: string; alpha: number; gateOnlyBeyondNoise: boolean };
  /** Gated rows first, then the other shared metrics (cut at MAX_HEADER_ROWS). */
  rows: ReviewHeaderRow[];
  rowsLeftOut: number;
  notes: string[];
}

export type ToWebview =
  /**
   * The comparison. `posted` numbers the host's posts of a panel: it posts as the panel opens and again when the page
   * says 'ready' (see ComparePanel.postState), and a page renders each post once.
   */
  | { type: 'didLoad'; state: CompareState; posted: number }
  | { type: 'didLoadCurves'; requestId: number; curves: Curve[] }
  | { type: 'didLoadGroupCurves'; requestId: number; curves: GroupCurve[] }
  | { type: 'didFail'; requestId?: number; message: string }
  /** The review this comparison shows ("Review Against Base Branch…"), or null: none. */
  | { type: 'didLoadReview'; review: ReviewHeader | null };

export type ToHost =
  | { type: 'ready' }
  | ({ type: 'loadCurves' } & CurveRequest)
  | ({ type: 'loadGroupCurves' } & GroupCurveRequest)
  | { type: 'openCommit'; runId: string }
  | { type: 'revealRun'; runId: string }
  | { type: 'compareCode'; runId: string }
  | { type: 'findMetricInCode'; key: string }
  | { type: 'setBaseline'; runId: string }
  | { type: 'removeRun'; runId: string }
  | { type: 'addRuns' }
  | { type: 'setDirection'; key: string; direction: Direction | null }
  | { type: 'copyMarkdown'; onlyDiffs: boolean }
  | { type: 'saveCsv' }
  | { type: 'savePng'; key: string; dataUrl: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** What the webview keeps with vscode.setState; the serializer reopens the panel from `runIds`/`baselineId`. */
export interface PersistedState {
  runIds: string[];
  baselineId?: string;
  colors?: Record<string, string>;
  ui?: UiState;
}

export interface UiState {
  tab: 'metrics' | 'params' | 'curves';
  onlyDiffs: boolean;
  smoothing: number;
  xAxis: XAxis;
  logY: boolean;
  filter: string;
  hidden: string[];
  /** Groups: draw each group's mean and band (default when the runs form groups), the band, and the runs too. */
  grouped?: boolean;
  band?: BandKind;
  showRuns?: boolean;
}

export function assertNever(x: never): never {
  throw new Error(`unhandled: ${JSON.stringify(x)}`);
}

// ---- Runs table (webview/table/, src/vscode/table/) ------------------------------------------------------------
// Its own unions: the table and the compare view share no messages. All strings come from run files: render as text.

/** A cell as stored: text, a number, a boolean, or null (the run has no such value); NaN/±Infinity as text. */
export type TableCell = string | number | boolean | null;

export interface TableColumn {
  /** The column's filter field: `name`, `params.lr`, `metrics.val_loss.min`. */
  id: string;
  label: string;
  kind: 'run' | 'param' | 'metric' | 'tag';
  /** Metrics: whether a lower or higher value is better, when the name says (for the Δ colour). */
  better?: 'lower' | 'higher';
}

export interface TableSort {
  column: string;
  desc: boolean;
}

/** What the table shows; a saved view (.vscode/runlens/views/<name>.json) holds the first five. */
export interface TableQueryState {
  filter: string;
  /** Visible column ids in order; empty: the default (run fields, then params and metrics). */
  columns: string[];
  sort: TableSort | null;
  onlyDiffs: boolean;
  baselineId: string | null;
}

export interface TableState extends TableQueryState {
  /** Every column the picker offers. */
  available: TableColumn[];
  /** The columns shown (after onlyDiffs). */
  shown: TableColumn[];
  /** Runs the filter selects. */
  total: number;
  /** Runs in the index. */
  all: number;
  /** The filter's error ("expected a value after '<' at column 14"), when it does not parse; then no filter applies. */
  filterError: string | null;
  /** Column values of the baseline run (for the Δ columns), when it is set and indexed. */
  baseline: TableCell[] | null;
  starred: string[];
  /** The remote sources' cells (badge and tooltip, "as of" while unreachable); absent: the URI's host is shown. */
  sources?: TableSource[];
  /** Numbers the host's states: rows are requested against one, and a newer one drops older replies. */
  version: number;
}

/** How the runs table shows a source's runs' `source` cell (src/vscode/sourceBadge.ts sourceCells). */
export interface TableSource {
  /** The source's URI (the cell's value). */
  id: string;
  text: string;
  title: string;
}

export interface TableRow {
  id: string;
  cells: TableCell[];
}

export type TableToWebview =
  | { type: 'didLoad'; state: TableState }
  | { type: 'didLoadRows'; requestId: number; version: number; offset: number; rows: TableRow[] }
  | { type: 'didFail'; requestId?: number; message: string };

export type TableToHost =
  | { type: 'ready' }
  | { type: 'setQuery'; query: Omit<TableQueryState, 'baselineId'> }
  | { type: 'loadRows'; requestId: number; version: number; offset: number; limit: number }
  | { type: 'toggleStar'; runId: string }
  | { type: 'setBaseline'; runId: string | null }
  | { type: 'compare'; runIds: string[] }
  | { type: 'copy'; format: 'md' | 'csv'; runIds: string[] }
  | { type: 'saveView' }
  /** The Sweep view of these runs (two or more selected), else of every run the table's filter keeps. */
  | { type: 'showSweep'; runIds: string[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

// ---- Sweep view (webview/sweep/, src/vscode/sweep/) ------------------------------------------------------------
// Parallel coordinates and a scatter of one set of runs; the data is built by core/sweep/sweep.ts. Run strings
// (names, param keys, categories, group labels) are untrusted: render as text.

export type { SweepAxis, SweepData, SweepRank } from './core/sweep/types';

export interface SweepState {
  /** What the runs are ("3 selected runs", "group lr=0.01", "view best-runs", "all runs"). */
  title: string;
  data: SweepData;
}

export type SweepToWebview = { type: 'didLoad'; state: SweepState } | { type: 'didFail'; message: string };

export type SweepToHost =
  | { type: 'ready' }
  | { type: 'setMetric'; metric: string }
  /** The brushed runs to the compare view. */
  | { type: 'compare'; runIds: string[] }
  /** The brushed runs to the runs table (a filter naming them). */
  | { type: 'openTable'; runIds: string[] }
  /** An axis title clicked: the param's key in the config file that sets it. */
  | { type: 'openParam'; key: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
