import { isoTime } from '../index/indexJson';
import { jsonNumber } from '../summary';
import type { RunDiff } from './diff';
import { formatDelta, formatNumber, formatParam, formatPct, lineText, mdTable, textTable } from './format';

/** Column title of a run: its name, and its short id so two runs with one name stay apart. */
function runTitle(d: RunDiff, i: number): string {
  const r = d.runs[i]!;
  return `${r.name} (${r.id.slice(0, 7)})${i === d.baseline ? ' [baseline]' : ''}`;
}

/** One metric cell: last value, its delta (and %) vs the baseline when asked, ★ on the best run. */
export function metricCell(d: RunDiff, rowIndex: number, i: number, withDelta: boolean): string {
  const row = d.metrics[rowIndex]!;
  const c = row.cells[i]!;
  if (!c.summary) return '—';
  let s = formatNumber(c.summary.last);
  if (withDelta && i !== d.baseline && c.delta !== undefined)
    s += ` (${formatDelta(c.delta)}${c.pct !== undefined ? `, ${formatPct(c.pct)}` : ''})`;
  if (row.bestRun === i) s += ' ★';
  return s;
}

/** The diff as aligned plain text for a terminal. */
export function diffToText(d: RunDiff, opts: { all: boolean }): string {
  const titles = d.runs.map((_, i) => runTitle(d, i));
  const out: string[] = [];
  out.push(opts.all ? 'Params' : 'Params that differ');
  out.push(
    d.params.length
      ? textTable(
          ['param', ...titles],
          d.params.map((p) => [p.differs ? p.key : `  ${p.key}`, ...p.values.map((v) => formatParam(v))]),
        )
      : '(none)',
  );
  out.push('');
  out.push('Metrics (last value; delta vs baseline; ★ best)');
  out.push(
    d.metrics.length
      ? textTable(
          ['metric', ...titles],
          d.metrics.map((m, ri) => [m.key, ...d.runs.map((_, i) => metricCell(d, ri, i, true))]),
        )
      : '(none)',
  );
  return out.join('\n');
}

/** The diff as Markdown, ready to paste into a pull request. */
export function diffToMarkdown(d: RunDiff, opts: { all: boolean }): string {
  const titles = d.runs.map((_, i) => runTitle(d, i));
  const out: string[] = [];
  out.push(`### Runlens: ${d.runs.length} runs compared`);
  out.push('');
  out.push(
    `Baseline: **${mdInline(titles[d.baseline] ?? '')}**. ★ marks the best value where the metric's direction is known.`,
  );
  out.push('');
  out.push(opts.all ? '#### Params' : '#### Params that differ');
  out.push('');
  out.push(
    d.params.length
      ? mdTable(
          ['param', ...titles],
          d.params.map((p) => [p.key, ...p.values.map((v) => formatParam(v))]),
        )
      : '_No differing params._',
  );
  out.push('');
  out.push('#### Metrics (last value, delta vs baseline)');
  out.push('');
  out.push(
    d.metrics.length
      ? mdTable(
          ['metric', ...titles],
          d.metrics.map((m, ri) => [m.key, ...d.runs.map((_, i) => metricCell(d, ri, i, true))]),
          ['l', ...d.runs.map(() => 'r' as const)],
        )
      : '_No metrics._',
  );
  out.push('');
  return out.join('\n');
}

function mdInline(s: string): string {
  return lineText(s).replace(/[\\`*_{}[\]()<>|!]/g, (c) => `\\${c}`);
}

/** The diff as JSON (non-finite numbers as strings, like the index contract). */
export function diffToJson(d: RunDiff): unknown {
  return {
    baseline: d.runs[d.baseline]?.id ?? null,
    runs: d.runs.map((r) => ({
      id: r.id,
      name: r.name,
      format: r.format,
      path: r.path,
      commit: r.git.commit,
      startTime: isoTime(r.startTime),
    })),
    params: d.params.map((p) => ({
      key: p.key,
      differs: p.differs,
      values: p.values.map((v) => (v === undefined ? { missing: true } : v)),
    })),
    metrics: d.metrics.map((m) => ({
      key: m.key,
      direction: m.direction ?? null,
      best: m.bestRun === undefined ? null : d.runs[m.bestRun]!.id,
      runs: m.cells.map((c) =>
        c.summary
          ? {
              last: jsonNumber(c.summary.last),
              lastStep: c.summary.lastStep,
              min: c.summary.min,
              max: c.summary.max,
              count: c.summary.count,
              delta: c.delta ?? null,
              pct: c.pct ?? null,
            }
          : null,
      ),
    })),
  };
}
