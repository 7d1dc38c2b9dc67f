/**
 * Unified diffs as `git diff` writes them (W&B `files/diff.patch`, MLflow `mlflow.source.git.diff`), parsed and
 * applied in memory: Runlens shows a run's uncommitted code without ever touching the user's files. No `vscode`
 * here, so the unit tests run in plain Node.
 */

export interface Hunk {
  /** 1-based first line in the old file (0 for an empty old side). */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Body lines with their prefix: ' ' context, '-' removed, '+' added, '\' "No newline at end of file". */
  lines: string[];
}

export interface FilePatch {
  /** Repo-relative, '/' separators; null for a created file (`--- /dev/null`). */
  oldPath: string | null;
  /** Null for a deleted file. */
  newPath: string | null;
  hunks: Hunk[];
  /** A binary change: no text to apply. */
  binary: boolean;
}

export class PatchError extends Error {
  override name = 'PatchError' as const;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Every file of a (git) unified diff. Lines that belong to no file (a mail header, notes) are skipped. */
export function parsePatch(text: string): FilePatch[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const files: FilePatch[] = [];
  let current: FilePatch | undefined;
  let i = 0;
  const start = (oldPath: string | null, newPath: string | null): FilePatch => {
    current = { oldPath, newPath, hunks: [], binary: false };
    files.push(current);
    return current;
  };
  while (i < lines.length) {
    const line = stripCr(lines[i]!);
    if (line.startsWith('diff --git ')) {
      const [a, b] = gitHeaderPaths(line.slice('diff --git '.length));
      start(a, b);
      i++;
      continue;
    }
    if (line.startsWith('--- ') && i + 1 < lines.length && stripCr(lines[i + 1]!).startsWith('+++ ')) {
      const oldPath = headerPath(line.slice(4));
      const newPath = headerPath(stripCr(lines[i + 1]!).slice(4));
      // `diff --git` already opened this file; a bare unified diff starts one here.
      const f =
        current && current.hunks.length === 0 && !current.binary && sameFile(current, oldPath, newPath)
          ? current
          : start(oldPath, newPath);
      f.oldPath = oldPath;
      f.newPath = newPath;
      i += 2;
      continue;
    }
    if (current && (line.startsWith('new file mode') || line.startsWith('deleted file mode'))) {
      if (line.startsWith('new')) current.oldPath = null;
      else current.newPath = null;
      i++;
      continue;
    }
    if (current && line.startsWith('rename from ')) {
      current.oldPath = unquote(line.slice('rename from '.length));
      i++;
      continue;
    }
    if (current && line.startsWith('rename to ')) {
      current.newPath = unquote(line.slice('rename to '.length));
      i++;
      continue;
    }
    if (current && (line.startsWith('Binary files ') || line === 'GIT binary patch')) {
      current.binary = true;
      i++;
      continue;
    }
    const m = HUNK_HEADER.exec(line);
    if (current && m) {
      const hunk: Hunk = {
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
        lines: [],
      };
      i++;
      let oldLeft = hunk.oldLines;
      let newLeft = hunk.newLines;
      while (i < lines.length && (oldLeft > 0 || newLeft > 0 || lines[i]!.startsWith('\\'))) {
        const body = lines[i]!;
        const tag = body[0];
        if (tag === '\\') hunk.lines.push(body);
        else if (tag === ' ' || body === '' || body === '\r') {
          // Some editors strip the single space of an empty context line.
          hunk.lines.push(tag === ' ' ? body : ' ' + body);
          oldLeft--;
          newLeft--;
        } else if (tag === '-') {
          hunk.lines.push(body);
          oldLeft--;
        } else if (tag === '+') {
          hunk.lines.push(body);
          newLeft--;
        } else break;
        i++;
      }
      if (oldLeft > 0 || newLeft > 0)
        throw new PatchError(
          `patch: hunk @@ -${hunk.oldStart} +${hunk.newStart} of ${current.newPath ?? current.oldPath} is truncated`,
        );
      current.hunks.push(hunk);
      continue;
    }
    i++;
  }
  return files;
}

/** The patch of one repo-relative file (by its new path, or its old one for a deletion). */
export function patchOf(patches: readonly FilePatch[], relPath: string): FilePatch | undefined {
  return patches.find((p) => p.newPath === relPath) ?? patches.find((p) => p.newPath === null && p.oldPath === relPath);
}

/** How far (in lines) a hunk may have moved from where its header says before it counts as not applying. */
const MAX_OFFSET = 2000;

/**
 * Applies one file's hunks to `original` (the file at the run's commit). Context must match exactly; a hunk may
 * sit at another line than its header says (like `patch`'s offset), never fuzzily. Throws PatchError otherwise.
 */
export function applyFilePatch(original: string, patch: FilePatch): string {
  if (patch.binary) throw new PatchError(`patch: ${patch.newPath ?? patch.oldPath} is a binary change`);
  if (patch.newPath === null) return '';
  const src = original === '' ? [] : original.split('\n');
  let endsWithNewline = true;
  if (src.length && src[src.length - 1] === '') src.pop();
  else if (src.length) endsWithNewline = false;
  const out: string[] = [];
  let pos = 0; // next unconsumed line of src
  let drift = 0; // where the previous hunk really applied relative to its header
  for (const hunk of patch.hunks) {
    const oldSide: string[] = [];
    const newSide: string[] = [];
    let oldNoEol = false;
    let newNoEol = false;
    let prev = '';
    for (const l of hunk.lines) {
      if (l[0] === '\\') {
        if (prev === ' ' || prev === '-') oldNoEol = true;
        if (prev === ' ' || prev === '+') newNoEol = true;
        continue;
      }
      prev = l[0]!;
      if (prev !== '+') oldSide.push(l.slice(1));
      if (prev !== '-') newSide.push(l.slice(1));
    }
    const wanted = Math.max(0, (hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1) + drift);
    const at = findBlock(src, oldSide, wanted, pos);
    if (at < 0)
      throw new PatchError(
        `patch: hunk @@ -${hunk.oldStart},${hunk.oldLines} does not apply to ${patch.newPath ?? patch.oldPath}`,
      );
    drift = at - (hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1);
    for (; pos < at; pos++) out.push(src[pos]!);
    out.push(...newSide);
    pos = at + oldSide.length;
    if (pos >= src.length && (oldNoEol || newNoEol)) endsWithNewline = !newNoEol;
  }
  for (; pos < src.length; pos++) out.push(src[pos]!);
  if (out.length === 0) return '';
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

/** Applies a whole patch's change to one file, or returns `original` when the patch does not touch it. */
export function applyPatchTo(original: string, patches: readonly FilePatch[], relPath: string): string {
  const p = patchOf(patches, relPath);
  return p ? applyFilePatch(original, p) : original;
}

/** Repo-relative paths a patch changes (new paths; old paths of deletions). */
export function changedPaths(patches: readonly FilePatch[]): string[] {
  return [...new Set(patches.map((p) => p.newPath ?? p.oldPath).filter((p): p is string => p !== null))];
}

function findBlock(src: readonly string[], block: readonly string[], wanted: number, min: number): number {
  const fits = (at: number): boolean => {
    if (at < min || at + block.length > src.length) return false;
    for (let k = 0; k < block.length; k++) if (src[at + k] !== block[k]) return false;
    return true;
  };
  if (block.length === 0) return Math.min(Math.max(wanted, min), src.length);
  for (let d = 0; d <= MAX_OFFSET; d++) {
    if (fits(wanted + d)) return wanted + d;
    if (d > 0 && fits(wanted - d)) return wanted - d;
    if (wanted + d > src.length && wanted - d < min) break;
  }
  return -1;
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/** `a/x b/y` of a `diff --git` line (paths may be quoted); a fallback only — `---`/`+++` and renames win. */
function gitHeaderPaths(rest: string): [string | null, string | null] {
  if (rest.startsWith('"')) {
    const end = closingQuote(rest);
    const a = unquote(rest.slice(0, end + 1));
    const b = unquote(rest.slice(end + 2));
    return [stripPrefix(a), stripPrefix(b)];
  }
  // Unquoted: "a/<p> b/<p>" with the same path twice when not a rename.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3))
    return [rest.slice(2, half), rest.slice(half + 3)];
  const sp = rest.indexOf(' b/');
  return sp > 0 ? [stripPrefix(rest.slice(0, sp)), stripPrefix(rest.slice(sp + 1))] : [null, null];
}

function headerPath(s: string): string | null {
  const p = unquote(s.split('\t')[0]!.trimEnd());
  return p === '/dev/null' ? null : stripPrefix(p);
}

function stripPrefix(p: string): string {
  return /^[abciow]\//.test(p) ? p.slice(2) : p;
}

function sameFile(f: FilePatch, oldPath: string | null, newPath: string | null): boolean {
  return (
    (f.oldPath === null || oldPath === null || f.oldPath === oldPath) &&
    (f.newPath === null || newPath === null || f.newPath === newPath)
  );
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return s.length - 1;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  r: '\r',
  v: '\v',
};

/** git's C-style quoting of unusual paths (`"a/caf\303\251.py"`), octal bytes decoded as UTF-8. */
export function unquote(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[i + 1] ?? '';
    if (/[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(oct, 8));
      i += oct.length;
    } else {
      bytes.push(...Buffer.from(ESCAPES[n] ?? n, 'utf8'));
      i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
