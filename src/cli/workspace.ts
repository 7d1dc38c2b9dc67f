import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultWorkerCount, WorkspaceIndex } from '../core/index';
import { attachSources } from '../core/sources/attach';
import { SourceError } from '../core/sources/sourceUri';
import { CliError } from './command';

/**
 * Indexes a folder once (every reader, the default worker count), then reads the remote sources given with --source;
 * a missing folder is a CliError (exit 1). The read workers stop after the pass; the runs stay in the index's store
 * until the caller disposes it.
 */
export async function indexFolder(
  dir: string,
  opts: {
    include?: readonly string[];
    exclude?: readonly string[];
    sources?: readonly string[];
    cache?: boolean;
  } = {},
): Promise<WorkspaceIndex> {
  const root = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch {
    throw new CliError(`no such folder: ${dir}`);
  }
  if (!st.isDirectory()) throw new CliError(`not a folder: ${dir}`);
  const cache = opts.cache ? cacheFile(root, opts) : undefined;
  const snapshot = cache ? readCache(cache) : undefined;
  const index = await WorkspaceIndex.open(
    [{ path: root, name: path.basename(root) }],
    {
      workers: defaultWorkerCount(),
      include: opts.include ? [...opts.include] : undefined,
      exclude: opts.exclude ? [...opts.exclude] : undefined,
    },
    snapshot,
  );
  try {
    const change = await index.indexAll();
    // The cache holds the folder's runs only (written before any source's runs join them). Nothing changed: the cache
    // says so already (writing it again would cost as much as the pass).
    if (cache && (change.changed.length > 0 || change.removed.length > 0 || !snapshot)) writeCache(cache, index);
    // Remote sources (--source) beside the folder: read once, in parallel; one that cannot be reached is a problem.
    await attachSources(index, opts.sources);
  } catch (e) {
    index.dispose();
    throw e instanceof SourceError ? new CliError(e.message) : e;
  }
  index.stopWorkers();
  return index;
}

/**
 * `--cache`: the index of a folder kept between calls (the extension's warm-start snapshot), so a call re-reads only
 * the files that changed: what an SSH source's refreshes run on the host. Outside the folder, in the user's cache
 * folder, one file per folder and filter; never a run file. A stale or unreadable one is read again from the files.
 */
export function cacheFile(root: string, opts: { include?: readonly string[]; exclude?: readonly string[] }): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const key = createHash('sha1')
    .update(JSON.stringify([root, opts.include ?? [], opts.exclude ?? []]))
    .digest('hex')
    .slice(0, 16);
  return path.join(base, 'runlens', 'index', `${key}.snapshot`);
}

function readCache(file: string): Uint8Array | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole then renamed, so a call running at the same time reads the old cache or the new, never half. */
function writeCache(file: string, index: WorkspaceIndex): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, index.snapshot());
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written (read-only home, full disk) costs the next call a full read, nothing more.
    fs.rmSync(tmp, { force: true });
  }
}
