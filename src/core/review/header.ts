// The review as the compare view's header shows it (the types are the protocol's: they cross postMessage): the verdict, the gates that failed, the noise test, and each
// paired group's metrics (mean ± std (n), Δ, noise). Strings only, formatted here once (the same formatters as the
// comment's); the webview renders them as text.
import { formatDelta, formatPct } from '../compare/format';
import { formatGroupStat, formatNoise } from '../groups/format';
import type { ReviewHeader, ReviewHeaderRow, ReviewHeaderSide } from '../../protocol';
import type { MetricEntry } from './pairing';
import type { Review, ReviewSide } from './review';

/** Rows the header lists at most: a long table belongs to the Metrics tab. */
const MAX_HEADER_ROWS = 40;
export const NOISE_TEST = "Welch's t-test";

/** The heading words of a review, shared by the comment and the compare view. */
export function verdictTitle(r: Pick<Review, 'verdict' | 'metrics'>): string {
  const gated = r.metrics.filter((m) => m.verdict !== 'ungated');
  const failed = gated.filter((m) => m.verdict === 'fail').length;
  const s = gated.length === 1 ? '' : 's';
  if (r.verdict === 'fail') return `${failed} of ${gated.length} gate${s} failed`;
  return gated.length ? `${gated.length} gate${s} passed` : 'nothing gated';
}

/** "val_loss", or "val_loss (min)". */
export function entryLabel(m: Pick<MetricEntry, 'name' | 'summary'>): string {
  return m.summary === 'last' ? m.name : `${m.name} (${m.summary})`;
}

export function reviewHeader(r: Review, opts: { alpha: number; beyondNoise: boolean }): ReviewHeader {
  const gated = r.metrics.filter((m) => m.verdict !== 'ungated');
  const ordered = [...gated, ...r.metrics.filter((m) => m.verdict === 'ungated')];
  return {
    verdict: r.verdict,
    title: verdictTitle(r),
    base: side(r.base),
    head: side(r.head),
    failed: gated.filter((m) => m.verdict === 'fail').map((m) => `${entryLabel(m)} ${m.threshold ?? ''}`.trim()),
    noise: { test: NOISE_TEST, alpha: opts.alpha, gateOnlyBeyondNoise: opts.beyondNoise },
    rows: ordered.slice(0, MAX_HEADER_ROWS).map(row),
    rowsLeftOut: Math.max(0, ordered.length - MAX_HEADER_ROWS),
    notes: r.notes,
  };
}

/** The header of a review that found the head's runs but no baseline's (the CLI's exit 3). */
export function noBaselineHeader(
  head: ReviewSide,
  reason: string,
  opts: { alpha: number; beyondNoise: boolean },
): ReviewHeader {
  return {
    verdict: 'no-baseline',
    title: 'no baseline runs',
    base: null,
    head: side(head),
    failed: [],
    noise: { test: NOISE_TEST, alpha: opts.alpha, gateOnlyBeyondNoise: opts.beyondNoise },
    rows: [],
    rowsLeftOut: 0,
    notes: [reason],
  };
}

function side(s: ReviewSide): ReviewHeaderSide {
  return { ref: s.ref, commit: s.commit, subject: s.subject, found: s.found, runs: s.runs.length };
}

function row(m: MetricEntry): ReviewHeaderRow {
  return {
    group: m.group,
    metric: entryLabel(m),
    base: formatGroupStat(m.base),
    head: formatGroupStat(m.head),
    delta: m.delta === null ? '' : formatDelta(m.delta),
    pct: m.deltaPct === null ? '' : formatPct(m.deltaPct),
    gate: m.threshold,
    verdict: m.verdict,
    note: m.note,
    noise: formatNoise(m.beyondNoise, m.p),
    beyondNoise: m.beyondNoise,
  };
}
