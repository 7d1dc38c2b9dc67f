import type { CurveSource } from '../../core/compare/curveSource';
import { groupCurves } from '../../core/compare/groupCurves';
import { clampSmoothing } from '../../core/compare/smoothing';
import type { CurveRequest, GroupCurveRequest, ToWebview, XAxis } from '../../protocol';

const MAX_POINTS_PER_CURVE = 20_000;

/**
 * A compare panel's answers to the page's curve requests (runs' curves and groups' aggregated curves), checked
 * (the page's messages are untrusted) and translated through the metric alias map: a row's key is the canonical name,
 * a run may have logged it under another.
 */
export class CurveAnswers {
  /** run id → canonical metric key → the name the run logged it under (the alias map's renames). */
  renamed = new Map<string, Map<string, string>>();

  constructor(
    private readonly source: CurveSource,
    private readonly has: (runId: unknown) => runId is string,
    private readonly log: { debug(message: string): void },
  ) {}

  /** The curves a page asked for, under the names the page knows. */
  async curves(req: CurveRequest): Promise<ToWebview> {
    const runIds = Array.isArray(req.runIds) ? req.runIds.filter((id) => this.has(id)) : [];
    const keys = Array.isArray(req.keys) ? req.keys.filter((k): k is string => typeof k === 'string') : [];
    const xAxis: XAxis = req.xAxis === 'relative' || req.xAxis === 'wall' ? req.xAxis : 'step';
    const maxPoints = clamp(Math.floor(Number(req.maxPoints) || 1000), 16, MAX_POINTS_PER_CURVE);
    const smoothing = clampSmoothing(req.smoothing);
    const range =
      req.range && Number.isFinite(req.range.min) && Number.isFinite(req.range.max)
        ? { min: req.range.min, max: req.range.max }
        : undefined;
    const started = Date.now();
    const opts = { xAxis, maxPoints, smoothing, range };
    // A run that logged a key under another name (an alias) is asked for that name, then labelled with the key.
    const curves = runIds.some((id) => this.renamed.has(id))
      ? (
          await Promise.all(
            runIds.map((id) =>
              this.source
                .curves(
                  [id],
                  keys.map((k) => this.originalKey(id, k)),
                  opts,
                )
                .then((cs) =>
                  cs.map((c) => ({ ...c, key: keys.find((k) => this.originalKey(id, k) === c.key) ?? c.key })),
                ),
            ),
          )
        ).flat()
      : await this.source.curves(runIds, keys, opts);
    this.log.debug(`compare: ${curves.length} curves (${keys.join(', ')}) in ${Date.now() - started} ms`);
    return { type: 'didLoadCurves', requestId: req.requestId, curves };
  }

  originalKey(runId: string, key: string): string {
    return this.renamed.get(runId)?.get(key) ?? key;
  }

  /** The steps of a run's min and max per metric, under the canonical names the rows use. */
  extremes(runId: string): ReturnType<CurveSource['extremes']> {
    const ex = this.source.extremes(runId);
    const renamed = this.renamed.get(runId);
    if (!ex || !renamed) return ex;
    const out = new Map(ex);
    for (const [canonical, original] of renamed) {
      const v = ex.get(original);
      if (v) out.set(canonical, v);
    }
    return out;
  }

  /** Each group's mean and band per key, aligned by step over the runs' full series (core/compare/groupCurves). */
  async groupCurves(req: GroupCurveRequest): Promise<ToWebview> {
    const groups = (Array.isArray(req.groups) ? req.groups : [])
      .filter((g) => g && typeof g.id === 'string' && Array.isArray(g.runIds))
      .map((g) => ({ id: g.id, runIds: g.runIds.filter((id) => this.has(id)) }));
    const keys = Array.isArray(req.keys) ? req.keys.filter((k): k is string => typeof k === 'string') : [];
    const band = req.band === 'stderr' || req.band === 'minmax' ? req.band : 'std';
    const maxPoints = clamp(Math.floor(Number(req.maxPoints) || 1000), 16, MAX_POINTS_PER_CURVE);
    const range =
      req.range && Number.isFinite(req.range.min) && Number.isFinite(req.range.max)
        ? { min: req.range.min, max: req.range.max }
        : undefined;
    const started = Date.now();
    const curves = await groupCurves(this.source, groups, keys, {
      xAxis: req.xAxis === 'relative' ? 'relative' : 'step',
      band,
      maxPoints,
      smoothing: clampSmoothing(req.smoothing),
      range,
      original: (runId, key) => this.originalKey(runId, key),
    });
    this.log.debug(`compare: ${curves.length} group curves (${keys.join(', ')}) in ${Date.now() - started} ms`);
    return { type: 'didLoadGroupCurves', requestId: req.requestId, curves };
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
