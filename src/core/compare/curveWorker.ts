import { parentPort } from 'node:worker_threads';
import type { Curve } from './curve';
import { curveFor, packCurves } from './downsample';
import { aggregateBand } from './aggregateBand';
import type { CurveJob, CurveResult } from './curvePool';

/**
 * A worker thread of the CurvePool: downsamples and smooths series it shares with the calling thread (their columns
 * live in SharedArrayBuffers, so nothing is copied in) and sends the curves back in one transferred buffer.
 */
parentPort?.on('message', (job: CurveJob) => {
  let result: CurveResult;
  try {
    if ('groups' in job) {
      // Each band's columns are fresh arrays of their own (aggregateBand slices them): all moved, none copied.
      const bands = job.groups.map((g) => aggregateBand(g, job.bands));
      result = { id: job.id, curves: [], bands };
      const moved = bands.flatMap((b) => [b.x, b.mean, b.lo, b.hi, b.n].map((c) => c.buffer as ArrayBuffer));
      parentPort!.postMessage(result, moved);
      return;
    }
    const curves: Curve[] = job.series.map((s) => curveFor(s, job.options));
    result = { id: job.id, curves: packCurves(curves) };
  } catch (err) {
    result = { id: job.id, curves: [], error: err instanceof Error ? err.message : String(err) };
  }
  const buffer = result.curves[0]?.x.buffer;
  parentPort!.postMessage(result, buffer instanceof ArrayBuffer ? [buffer] : []);
});
