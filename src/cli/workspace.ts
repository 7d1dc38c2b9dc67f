import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunStore } from '../core/db/runStore';
import { Indexer } from '../core/indexer';
import { READERS } from '../core/readers';
import { defaultWorkerCount } from '../core/readPool';
import { CliError } from './args';

/** Indexes a folder (a missing folder is a CliError, exit 1) (all readers, the default worker count) into a fresh store. */
export async function indexFolder(dir: string, opts: { include?: string[]; exclude?: string[] } = {}): Promise<RunStore> {
  const root = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch {
    throw new CliError(`no such folder: ${dir}`);
  }
  if (!st.isDirectory()) throw new CliError(`not a folder: ${dir}`);
  const indexer = new Indexer(root, { readers: READERS, workers: defaultWorkerCount(), include: opts.include, exclude: opts.exclude });
  const store = await RunStore.create();
  try {
    store.apply(await indexer.indexAll());
  } finally {
    indexer.dispose();
  }
  return store;
}
