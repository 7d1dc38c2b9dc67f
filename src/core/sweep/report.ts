// `runlens groups --correlate <metric>`: the Sweep view's ranking of params by Spearman's ρ, for a terminal, a
// pull-request comment or a script. Param keys come from run files: plainText / mdCell / exact JSON.
import { formatNumber, mdCell, plainText } from '../compare/format';
import type { SweepData } from './types';

const rho = (r: number | null): string => (r === null ? '—' : formatNumber(Number(r.toFixed(3))));

/** The JSON contract: `{ metric, ranking: [{ param, rho, n }], unranked }` (rho null when undefined). */
export function correlationToJson(d: SweepData): {
  metric: string | null;
  ranking: Array<{ param: string; rho: number | null; n: number }>;
  unranked: string[];
} {
  return {
    metric: d.metric,
    ranking: d.ranking.map((r) => ({ param: r.key, rho: r.rho, n: r.n })),
    unranked: d.unranked,
  };
}

export function correlationToText(d: SweepData): string {
  if (!d.metric) return 'no metric in these runs';
  const rows = d.ranking.map((r) => [plainText(r.key), rho(r.rho), String(r.n)]);
  const width = Math.max(5, ...rows.map((r) => r[0]!.length));
  const lines = [
    `Spearman's rho with ${plainText(d.metric)}, strongest first`,
    `${'param'.padEnd(width)}  ${'rho'.padStart(7)}  runs`,
  ];
  for (const [k, v, n] of rows) lines.push(`${k!.padEnd(width)}  ${v!.padStart(7)}  ${n}`);
  if (d.unranked.length) lines.push(`not ranked (text, no order): ${d.unranked.map(plainText).join(', ')}`);
  return lines.join('\n');
}

export function correlationToMarkdown(d: SweepData): string {
  if (!d.metric) return '_No metric in these runs._';
  const lines = [
    `**Spearman's ρ with ${mdCell(d.metric)}**, strongest first`,
    '',
    '| param | ρ | runs |',
    '| --- | ---: | ---: |',
  ];
  for (const r of d.ranking) lines.push(`| ${mdCell(r.key)} | ${rho(r.rho)} | ${r.n} |`);
  if (d.unranked.length) lines.push('', `Not ranked (text, no order): ${d.unranked.map(mdCell).join(', ')}`);
  return lines.join('\n');
}
