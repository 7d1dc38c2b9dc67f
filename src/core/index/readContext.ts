import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Severity } from '../model';
import type { HeldFiles, PointSink, ReadContext, Source, TailParser, TreeView } from '../readers/types';
import { addPoint, emptySummary, type SummaryAcc } from '../summary';
import { breathe } from '../breathe';
import { errorText } from '../errorText';
import { realWithin } from './walk';
import type { FileCursor, ReadLimits, SourceState } from './types';

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 256 * 1024 * 1024,
  maxRecordBytes: 256 * 1024 * 1024,
  chunkBytes: 1024 * 1024,
};

/** Points collected for curves, per run path and key. */
export interface CollectedSeries {
  steps: number[];
  values: number[];
  times: number[];
}

/**
 * Indexing: metric points fold into summaries. Series: points of the wanted keys are collected whole
 * (every append-only file is read from the start).
 */
export type ReadMode = { kind: 'index' } | { kind: 'series'; keys: ReadonlySet<string> | null };

const HEAD_BYTES = 64;

/** The ReadContext a reader gets for one source. */
export class SourceReadContext implements ReadContext {
  readonly diagnostics: Diagnostic[] = [];
  private readonly opened = new Set<string>();
  private readonly cursors: Record<string, FileCursor> = {};
  /** Per run path, the summaries in the order their files were read. */
  private readonly contributions = new Map<string, Array<Record<string, SummaryAcc>>>();
  private readonly wholeSinks = new Map<string, PointSink>();
  readonly collected = new Map<string, Map<string, CollectedSeries>>();

  constructor(
    private readonly root: string,
    readonly tree: TreeView,
    private readonly source: Source,
    private readonly previous: SourceState | undefined,
    private readonly mode: ReadMode,
    private readonly limits: ReadLimits = DEFAULT_LIMITS,
    readonly held?: HeldFiles,
  ) {}

  abs(rel: string): string {
    return rel === '' ? this.root : path.join(this.root, rel);
  }

