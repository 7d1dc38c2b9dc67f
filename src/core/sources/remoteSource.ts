import type { Diagnostic, Run, Series } from '../model';

/** What a remote source holds now: every run, and the problems met reading it. */
export interface RemoteSnapshot {
  /** Every run the source holds now. Ids are stable across refreshes and prefixed by the source (never collide). */
  runs: Run[];
  diagnostics: Diagnostic[];
}

/** A read-only source of runs beside the workspace folders (MLflow tracking server, SSH host, …). */
export interface RemoteSource {
  /** The configured URI with any secret removed: shown as the runs' source badge, stored as their `source`. */
  readonly id: string;
  readonly kind: 'mlflow' | 'ssh';
  /** The runs now. After the first call only new data is fetched (the source keeps its cursor). Rejects when the
   *  source cannot be reached (the caller keeps the last snapshot, marked "as of"). */
  refresh(signal?: AbortSignal): Promise<RemoteSnapshot>;
  /** Curves of one of this source's runs, on demand. */
  readSeries(run: Run, keys: readonly string[] | undefined, signal?: AbortSignal): Promise<Series[]>;
  /**
   * A fast sample of many runs' curves of one key, where the source can give one (an MLflow server's bulk-interval
   * endpoint): each series marked `partial` unless it is the whole curve. Undefined when the source cannot sample
   * (the caller reads the whole curves with readSeries).
   */
  readSampledSeries?(runs: readonly Run[], key: string, signal?: AbortSignal): Promise<Series[] | undefined>;
  dispose(): void;
}
