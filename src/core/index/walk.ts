import * as fs from 'node:fs';
import * as path from 'node:path';
import { GlobSet } from './glob';
import type { Diagnostic } from '../model';
import { joinRel } from '../readers/paths';
import type { DirEntry, TreeView } from '../readers/types';
import { breathe } from '../breathe';
import { errorText } from '../errorText';

/** Folders never worth searching for runs: VCS data, dependencies, virtualenvs, caches. */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/.git',
  '**/.hg',
  '**/.svn',
  '**/node_modules',
  '**/.venv',
  '**/venv',
  '**/site-packages',
  '**/__pycache__',
  '**/.mypy_cache',
  '**/.pytest_cache',
  '**/.ruff_cache',
  '**/.tox',
  '**/.nox',
  '**/.cache',
  '**/.ipynb_checkpoints',
  '**/.dvc',
  '**/.vscode-test',
];

export interface WalkOptions {
  /** Only folders matching one of these (or lying on the way to one) are searched; empty = everything. */
  include?: readonly string[];
  exclude?: readonly string[];
  /** Stop descending below this depth (guards against pathological trees); reported where it is hit. */
  maxDepth?: number;
  /**
   * Whether directory symlinks that lead out of the folder are followed (default true). The extension sets it from
   * `vscode.workspace.isTrusted`: in Restricted Mode a workspace's links are not followed elsewhere on the disk.
   */
  followOutside?: boolean;
  /** Yields to the event loop every so many milliseconds of synchronous work. */
  sliceMs?: number;
}

/** The discovered tree: directory → entries. */
export class FileTree implements TreeView {
  private readonly byDir = new Map<string, DirEntry[]>();
  /** When the walk that built this tree started (ms since the epoch; 0 if not from a walk). */
  walkedAt = 0;
  /** Folders in walk order (a Set keeps insertion order and deletes in O(1)). */
  private readonly order = new Set<string>();
  private orderList: string[] | undefined;
  /** How this tree's walk treated symlinks; relistings of its folders go on with the same rules. */
  links = new LinkGuard('', true);
  /**
   * Whether `links.linkDirs` lists every folder of this tree that holds a symlink (true for a walk's tree, and for a
   * worker's copy given the list). False for any other tree: then no file counts as plain (see plainFile).
   */
  linksKnown = false;

  /**
   * Whether `rel` is a file the walk listed in a folder that held no symlink: it is no link, so reading it needs no
   * `lstat` of its own (one per file read cost the cold index a syscall each). Anything else (a folder with a link,
   * a file the walk did not list, a tree not from a walk) is checked by the reader's context as before.
   */
  plainFile(rel: string): boolean {
    if (!this.linksKnown) return false;
    const slash = rel.lastIndexOf('/');
    if (this.links.linkDirs.has(slash < 0 ? '' : rel.slice(0, slash))) return false;
    return this.entry(rel)?.isFile === true;
  }

