import { formatDelta, formatParam, formatPct, mdCell, mdTable } from '../compare/format';
import { sparkline } from './curves';
import { commitUrl } from './links';
import { diffBlock } from './patches';
import type { MetricEntry } from './pairing';
import { formatGroupStat, formatNoise } from '../groups/format';
import { entryLabel, NOISE_TEST, verdictTitle } from './header';
import type { MetricChart, Review, ReviewSide } from './review';

/** Finds the comment again for sticky updates (the action edits the comment holding it instead of adding one). */
export const REVIEW_MARKER = '<!-- runlens-review -->';
/** GitHub rejects comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Rows of the all-metrics and params tables before they are cut (the comment stays readable and under the limit). */
const MAX_ROWS = 60;
const MAX_FILES = 5;

/**
 * The review as a pull-request comment: verdict line, gated table, sparklines, Mermaid charts, params, code. Every
 * string from run files goes through mdCell (no HTML, no live links, no control characters); numbers are ours.
 */
export function reviewToMarkdown(r: Review, opts: { limit?: number; alpha?: number } = {}): string {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT;
  for (const rows of [MAX_ROWS, 20, 5, 0]) {
    const text = render(r, rows, opts.alpha ?? 0.05);
    if (text.length <= limit) return text;
  }
  const note =
    '\n\n_…truncated to stay under the comment size limit: see `runlens review --format json` for everything._\n';
  return render(r, 0, opts.alpha ?? 0.05).slice(0, limit - note.length) + note;
}

/**
 * The comment's summary: the verdict heading, where each side's runs came from, the gated table and the other
 * metrics (groups as mean ± std (n), Δ, %, noise), and the noise test named. The compare view's "Copy as Markdown"
 * puts this above its own tables; the comment goes on with charts, params and code.
 */
export function reviewSummaryMarkdown(r: Review, opts: { alpha?: number; maxRows?: number } = {}): string {
  return [...summaryLines(r, opts.maxRows ?? MAX_ROWS), noiseLine(opts.alpha ?? 0.05)].join('\n') + '\n';
}

/** The summary of a review that found no baseline runs (the CLI exits 3 with the same reason). */
export function noBaselineMarkdown(head: ReviewSide, reason: string): string {
  return [
    `### ⚠️ Runlens review: no baseline runs · head \`${mdCell(shortSha(head)).replace(/`/g, '')}\``,
    '',
    `**Head** ${sideText(head)}  `,
    `**Base** ${mdCell(reason)}`,
    '',
  ].join('\n');
}

function noiseLine(alpha: number): string {
  return `_Runlens · ± is the std between seeds; “noise”: ${NOISE_TEST} of the seed groups, beyond noise when p < ${alpha}._`;
}

function summaryLines(r: Review, maxRows: number): string[] {
  const out: string[] = [];
  const gated = r.metrics.filter((m) => m.verdict !== 'ungated');
  const icon = r.verdict === 'pass' ? '✅' : '❌';
  out.push(
    `### ${icon} Runlens review: ${verdictTitle(r)} · base ${commitRef(r, r.base)} → head ${commitRef(r, r.head)}`,
  );
  out.push('');
  out.push(`**Base** ${sideText(r.base)}  `);
  out.push(`**Head** ${sideText(r.head)}`);
  out.push('');
  if (gated.length) {
    out.push(metricTable(gated, true));
    out.push('');
  }
  const others = r.metrics.filter((m) => m.verdict === 'ungated');
  if (others.length && maxRows > 0) {
    out.push(`#### ${gated.length ? 'Other metrics' : 'Metrics'} (last value)`);
    out.push('');
    out.push(metricTable(others.slice(0, maxRows), false));
    if (others.length > maxRows)
      out.push(`\n_${others.length - maxRows} more metrics left out: see \`--format json\`._`);
    out.push('');
  }
  return out;
}

