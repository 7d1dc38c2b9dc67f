import { formatDelta, formatPct, mdTable, textTable } from '../compare/format';
import type { ParamValue } from '../model';
import { SUMMARY_NAMES, type SummaryName } from '../review/gates';
import type { GroupSummary } from '../stats/groups';
import { jsonNumber } from '../summary';
import { aliasLabel } from './aliases';
import { formatGroupStat, formatNoise } from './format';
import { NOISE_TEST, type GroupDiff } from './groupDiff';
import { groupLabel, varyingKeys, type GroupBy, type RunGroup } from './groups';

/** What a grouping was made of, printed with it. */
export interface GroupsContext {
  groupBy: GroupBy;
  seedParams: readonly string[];
  /** Canonical metric name → the original spellings found under it (see applyMetricAliases). */
  originals: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Columns of the md/text tables before the rest is left to --format json (a PR comment must stay readable). */
const MAX_METRIC_COLUMNS = 6;

/** Terminal text: control characters (escape sequences from a run's strings) dropped. */
function plain(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

function statJson(s: GroupSummary): Record<string, number | string | null> {
  return { mean: s.mean, std: s.std, stderr: s.stderr, n: s.n, min: s.min, max: s.max, nonFinite: s.nonFinite };
}

function keyJson(key: Record<string, ParamValue>): Record<string, ParamValue | string> {
  const out: Record<string, ParamValue | string> = {};
  for (const [k, v] of Object.entries(key)) out[k] = typeof v === 'number' ? jsonNumber(v)! : v;
  return out;
}

function aliasesJson(originals: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string[]> {
  return Object.fromEntries([...originals].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
}

/** The `runlens groups --format json` contract (docs/groups.md). */
export function groupsToJson(groups: readonly RunGroup[], ctx: GroupsContext): unknown {
  const keys = varyingKeys(groups);
  return {
    groupBy: ctx.groupBy,
    seedParams: ctx.seedParams,
    metricAliases: aliasesJson(ctx.originals),
    groups: groups.map((g) => ({
      id: g.id,
      label: groupLabel(g, keys),
      key: keyJson(g.key),
      runs: g.runs.map((r) => r.id),
      metrics: Object.fromEntries(
        Object.entries(g.metrics).map(([name, m]) => [
          name,
          Object.fromEntries(SUMMARY_NAMES.map((s) => [s, statJson(m[s])])),
        ]),
      ),
    })),
  };
}

/** The metrics worth a column: present in the most groups, then by name. */
function shownMetrics(
  groups: readonly RunGroup[],
  wanted: readonly string[] | undefined,
): { shown: string[]; hidden: number } {
  const count = new Map<string, number>();
  for (const g of groups) for (const k of Object.keys(g.metrics)) count.set(k, (count.get(k) ?? 0) + 1);
  if (wanted?.length) return { shown: wanted.filter((k) => count.has(k)), hidden: 0 };
  const all = [...count.keys()].sort((a, b) => count.get(b)! - count.get(a)! || a.localeCompare(b));
  return { shown: all.slice(0, MAX_METRIC_COLUMNS), hidden: Math.max(0, all.length - MAX_METRIC_COLUMNS) };
}

interface TableOptions {
  summary: SummaryName;
  metrics?: readonly string[];
}

function groupsTable(
  groups: readonly RunGroup[],
  ctx: GroupsContext,
  opts: TableOptions,
): { header: string[]; rows: string[][]; hidden: number } {
  const keys = varyingKeys(groups);
  const { shown, hidden } = shownMetrics(groups, opts.metrics);
  const header = ['group', 'id', 'runs', ...shown.map((m) => aliasLabel(m, ctx.originals))];
  const rows = groups.map((g) => [
    groupLabel(g, keys),
    g.id,
    String(g.runs.length),
    ...shown.map((m) => (g.metrics[m] ? formatGroupStat(g.metrics[m]![opts.summary]) : '—')),
  ]);
  return { header, rows, hidden };
}

function groupedBy(ctx: GroupsContext): string {
  return ctx.groupBy === 'auto'
    ? `every param except the seed-like ones (${ctx.seedParams.join(', ')})`
    : ctx.groupBy.join(', ');
}

/** A name as a Markdown code span (backticks and line breaks dropped: a code span cannot escape them). */
function code(s: string): string {
  return `\`${s.replace(/[`\r\n\u0000-\u001f]/g, '')}\``;
}

/** The groups as a Markdown table for a pull-request comment; every string from runs goes through mdCell. */
export function groupsToMarkdown(groups: readonly RunGroup[], ctx: GroupsContext, opts: TableOptions): string {
  const runs = groups.reduce((n, g) => n + g.runs.length, 0);
  const t = groupsTable(groups, ctx, opts);
  const out = [
    `### Runlens: ${groups.length} group${groups.length === 1 ? '' : 's'} of ${runs} run${runs === 1 ? '' : 's'}`,
    '',
  ];
  const names = ctx.groupBy === 'auto' ? null : ctx.groupBy;
  out.push(
    names
      ? `Grouped by ${names.map(code).join(', ')}.`
      : `Grouped by every param except the seed-like ones (${ctx.seedParams.map(code).join(', ')}).`,
    '',
  );
  out.push(
    groups.length
      ? mdTable(t.header, t.rows, ['l', 'l', 'r', ...t.header.slice(3).map(() => 'r' as const)])
      : '_No runs._',
    '',
  );
  out.push(
    `_Each cell: mean ± std between the group's runs of each run's \`${opts.summary}\` value (n = runs that have the metric)._${t.hidden ? ` _${t.hidden} more metrics: \`--format json\`._` : ''}`,
    '',
  );
  return out.join('\n');
}

/** The groups as an aligned table for the terminal. */
export function groupsToText(groups: readonly RunGroup[], ctx: GroupsContext, opts: TableOptions): string {
  const t = groupsTable(groups, ctx, opts);
  const runs = groups.reduce((n, g) => n + g.runs.length, 0);
  const out = [
    plain(
      `${groups.length} groups of ${runs} runs, grouped by ${groupedBy(ctx)}; cells: mean ± std of each run's ${opts.summary} (n)`,
    ),
  ];
  if (groups.length)
    out.push(
      textTable(
        t.header.map(plain),
        t.rows.map((r) => r.map(plain)),
      ),
    );
  if (t.hidden) out.push(`${t.hidden} more metrics: --format json`);
  return out.join('\n');
}

