import type { WorkspaceIndex } from '../core/index';
import { applyMetricAliases, DEFAULT_METRIC_ALIASES, mergeAliases, type MetricAliases } from '../core/groups/aliases';
import { diffGroups } from '../core/groups/groupDiff';
import { findGroup, groupRuns, type GroupBy } from '../core/groups/groups';
import {
  groupDiffToJson,
  groupDiffToMarkdown,
  groupDiffToText,
  groupsToJson,
  groupsToMarkdown,
  groupsToText,
  type GroupsContext,
} from '../core/groups/report';
import { DEFAULT_SEED_PARAMS } from '../core/compare/seeds';
import { SUMMARY_NAMES, type SummaryName } from '../core/review/gates';
import { correlationToJson, correlationToMarkdown, correlationToText } from '../core/sweep/report';
import { buildSweep } from '../core/sweep/sweep';
import { CliError, parseOptions, UsageError } from './command';
import { runsWhere } from './where';
import { indexFolder } from './workspace';

/** `runlens groups`'s help (and the group form of `runlens diff`). */
export const GROUPS_USAGE = `Usage: runlens groups <dir> [options]
       runlens diff <dir> --group <A> --group <B> [options]

Groups runs that share a configuration and summarises each metric over the group: mean ± std, stderr, min, max, n.
diff --group compares two groups; with two or more runs on each side every delta says whether it is beyond the seed
noise (Welch's t-test). A group is named by its id (as printed), an id prefix, or k=v[,k=v] (e.g. lr=0.01).

  --where <expr>            only the runs the filter selects (docs/filters.md), e.g. "experiment = 'mnist'"
  --group-by auto|<p1,p2>   auto (default): every param except the seed-like ones; or a list of params, where
                            @sweep (Hydra multirun, W&B group/sweep, MLflow parent run), @experiment, @format may stand
  --seed-param <glob>       seed-like params left out by auto (repeatable; default ${DEFAULT_SEED_PARAMS.join(', ')})
  --summary last|min|max|best   which per-run value the tables show and diff tests (default last)
  --metric <name>           metrics shown as md/text columns (repeatable; default the 6 most common)
  --alpha <p>               diff: the significance level (default 0.05)
  --correlate <metric>      instead of groups: the params ranked by Spearman's rank correlation with the metric
                            (each run's best value of it), as the Sweep view ranks them
  --alias <name>=<a,b>      a metric alias (repeatable; over the defaults, e.g. val_loss=eval_loss,val/loss)
  --no-aliases              keep every metric under the name its tool wrote
  --format text|md|json     text (default), md for a pull-request comment, json (the contract in docs/groups.md)
  --include <glob> --exclude <glob>   as for index
Exit codes: 0 ok, 1 error, 2 usage error.

Examples:
  runlens groups . --format md
  runlens groups . --where "params.lr < 0.01" --group-by optimizer,lr --json
  runlens groups . --correlate val_loss
  runlens diff . --group lr=0.01 --group lr=0.001`;

const VALUE = new Set([
  '--where',
  '--group-by',
  '--seed-param',
  '--summary',
  '--metric',
  '--alpha',
  '--correlate',
  '--alias',
  '--format',
  '--group',
  '--include',
  '--exclude',
  '--source',
]);
const BOOL = new Set(['--no-aliases', '--json', '--help', '-h']);

type Out = (text: string) => void;

