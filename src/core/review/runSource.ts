import { Indexer } from '../indexer';
import type { Diagnostic, Run, Series } from '../model';
import { READERS } from '../readers';
import { defaultWorkerCount } from '../readPool';

/**
 * The only place review touches the index engine: a folder indexed once, its runs, and their curves on demand.
 * When the engine gets its facade, this file is what to rewire.
 */
export interface RunSet {
  readonly runs: readonly Run[];
  readonly diagnostics: readonly Diagnostic[];
  readSeries(run: Run, keys: readonly string[]): Promise<Series[]>;
  dispose(): void;
}

export interface RunSetOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  /** Mixed into run ids, so runs read from a commit's tree never share an id with the workspace's. */
  namespace?: string;
  /** Worker threads (default: the CLI's default); 0 reads in this thread. */
  workers?: number;
}

/** Indexes `root` once with every reader. */
export async function indexFolder(root: string, opts: RunSetOptions = {}): Promise<RunSet> {
  const indexer = new Indexer(root, { readers: READERS, workers: opts.workers ?? defaultWorkerCount(), include: opts.include, exclude: opts.exclude, namespace: opts.namespace });
  try {
    await indexer.indexAll();
  } catch (e) {
    indexer.dispose();
    throw e;
  }
  return {
    runs: indexer.runs(),
    diagnostics: indexer.diagnostics(),
    readSeries: (run, keys) => indexer.readSeries(run, keys),
    dispose: () => indexer.dispose(),
  };
}
