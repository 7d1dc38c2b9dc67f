import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultWorkerCount, WorkspaceIndex } from '../core/index';
import { attachSources } from '../core/sources/attach';
import { SourceError } from '../core/sources/sourceUri';
import { CliError } from './command';

/**
 * Indexes a folder (and the remote sources given with --source) once (every reader, the default worker count); a missing folder is a CliError (exit 1). The read
 * workers stop after the pass; the runs stay in the index's store until the caller disposes it.
 */
export async function indexFolder(
  dir: string,
  opts: { include?: readonly string[]; exclude?: readonly string[]; sources?: readonly string[] } = {},
): Promise<WorkspaceIndex> {
  const root = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch {
    throw new CliError(`no such folder: ${dir}`);
  }
  if (!st.isDirectory()) throw new CliError(`not a folder: ${dir}`);
  const index = await WorkspaceIndex.open([{ path: root, name: path.basename(root) }], {
    workers: defaultWorkerCount(),
    include: opts.include ? [...opts.include] : undefined,
    exclude: opts.exclude ? [...opts.exclude] : undefined,
  });
  try {
    await index.indexAll();
    // Remote sources (--source) beside the folder: read once, in parallel; one that cannot be reached is a problem.
    await attachSources(index, opts.sources);
  } catch (e) {
    index.dispose();
    throw e instanceof SourceError ? new CliError(e.message) : e;
  }
  index.stopWorkers();
  return index;
}
