/**
 * Glob patterns for include/exclude settings, matched against '/'-separated relative paths.
 * Supports `**`, `*`, `?`, `{a,b}` and character classes — the subset VS Code's own settings use.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braceDepth = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more whole segments; a trailing `**` matches everything below.
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 3 : 2;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      braceDepth++;
      re += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      re += ')';
    } else if (c === ',' && braceDepth > 0) {
      re += '|';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) {
        re += '\\[';
      } else {
        const body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = close;
      }
    } else {
      re += c.replace(/[.+^$()|\\]/g, '\\$&');
    }
    i++;
  }
  return new RegExp(`^${re}$`);
}

/** A compiled set of globs; a path matches when any glob matches it. */
export class GlobSet {
  private readonly res: RegExp[];
  /** `**\/name` globs (most excludes) are answered by the last path segment alone, without a regex. */
  private readonly names = new Set<string>();
  private readonly empty: boolean;
  constructor(globs: readonly string[]) {
    const rest: string[] = [];
    for (const g of globs) {
      const m = /^\*\*\/([^*?{}[\]/]+)$/.exec(g);
      if (m) this.names.add(m[1]!);
      else rest.push(g);
    }
    this.res = rest.map(globToRegExp);
    this.empty = globs.length === 0;
  }
  get isEmpty(): boolean {
    return this.empty;
  }
  matches(path: string): boolean {
    if (this.names.size) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (this.names.has(name)) return true;
    }
    return this.res.some((r) => r.test(path));
  }
}
