import { Indexer, type IndexerOptions } from './indexer';
import type { Diagnostic, Run } from '../model';
import { READERS } from '../readers';

export interface ScanResult {
  runs: Run[];
  diagnostics: Diagnostic[];
}

/** Indexes a folder once, without a store: what the CLI's `index` and the conformance tests need. */
export async function scanFolder(root: string, opts: Partial<IndexerOptions> = {}): Promise<ScanResult> {
  const indexer = new Indexer(root, { ...opts, readers: opts.readers ?? READERS });
  await indexer.indexAll();
  return { runs: indexer.runs(), diagnostics: indexer.diagnostics() };
}
