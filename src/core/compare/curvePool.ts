import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Series } from '../model';
import type { BandColumns, Curve, XAxis } from './curve';
import type { StepSeries } from './aggregate';
import { aggregateBand, type BandOptions } from './aggregateBand';
import { breathe } from '../breathe';
import { curveFor, packCurves, readFromSummaries } from './downsample';
import { sharedColumns, withOrder } from '../series';

export interface CurveOptions {
  xAxis: XAxis;
  maxPoints: number;
  smoothing: number;
  range?: { min: number; max: number };
}

/**
 * A message to a curve worker (curveWorker.ts) and its answer: series to downsample into curves, or groups of runs'
 * series to aggregate into bands (compare/aggregateBand.ts), one per group.
 */
export type CurveJob = { id: number } & JobBody;
type JobBody = { series: Series[]; options: CurveOptions } | { groups: StepSeries[][]; bands: BandOptions };
export interface CurveResult {
  id: number;
  curves: Curve[];
  bands?: BandColumns[];
  error?: string;
}

/**
 * A request is answered on the calling thread when it should take under ~4 ms there: a worker round trip, and the
 * copies of its answer, cost more CPU than that (and CPU is what a 2-core machine opening a big comparison runs out
 * of). Counted in points read one by one, ~3 ns each; see requestCost.
 */
const INLINE_COST = 1_200_000;
/**
 * What a point costs when its series' buckets are read from block summaries (see readFromSummaries), against one read
 * point by point: 50 series of 100,000 points into 428 buckets took 2.8 ms so, 15 ms by streaming the EMA.
 */
const SUMMARISED_COST = 0.2;
/** About this many points per chunk of a request: small enough to balance the workers, big enough to pay a message. */
const CHUNK_POINTS = 1_000_000;
/** Chunks given to one worker at a time: a second one waiting in its inbox hides the round trip to this thread. */
const IN_FLIGHT = 2;

/**
 * Downsamples and smooths curves on worker threads, or on the calling thread when that is cheaper (see INLINE_COST:
 * a panel's charts at the weight their series were summarised at). A request is cut into chunks of series (~1 M
 * points) that wait in one queue, oldest request first; a worker takes the next chunk when it has fewer than
 * IN_FLIGHT. Opening 50 runs × 10 metrics of 100,000 points at another weight means smoothing 50 M points: on the
 * extension host that held its event loop for ~300 ms per panel, and it used one core. Halving every request between
 * the workers made each answer wait for the slower one, and on a busy machine one worker was often held back by ~200
 * ms. Series should have sharedColumns (SharedArrayBuffer columns, as the indexer's readSeries gives them): other
 * series are copied into each job.
 */
export class CurvePool {
  private readonly slots: Array<Slot | undefined> = [];
  private readonly queue: Chunk[] = [];
  private nextId = 1;

  constructor(
    readonly size: number,
    private readonly workerFile = path.join(__dirname, 'curveWorker.js'),
  ) {}

  /** One curve per series, in the order given, all columns in one buffer (see packCurves). */
  async curves(series: readonly Series[], options: CurveOptions): Promise<Curve[]> {
    if (this.size < 1 || answeredInline(series, options)) {
      // One request per turn of the event loop (see breathe): a panel's charts ask at once, and each answer then
      // leaves before the next one is computed instead of all of them after the last.
      await breathe();
      return packCurves(series.map((s) => curveFor(s, options)));
    }
    const points = series.reduce((n, s) => n + s.values.length, 0);
    const parts = splitByPoints(
      series,
      Math.min(series.length, Math.max(this.size, Math.round(points / CHUNK_POINTS))),
    );
    const answers = await Promise.all(
      parts.map(
        (part) =>
          new Promise<Curve[]>((resolve, reject) =>
            this.enqueue({ body: { series: part, options }, resolve: (r) => resolve(r.curves), reject }),
          ),
      ),
    );
    // Each worker packs its answer already; only several answers need joining into one buffer.
    return answers.length === 1 ? answers[0]! : packCurves(answers.flat());
  }

