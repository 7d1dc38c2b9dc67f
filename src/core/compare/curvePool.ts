import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Series } from '../model';
import type { Curve, XAxis } from '../../protocol';
import { curveFor, packCurves, withOrder } from './downsample';

export interface CurveOptions {
  xAxis: XAxis;
  maxPoints: number;
  smoothing: number;
  range?: { min: number; max: number };
}

/** A message to a curve worker (curveWorker.ts) and its answer. */
export interface CurveJob {
  id: number;
  series: Series[];
  options: CurveOptions;
}
export interface CurveResult {
  id: number;
  curves: Curve[];
  error?: string;
}

/** Below this many points a request is answered on the calling thread: a worker round trip would cost more. */
const INLINE_POINTS = 400_000;

/**
 * Downsamples and smooths curves on worker threads, the series split between them by points. Opening 50 runs × 10
 * metrics of 100,000 points means smoothing 50 M points: on the extension host that held its event loop for ~300 ms
 * per panel, and it used one core. Series should have sharedColumns (SharedArrayBuffer columns, as the indexer's
 * readSeries gives them): other series are copied into each job.
 */
export class CurvePool {
  private readonly slots: Array<Slot | undefined> = [];
  private nextId = 1;

  constructor(
    readonly size: number,
    private readonly workerFile = path.join(__dirname, 'curveWorker.js'),
  ) {}

  /** One curve per series, in the order given, all columns in one buffer (see packCurves). */
  async curves(series: readonly Series[], options: CurveOptions): Promise<Curve[]> {
    const points = series.reduce((n, s) => n + s.values.length, 0);
    if (this.size < 1 || points < INLINE_POINTS || series.length < 2) return packCurves(series.map((s) => curveFor(s, options)));
    const parts = splitByPoints(series, Math.min(this.size, series.length));
    const answers = await Promise.all(parts.map((part, i) => this.run(i, part, options)));
    // Each worker packs its answer already; only several answers need joining into one buffer.
    return answers.length === 1 ? answers[0]! : packCurves(answers.flat());
  }

  /**
   * Starts the workers ahead of the first request and runs each on made-up series sent the way real ones are: a
   * fresh isolate interprets the first millions of points (~180 ms) before its optimising compiler catches up, which
   * made a panel's first chart the slowest by far.
   */
  warm(): void {
    const series = Array.from({ length: 4 }, (_, k) => warmUpSeries(k));
    for (let i = 0; i < this.size; i++) {
      if (this.slots[i]) continue;
      this.slots[i] = this.spawn(i);
      for (let k = 0; k < 10; k++) void this.run(i, series, { xAxis: 'step', maxPoints: 200 + 100 * (k % 4), smoothing: k % 5 === 4 ? 0 : 0.6 }).catch(() => undefined);
    }
  }

  dispose(): void {
    for (const slot of this.slots) {
      if (!slot) continue;
      void slot.worker.terminate();
      for (const p of slot.pending.values()) p.reject(new Error('curve workers stopped'));
    }
    this.slots.length = 0;
  }

  private run(index: number, series: Series[], options: CurveOptions): Promise<Curve[]> {
    const slot = (this.slots[index] ??= this.spawn(index));
    const id = this.nextId++;
    return new Promise<Curve[]>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      // The Series objects are cloned, their SharedArrayBuffer columns are not.
      const job: CurveJob = { id, series: series.map(({ runId, key, steps, values, times, ascending, extremes }) => ({ runId, key, steps, values, times, ascending, extremes })), options };
      slot.worker.postMessage(job);
    });
  }

  private spawn(index: number): Slot {
    const worker = new Worker(this.workerFile);
    // Idle workers must not keep a process alive.
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (r: CurveResult) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      if (r.error !== undefined) p.reject(new Error(r.error));
      else p.resolve(r.curves);
    });
    const fail = (err: Error): void => {
      // Its jobs fail (the panel shows "could not load"); the next request starts a new worker.
      if (this.slots[index] === slot) this.slots[index] = undefined;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`curve worker exited with code ${code}`)));
    return slot;
  }
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(c: Curve[]): void; reject(e: Error): void }>;
}

/** Contiguous parts with about equal points each (order kept, so answers concatenate back in order). */
export function splitByPoints(series: readonly Series[], parts: number): Series[][] {
  const total = series.reduce((n, s) => n + s.values.length, 0);
  const out: Series[][] = [];
  let cur: Series[] = [];
  let acc = 0;
  for (const s of series) {
    cur.push(s);
    acc += s.values.length;
    if (out.length < parts - 1 && acc >= (total * (out.length + 1)) / parts) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length || !out.length) out.push(cur);
  return out.filter((p) => p.length);
}

function warmUpSeries(k: number): Series {
  const n = 10_000;
  const cols = sharedColumns(n);
  for (let i = 0; i < n; i++) {
    cols.steps[i] = i;
    cols.times[i] = 1.7e12 + i * 1000;
    cols.values[i] = Math.exp(-i / (1000 + k * 300)) + ((i * 7919) % 101) / 1000;
  }
  return withOrder({ runId: `warm-up-${k}`, key: 'warm-up', ...cols });
}

/** Columns for a series of n points in one SharedArrayBuffer, so curve workers read them without a copy. */
export function sharedColumns(n: number): { steps: Float64Array; values: Float64Array; times: Float64Array } {
  const buf = new SharedArrayBuffer(n * 24);
  return { steps: new Float64Array(buf, 0, n), values: new Float64Array(buf, n * 8, n), times: new Float64Array(buf, n * 16, n) };
}
