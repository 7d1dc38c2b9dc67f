import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadReviewConfig, type ReviewSettings } from '../core/review/config';
import { GitError } from '../core/review/git';
import { reviewToJson } from '../core/review/json';
import { reviewToMarkdown } from '../core/review/markdown';
import { NoRunsError, review, ReviewUsageError } from '../core/review/review';
import { chartFileName, chartToSvg } from '../core/review/svg';
import { defaultWorkerCount } from '../core/index';
import { parseOptions, UsageError } from './command';

/** `runlens review`'s help: usage, options, exit codes, examples. */
export const REVIEW_USAGE = `Usage: runlens review <dir> [options]

Compares the runs of a change (head) with the runs of its baseline (found through git) and gates on regressions.

Candidate and baseline
  --head <ref>                 the change's commit (default HEAD)
  --base <ref>                 the branch to compare with (default: origin's default branch, else main/master)
  --run <id>                   a candidate run by id, id prefix, path or name (repeatable; replaces --head's runs)
  --baseline-run <id>          a baseline run (repeatable; replaces the search through git)
  --max-depth <n>              first-parent ancestors of the merge-base searched for runs (default 50)
  --infer-commits              also count runs that recorded no commit, by their start time
Gate
  --fail-on <metric>[.<summary>]:<threshold>
                               e.g. val_loss:+2%  val_loss.min:+0.01  accuracy:-0.5%   (repeatable)
                               summary: last (default), min, max, best; the threshold is how far the metric may
                               move in its worse direction, absolute or in % of the baseline
  --beyond-noise               fail only on deltas beyond the seed noise (Welch's t-test, when both sides have
                               two or more runs per group)
  --lower-is-better <metric>   --higher-is-better <metric>   when the name does not say (repeatable)
  --seed-param <glob>          params that only vary the seed (repeatable; default seed, random_seed, *_seed, seed_*, rng*)
  --key-metric <metric>        metrics to chart (repeatable; default: the gated ones)
Output
  --format md|json             md: a pull-request comment (default); json: the documented contract
  --out <dir>                  also write review.md, review.json and one SVG chart per key metric there
  --include <glob> --exclude <glob>   as for index
  --source <uri>               runs of a remote source too (repeatable): e.g. the team's MLflow server, whose runs of
                               the base commit (mlflow.source.git.commit) then serve as the baseline
The same settings can live in .runlens.yml (section "review:"); flags win.

Exit codes: 0 passed (or nothing gated), 1 a gate failed, 2 usage error, 3 no candidate or no baseline runs,
4 any other error.

Examples:
  runlens review . --base main --fail-on val_loss:+2% --fail-on accuracy:-0.5%
  runlens review . --format json --beyond-noise > review.json
  runlens review . --run 3f2a1c --baseline-run 9b8e7d --format md > comment.md`;

const VALUE = new Set([
  '--head',
  '--base',
  '--run',
  '--baseline-run',
  '--max-depth',
  '--fail-on',
  '--lower-is-better',
  '--higher-is-better',
  '--seed-param',
  '--key-metric',
  '--format',
  '--out',
  '--include',
  '--exclude',
  '--source',
]);
const BOOL = new Set(['--beyond-noise', '--infer-commits', '--help', '-h']);

type Out = (text: string) => void;

function parse(argv: readonly string[]): { dir: string | undefined; flags: Map<string, string[]> } {
  const { positional, flags } = parseOptions(argv, VALUE, BOOL);
  if (positional.length > 1) throw new UsageError(`review takes one folder (got ${positional.length})`);
  return { dir: positional[0], flags };
}

/** Flags over the config file's settings. */
function settingsFrom(base: ReviewSettings, f: Map<string, string[]>): ReviewSettings {
  const one = (k: string): string | undefined => f.get(k)?.at(-1);
  const s: ReviewSettings = { ...base };
  if (one('--head')) s.head = one('--head')!;
  if (one('--base')) s.base = one('--base')!;
  if (one('--max-depth') !== undefined) {
    const n = Number(one('--max-depth'));
    if (!Number.isInteger(n) || n < 0) throw new UsageError('--max-depth must be a whole number ≥ 0');
    s.maxDepth = n;
  }
  if (f.has('--fail-on')) s.failOn = f.get('--fail-on')!;
  if (f.has('--beyond-noise')) s.beyondNoise = true;
  if (f.has('--infer-commits')) s.inferCommits = true;
  if (f.has('--seed-param')) s.seedParams = f.get('--seed-param')!;
  if (f.has('--key-metric')) s.keyMetrics = f.get('--key-metric')!;
  s.lowerIsBetter = [...s.lowerIsBetter, ...(f.get('--lower-is-better') ?? [])];
  s.higherIsBetter = [...s.higherIsBetter, ...(f.get('--higher-is-better') ?? [])];
  return s;
}

/** `runlens review`: returns the exit code (0 pass, 1 gate failed, 2 usage, 3 no runs, 4 other). */
export async function reviewCommand(argv: readonly string[], out: Out, err: Out): Promise<number> {
  try {
    const { dir, flags } = parse(argv);
    if (flags.has('--help') || flags.has('-h')) {
      out(REVIEW_USAGE);
      return 0;
    }
    if (!dir) throw new UsageError('missing <dir>');
    const root = path.resolve(dir);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`not a folder: ${dir}`);
    const format = flags.get('--format')?.at(-1) ?? 'md';
    if (format !== 'md' && format !== 'json') throw new UsageError(`--format must be md or json (got ${format})`);
    const { settings } = loadReviewConfig(root);
    const r = await review({
      dir: root,
      settings: settingsFrom(settings, flags),
      runs: flags.get('--run'),
      baselineRuns: flags.get('--baseline-run'),
      include: flags.get('--include'),
      exclude: flags.get('--exclude'),
      sources: flags.get('--source'),
      workers: defaultWorkerCount(),
    });
    const md = reviewToMarkdown(r, { alpha: settings.noiseAlpha });
    const json = JSON.stringify(reviewToJson(r), null, 2);
    const outDir = flags.get('--out')?.at(-1);
    if (outDir) {
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(path.join(outDir, 'review.md'), md);
      fs.writeFileSync(path.join(outDir, 'review.json'), json + '\n');
      r.charts.forEach((c, i) =>
        fs.writeFileSync(
          path.join(outDir, chartFileName(c, i)),
          chartToSvg(c, r.base.commit?.slice(0, 7) ?? 'base', r.head.commit?.slice(0, 7) ?? 'head'),
        ),
      );
    }
    out(format === 'json' ? json : md);
    const failed = r.metrics.filter((m) => m.verdict === 'fail');
    err(
      `runlens review: ${
        r.verdict === 'pass'
          ? 'passed'
          : `failed (${failed
              .map((m) => `${m.name}${m.summary === 'last' ? '' : `.${m.summary}`}`)
              .join(', ')
              .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')})`
      }`,
    );
    return r.verdict === 'pass' ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ReviewUsageError || e instanceof ConfigError) {
      err(`runlens review: ${e.message} (see runlens review --help)`);
      return 2;
    }
    if (e instanceof NoRunsError) {
      err(`runlens review: ${e.message}`);
      return 3;
    }
    err(
      `runlens review: ${e instanceof GitError ? '' : 'unexpected error: '}${e instanceof Error ? e.message : String(e)}`,
    );
    return 4;
  }
}
