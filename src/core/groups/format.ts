import { formatNumber } from '../compare/format';
import type { GroupSummary } from '../stats/groups';

/** "mean ± std (n=…)" of a group summary; one value alone as itself; "—" for none. */
export function formatGroupStat(g: GroupSummary): string {
  if (g.mean === null) return g.nonFinite ? `NaN (n=${g.nonFinite})` : '—';
  // Two significant digits of spread say how noisy the seeds are; more would be noise about noise.
  return g.n > 1
    ? `${formatNumber(g.mean)} ± ${formatNumber(g.std === null ? null : Number(g.std.toPrecision(2)))} (n=${g.n})`
    : formatNumber(g.mean);
}

/** Whether a delta is beyond the seed noise, with its p-value; "—" when a side has fewer than two runs. */
export function formatNoise(beyondNoise: boolean | null, p: number | null): string {
  if (beyondNoise === null || p === null) return '—';
  return `${beyondNoise ? 'beyond noise' : 'within noise'} (p=${formatNumber(Number(p.toPrecision(2)))})`;
}