/** `--alias name=a,b` flags over the defaults; `--no-aliases` turns every alias off. */
export function aliasesFrom(flags: ReadonlyMap<string, readonly string[]>): MetricAliases {
  if (flags.has('--no-aliases')) return {};
  const user: Record<string, string[]> = {};
  for (const spec of flags.get('--alias') ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--alias wants <name>=<spelling>[,<spelling>] (got "${spec}")`);
    user[spec.slice(0, eq).trim()] = spec
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return mergeAliases(user, DEFAULT_METRIC_ALIASES);
}

function groupByFrom(flag: string | undefined): GroupBy {
  if (flag === undefined || flag === 'auto') return 'auto';
  const names = flag
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw new UsageError('--group-by wants auto or a comma-separated list of params');
  return names;
}

function one(
  flags: ReadonlyMap<string, readonly string[]>,
  name: string,
  allowed: readonly string[],
  dflt: string,
): string {
  const v = flags.get(name)?.at(-1) ?? dflt;
  if (!allowed.includes(v)) throw new UsageError(`${name} must be ${allowed.join(', ')} (got ${v})`);
  return v;
}

async function load(dir: string | undefined, flags: ReadonlyMap<string, readonly string[]>): Promise<WorkspaceIndex> {
  if (!dir) throw new UsageError('missing <dir>');
  return indexFolder(dir, {
    include: flags.get('--include')?.slice(),
    exclude: flags.get('--exclude')?.slice(),
    sources: flags.get('--source')?.slice(),
  });
}

/**
 * `runlens groups` (and, with `diff: true`, `runlens diff --group A --group B`); returns the exit code. Throws
 * UsageError (exit 2) and CliError (exit 1) for main to report.
 */
export async function groupsCommand(argv: readonly string[], out: Out, opts: { diff?: boolean } = {}): Promise<number> {
  const { positional, flags } = parseOptions(argv, VALUE, BOOL);
  if (flags.has('--help') || flags.has('-h')) {
    out(GROUPS_USAGE);
    return 0;
  }
  if (positional.length > 1)
    throw new UsageError(
      `${opts.diff ? 'diff --group' : 'groups'} takes one folder (got ${positional.length}: name groups with --group)`,
    );
  const format = flags.has('--json') ? 'json' : one(flags, '--format', ['text', 'md', 'json'], 'text');
  const summary = one(flags, '--summary', SUMMARY_NAMES, 'last') as SummaryName;
  const groupBy = groupByFrom(flags.get('--group-by')?.at(-1));
  const seedParams = flags.get('--seed-param') ?? DEFAULT_SEED_PARAMS;
  const aliases = aliasesFrom(flags);
  const refs = flags.get('--group') ?? [];
  if (opts.diff && refs.length !== 2)
    throw new UsageError(`diff --group wants exactly two groups (got ${refs.length})`);
  const alpha = Number(flags.get('--alpha')?.at(-1) ?? 0.05);
  if (!(alpha > 0 && alpha < 1)) throw new UsageError('--alpha must be between 0 and 1');
  const index = await load(positional[0], flags);
  let selected;
  try {
    selected = runsWhere(index, flags.get('--where')?.at(-1));
  } finally {
    index.dispose();
  }
  const { runs, originals } = applyMetricAliases(selected, aliases);
  const correlate = flags.get('--correlate')?.at(-1);
  if (correlate !== undefined && !opts.diff) {
    if (!runs.some((r) => correlate in r.metrics)) throw new CliError(`no run has the metric "${correlate}"`);
    const d = buildSweep(runs, correlate);
    out(
      format === 'json'
        ? JSON.stringify(correlationToJson(d), null, 2)
        : format === 'md'
          ? correlationToMarkdown(d)
          : correlationToText(d),
    );
    return 0;
  }
  const groups = groupRuns(runs, { groupBy, seedParams });
  const ctx: GroupsContext = { groupBy, seedParams, originals };
  if (opts.diff) {
    const [a, b] = refs.map((ref) => {
      const g = findGroup(groups, ref);
      if (typeof g === 'string') throw new CliError(g);
      return g;
    });
    const d = diffGroups(a!, b!, { summary, alpha });
    out(
      format === 'json'
        ? JSON.stringify(groupDiffToJson(d, ctx), null, 2)
        : format === 'md'
          ? groupDiffToMarkdown(d, ctx)
          : groupDiffToText(d, ctx),
    );
    return 0;
  }
  const table = { summary, metrics: flags.get('--metric') };
  out(
    format === 'json'
      ? JSON.stringify(groupsToJson(groups, ctx), null, 2)
      : format === 'md'
        ? groupsToMarkdown(groups, ctx, table)
        : groupsToText(groups, ctx, table),
  );
  return 0;
}
