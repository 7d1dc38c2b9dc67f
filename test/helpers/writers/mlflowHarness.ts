import { runId } from '../../../src/core/ids';
import type { Diagnostic, MetricSummary, Run } from '../../../src/core/model';
import { SourceReadContext } from '../../../src/core/index/readContext';
import { type SourceState } from '../../../src/core/index/types';
import type { Reader, RunDraft, Source } from '../../../src/core/readers/types';
import { emptySummary, mergeSummary, toMetricSummary } from '../../../src/core/summary';
import { walk } from '../../../src/core/index/walk';

/** One run as the MLflow readers produced it, with its metric summaries folded like the indexer does. */
export interface ReadRun extends RunDraft {
  metrics: Record<string, MetricSummary>;
}

export interface ReadResult {
  sources: Source[];
  runs: ReadRun[];
  diagnostics: Diagnostic[];
  /** Per source path, the state to resume from (to test tailing a growing file). */
  states: Map<string, SourceState>;
}

/**
 * Walks `root`, detects with `readers` and reads every source through the real SourceReadContext — the indexer's
 * parts without the READERS registry, so these tests run while sibling readers are being written.
 */
export async function readFolder(
  root: string,
  readers: readonly Reader[],
  previous?: Map<string, SourceState>,
): Promise<ReadResult> {
  const diagnostics: Diagnostic[] = [];
  const tree = await walk(root, {}, diagnostics);
  const result: ReadResult = { sources: [], runs: [], diagnostics, states: new Map() };
  for (const dir of tree.dirs()) {
    for (const reader of readers) {
      for (const source of reader.detect(dir, tree)) {
        result.sources.push(source);
        const ctx = new SourceReadContext(root, tree, source, previous?.get(source.path), { kind: 'index' });
        const drafts = await reader.read(source, ctx);
        const sums = ctx.summaries();
        for (const d of drafts) {
          const acc: Record<string, ReturnType<typeof emptySummary>> = {};
          for (const contribution of sums.get(d.path) ?? []) {
            for (const [k, s] of Object.entries(contribution)) mergeSummary((acc[k] ??= emptySummary()), s);
          }
          const metrics: Record<string, MetricSummary> = {};
          for (const [k, s] of Object.entries(acc)) metrics[k] = toMetricSummary(s);
          result.runs.push({ ...d, metrics });
        }
        diagnostics.push(...ctx.diagnostics);
        result.states.set(source.path, ctx.state());
      }
    }
  }
  result.runs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

/** The drafts as contract runs (for indexJson/compare), parent ids resolved within the result. */
export function toRuns(read: ReadResult): Run[] {
  return read.runs.map((r) => ({
    id: runId(r.format, r.path),
    format: r.format,
    path: r.path,
    name: r.name,
    experiment: r.experiment,
    status: r.status,
    startTime: r.startTime,
    endTime: r.endTime,
    git: r.git,
    params: r.params,
    metrics: r.metrics,
    tags: r.tags,
    parentId: r.parentPath === null ? null : runId(r.format, r.parentPath),
    deleted: r.deleted,
  }));
}
