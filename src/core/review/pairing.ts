import { guessDirection, type Direction } from '../compare/direction';
import { sameParam } from '../compare/diff';
import type { ParamValue, Run, SourceFormat } from '../model';
import { metricSummary } from '../groups/values';
import { summarize, welchTTest, type GroupSummary } from '../stats/groups';
import { gateDirection, worsening, type Gate, type SummaryName } from './gates';

/** Runs of one experiment that differ only in seed-like params. */
export interface RunGroup {
  /** Experiment name, or the run's path for formats that record none. */
  experiment: string;
  format: SourceFormat;
  runs: Run[];
  /** The params the runs share, seed-like ones left out. */
  params: Record<string, ParamValue>;
}

/** A head group and the baseline group it is compared with. */
export interface GroupPair {
  /** For people: the experiment, with the format when two pairs would otherwise read the same. */
  label: string;
  base: RunGroup;
  head: RunGroup;
}

export type EntryVerdict = 'pass' | 'fail' | 'ungated';

/** One compared metric summary of one pair: the JSON contract's `metrics[]` entry (see docs/review.md). */
export interface MetricEntry {
  group: string;
  name: string;
  summary: SummaryName;
  direction: Direction | null;
  base: GroupSummary;
  head: GroupSummary;
  /** head mean − base mean. */
  delta: number | null;
  /** delta / |base mean| × 100. */
  deltaPct: number | null;
  /** The gate's threshold as written ("+2%"), or null. */
  threshold: string | null;
  verdict: EntryVerdict;
  /** Welch's t-test p < alpha; null when a side has fewer than two runs. */
  beyondNoise: boolean | null;
  p: number | null;
  /** Why a gated entry failed without a delta (e.g. the metric is missing in head). */
  note: string | null;
}

/** Groups runs by experiment and their params other than the seed-like ones. */
export function groupRuns(runs: readonly Run[], isSeed: (param: string) => boolean): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const params: Record<string, ParamValue> = {};
    for (const k of Object.keys(run.params).sort()) if (!isSeed(k)) params[k] = run.params[k]!;
    // An empty experiment name says as little as none: the path names the group, '.' for a run at the folder's root
    // (e.g. DVC's params.yaml and dvc.yaml committed at the repository's root); a group is never labelled ''.
    const experiment = run.experiment || run.path || '.';
    const key = JSON.stringify([experiment, run.format, params]);
    const g = groups.get(key);
    if (g) g.runs.push(run);
    else groups.set(key, { experiment, format: run.format, runs: [run], params });
  }
  return [...groups.values()];
}

/**
 * Pairs each head group with a baseline group of the same experiment (same format preferred), else of any
 * experiment when none matches; among candidates, the one whose shared params differ least.
 */
export function pairGroups(base: readonly RunGroup[], head: readonly RunGroup[]): GroupPair[] {
  const pairs: GroupPair[] = [];
  for (const h of head) {
    const same = base.filter((b) => b.experiment === h.experiment);
    const pool = same.length ? same : base;
    let best: RunGroup | undefined;
    let bestScore = Infinity;
    for (const b of pool) {
      const score = paramDistance(b.params, h.params) + (b.format === h.format ? 0 : 1000) - b.runs.length / 1e6;
      if (score < bestScore) [best, bestScore] = [b, score];
    }
    if (best) pairs.push({ label: h.experiment, base: best, head: h });
  }
  const seen = new Map<string, number>();
  for (const p of pairs) seen.set(p.label, (seen.get(p.label) ?? 0) + 1);
  for (const p of pairs)
    if (seen.get(p.label)! > 1)
      p.label = `${p.label} (${p.head.format}${Object.keys(p.head.params).length ? `, ${shortParams(p.head.params, p.base.params)}` : ''})`;
  return pairs;
}

function paramDistance(a: Record<string, ParamValue>, b: Record<string, ParamValue>): number {
  let n = 0;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!sameParam(a[k], b[k])) n++;
  return n;
}

