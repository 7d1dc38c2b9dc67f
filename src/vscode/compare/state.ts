import { diffRuns, sameParam } from '../../core/compare/diff';
import { guessDirection, type Direction } from '../../core/compare/direction';
import type { CurveExtremes } from '../../core/compare/curveSource';
import { clampSmoothing } from '../../core/compare/smoothing';
import type { Run } from '../../core/model';
import type { CompareGroups, CompareState, JsonNumber, MetricCell, MetricRow, ParamRow, RunRef } from '../../protocol';
import { commitBadge, commitDescription, type CommitState } from '../git/commitState';

/** Categorical colours readable on light, dark and high-contrast themes; then golden-angle hues. */
const PALETTE = [
  '#3b82f6',
  '#f97316',
  '#10b981',
  '#ef4444',
  '#a855f7',
  '#eab308',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
  '#8b5cf6',
];

export interface BuildStateInput {
  runs: readonly Run[];
  requestedIds: readonly string[];
  baselineId: string | undefined;
  directions: Readonly<Record<string, Direction>>;
  colors: ReadonlyMap<string, string>;
  folder(run: Run): string | undefined;
  extremes(runId: string): ReadonlyMap<string, CurveExtremes> | undefined;
  dataRevision: number;
  smoothing: number;
  capabilities: CompareState['capabilities'];
  commitState?(runId: string): CommitState | undefined;
  /** Canonical metric name → the original names it stands for (the runs' metrics are already renamed). */
  originals?: ReadonlyMap<string, ReadonlySet<string>>;
  groups?: CompareGroups;
}

/** The full state the webview renders, from the runs the index knows. */
export function buildCompareState(i: BuildStateInput): CompareState {
  const runs = i.runs;
  const baseline = Math.max(
    0,
    runs.findIndex((r) => r.id === i.baselineId),
  );
  const d = diffRuns(runs, { baseline, all: true, directions: i.directions });
  const refs: RunRef[] = runs.map((r) => {
    const cs = i.commitState?.(r.id);
    return {
      id: r.id,
      name: r.name,
      format: r.format,
      status: r.status,
      experiment: r.experiment,
      startTime: r.startTime,
      durationMs: r.startTime !== null && r.endTime !== null ? r.endTime - r.startTime : null,
      commit: r.git.commit,
      branch: r.git.branch,
      dirty: r.git.dirty,
      commitBadge: cs ? commitBadge(cs) : null,
      commitDetail: cs ? commitDescription(cs) : null,
      inferredCommit: cs && cs.source === 'inferred' ? cs.commit : null,
      folder: r.path,
      ...(r.source ? { source: r.source } : {}),
      deleted: r.deleted,
      color: i.colors.get(r.id) ?? colorAt(0),
    };
  });
  const params: ParamRow[] = d.params.map((p) => ({
    key: p.key,
    group: groupOf(p.key),
    values: p.values.map((v) => (v === undefined ? { missing: true as const } : v)),
    changed: p.values.map((v, ri) => ri !== baseline && !sameParam(v, p.values[baseline])),
    differs: p.differs,
  }));
  const metrics: MetricRow[] = d.metrics.map((m) => {
    const guessed = guessDirection(m.key) ?? null;
    const aliases = i.originals?.get(m.key);
    return {
      key: m.key,
      ...(aliases?.size ? { aliases: [...aliases].sort() } : {}),
      direction: m.direction ?? null,
      guessed,
      overridden: Object.prototype.hasOwnProperty.call(i.directions, m.key),
      bestRun: m.bestRun ?? null,
      cells: m.cells.map((c, ri): MetricCell | null => {
        if (!c.summary) return null;
        const ex = i.extremes(runs[ri]!.id)?.get(m.key);
        return {
          last: jsonNumber(c.summary.last),
          lastStep: c.summary.lastStep,
          min: c.summary.min ?? ex?.min ?? null,
          max: c.summary.max ?? ex?.max ?? null,
          minStep: ex?.minStep ?? null,
          maxStep: ex?.maxStep ?? null,
          count: c.summary.count,
          delta: c.delta ?? null,
          pct: c.pct ?? null,
        };
      }),
    };
  });
  const known = new Set(runs.map((r) => r.id));
  return {
    runs: refs,
    baseline,
    params,
    metrics,
    missingRunIds: i.requestedIds.filter((id) => !known.has(id)),
    dataRevision: i.dataRevision,
    defaults: { smoothing: clampSmoothing(i.smoothing) },
    capabilities: i.capabilities,
    ...(i.groups ? { groups: i.groups } : {}),
  };
}

function groupOf(key: string): string {
  const i = Math.max(key.lastIndexOf('.'), key.lastIndexOf('/'));
  return i > 0 ? key.slice(0, i) : '';
}

function jsonNumber(v: number | null): JsonNumber | null {
  if (v === null) return null;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

/** The i-th run colour: the palette, then golden-angle hues at fixed saturation and lightness. */
export function colorAt(i: number): string {
  if (i < PALETTE.length) return PALETTE[i]!;
  return hslToHex(((i - PALETTE.length) * 137.508 + 20) % 360, 0.65, 0.55);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
