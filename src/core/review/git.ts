import { execFile, spawn } from 'node:child_process';

/** git failed or the folder is not in a repository; the CLI exits 4 (or 3 when a ref has no runs). */
export class GitError extends Error {
  override name = 'GitError' as const;
}

/** One blob of a commit's tree. */
export interface TreeEntry {
  /** Repository-relative path, '/' separators. */
  path: string;
  oid: string;
  size: number;
}

export interface ChangedFile {
  path: string;
  /** null for binary files (git prints '-'). */
  insertions: number | null;
  deletions: number | null;
}

/**
 * git through its command line, read-only: never checks anything out, never writes to the work tree. The
 * user's and system config are honoured (CI sets safe.directory there), but no pager or prompt.
 */
export class Git {
  private constructor(readonly root: string) {}

  /** The repository holding `dir`; GitError when there is none or git is missing. */
  static async open(dir: string): Promise<Git> {
    const top = await run(dir, ['rev-parse', '--show-toplevel']).catch((e: Error) => {
      throw new GitError(`not in a git repository: ${dir} (${e.message})`);
    });
    return new Git(top.trim());
  }

  run(args: string[]): Promise<string> {
    return run(this.root, args);
  }

  /** The full commit a ref names, or undefined when it names none. */
  async commitOf(ref: string): Promise<string | undefined> {
    if (ref.startsWith('-')) return undefined;
    try {
      return (
        (await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim() ||
        undefined
      );
    } catch {
      return undefined;
    }
  }

  /** origin's HEAD branch, else `main`, else `master`: the usual names of the default branch. */
  async defaultBranch(): Promise<string | undefined> {
    try {
      const sym = (await this.run(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])).trim();
      if (sym) return sym.replace(/^refs\/remotes\//, '');
    } catch {
      // no origin/HEAD: a local clone or a CI checkout without it
    }
    for (const name of ['main', 'master', 'origin/main', 'origin/master']) if (await this.commitOf(name)) return name;
    return undefined;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    try {
      return (await this.run(['merge-base', a, b])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** `commit` and its first-parent ancestors, newest first, at most `count`. */
  async firstParents(commit: string, count: number): Promise<string[]> {
    const out = await this.run(['rev-list', '--first-parent', `--max-count=${Math.max(1, count)}`, commit]);
    return out.split('\n').filter(Boolean);
  }

  /** Every blob of a commit's tree (symlinks and submodules left out). */
  async tree(commit: string): Promise<TreeEntry[]> {
    const out = await this.run(['ls-tree', '-r', '-l', '-z', '--full-tree', commit]);
    const entries: TreeEntry[] = [];
    for (const rec of out.split('\0')) {
      const tab = rec.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, oid, size] = rec.slice(0, tab).split(/\s+/);
      if (type !== 'blob' || mode === '120000') continue;
      entries.push({ path: rec.slice(tab + 1), oid: oid!, size: Number(size) });
    }
    return entries;
  }

  /** Blob contents by oid through one `git cat-file --batch`. */
  readBlobs(oids: readonly string[]): Promise<Map<string, Buffer>> {
    return new Promise((resolve, reject) => {
      const p = spawn('git', ['cat-file', '--batch'], {
        cwd: this.root,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: gitEnv(),
      });
      const chunks: Buffer[] = [];
      p.stdout.on('data', (c: Buffer) => chunks.push(c));
      p.on('error', reject);
      p.on('close', (code) => {
        if (code !== 0) return reject(new GitError(`git cat-file exited with ${code}`));
        const all = Buffer.concat(chunks);
        const blobs = new Map<string, Buffer>();
        let at = 0;
        while (at < all.length) {
          const nl = all.indexOf(10, at);
          const [oid, type, size] = all.subarray(at, nl).toString('utf8').split(' ');
          if (type === 'missing' || size === undefined) {
            at = nl + 1;
            continue;
          }
          const n = Number(size);
          blobs.set(oid!, all.subarray(nl + 1, nl + 1 + n));
          at = nl + 1 + n + 1;
        }
        resolve(blobs);
      });
      p.stdin.end(oids.join('\n') + '\n');
    });
  }

  /** Files changed between two commits with their line counts (renames followed). */
  async changedFiles(from: string, to: string): Promise<ChangedFile[]> {
    const out = await this.run(['diff', '--numstat', '-z', '-M', from, to, '--']);
    const files: ChangedFile[] = [];
    const parts = out.split('\0');
    for (let i = 0; i < parts.length; i++) {
      const rec = parts[i]!;
      if (!rec) continue;
      const [ins, del, name] = rec.split('\t');
      // A rename prints an empty name, then the old and the new path as the next two fields.
      const p = name === '' ? ((i += 2), parts[i]!) : name!;
      files.push({
        path: p,
        insertions: ins === '-' ? null : Number(ins),
        deletions: del === '-' ? null : Number(del),
      });
    }
    return files;
  }

  async subject(commit: string): Promise<string> {
    return (await this.run(['log', '-1', '--format=%s', commit])).trim();
  }

  async remoteUrl(name = 'origin'): Promise<string | undefined> {
    try {
      return (await this.run(['remote', 'get-url', name])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Commits of `head`'s first-parent history with committer times (ms), for inferring commits of runs. */
  async datedHistory(head: string, count: number): Promise<Array<{ hash: string; time: number }>> {
    const out = await this.run(['log', '--first-parent', `--max-count=${count}`, '--format=%H %ct', head]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [hash, t] = l.split(' ');
        return { hash: hash!, time: Number(t) * 1000 };
      });
  }
}

function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

function run(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: gitEnv() },
      (err, stdout, stderr) => {
        if (err) reject(new GitError(`git ${args[0]}: ${(stderr || err.message).trim().split('\n')[0]}`));
        else resolve(stdout);
      },
    );
  });
}
