import type { Run } from '../model';
import { runId } from '../ids';
import type { SourceRecord } from './types';
import { SourceReadContext } from './readContext';
import { type ReadLimits, type SourceState } from './types';
import type { Reader, RunDraft, Source, TreeView } from '../readers/types';
import { emptySummary, mergeSummary, toMetricSummary, type SummaryAcc } from '../summary';
import { errorText } from '../errorText';

export interface ReadSourceArgs {
  root: string;
  tree: TreeView;
  key: string;
  source: Source;
  previous: SourceState | undefined;
  reader: Reader | undefined;
  limits: ReadLimits;
  namespace: string | undefined;
}

/**
 * Reads one source into its record: runs with merged metric summaries, the state to resume from, problems.
 * Runs in the indexer's thread or in a worker (indexWorker.ts); everything it returns is structured-cloneable.
 */
export async function readSourceRecord(a: ReadSourceArgs): Promise<SourceRecord> {
  const ctx = new SourceReadContext(a.root, a.tree, a.source, a.previous, { kind: 'index' }, a.limits);
  let drafts: RunDraft[] = [];
  try {
    drafts = a.reader ? await a.reader.read(a.source, ctx) : [];
  } catch (err) {
    // Readers must not throw; when one does, the source still gets a diagnostic and the pass goes on.
    ctx.problem(a.source.path, `${a.source.format}: reader failed: ${errorText(err)}`);
  }
  const summaries = ctx.summaries();
  const runs = drafts.map((d) => toRun(d, summaries.get(d.path), a.namespace));
  return {
    key: a.key,
    source: a.source,
    state: ctx.state(),
    signature: '',
    ownRuns: runs,
    runs,
    diagnostics: ctx.diagnostics,
  };
}

function toRun(
  d: RunDraft,
  contributions: Array<Record<string, SummaryAcc>> | undefined,
  namespace: string | undefined,
): Run {
  const merged: Record<string, SummaryAcc> = {};
  for (const c of contributions ?? []) {
    for (const [key, acc] of Object.entries(c)) mergeSummary((merged[key] ??= emptySummary()), acc);
  }
  const metrics: Run['metrics'] = {};
  for (const key of Object.keys(merged).sort()) metrics[key] = toMetricSummary(merged[key]!);
  return {
    id: runId(d.format, d.path, namespace),
    format: d.format,
    path: d.path,
    name: d.name,
    experiment: d.experiment,
    status: d.status,
    startTime: d.startTime,
    endTime: d.endTime,
    git: d.git,
    params: d.params,
    metrics,
    tags: d.tags,
    parentId: d.parentPath === null ? null : runId(d.format, d.parentPath, namespace),
    deleted: d.deleted,
  };
}
