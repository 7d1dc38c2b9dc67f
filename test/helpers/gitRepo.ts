import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { NO_GIT, type Run } from '../../src/core/model';
import { modelRun } from './modelRun';

const T0 = Date.UTC(2024, 5, 3, 9, 0, 0);
const HOUR = 3_600_000;

/** Runs git in `dir` with a fixed identity and no user or system config; `when` sets both dates (ms). */
export function git(dir: string, args: string[], when?: number, input?: string): string {
  const date = when === undefined ? undefined : `${Math.floor(when / 1000)} +0000`;
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Grace Hopper',
      GIT_AUTHOR_EMAIL: 'grace@example.com',
      GIT_COMMITTER_NAME: 'Grace Hopper',
      GIT_COMMITTER_EMAIL: 'grace@example.com',
      ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
    },
  }).trim();
}

/** A repository with `n` commits touching ten files, written in one `git fast-import`. */
export function makeBenchRepo(dir: string, n: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  let stream = '';
  for (let i = 0; i < n; i++) {
    const t = Math.floor((T0 + i * HOUR) / 1000);
    const msg = `commit ${i}\n`;
    const body = `value = ${i}\n`;
    stream += `commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <b@x> ${t} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`;
    if (i > 0) stream += `from :${i}\n`;
    stream += `M 100644 inline f${i % 10}.py\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
  git(dir, ['fast-import', '--quiet'], undefined, stream);
  git(dir, ['reset', '-q', '--hard', 'main']);
  return git(dir, ['rev-list', 'main']).split('\n').reverse();
}

/**
 * Runs pointing at makeBenchRepo's commits the way a real history does: eight in ten at a commit of the repository
 * (started an hour after it), one at a commit it does not have, one with no commit — for the code-link benchmarks.
 */
export function benchRepoRuns(commits: readonly string[], n: number, idPrefix: string): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    const commit =
      k === 9
        ? null
        : k === 8
          ? `${i.toString(16).padStart(8, '0')}${'f'.repeat(32)}`
          : commits[(i * 7) % commits.length]!;
    runs.push(
      modelRun(
        `${idPrefix}${i}`,
        {},
        {},
        {
          path: `runs/${i}`,
          startTime: T0 + (i % 200) * HOUR + 1,
          git: { ...NO_GIT, commit },
        },
      ),
    );
  }
  return runs;
}