  list(dir: string): readonly DirEntry[] | undefined {
    return this.byDir.get(dir);
  }
  dirs(): readonly string[] {
    this.orderList ??= [...this.order];
    return this.orderList;
  }
  /** Entry for a file path, if it was seen. */
  entry(file: string): DirEntry | undefined {
    const slash = file.lastIndexOf('/');
    const dir = slash < 0 ? '' : file.slice(0, slash);
    const name = file.slice(slash + 1);
    // Fingerprints look up every file of every source: entries are sorted by name, so a binary search finds
    // one without building a map per folder.
    const entries = this.byDir.get(dir);
    if (!entries) return undefined;
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = entries[mid]!.name;
      if (n === name) return entries[mid];
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
  set(dir: string, entries: DirEntry[]): void {
    if (!this.order.has(dir)) {
      this.order.add(dir);
      this.orderList = undefined;
    }
    this.byDir.set(dir, entries);
  }
  delete(dir: string): void {
    if (!this.byDir.delete(dir)) return;
    this.order.delete(dir);
    this.orderList = undefined;
  }
  get size(): number {
    return this.byDir.size;
  }

  /**
   * Whether this tree has the same shape as `other`: the same folders with the same entry names and kinds (not
   * sizes or times). Detection depends on nothing else, so an unchanged shape means unchanged sources.
   * Compared folder by folder with native string equality, yielding between slices.
   */
  async sameShape(other: FileTree, sliceMs = 10): Promise<boolean> {
    if (other.byDir.size !== this.byDir.size) return false;
    let sliceStart = Date.now();
    for (const [dir, entries] of this.byDir) {
      const theirs = other.byDir.get(dir);
      // A folder the walk found unchanged shares the previous tree's array.
      if (theirs === entries) continue;
      if (!theirs || theirs.length !== entries.length) return false;
      for (let i = 0; i < entries.length; i++) {
        const a = entries[i]!;
        const b = theirs[i]!;
        if (a.name !== b.name || a.isDir !== b.isDir) return false;
      }
      if (Date.now() - sliceStart >= sliceMs) {
        await breathe();
        sliceStart = Date.now();
      }
    }
    return true;
  }
}

/** Whether `rel` is `ancestor` itself or lies below it. */
export function isWithin(rel: string, ancestor: string): boolean {
  return ancestor === '' || rel === ancestor || rel.startsWith(ancestor + '/');
}

/**
 * Lists one directory: names, types, sizes, mtimes. Symlinks go through `links` (see LinkGuard); without one,
 * directory symlinks are not followed. Dangling links are skipped.
 */
export function listDir(absDir: string, links?: LinkGuard, rel = ''): DirEntry[] {
  return runToEnd(listing(absDir, links, rel));
}

/** Entries stat-ed between two points where a caller may yield to the event loop. */
const STEP = 16;

/**
 * listDir's work in steps: a folder of 10,000 runs takes ~40 ms to stat, too long to hold the extension host, so
 * it yields every STEP entries and the walk breathes there when its slice is used up.
 */
function* listing(absDir: string, links: LinkGuard | undefined, rel: string): Generator<void, DirEntry[], void> {
  const out: DirEntry[] = [];
  const prefix = absDir.endsWith(path.sep) ? absDir : absDir + path.sep;
  let n = 0;
  for (const d of fs.readdirSync(absDir, { withFileTypes: true })) {
    if (++n % STEP === 0) yield;
    if (d.isDirectory()) {
      // A folder's mtime changes when entries are added, removed or renamed in it: the next walk lists only
      // folders whose mtime moved (see restat). Without one (NaN), the folder is always listed.
      let mtimeMs = NaN;
      try {
        const st = fs.statSync(prefix + d.name, { throwIfNoEntry: false });
        if (!st) continue; // removed meanwhile
        mtimeMs = st.mtimeMs;
      } catch {
        // listed as a folder all the same; its own listing reports what is wrong with it
      }
      out.push({ name: d.name, isDir: true, isFile: false, size: 0, mtimeMs });
      continue;
    }
    if (!d.isFile() && !d.isSymbolicLink()) continue;
    let st: fs.Stats;
    try {
      const found = fs.statSync(prefix + d.name, { throwIfNoEntry: false });
      if (!found) continue; // dangling symlink or removed meanwhile
      st = found;
    } catch {
      continue; // unreadable
    }
    if (d.isSymbolicLink()) {
      links?.sawLinkIn(rel);
      if (!links?.admits(prefix + d.name, joinRel(rel, d.name), st.isDirectory())) continue;
      if (st.isDirectory()) {
        out.push({ name: d.name, isDir: true, isFile: false, size: 0, mtimeMs: st.mtimeMs });
        continue;
      }
    }
    if (!st.isFile()) continue;
    out.push({ name: d.name, isDir: false, isFile: true, size: st.size, mtimeMs: st.mtimeMs });
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/**
 * The walk's symlink rules, by real path. A directory link into the folder itself is not followed: its target is
 * walked under its own path (W&B's `latest-run`), and a link to an ancestor would loop. A directory link out of the
 * folder (`mlruns -> /data/mlruns`, logs on a big disk) is followed, once per target: a second link to the same
 * place, or into or around a target already followed, is a duplicate or a loop and is reported. In Restricted Mode
 * (`followOutside: false`) none leads out. A file link is read only when its target lies in the folder or in a
 * followed target: a hostile repository must not get an outside file's content shown as a param.
 */
export class LinkGuard {
  /** Real path of each followed outside target → the folder (relative) it was followed as. */
  private readonly followed = new Map<string, string>();
  private rootReal: string | undefined;
  /** Folders holding a symlink: listed again on every walk, so the rules (and their reports) are applied again. */
  readonly linkDirs = new Set<string>();
  readonly problems: Diagnostic[] = [];

  constructor(
    private readonly root: string,
    private readonly followOutside: boolean,
  ) {}

  sawLinkIn(dir: string): void {
    this.linkDirs.add(dir);
  }

  /** Whether the link at `abs` (`rel` in the folder) is listed: followed (a folder) or read (a file). */
  admits(abs: string, rel: string, isDir: boolean): boolean {
    let real: string;
    try {
      real = fs.realpathSync(abs);
      this.rootReal ??= fs.realpathSync(this.root);
    } catch {
      return false; // a loop (ELOOP) or removed meanwhile
    }
    if (realWithin(real, this.rootReal)) return !isDir;
    const outer = [...this.followed.keys()].find((t) => realWithin(real, t));
    if (!isDir) {
      if (outer !== undefined) return true;
      // W&B links every run's logs/debug*.log to its own cache outside the workspace: tool logs no reader reads, so
      // leaving them out is not worth a warning per run. Any other file link out of the workspace is reported.
      if (!WANDB_DEBUG_LOG.test(rel)) {
        this.problems.push({
          path: rel,
          severity: 'warning',
          message: 'not read: a symlink to a file outside the workspace',
        });
      }
      return false;
    }
    if (!this.followOutside) {
      this.problems.push({
        path: rel,
        severity: 'warning',
        message: 'not followed: a folder symlink out of an untrusted workspace (Restricted Mode)',
      });
      return false;
    }
    const same = this.followed.get(real);
    if (same === rel) return true;
    const clash = outer ?? [...this.followed.keys()].find((t) => realWithin(t, real));
    if (clash !== undefined || same !== undefined) {
      const other = this.followed.get(clash ?? real)!;
      this.problems.push({
        path: rel,
        severity: 'warning',
        message: `not followed: a symlink to a folder already searched as ${other || '.'} (a duplicate or a loop)`,
      });
      return false;
    }
    this.followed.set(real, rel);
    return true;
  }
}

/** W&B's debug log links (`wandb/run-…/logs/debug-core.log`, `debug-internal.log`, …). */
const WANDB_DEBUG_LOG = /(^|\/)logs\/debug[^/]*\.log$/;

/** Whether real path `p` is `dir` or lies below it. */
export function realWithin(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

function runToEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Decides which folders a walk enters. */
export class WalkFilter {
  private readonly exclude: GlobSet;
  private readonly include: GlobSet;
  constructor(opts: WalkOptions) {
    this.exclude = new GlobSet([...DEFAULT_EXCLUDES, ...(opts.exclude ?? [])]);
    this.include = new GlobSet(opts.include ?? []);
  }
  /** Whether folder `rel` (not the root) is searched. */
  enters(rel: string, entries?: readonly DirEntry[]): boolean {
    if (this.exclude.matches(rel)) return false;
    // A virtualenv is recognisable by its pyvenv.cfg whatever it is called.
    if (entries?.some((e) => e.isFile && e.name === 'pyvenv.cfg')) return false;
    // With include globs every other folder is still entered: a deeper folder may match.
    return true;
  }
  /** With include globs, whether files of folder `rel` count (it or an ancestor matches). */
  included(rel: string): boolean {
    if (this.include.isEmpty) return true;
    for (let p = rel; ;) {
      if (this.include.matches(p)) return true;
      const slash = p.lastIndexOf('/');
      if (p === '') return false;
      p = slash < 0 ? '' : p.slice(0, slash);
    }
  }
}

/**
 * Walks `root` breadth-first into a FileTree. Unreadable folders become warnings; the walk goes on.
 * Synchronous fs calls are much faster than promises for tens of thousands of small stats, so the walk runs
 * synchronously in slices and yields between them to keep the caller (the extension host) responsive.
 */
export async function walk(
  root: string,
  opts: WalkOptions = {},
  diagnostics: Diagnostic[] = [],
  previous?: FileTree,
): Promise<FileTree> {
  const tree = new FileTree();
  tree.walkedAt = Date.now();
  const filter = new WalkFilter(opts);
  const maxDepth = opts.maxDepth ?? 64;
  const sliceMs = opts.sliceMs ?? 8;
  const links = new LinkGuard(root, opts.followOutside ?? true);
  tree.links = links;
  tree.linksKnown = true;
  // [folder, depth, its mtime as its parent's listing saw it (NaN for the root)]
  const queue: Array<[string, number, number]> = [['', 0, NaN]];
  let sliceStart = Date.now();
  // Runs a folder's listing steps, breathing whenever this slice of the walk is used up.
  const drive = async <T>(steps: Generator<void, T, void>): Promise<T> => {
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      if (Date.now() - sliceStart >= sliceMs) {
        await breathe();
        sliceStart = Date.now();
      }
    }
  };
  for (let qi = 0; qi < queue.length; qi++) {
    const [rel, depth, mtimeMs] = queue[qi]!;
    let entries: DirEntry[];
    try {
      const reused = previous && !previous.links.linkDirs.has(rel) && restat(root, rel, mtimeMs, previous);
      entries =
        (reused && (await drive(reused))) ||
        (await drive(listing(rel === '' ? root : path.join(root, rel), links, rel)));
    } catch (err) {
      if (rel === '') throw err;
      diagnostics.push({ path: rel, severity: 'warning', message: `cannot read folder: ${errorText(err)}` });
      continue;
    } finally {
      diagnostics.push(...links.problems.splice(0));
    }
    if (rel !== '' && !filter.enters(rel, entries)) continue;
    tree.set(rel, entries);
    if (depth < maxDepth) {
      for (const e of entries) if (e.isDir) queue.push([joinRel(rel, e.name), depth + 1, e.mtimeMs]);
    } else if (entries.some((e) => e.isDir)) {
      diagnostics.push({
        path: rel,
        severity: 'warning',
        message: `not searched below: the walk's depth limit (${maxDepth} folders) is reached here`,
      });
    }
    if (Date.now() - sliceStart >= sliceMs) {
      await breathe();
      sliceStart = Date.now();
    }
  }
  return tree;
}

/**
 * Folders' mtimes newer than this before the previous walk may hide later changes made within the same tick on
 * file systems with coarse timestamps (FAT: 2 s; HFS+: 1 s): such folders are listed again (git's "racy" rule).
 */
const RACY_MS = 2_000;

/**
 * A folder's entries without listing it, when its mtime says no entry was added, removed or renamed since the
 * previous walk: the previous names, each stat-ed again for size and mtime (a file's content does not touch its
 * folder's mtime). readdir costs twice a stat here, and most folders of a workspace of runs do not change between
 * passes. The previous array itself is returned when nothing in it changed, so unchanged folders share it.
 * Undefined (at once, or as the steps' result): list the folder (new, changed, racy, or an entry changed kind or
 * vanished).
 */
function restat(
  root: string,
  rel: string,
  mtimeMs: number,
  previous: FileTree,
): Generator<void, DirEntry[] | undefined, void> | undefined {
  if (rel === '' || !(mtimeMs < previous.walkedAt - RACY_MS)) return undefined;
  const before = previous.entry(rel);
  const old = previous.list(rel);
  if (!before || !before.isDir || before.mtimeMs !== mtimeMs || !old) return undefined;
  return restatSteps(path.join(root, rel) + path.sep, old);
}

function* restatSteps(prefix: string, old: readonly DirEntry[]): Generator<void, DirEntry[] | undefined, void> {
  let out: DirEntry[] | undefined;
  for (let i = 0; i < old.length; i++) {
    if ((i + 1) % STEP === 0) yield;
    const e = old[i]!;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(prefix + e.name, { throwIfNoEntry: false });
    } catch {
      return undefined; // a listing deals with unreadable entries one by one
    }
    if (!st || st.isDirectory() !== e.isDir || (!e.isDir && !st.isFile())) return undefined;
    if (st.mtimeMs === e.mtimeMs && (e.isDir || st.size === e.size)) {
      out?.push(e);
      continue;
    }
    out ??= old.slice(0, i);
    out.push({ name: e.name, isDir: e.isDir, isFile: e.isFile, size: e.isDir ? 0 : st.size, mtimeMs: st.mtimeMs });
  }
  // Trees never mutate an entry array once set: sharing the previous one is safe.
  return out ?? (old as DirEntry[]);
}