function render(r: Review, maxRows: number, alpha: number): string {
  const out: string[] = [REVIEW_MARKER, ...summaryLines(r, maxRows)];
  if (r.charts.length) {
    out.push('#### Curves');
    out.push('');
    out.push(
      mdTable(
        ['metric', 'group', 'base', 'head'],
        r.charts.map((c) => chartRow(c)),
      ),
    );
    out.push('');
    for (const c of r.charts) out.push(mermaid(c), '');
    out.push(`_Grey: baseline ${shortSha(r.base)}; blue: head ${shortSha(r.head)}. Mean of each seed group, by step._`);
    out.push('');
  }
  if (maxRows > 0 || r.params.length <= 5) {
    out.push('#### Params that differ');
    out.push('');
    const rows = r.params.slice(0, Math.max(maxRows, 5));
    out.push(
      rows.length
        ? mdTable(
            ['param', 'base', 'head'],
            rows.map((p) => [p.key, values(p.base), values(p.head)]),
          )
        : '_None (seed-like params left out)._',
    );
    if (r.params.length > rows.length) out.push(`\n_${r.params.length - rows.length} more params left out._`);
    out.push('');
  }
  if (r.code) {
    out.push(
      `#### Code: ${r.code.files} file${r.code.files === 1 ? '' : 's'} changed, +${r.code.insertions} −${r.code.deletions}`,
    );
    out.push('');
    if (r.code.changed.length) {
      out.push(
        mdTable(
          ['largest changes', '+', '−'],
          r.code.changed
            .slice(0, MAX_FILES)
            .map((f) => [
              f.path,
              f.insertions === null ? 'bin' : `+${f.insertions}`,
              f.deletions === null ? 'bin' : `−${f.deletions}`,
            ]),
          ['l', 'r', 'r'],
        ),
      );
      out.push('');
    }
  }
  if (r.dirty.length) {
    out.push(
      `⚠️ Recorded with uncommitted changes: ${r.dirty
        .slice(0, 10)
        .map((d) => `${mdCell(d.name)} (${d.side})`)
        .join(', ')}${r.dirty.length > 10 ? ', …' : ''}`,
    );
    out.push('');
    if (maxRows > 0) out.push(...patches(r, maxRows));
  }
  for (const n of r.notes) out.push(`_Note: ${mdCell(n)}_`, '');
  out.push(noiseLine(alpha));
  return out.join('\n') + '\n';
}

/** Patches shown at most (the same patch recorded by several seeds is shown once). */
const MAX_PATCHES = 3;

/** The recorded patches' text, each once with the runs that recorded it, as fenced diff blocks of `lines` lines. */
function patches(r: Review, lines: number): string[] {
  const byText = new Map<string, Array<Review['dirty'][number]>>();
  for (const d of r.dirty) if (d.patch) byText.set(d.patch, [...(byText.get(d.patch) ?? []), d]);
  const out: string[] = [];
  for (const [text, runs] of [...byText].slice(0, MAX_PATCHES)) {
    const who = runs
      .slice(0, 5)
      .map((d) => `${mdCell(d.name)} (${d.side})`)
      .join(', ');
    out.push(`Uncommitted changes of ${who}${runs.length > 5 ? `, and ${runs.length - 5} more runs` : ''}:`, '');
    out.push(diffBlock(text, lines), '');
  }
  if (byText.size > MAX_PATCHES) out.push(`_${byText.size - MAX_PATCHES} more recorded patches left out._`, '');
  return out;
}

function shortSha(s: ReviewSide): string {
  return s.commit ? s.commit.slice(0, 7) : s.ref;
}

function commitRef(r: Review, s: ReviewSide): string {
  if (!s.commit) return '`runs`';
  const url = commitUrl(r.remote, s.commit);
  return url ? `[\`${s.commit.slice(0, 7)}\`](${url})` : `\`${s.commit.slice(0, 7)}\``;
}

function sideText(s: ReviewSide): string {
  const subject = s.subject ? ` “${mdCell(s.subject)}”` : '';
  return `\`${mdCell(s.ref).replace(/`/g, '')}\`${subject}: ${mdCell(s.found)}`;
}

const stat = formatGroupStat;

