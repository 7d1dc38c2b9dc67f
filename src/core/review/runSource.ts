import * as path from 'node:path';
import { defaultWorkerCount, WorkspaceIndex } from '../index';
import type { Diagnostic, Run, Series } from '../model';
import { recordedPatch } from './patches';
import { attachSources } from '../sources/attach';

/**
 * The only place review touches the index engine: a folder indexed once, its runs, and their curves on demand.
 */
export interface RunSet {
  readonly runs: readonly Run[];
  readonly diagnostics: readonly Diagnostic[];
  readSeries(run: Run, keys: readonly string[]): Promise<Series[]>;
  /** The run's recorded uncommitted changes as `git diff` text, or null (see recordedPatch). */
  patchOf(run: Run): string | null;
  dispose(): void;
}

export interface RunSetOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  /** Mixed into run ids, so runs read from a commit's tree never share an id with the workspace's. */
  namespace?: string;
  /** Remote sources (--source) whose runs join the folder's. */
  sources?: readonly string[];
  /** Worker threads (default: the CLI's default); 0 reads in this thread. */
  workers?: number;
}

/** Indexes `root` once with every reader. */
export async function indexFolder(root: string, opts: RunSetOptions = {}): Promise<RunSet> {
  const index = await WorkspaceIndex.open([{ path: root, name: path.basename(root) }], {
    workers: opts.workers ?? defaultWorkerCount(),
    include: opts.include,
    exclude: opts.exclude,
    namespace: opts.namespace,
  });
  try {
    await index.indexAll();
    await attachSources(index, opts.sources);
  } catch (e) {
    index.dispose();
    throw e;
  }
  return {
    runs: index.runs(),
    diagnostics: index.diagnostics(),
    readSeries: (run, keys) => index.readSeries(run.id, keys),
    patchOf: (run) => recordedPatch(run, index.absPath(run), index.filesOf(run.id)),
    dispose: () => index.dispose(),
  };
}
