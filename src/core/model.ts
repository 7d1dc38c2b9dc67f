/** The run model shared by readers, the store, the CLI, the extension and (as types) the webview. */

export const SOURCE_FORMATS = [
  'mlflow',
  'tensorboard',
  'wandb',
  'dvc',
  'lightning',
  'keras',
  'yolo',
  'hf-trainer',
  'sacred',
  'hydra',
  'guild',
] as const;

/** A tool whose on-disk output Runlens reads. */
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export const RUN_STATUSES = ['running', 'finished', 'failed', 'killed', 'unknown'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A param keeps the type its writer stored: MLflow params are strings, YAML/JSON configs keep numbers and booleans. */
export type ParamValue = string | number | boolean | null;

export interface GitInfo {
  commit: string | null;
  branch: string | null;
  dirty: boolean | null;
  remote: string | null;
}

export const NO_GIT: Readonly<GitInfo> = Object.freeze({ commit: null, branch: null, dirty: null, remote: null });

/**
 * Summary of one metric of one run. Values are plain numbers here (NaN and ±Infinity included);
 * they become the strings "NaN"/"Infinity"/"-Infinity" only at the JSON boundary.
 */
export interface MetricSummary {
  /** Value at the highest step (ties: the last logged); for data without steps, the last logged. */
  last: number | null;
  lastStep: number | null;
  /** Min/max over finite values only; null when there is none. */
  min: number | null;
  max: number | null;
  /** Every point, finite or not. */
  count: number;
}

/** What a run's writer recorded about it: shared by a reader's draft (readers/types.ts) and the indexed run. */
export interface RunRecord {
  format: SourceFormat;
  name: string;
  experiment: string | null;
  status: RunStatus;
  /** Milliseconds since the epoch (UTC). */
  startTime: number | null;
  endTime: number | null;
  git: GitInfo;
  params: Record<string, ParamValue>;
  /** Free-form tags the writer recorded (MLflow tags, W&B tags, …). */
  tags: Record<string, string>;
  /** Deleted in its tool (MLflow lifecycle_stage) but still on disk: kept and flagged. */
  deleted: boolean;
}

/** One run as indexed: everything except the curves, which are read on demand. */
export interface Run extends RunRecord {
  /** Stable across re-index and restarts: derived from format and path. */
  id: string;
  /** Run root relative to the indexed folder, '/' separators; "" for the folder itself; "<db>#<run_id>" for mlflow.db. */
  path: string;
  metrics: Record<string, MetricSummary>;
  /** Id of the parent run (MLflow nested runs), once resolved by the indexer. */
  parentId: string | null;
  /**
   * The remote source the run came from (its URI without secrets, e.g. "mlflow+http://host:5000"); null (or absent,
   * for runs read from the workspace's own files) for workspace runs.
   */
  source?: string | null;
}

export type Severity = 'error' | 'warning';

/** A per-file problem found while reading; shown to the user, never thrown. */
export interface Diagnostic {
  /** File (or folder) relative to the indexed folder, '/' separators. */
  path: string;
  severity: Severity;
  message: string;
}

/** One curve of one run, columnar. Steps may be null for data without steps. */
export interface Series {
  runId: string;
  key: string;
  steps: Float64Array;
  values: Float64Array;
  /** Wall time in ms since the epoch; NaN where the writer recorded none. */
  times: Float64Array;
  /**
   * True for a sample of the curve (a remote source's first, fast answer: WorkspaceIndex.readSampledSeries), which
   * the whole curve replaces once read; absent or false for the whole curve.
   */
  partial?: boolean;
  /** Whether steps/times are finite and ascending, when known (set as the series is read; see withOrder). */
  ascending?: { steps: boolean; times: boolean };
  /**
   * When every step is steps[0] + i · stepEvery (as computed in doubles, exactly): steps logged at a fixed interval,
   * the usual case. Lets downsampling find where a pixel bucket ends without reading the steps. Set with ascending.
   */
  stepEvery?: number;
  /** Per-block extremes of values, when known (set as the series is read; see blockExtremes). */
  extremes?: BlockExtremes;
}

/** See compare/blocks.ts: per `size` points, the first min and max of the finite values, and whether any is not. */
export interface BlockExtremes {
  size: number;
  min: Float64Array;
  max: Float64Array;
  /** Index of the block's first lowest / highest finite value; -1 when it has none. */
  minAt: Int32Array;
  maxAt: Int32Array;
  /** 1 where the block holds a NaN or ±Infinity. */
  gaps: Uint8Array;
  /** The smoothing at one weight, summarised per block too, when asked for as the series was read. */
  smoothed?: BlockSmoothing;
}

/**
 * TensorBoard's EMA (see compare/smooth.ts) at one weight, per block: its state before the block's first point, and
 * the smoothed value at the block's min and max. Enough to give the smoothed value at any pick without running the
 * EMA over every point before it.
 */
export interface BlockSmoothing {
  /** The weight, clamped to [0, 1] as the smoothing clamps it. */
  weight: number;
  /** The running average and w^(finite points so far), flushed to 0 once tiny, before each block. */
  last: Float64Array;
  pow: Float64Array;
  /** The smoothed value at minAt / maxAt; NaN for a block without finite values. */
  minS: Float64Array;
  maxS: Float64Array;
}