function noise(m: MetricEntry): string {
  return formatNoise(m.beyondNoise, m.p);
}

function metricTable(entries: readonly MetricEntry[], gated: boolean): string {
  const multi = new Set(entries.map((e) => e.group)).size > 1;
  const header = [
    ...(multi ? ['group'] : []),
    'metric',
    'base',
    'head',
    'Δ',
    '%',
    ...(gated ? ['gate', 'verdict'] : []),
    'noise',
  ];
  const rows = entries.map((m) => [
    ...(multi ? [m.group] : []),
    entryLabel(m),
    stat(m.base),
    stat(m.head),
    m.delta === null ? '' : formatDelta(m.delta),
    m.deltaPct === null ? '' : formatPct(m.deltaPct),
    ...(gated
      ? [m.threshold ?? '', `${m.verdict === 'fail' ? '❌ fail' : '✅ pass'}${m.note ? ` (${m.note})` : ''}`]
      : []),
    noise(m),
  ]);
  return mdTable(
    header,
    rows,
    header.map((h) => (['base', 'head', 'Δ', '%'].includes(h) ? 'r' : 'l')),
  );
}

function values(vs: readonly unknown[]): string {
  return vs.length ? vs.map((v) => formatParam(v as never)).join(', ') : '—';
}

/** Characters per sparkline: the shape at a glance, narrow enough for a table column. */
const SPARK_WIDTH = 20;

function chartRow(c: MetricChart): string[] {
  const all = [...c.base.values, ...c.head.values].filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const thin = (vs: ReadonlyArray<number | null>) =>
    vs.length <= SPARK_WIDTH
      ? vs
      : Array.from({ length: SPARK_WIDTH }, (_, i) => vs[Math.round((i * (vs.length - 1)) / (SPARK_WIDTH - 1))]!);
  return [c.metric, c.group, sparkline(thin(c.base.values), lo, hi), sparkline(thin(c.head.values), lo, hi)];
}

/** Text inside a Mermaid block: only characters that cannot end the string, the block or the fence. */
function mermaidText(s: string): string {
  return [...s.replace(/[^\p{L}\p{N} _./:+-]/gu, '_')].slice(0, 60).join('');
}

const BASE_COLOUR = '#9e9e9e';
const HEAD_COLOUR = '#1f77b4';

/** A Mermaid xychart-beta of one metric: the baseline group's mean curve in grey, the head's in blue. */
function mermaid(c: MetricChart): string {
  const fill = (vs: ReadonlyArray<number | null>): number[] => {
    let last = vs.find((v) => v !== null) ?? 0;
    return vs.map((v) => (v === null ? last : (last = v)));
  };
  const b = fill(c.base.values);
  const h = fill(c.head.values);
  const all = [
    ...(c.base.values.some((v) => v !== null) ? b : []),
    ...(c.head.values.some((v) => v !== null) ? h : []),
  ];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(hi) * 0.05 || 1;
  const num = (v: number): string => String(Number(v.toPrecision(5)));
  const steps = c.base.steps;
  const lines: string[] = [];
  const colours: string[] = [];
  if (c.base.values.some((v) => v !== null)) {
    lines.push(`  line [${b.map(num).join(', ')}]`);
    colours.push(BASE_COLOUR);
  }
  if (c.head.values.some((v) => v !== null)) {
    lines.push(`  line [${h.map(num).join(', ')}]`);
    colours.push(HEAD_COLOUR);
  }
  return [
    '```mermaid',
    // Lines take the palette's colours in order: the baseline grey, the head blue.
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${colours.join(', ')}"}}}}%%`,
    'xychart-beta',
    `  title "${mermaidText(c.metric)} · ${mermaidText(c.group)}"`,
    `  x-axis "step" ${num(steps[0]!)} --> ${num(steps[steps.length - 1]!)}`,
    `  y-axis "${mermaidText(c.metric)}" ${num(lo - pad)} --> ${num(hi + pad)}`,
    ...lines,
    '```',
  ].join('\n');
}