function diffTitle(d: GroupDiff, side: 'a' | 'b'): string {
  const keys = varyingKeys([d.a, d.b]);
  const g = d[side];
  return `${groupLabel(g, keys)} [${g.id}, ${g.runs.length} run${g.runs.length === 1 ? '' : 's'}]${side === 'a' ? ' (baseline)' : ''}`;
}

function diffRows(d: GroupDiff, ctx: GroupsContext): string[][] {
  return d.rows.map((r) => [
    aliasLabel(r.metric, ctx.originals),
    formatGroupStat(r.a),
    formatGroupStat(r.b),
    r.delta === null ? '' : `${formatDelta(r.delta)}${r.pct === null ? '' : ` (${formatPct(r.pct)})`}`,
    formatNoise(r.beyondNoise, r.test?.p ?? null),
  ]);
}

function noiseNote(d: GroupDiff): string {
  return `noise: ${NOISE_TEST} of the two groups' ${d.summary} values, beyond noise when p < ${d.alpha}; "—" when a side has fewer than two runs with the metric`;
}

/** Two groups compared, for the terminal. */
export function groupDiffToText(d: GroupDiff, ctx: GroupsContext): string {
  return [
    plain(`A: ${diffTitle(d, 'a')}`),
    plain(`B: ${diffTitle(d, 'b')}`),
    `delta = mean B − mean A; ${noiseNote(d)}`,
    textTable(
      ['metric', 'A', 'B', 'delta', 'noise'],
      diffRows(d, ctx).map((r) => r.map(plain)),
    ),
  ].join('\n');
}

/** Two groups compared, as Markdown for a pull request. */
export function groupDiffToMarkdown(d: GroupDiff, ctx: GroupsContext): string {
  return [
    '### Runlens: two groups compared',
    '',
    mdTable(
      ['', 'group'],
      [
        ['A', diffTitle(d, 'a')],
        ['B', diffTitle(d, 'b')],
      ],
    ),
    '',
    mdTable(['metric', 'A', 'B', 'delta (B − A)', 'noise'], diffRows(d, ctx), ['l', 'r', 'r', 'r', 'l']),
    '',
    `_± is the std between a group's runs; ${noiseNote(d)}._`,
    '',
  ].join('\n');
}

/** Two groups compared, as JSON (docs/groups.md). */
export function groupDiffToJson(d: GroupDiff, ctx: GroupsContext): unknown {
  const side = (g: RunGroup): unknown => ({ id: g.id, key: keyJson(g.key), runs: g.runs.map((r) => r.id) });
  return {
    a: side(d.a),
    b: side(d.b),
    summary: d.summary,
    test: NOISE_TEST,
    alpha: d.alpha,
    metricAliases: aliasesJson(ctx.originals),
    metrics: d.rows.map((r) => ({
      name: r.metric,
      direction: r.direction,
      a: statJson(r.a),
      b: statJson(r.b),
      delta: r.delta,
      pct: r.pct,
      t: r.test ? jsonNumber(r.test.t) : null,
      df: r.test?.df ?? null,
      p: r.test?.p ?? null,
      beyondNoise: r.beyondNoise,
    })),
  };
}