function shortParams(head: Record<string, ParamValue>, base: Record<string, ParamValue>): string {
  const diff = Object.keys(head).filter((k) => !sameParam(head[k], base[k]));
  return (diff.length ? diff : Object.keys(head))
    .slice(0, 2)
    .map((k) => `${k}=${String(head[k])}`)
    .join(', ');
}

export interface EntryOptions {
  gates: readonly Gate[];
  directions: Readonly<Record<string, Direction>>;
  beyondNoise: boolean;
  alpha: number;
}

/** The metric entries of every pair: gated ones first (in gate order), then every shared metric's `last`. */
export function metricEntries(pairs: readonly GroupPair[], opts: EntryOptions): MetricEntry[] {
  const out: MetricEntry[] = [];
  const direction = (k: string): Direction | undefined => opts.directions[k] ?? guessDirection(k);
  for (const gate of opts.gates) {
    const dir = gateDirection(gate, direction(gate.metric));
    let found = false;
    for (const pair of pairs) {
      const inBase = pair.base.runs.some((r) => r.metrics[gate.metric]);
      const inHead = pair.head.runs.some((r) => r.metrics[gate.metric]);
      if (!inBase && !inHead) continue;
      found = true;
      out.push(entry(pair, gate.metric, gate.summary, dir, gate, opts));
    }
    if (!found) {
      const none = summarize([]);
      out.push({
        group: pairs.length === 1 ? pairs[0]!.label : '',
        name: gate.metric,
        summary: gate.summary,
        direction: dir,
        base: none,
        head: none,
        delta: null,
        deltaPct: null,
        threshold: thresholdText(gate),
        verdict: 'fail',
        beyondNoise: null,
        p: null,
        note: 'no run on either side has this metric',
      });
    }
  }
  for (const pair of pairs) {
    const keys = new Set<string>();
    for (const r of pair.head.runs)
      for (const k of Object.keys(r.metrics)) if (pair.base.runs.some((b) => b.metrics[k])) keys.add(k);
    for (const k of [...keys].sort()) {
      if (opts.gates.some((g) => g.metric === k && g.summary === 'last')) continue;
      out.push(entry(pair, k, 'last', direction(k), undefined, opts));
    }
  }
  return out;
}

function thresholdText(g: Gate): string {
  const t = g.text.slice(g.text.lastIndexOf(':') + 1).trim();
  return t;
}

function entry(
  pair: GroupPair,
  name: string,
  summary: SummaryName,
  direction: Direction | undefined,
  gate: Gate | undefined,
  opts: EntryOptions,
): MetricEntry {
  const base = metricSummary(pair.base.runs, name, summary, direction);
  const head = metricSummary(pair.head.runs, name, summary, direction);
  const delta = base.mean !== null && head.mean !== null ? head.mean - base.mean : null;
  const deltaPct = delta !== null && base.mean ? (delta / Math.abs(base.mean)) * 100 : null;
  const test = welchTTest(base, head);
  const beyondNoise = test ? test.p < opts.alpha : null;
  let verdict: EntryVerdict = 'ungated';
  let note: string | null = null;
  if (gate && direction) {
    if (head.mean === null) {
      verdict = 'fail';
      note = head.nonFinite ? 'head has no finite value (diverged?)' : 'missing in head';
    } else if (base.mean === null) {
      verdict = 'pass';
      note = 'missing in the baseline: nothing to compare';
    } else {
      const worse = worsening(delta!, base.mean, direction, gate.relative);
      // Deltas within rounding of the threshold count as on it, not over it.
      const over = worse > gate.amount + 1e-12 * Math.max(1, Math.abs(gate.amount));
      verdict = over && !(opts.beyondNoise && beyondNoise === false) ? 'fail' : 'pass';
      if (over && verdict === 'pass') note = 'within seed noise';
    }
  }
  return {
    group: pair.label,
    name,
    summary,
    direction: direction ?? null,
    base,
    head,
    delta,
    deltaPct,
    threshold: gate ? thresholdText(gate) : null,
    verdict,
    beyondNoise,
    p: test ? test.p : null,
    note,
  };
}
