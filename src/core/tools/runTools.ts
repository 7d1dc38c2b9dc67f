import { formatDuration, formatNumber, formatParam, mdTable } from '../compare/format';
import { runToJson } from '../index';
import { SOURCE_FORMATS, type Run } from '../model';
import { optEnum, optInt, optString, reqString, type Args } from './args';
import { capList, toolResult, ToolInputError, type ToolResult } from './result';
import { MAX_LIST_RUNS, runTable } from './runTable';
import { filterRuns, type ToolSource } from './source';
import { quotedCell, quotedInline } from './untrusted';

/** Most params, metrics or tags one show_run lists of each. */
const MAX_SHOW_ROWS = 150;

/** list_runs: the runs, filtered, newest first or best first by a metric. */
export function listRuns(source: ToolSource, a: Args): ToolResult {
  const filter = optString(a, 'filter', 500);
  const format = optEnum(a, 'format', SOURCE_FORMATS);
  const metric = optString(a, 'metric', 500);
  const order = optEnum(a, 'order', ['asc', 'desc'] as const);
  const limit = optInt(a, 'limit', 1, MAX_LIST_RUNS, 50);
  const runs = filterRuns(source, filter).filter((r) => !format || r.format === format);
  const t = runTable(runs, { metric, order, limit });
  if (!runs.length)
    t.lines.push(
      source.runs().length
        ? 'No run matches; call list_runs without "filter" to see them all.'
        : 'The workspace has no runs indexed.',
    );
  return toolResult(t.lines, { filter: filter ?? null, format: format ?? null, ...t.data }, t.cuts);
}

/** runs_for_commit: runs whose recorded git commit starts with the given hash. */
export function runsForCommit(source: ToolSource, a: Args): ToolResult {
  const commit = reqString(a, 'commit', 64).trim().toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(commit))
    throw new ToolInputError('"commit" must be a commit hash or a prefix of at least 4 hex digits');
  const limit = optInt(a, 'limit', 1, MAX_LIST_RUNS, 50);
  const all = source.runs();
  const runs = all.filter((r) => r.git.commit?.toLowerCase().startsWith(commit));
  const t = runTable(runs, { metric: optString(a, 'metric', 500), limit });
  if (!runs.length) {
    const withCommit = all.filter((r) => r.git.commit).length;
    t.lines.push(
      `No run records commit ${commit}. ${withCommit} of ${all.length} runs record a commit (MLflow, W&B and DVC runs usually do).`,
    );
  }
  return toolResult(t.lines, { commit, ...t.data }, t.cuts);
}

/** Resolves a run reference (id, id prefix, path or name) the way the CLI does. */
export function resolveRun(source: ToolSource, ref: string): Run {
  const { run, ambiguous } = source.store.resolveRun(ref);
  if (run) return run;
  if (ambiguous)
    throw new ToolInputError(
      `run ${JSON.stringify(ref)} matches ${ambiguous.length} runs (${ambiguous.slice(0, 5).join(', ')}${ambiguous.length > 5 ? ', …' : ''}); use an id`,
    );
  throw new ToolInputError(`no run ${JSON.stringify(ref)}; list_runs gives the ids`);
}

/** show_run: one run in full — where it is, its status and commit, params, metric summaries and tags. */
export function showRun(source: ToolSource, a: Args): ToolResult {
  const run = resolveRun(source, reqString(a, 'run', 500));
  const j = runToJson(run);
  const lines = [`## Run ${run.id}: ${quotedInline(run.name)}`, ''];
  const facts: string[][] = [
    ['format', run.format],
    ['path', quotedCell(run.path)],
    ['experiment', quotedCell(run.experiment)],
    ['status', run.deleted ? `${run.status} (deleted in its tool)` : run.status],
    ['started (UTC)', j.startTime ?? ''],
    ['duration', formatDuration(run.startTime !== null && run.endTime !== null ? run.endTime - run.startTime : null)],
    ['commit', quotedCell(run.git.commit)],
    ['branch', quotedCell(run.git.branch)],
    ['uncommitted changes', run.git.dirty === null ? '' : run.git.dirty ? 'yes' : 'no'],
    ['parent run', run.parentId ?? ''],
  ].filter(([, v]) => v !== '');
  lines.push(mdTable(['field', 'value'], facts), '');
  const cuts: string[] = [];
  const section = <T>(
    title: string,
    entries: [string, T][],
    header: string[],
    row: (k: string, v: T) => string[],
  ): [string, T][] => {
    const { kept, cut } = capList(
      entries,
      MAX_SHOW_ROWS,
      title.toLowerCase(),
      'list_runs with a "filter", or query_runs, reaches the rest',
    );
    if (cut) cuts.push(cut);
    lines.push(`### ${title} (${entries.length})`, '');
    if (kept.length)
      lines.push(
        mdTable(
          header,
          kept.map(([k, v]) => row(k, v)),
        ),
        '',
      );
    return kept;
  };
  const params = section('Params', Object.entries(run.params), ['param', 'value'], (k, v) => [
    quotedCell(k),
    typeof v === 'string' ? quotedCell(v) : formatParam(v),
  ]);
  const metrics = section(
    'Metrics',
    Object.entries(run.metrics),
    ['metric', 'last', 'at step', 'min', 'max', 'points'],
    (k, m) => [
      quotedCell(k),
      formatNumber(m.last),
      m.lastStep === null ? '' : String(m.lastStep),
      formatNumber(m.min),
      formatNumber(m.max),
      String(m.count),
    ],
  );
  const tags = section('Tags', Object.entries(run.tags), ['tag', 'value'], (k, v) => [quotedCell(k), quotedCell(v)]);
  const data = {
    ...j,
    deleted: run.deleted,
    parentId: run.parentId,
    params: Object.fromEntries(params),
    metrics: Object.fromEntries(metrics.map(([k]) => [k, j.metrics[k]])),
    tags: Object.fromEntries(tags),
  };
  return toolResult(lines, data, cuts);
}
