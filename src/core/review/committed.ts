import { READERS } from '../readers';
import type { DirEntry, Source, TreeView } from '../readers/types';
import { WalkFilter } from '../index/walk';
import type { Git, TreeEntry } from './git';
import { indexFolder, type RunSet } from './runSource';
import type { Scratch } from './scratch';

/** Whole-file reads above this are refused by the readers anyway; don't copy them out of git. */
const MAX_BLOB_BYTES = 64 * 1024 * 1024;
/** A commit whose run files add up to more than this is read in part, with a diagnostic. */
const MAX_TOTAL_BYTES = 512 * 1024 * 1024;

/**
 * Runs committed to the repository (dvclive output, CSV logs, small `mlruns/`) as they were in `commit`'s tree,
 * read through git without a checkout (as `dvc metrics diff` does): the readers detect sources on the tree git
 * lists, the blobs those sources live in are copied into `scratch` (outside the workspace), and that copy is
 * indexed like any folder. `prefix` is the workspace's path inside the repository ('' at its root).
 */
export async function runsInCommit(
  git: Git,
  commit: string,
  prefix: string,
  scratch: Scratch,
): Promise<RunSet | undefined> {
  const all = await git.tree(commit);
  const filter = new WalkFilter({});
  const entries = new Map<string, TreeEntry>();
  for (const e of all) {
    const rel = prefix ? (e.path.startsWith(prefix + '/') ? e.path.slice(prefix.length + 1) : undefined) : e.path;
    if (rel !== undefined) entries.set(rel, e);
  }
  const tree = treeView(entries.keys(), filter);
  const sources = detectAll(tree);
  if (!sources.length) return undefined;
  const wanted = filesOfSources(sources, tree, entries);
  let total = 0;
  const picked = [...wanted]
    .map((rel) => [rel, entries.get(rel)!] as const)
    .filter(([, e]) => e.size <= MAX_BLOB_BYTES && (total += e.size) <= MAX_TOTAL_BYTES);
  const blobs = await git.readBlobs([...new Set(picked.map(([, e]) => e.oid))]);
  for (const [rel, e] of picked) scratch.write(commit, rel, blobs.get(e.oid) ?? new Uint8Array(0));
  // Folders next to the runs' (a `.dvc/` marker, `plots/`) take part in detection even when empty here.
  for (const d of tree.dirs())
    if (d && sources.some((s) => isAncestorOrSelf(parentOf(d), s.dir))) scratch.folder(commit, d);
  return indexFolder(scratch.path(commit), { namespace: `git:${commit.slice(0, 12)}`, workers: 0 });
}

function detectAll(tree: TreeView): Source[] {
  const out: Source[] = [];
  for (const dir of tree.dirs()) {
    for (const reader of READERS) {
      try {
        out.push(...reader.detect(dir, tree));
      } catch {
        // A detect that throws is a reader bug; the workspace index reports it, here the source is just skipped.
      }
    }
  }
  return out;
}

/**
 * The files the readers may open for these sources: everything under each source's folder (the folder's own files
 * only when it is the workspace root), the files detection listed, and the files of every folder above (project
 * files such as dvc.yaml and params.yaml).
 */
function filesOfSources(sources: readonly Source[], tree: TreeView, entries: Map<string, TreeEntry>): Set<string> {
  const out = new Set<string>();
  const addDir = (dir: string): void => {
    for (const e of tree.list(dir) ?? []) if (e.isFile) out.add(dir ? `${dir}/${e.name}` : e.name);
  };
  for (const s of sources) {
    for (const f of s.files) if (entries.has(f)) out.add(f);
    for (let d = s.dir; ; d = parentOf(d)) {
      addDir(d);
      if (d === '') break;
    }
    if (s.dir === '') continue;
    for (const d of tree.dirs()) if (isAncestorOrSelf(s.dir, d)) addDir(d);
  }
  return out;
}

/** A TreeView over a list of paths: what the readers' detection needs, without touching the disk. */
function treeView(paths: Iterable<string>, filter: WalkFilter): TreeView {
  const lists = new Map<string, DirEntry[]>([['', []]]);
  const ensureDir = (dir: string): DirEntry[] | undefined => {
    const have = lists.get(dir);
    if (have) return have;
    const parent = ensureDir(parentOf(dir));
    if (!parent || !filter.enters(dir)) return undefined;
    const list: DirEntry[] = [];
    lists.set(dir, list);
    parent.push({ name: baseOf(dir), isDir: true, isFile: false, size: 0, mtimeMs: 0 });
    return list;
  };
  for (const p of paths)
    ensureDir(parentOf(p))?.push({ name: baseOf(p), isDir: false, isFile: true, size: 0, mtimeMs: 0 });
  const dirs = [...lists.keys()].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  return { list: (dir) => lists.get(dir), dirs: () => dirs };
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function isAncestorOrSelf(ancestor: string, p: string): boolean {
  return ancestor === '' || p === ancestor || p.startsWith(ancestor + '/');
}
