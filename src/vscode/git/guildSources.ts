import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordedChanges } from './commitState';

/**
 * The source code a Guild AI run copied, for Compare Code: guildai 0.9 copies it into the run folder itself and
 * lists it in `.guild/manifest` (`s <path> <sha1> <path>`); older versions copied it to `.guild/sourcecode/`. Paths
 * are relative to the project folder (the guildfile's, from `.guild/opref`), mapped to the repository when the
 * project lies in it. No `vscode` here (unit-tested in Node).
 */
export async function guildSources(runDir: string, repoRoot: string): Promise<RecordedChanges | null> {
  const meta = path.join(runDir, '.guild');
  const opref = await readText(path.join(meta, 'opref'));
  const guildfile = /^guildfile:(\S+)/.exec(opref ?? '')?.[1];
  const projectDir = guildfile ? path.dirname(guildfile) : undefined;
  const prefix =
    projectDir && isInside(projectDir, repoRoot) ? path.relative(repoRoot, projectDir).split(path.sep).join('/') : '';
  const files: Record<string, string> = {};
  const add = (rel: string, abs: string): void => {
    const clean = path.posix.normalize(rel.replace(/\\/g, '/'));
    // A manifest names files inside the run only; anything else is ignored.
    if (clean.startsWith('../') || path.posix.isAbsolute(clean) || !isInside(abs, runDir) || !fs.existsSync(abs))
      return;
    files[prefix ? `${prefix}/${clean}` : clean] = abs;
  };
  const manifest = await readText(path.join(meta, 'manifest'));
  for (const line of manifest?.split('\n') ?? []) {
    const m = /^s (\S+) [0-9a-f]+ (\S+)$/.exec(line.trim());
    if (m) add(m[2]!, path.join(runDir, m[1]!));
  }
  if (Object.keys(files).length === 0) {
    const legacy = path.join(meta, 'sourcecode');
    for (const rel of listFiles(legacy)) add(rel, path.join(legacy, rel));
  }
  return Object.keys(files).length ? { kind: 'sources', files } : null;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function listFiles(dir: string, rel = '', depth = 0): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && depth < 32) out.push(...listFiles(dir, r, depth + 1));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
