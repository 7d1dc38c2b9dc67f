import { NO_GIT, type ParamValue, type RunRecord, type Severity, type SourceFormat } from '../model';

/** One entry of a listed directory. */
export interface DirEntry {
  name: string;
  isDir: boolean;
  /** Regular file (symlinks to files count; symlinks to directories are not followed). */
  isFile: boolean;
  size: number;
  mtimeMs: number;
}

/**
 * The workspace as discovered: every directory that was walked, with its entries.
 * Paths are relative to the indexed folder, '/' separators, "" for the folder itself.
 */
export interface TreeView {
  /** Entries of a directory, or undefined when it was not walked (excluded, unreadable, missing). */
  list(dir: string): readonly DirEntry[] | undefined;
  /** Every walked directory, parents before children. */
  dirs(): readonly string[];
  /** Whether `rel` is a listed file the walk knows is no symlink (optional: without it, every read is checked). */
  plainFile?(rel: string): boolean;
}

/** Something a reader reads as one unit: usually one run; one `mlflow.db` file gives many. */
export interface Source {
  format: SourceFormat;
  /** Folder the source lives in (relative, '/' separators): its run root for single-run sources. */
  dir: string;
  /** Contract path of the run: the run root, or the file for Keras CSVs and `mlflow.db`. */
  path: string;
  /**
   * Files whose change means the source must be read again (relative paths). Detection lists what it
   * knows; the read context adds every file the reader actually opened.
   */
  files: string[];
}

/** What a reader produces for one run; metric points go through `ReadContext.sink`. */
export interface RunDraft extends RunRecord {
  /** Contract path (see Source.path); for mlflow.db: "<db path>#<run_id>". */
  path: string;
  /** Contract path of the parent run (MLflow nested runs); resolved to an id by the indexer. */
  parentPath: string | null;
}

/** Receives the points of one run. `step` is NaN for data without steps; `time` is ms since epoch or NaN. */
export type PointSink = (key: string, step: number, value: number, time: number) => void;

/**
 * Parses an append-only file incrementally. The read context feeds it the bytes added since the last read,
 * so a run being written is followed cheaply. The state must be JSON-serialisable (it is snapshotted).
 */
export interface TailParser<S> {
  init(): S;
  /**
   * Parses as many whole records as `chunk` holds and returns how many bytes it consumed; the rest (a
   * half-written record) is offered again, with more bytes, on the next call. `atEof` says no more bytes follow
   * in this read: a parser may then report a truncated record through `problem`.
   */
  parse(chunk: Uint8Array, state: S, emit: PointSink, atEof: boolean, problem: (message: string) => void): number;
  /** Whether the parser gave up on the rest of the file (hopelessly damaged): the read stops there, unread. */
  finished?(state: S): boolean;
}

/** Something a reader opened from a file and may keep between reads (an opened database). */
export interface Held {
  close(): void;
}

/**
 * Keeps what readers open from files between curve reads (see core/index/heldFiles.ts): `open` runs when `rel` is
 * not held or changed (size, mtime) since; `fn` gets the held value. Undefined when `open` gave nothing.
 */
export interface HeldFiles {
  use<T extends Held, R>(
    rel: string,
    open: () => Promise<T | undefined>,
    fn: (held: T) => Promise<R>,
  ): Promise<R | undefined>;
}

/** File access for readers: bounded, never throws on missing/unreadable files, records what was read. */
export interface ReadContext {
  readonly tree: TreeView;
  /** Absolute path of a relative one. */
  abs(rel: string): string;
  /** Whole file as UTF-8 text; undefined (with a diagnostic unless `optional`) when missing, too big or unreadable. */
  readText(rel: string, opts?: { optional?: boolean }): Promise<string | undefined>;
  /** Whole file as bytes; same rules as readText. */
  readBytes(rel: string, opts?: { optional?: boolean }): Promise<Uint8Array | undefined>;
  /** First `maxBytes` of a file as text (for sniffing headers); undefined when unreadable. */
  readHead(rel: string, maxBytes: number): Promise<string | undefined>;
  /**
   * Reads an append-only file through `parser`, resuming where the previous read stopped when the file only
   * grew. Points go to the sink of `runPath` (default: the source's own path). Resolves with the parser's state
   * after the read (also when the file was unchanged and not parsed again), undefined when unreadable.
   */
  tail<S>(rel: string, parser: TailParser<S>, runPath?: string): Promise<S | undefined>;
  /** The point sink of a run (default: the source's own path) for data read whole (JSON, YAML, SQL rows). */
  sink(runPath?: string): PointSink;
  /** Records a per-file problem. */
  problem(path: string, message: string, severity?: Severity): void;
  /** Lets the event loop breathe during long work. */
  breathe(): Promise<void>;
  /** Curve reads of an index: files a reader may keep open between reads (absent when indexing). */
  readonly held?: HeldFiles;
}

/** One reader per format: detect sources in the discovered tree, then read each. Never throws on bad input. */
export interface Reader {
  readonly format: SourceFormat;
  /** Claims the sources of this format that sit in directory `dir` (called once per walked directory). */
  detect(dir: string, tree: TreeView): Source[];
  /** Reads one source into run drafts; problems and points go through `ctx`. */
  read(source: Source, ctx: ReadContext): Promise<RunDraft[]>;
  /**
   * Optional, for sources of many runs: the points of one run (`runPath`) into `ctx.sink(runPath)`, without reading
   * the others (curves on demand). Without it a curve read reads the whole source and keeps that run's points.
   */
  readRunSeries?(source: Source, runPath: string, ctx: ReadContext): Promise<void>;
}

/**
 * The draft of a run whose files record only params and metrics (CSV/TSV loggers, DVC): named after its path,
 * no experiment, times, status or commit. `over` fills in what a format does know.
 */
export function plainDraft(source: Source, params: Record<string, ParamValue>, over: Partial<RunDraft> = {}): RunDraft {
  return {
    path: source.path,
    format: source.format,
    name: source.path,
    experiment: null,
    status: 'unknown',
    startTime: null,
    endTime: null,
    git: { ...NO_GIT },
    params,
    tags: {},
    parentPath: null,
    deleted: false,
    ...over,
  };
}