  async readText(rel: string, opts?: { optional?: boolean }): Promise<string | undefined> {
    const bytes = await this.readBytes(rel, opts);
    return bytes === undefined
      ? undefined
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  async readBytes(rel: string, opts?: { optional?: boolean }): Promise<Uint8Array | undefined> {
    this.opened.add(rel);
    if (this.refusedLink(rel)) return undefined;
    try {
      const st = fs.statSync(this.abs(rel));
      if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      if (st.size > this.limits.maxFileBytes) {
        this.problem(
          rel,
          `file is ${mb(st.size)}, over the ${mb(this.limits.maxFileBytes)} limit for whole-file reads; skipped`,
        );
        return undefined;
      }
      return fs.readFileSync(this.abs(rel));
    } catch (err) {
      if (!(opts?.optional && isMissing(err))) this.problem(rel, `cannot read: ${errorText(err)}`);
      return undefined;
    }
  }

  async readHead(rel: string, maxBytes: number): Promise<string | undefined> {
    this.opened.add(rel);
    if (this.refusedLink(rel)) return undefined;
    try {
      const fd = fs.openSync(this.abs(rel), 'r');
      try {
        const buf = Buffer.alloc(maxBytes);
        const n = fs.readSync(fd, buf, 0, maxBytes, 0);
        return buf.subarray(0, n).toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      this.problem(rel, `cannot read: ${errorText(err)}`);
      return undefined;
    }
  }

  sink(runPath: string = this.source.path): PointSink {
    let sink = this.wholeSinks.get(runPath);
    if (!sink) {
      sink =
        this.mode.kind === 'index'
          ? this.summarySink(runPath, this.newContribution(runPath))
          : this.collectSink(runPath);
      this.wholeSinks.set(runPath, sink);
    }
    return sink;
  }

  async tail<S>(rel: string, parser: TailParser<S>, runPath: string = this.source.path): Promise<S | undefined> {
    this.opened.add(rel);
    if (this.refusedLink(rel)) return undefined;
    let fd: number;
    let st: fs.Stats;
    try {
      fd = fs.openSync(this.abs(rel), 'r');
      st = fs.fstatSync(fd);
    } catch (err) {
      this.problem(rel, `cannot read: ${errorText(err)}`);
      return undefined;
    }
    try {
      if (this.mode.kind === 'series') {
        const state = parser.init();
        await this.stream(fd, st.size, 0, parser, state, this.collectSink(runPath), rel);
        return state;
      }
      const prev = this.previous?.cursors[rel];
      const head = readHeadHex(fd, Math.min(HEAD_BYTES, st.size));
      let cursor: FileCursor;
      if (
        prev &&
        prev.runPath === runPath &&
        st.size >= prev.offset &&
        head.startsWith(prev.head) &&
        readEdgeHex(fd, prev.offset) === prev.edge
      ) {
        // The file only grew (or is unchanged): carry the summaries and parser state forward.
        cursor = {
          ...structuredClone(prev),
          size: st.size,
          mtimeMs: st.mtimeMs,
          head,
          problems: [...(prev.problems ?? [])],
        };
        for (const message of cursor.problems) this.problem(rel, message);
      } else {
        cursor = {
          size: st.size,
          mtimeMs: st.mtimeMs,
          offset: 0,
          head,
          edge: '',
          state: parser.init(),
          runPath,
          acc: {},
          problems: [],
        };
      }
      this.cursors[rel] = cursor;
      this.contributionsOf(runPath).push(cursor.acc);
      if (cursor.offset < st.size) {
        cursor.offset = await this.stream(
          fd,
          st.size,
          cursor.offset,
          parser,
          cursor.state as S,
          this.summarySink(runPath, cursor.acc),
          rel,
          cursor.problems,
        );
        cursor.edge = readEdgeHex(fd, cursor.offset);
      }
      return cursor.state as S;
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Whether `rel` is a symlink to a file outside both the indexed folder and the source's own folder (each by real
   * path), reported once. The walk already leaves such links out of the tree; readers also open files by name.
   * A file the walk listed in a folder without links is not checked again (see FileTree.plainFile).
   */
  private refusedLink(rel: string): boolean {
    if (this.tree.plainFile?.(rel)) return false;
    const abs = this.abs(rel);
    try {
      if (!fs.lstatSync(abs).isSymbolicLink()) return false;
      const real = fs.realpathSync(abs);
      if (realWithin(real, fs.realpathSync(this.root)) || realWithin(real, fs.realpathSync(this.abs(this.source.dir))))
        return false;
    } catch {
      return false; // missing or dangling: the read itself reports it
    }
    this.problem(rel, 'not read: a symlink to a file outside the workspace', 'warning');
    return true;
  }

  problem(filePath: string, message: string, severity: Severity = 'error'): void {
    this.diagnostics.push({ path: filePath, severity, message });
  }

  breathe(): Promise<void> {
    return breathe();
  }

  /** Summaries per run path, each run's files folded in read order. */
  summaries(): Map<string, Array<Record<string, SummaryAcc>>> {
    return this.contributions;
  }

  state(): SourceState {
    return { opened: [...this.opened].sort(), cursors: this.cursors };
  }

  /** Reads [from, size) in chunks through the parser; returns the offset after the last whole record. */
  private async stream<S>(
    fd: number,
    size: number,
    from: number,
    parser: TailParser<S>,
    state: S,
    emit: PointSink,
    rel: string,
    seen: string[] = [],
  ): Promise<number> {
    let offset = from;
    let carry: Uint8Array = new Uint8Array(0);
    let readPos = from;
    // Sized to what is left (most metric files are far below a chunk) and not zero-filled: only read bytes are used.
    const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(this.limits.chunkBytes, size - from)));
    const onProblem = (message: string): void => {
      seen.push(message);
      this.problem(rel, message);
    };
    while (readPos < size) {
      const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - readPos), readPos);
      if (n <= 0) break;
      readPos += n;
      const data = carry.length === 0 ? chunk.subarray(0, n) : concat(carry, chunk.subarray(0, n));
      const atEof = readPos >= size;
      let consumed: number;
      try {
        consumed = parser.parse(data, state, emit, atEof, onProblem);
      } catch (err) {
        // A throw from a parser is a bug; contain it to this file.
        this.problem(rel, `reader failed at byte ${offset}: ${errorText(err)}`);
        return offset;
      }
      consumed = Math.max(0, Math.min(consumed, data.length));
      offset += consumed;
      // Given up (see TailParser.finished): the rest counts as read, so a 2 GB broken file costs a few reads.
      if (parser.finished?.(state)) return size;
      // A copy, not a view: the next readSync reuses `chunk`, and a view would see its bytes change.
      carry = Uint8Array.prototype.slice.call(data, consumed);
      if (carry.length > this.limits.maxRecordBytes) {
        this.problem(
          rel,
          `record at byte ${offset} is larger than ${mb(this.limits.maxRecordBytes)}; rest of file skipped`,
        );
        return offset;
      }
      if (!atEof) await breathe();
    }
    return offset;
  }

  private newContribution(runPath: string): Record<string, SummaryAcc> {
    const acc: Record<string, SummaryAcc> = {};
    this.contributionsOf(runPath).push(acc);
    return acc;
  }

  private contributionsOf(runPath: string): Array<Record<string, SummaryAcc>> {
    let list = this.contributions.get(runPath);
    if (!list) this.contributions.set(runPath, (list = []));
    return list;
  }

  private summarySink(_runPath: string, acc: Record<string, SummaryAcc>): PointSink {
    // Consecutive points usually share a key: remember the last one to skip the lookup.
    let lastKey = '';
    let last: SummaryAcc | undefined;
    return (key, step, value) => {
      if (key !== lastKey || !last) {
        last = acc[key] ??= emptySummary();
        lastKey = key;
      }
      addPoint(last, step, value);
    };
  }

  private collectSink(runPath: string): PointSink {
    const keys = this.mode.kind === 'series' ? this.mode.keys : null;
    let byKey = this.collected.get(runPath);
    if (!byKey) this.collected.set(runPath, (byKey = new Map()));
    const target = byKey;
    return (key, step, value, time) => {
      if (keys && !keys.has(key)) return;
      let s = target.get(key);
      if (!s) target.set(key, (s = { steps: [], values: [], times: [] }));
      s.steps.push(step);
      s.values.push(value);
      s.times.push(time);
    };
  }
}

function readHeadHex(fd: number, n: number): string {
  if (n <= 0) return '';
  const buf = Buffer.alloc(n);
  const got = fs.readSync(fd, buf, 0, n, 0);
  return buf.subarray(0, got).toString('hex');
}

/** Hex of up to HEAD_BYTES bytes ending at `offset`. */
function readEdgeHex(fd: number, offset: number): string {
  const n = Math.min(HEAD_BYTES, offset);
  if (n <= 0) return '';
  const buf = Buffer.alloc(n);
  const got = fs.readSync(fd, buf, 0, n, offset - n);
  return buf.subarray(0, got).toString('hex');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function isMissing(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { code?: string }).code === 'ENOENT';
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MB`;
}