  /**
   * Each group's band (aggregateBand), in the order given, computed on the workers: the calling thread only posts the
   * series (their SharedArrayBuffer columns are not copied) and receives the drawn columns. Groups are cut into
   * chunks of about CHUNK_POINTS, so two workers share 20 groups; a small request is answered here, one group per
   * turn of the event loop.
   */
  async bands(groups: readonly StepSeries[][], options: BandOptions): Promise<BandColumns[]> {
    const points = (g: readonly StepSeries[]): number => g.reduce((n, s) => n + s.values.length, 0);
    const total = groups.reduce((n, g) => n + points(g), 0);
    if (this.size < 1 || total < INLINE_COST) return bandsHere(groups, options);
    const parts: StepSeries[][][] = [];
    let acc = CHUNK_POINTS;
    for (const g of groups) {
      if (acc >= CHUNK_POINTS) {
        parts.push([]);
        acc = 0;
      }
      parts[parts.length - 1]!.push(g.map((s) => columnsOnly(s, options.xAxis === 'relative')));
      acc += points(g);
    }
    const answers = await Promise.all(
      parts.map(
        (part) =>
          new Promise<BandColumns[]>((resolve, reject) =>
            this.enqueue({ body: { groups: part, bands: options }, resolve: (r) => resolve(r.bands ?? []), reject }),
          ),
      ),
    );
    return answers.flat();
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
      const slot = this.spawn(i);
      for (let k = 0; k < 10; k++) {
        const options: CurveOptions = {
          xAxis: 'step',
          maxPoints: 200 + 100 * (k % 4),
          smoothing: k % 5 === 4 ? 0 : 0.6,
        };
        this.post(slot, { body: { series, options }, resolve: () => undefined, reject: () => undefined });
      }
    }
  }

  dispose(): void {
    for (const slot of this.slots) {
      if (!slot) continue;
      void slot.worker.terminate();
      for (const c of slot.pending.values()) c.reject(new Error('curve workers stopped'));
    }
    this.slots.length = 0;
    for (const c of this.queue.splice(0)) c.reject(new Error('curve workers stopped'));
  }

  private enqueue(chunk: Chunk): void {
    this.queue.push(chunk);
    this.dispatch();
  }

  /** Hands queued chunks to workers with room, the least busy first. */
  private dispatch(): void {
    while (this.queue.length) {
      let best: Slot | undefined;
      for (let i = 0; i < this.size; i++) {
        const slot = (this.slots[i] ??= this.spawn(i));
        if (slot.pending.size < IN_FLIGHT && (!best || slot.pending.size < best.pending.size)) best = slot;
      }
      if (!best) return;
      this.post(best, this.queue.shift()!);
    }
  }

  private post(slot: Slot, chunk: Chunk): void {
    const id = this.nextId++;
    slot.pending.set(id, chunk);
    const body = chunk.body;
    if ('groups' in body) {
      slot.worker.postMessage({ id, ...body } satisfies CurveJob);
      return;
    }
    // The Series objects are cloned, their SharedArrayBuffer columns are not.
    const series = body.series.map(({ runId, key, steps, values, times, ascending, stepEvery, extremes }) => ({
      runId,
      key,
      steps,
      values,
      times,
      ascending,
      stepEvery,
      extremes,
    }));
    const job: CurveJob = { id, series, options: body.options };
    slot.worker.postMessage(job);
  }

  private spawn(index: number): Slot {
    const worker = new Worker(this.workerFile);
    // Idle workers must not keep a process alive.
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    this.slots[index] = slot;
    worker.on('message', (r: CurveResult) => {
      const c = slot.pending.get(r.id);
      if (!c) return;
      slot.pending.delete(r.id);
      if (r.error !== undefined) c.reject(new Error(r.error));
      else c.resolve(r);
      this.dispatch();
    });
    const fail = (err: Error): void => {
      // Its chunks and the queued ones fail (the panel shows "could not load"); the next request starts a new worker.
      if (this.slots[index] === slot) this.slots[index] = undefined;
      for (const c of [...slot.pending.values(), ...this.queue.splice(0)]) c.reject(err);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`curve worker exited with code ${code}`)));
    return slot;
  }
}

/** Part of a request: series (or groups) for one worker, and where its answer goes. */
interface Chunk {
  body: JobBody;
  resolve(r: CurveResult): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  /** Chunks sent to this worker and not answered yet, by job id. */
  pending: Map<number, Chunk>;
}

/** Each group's band on this thread, one group per turn of the event loop (see breathe). */
export async function bandsHere(groups: readonly StepSeries[][], options: BandOptions): Promise<BandColumns[]> {
  const out: BandColumns[] = [];
  for (const g of groups) {
    await breathe();
    out.push(aggregateBand(g, options));
  }
  return out;
}

/** Whether a request is answered on the calling thread rather than by the workers (see INLINE_COST). */
export function answeredInline(series: readonly Series[], options: CurveOptions): boolean {
  return series.length < 2 || requestCost(series, options) < INLINE_COST;
}

/** A request's points, each weighted by what computing its curve costs per point (see SUMMARISED_COST). */
export function requestCost(series: readonly Series[], options: CurveOptions): number {
  let cost = 0;
  for (const s of series) cost += s.values.length * (readFromSummaries(s, options) ? SUMMARISED_COST : 1);
  return cost;
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

/** Only the columns aggregation reads (a Series' other fields need not be cloned into the worker). */
function columnsOnly(s: StepSeries, times: boolean): StepSeries {
  const out: StepSeries = { steps: s.steps, values: s.values, ascending: s.ascending, stepEvery: s.stepEvery };
  if (times) out.times = s.times;
  return out;
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
