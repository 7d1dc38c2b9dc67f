// The compare view's exports as text: Copy as Markdown and Save CSV (summary, curves). Metrics carry the alias map's
// canonical names, labelled with the original names as on screen ("val_loss (eval_loss)"). Run strings are
// untrusted: Markdown cells go through mdCell (report.ts), CSV cells are guarded against spreadsheet formulas.
import { aliasLabel } from '../groups/aliases';
import type { Run, Series } from '../model';
import { diffRuns, type DiffOptions, type RunDiff } from './diff';

/** Canonical metric name → the original names it stands for (applyMetricAliases' originals). */
export type AliasOriginals = ReadonlyMap<string, ReadonlySet<string>>;

/** The diff of runs whose metrics already carry canonical names, each metric row labelled with its original names. */
export function labelledDiff(runs: readonly Run[], originals: AliasOriginals, opts: DiffOptions): RunDiff {
  const d = diffRuns(runs, opts);
  for (const m of d.metrics) m.key = aliasLabel(m.key, originals);
  return d;
}

/**
 * Summary CSV: one row per run (details, every param, metric last/min/max). Metric columns are named by the label
 * (canonical name and original names) when the runs' metrics were aliased.
 */
export function summaryCsv(
  runs: readonly Run[],
  baselineId: string | undefined,
  folder: (r: Run) => string | undefined,
  originals: AliasOriginals = new Map(),
): string {
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const header = [
    'run_id',
    'name',
    'format',
    'status',
    'experiment',
    'baseline',
    'start_time',
    'duration_s',
    'commit',
    'branch',
    'folder',
  ];
  header.push(...params.map((p) => `param:${p}`));
  for (const m of metrics) {
    const label = aliasLabel(m, originals);
    header.push(`${label}:last`, `${label}:last_step`, `${label}:min`, `${label}:max`);
  }
  const lines = [header.map(csvCell).join(',')];
  for (const r of runs) {
    const cells: string[] = [
      csvCell(r.id),
      csvCell(r.name),
      r.format,
      r.status,
      csvCell(r.experiment ?? ''),
      r.id === baselineId ? 'true' : 'false',
      r.startTime === null ? '' : new Date(r.startTime).toISOString(),
      r.startTime !== null && r.endTime !== null ? String((r.endTime - r.startTime) / 1000) : '',
      csvCell(r.git.commit ?? ''),
      csvCell(r.git.branch ?? ''),
      csvCell(folder(r) ?? r.path),
    ];
    for (const p of params) {
      const v = Object.prototype.hasOwnProperty.call(r.params, p) ? r.params[p] : undefined;
      cells.push(v === undefined || v === null ? '' : typeof v === 'number' ? csvNumber(v) : csvCell(String(v)));
    }
    for (const m of metrics) {
      const s = r.metrics[m];
      cells.push(
        s ? csvNumber(s.last) : '',
        s?.lastStep === null || !s ? '' : String(s.lastStep),
        s ? csvNumber(s.min) : '',
        s ? csvNumber(s.max) : '',
      );
    }
    lines.push(cells.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** The curves CSV's header: `metric` is the canonical name, `logged_as` the name the run logged it under. */
export const CURVES_CSV_HEADER = 'run_id,run_name,metric,step,wall_time,value,logged_as\n';

/**
 * One series' rows of the curves CSV, in pieces of about 64 KB (50 runs × 100,000 points would not fit one string
 * comfortably). `metric` is the canonical name the compare view shows the series under (its own key when no alias
 * renamed it).
 */
export function* curveCsvChunks(run: Pick<Run, 'id' | 'name'>, s: Series, metric = s.key): Generator<string> {
  const prefix = `${csvCell(run.id)},${csvCell(run.name)},${csvCell(metric)},`;
  const suffix = `,${csvCell(s.key)}\n`;
  let chunk = '';
  for (let i = 0; i < s.values.length; i++) {
    const t = s.times[i]!;
    chunk += `${prefix}${csvNumber(s.steps[i]!)},${Number.isFinite(t) ? new Date(t).toISOString() : ''},${csvNumber(s.values[i]!)}${suffix}`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** RFC 4180 quoting, and a leading ' for text a spreadsheet would run as a formula (run files are untrusted). */
export function csvCell(s: string): string {
  let v = s;
  if (/^[=+\-@\t\r]/.test(v) && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvNumber(v: number | null): string {
  if (v === null) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return String(v);
}
