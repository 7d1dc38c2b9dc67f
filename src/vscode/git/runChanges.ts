// What a run recorded beyond its commit, read from its files: its uncommitted changes and, for runs without a start
// time, when its files were first written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Run } from '../../core/model';
import type { RecordedChanges } from './commitState';
import { guildSources } from './guildSources';
import { isInside } from './repoPaths';

/** The uncommitted changes a dirty run recorded (W&B diff.patch, MLflow's diff tag, Sacred _sources/, Guild's copy). */
export async function recordedChanges(
  run: Run,
  repoRoot: string,
  source: { absPath(run: Run): string | undefined; filesOf(runId: string): readonly string[] },
): Promise<RecordedChanges | null> {
  const diffTag = run.tags['mlflow.source.git.diff'];
  if (diffTag) return { kind: 'patch-text', text: diffTag };
  const abs = source.absPath(run);
  if (!abs) return null;
  if (run.format === 'wandb') {
    const file =
      source.filesOf(run.id).find((f) => path.basename(f) === 'diff.patch') ?? path.join(abs, 'files', 'diff.patch');
    return fs.existsSync(file) ? { kind: 'patch', file } : null;
  }
  if (run.format === 'sacred') return sacredSources(abs, repoRoot);
  if (run.format === 'guild') return guildSources(abs, repoRoot);
  return null;
}

/** git-linkage.md F3 for runs without a start time: the earliest mtime of the run's files. */
export async function earliestFileTime(runFiles: readonly string[]): Promise<number | undefined> {
  const files = runFiles.slice(0, 20);
  let min: number | undefined;
  for (const f of files) {
    try {
      const t = (await fs.promises.stat(f)).mtimeMs;
      if (min === undefined || t < min) min = t;
    } catch {
      // gone since the index pass
    }
  }
  return min;
}

/**
 * Sacred keeps exact copies of the sources in `_sources/` (run.json `experiment.sources`: [path relative to
 * `experiment.base_dir`, stored copy]); mapped to repo-relative paths through the recorded `git:/<workdir>` url,
 * else as if `base_dir` were the repository root.
 */
async function sacredSources(runDir: string, repoRoot: string): Promise<RecordedChanges | null> {
  let doc: unknown;
  try {
    doc = JSON.parse(await fs.promises.readFile(path.join(runDir, 'run.json'), 'utf8'));
  } catch {
    return null;
  }
  const exp = (doc as { experiment?: { sources?: unknown; base_dir?: unknown; repositories?: unknown } }).experiment;
  if (!exp || !Array.isArray(exp.sources)) return null;
  const baseDir = typeof exp.base_dir === 'string' ? exp.base_dir.replace(/\\/g, '/') : '';
  const repos = Array.isArray(exp.repositories) ? (exp.repositories as Array<{ url?: unknown }>) : [];
  const workdirs = repos
    .map((r) =>
      typeof r.url === 'string' && r.url.startsWith('git:') ? '/' + r.url.slice(4).replace(/^\/+/, '') : undefined,
    )
    .filter((w): w is string => !!w);
  const files: Record<string, string> = {};
  for (const entry of exp.sources) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue;
    const written = path.posix.join(baseDir || '/', entry[0].replace(/\\/g, '/'));
    const wd = workdirs
      .filter((w) => written.startsWith(w.endsWith('/') ? w : w + '/'))
      .sort((a, b) => b.length - a.length)[0];
    let rel = wd ? path.posix.relative(wd, written) : entry[0].replace(/\\/g, '/');
    // base_dir on this machine (the run was made here): relative to the local repository instead.
    if (!wd && baseDir && isInside(path.join(baseDir, entry[0]), repoRoot))
      rel = path.relative(repoRoot, path.join(baseDir, entry[0])).split(path.sep).join('/');
    const copy = path.join(runDir, entry[1]);
    if (!rel.startsWith('..') && fs.existsSync(copy)) files[rel] = copy;
  }
  return Object.keys(files).length ? { kind: 'sources', files } : null;
}
