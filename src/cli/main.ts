import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffRuns } from '../core/compare/diff';
import { labelledDiff } from '../core/compare/exportText';
import {
  escapedControls,
  formatDuration,
  formatNumber,
  formatParam,
  plainText,
  textTable,
} from '../core/compare/format';
import { diffToJson, diffToMarkdown, diffToText } from '../core/compare/report';
import { isoTime, QueryError, QueryTimeoutError, runToJson, toIndexJson, WorkspaceIndex } from '../core/index';
import { applyMetricAliases } from '../core/groups/aliases';
import type { Run } from '../core/model';
import {
  CliError,
  commandHelp,
  globalHelp,
  parseArgs,
  UsageError,
  type CliCommand,
  type Out,
  type Parsed,
} from './command';
import { lookedForText } from './lookedFor';
import { aliasesFrom, GROUPS_USAGE, groupsCommand } from './groups';
import { parseTimeout } from './queryTimeout';
import { REVIEW_USAGE, reviewCommand } from './review';
import { seriesCommand } from './series';
import { runsWhere, WhereError } from './where';
import { indexDelta } from '../core/sources/ssh/delta';
import { indexFolder } from './workspace';

/** Indexes opened by this invocation; `main` disposes them (their stores) when the command is done. */
const opened: WorkspaceIndex[] = [];

/** Indexes the folder once. `main` disposes the index when the command is done. */
export async function openIndex(dir: string | undefined, p: Parsed): Promise<WorkspaceIndex> {
  if (!dir) throw new UsageError('missing <dir>');
  const index = await indexFolder(dir, {
    include: p.flags.get('--include'),
    exclude: p.flags.get('--exclude'),
    sources: p.flags.get('--source'),
    cache: p.flags.has('--cache'),
  });
  opened.push(index);
  return index;
}

export function resolveRuns(index: WorkspaceIndex, refs: readonly string[]): Run[] {
  return refs.map((ref) => {
    const { run, ambiguous } = index.resolveRun(ref);
    if (run) return run;
    if (ambiguous)
      throw new CliError(
        `run "${ref}" is ambiguous: matches ${ambiguous.slice(0, 5).join(', ')}${ambiguous.length > 5 ? ', …' : ''}`,
      );
    throw new CliError(`no run "${ref}" (try \`runlens list <dir>\`)`);
  });
}

const indexCommand: CliCommand = {
  name: 'index',
  args: '<dir> [--json [--since <token>]]',
  summary: 'index a folder: how many runs, of which formats, and the files that could not be read',
  options: [
    ['--json', 'print the whole index (runs, params, metric summaries, problems) as JSON'],
    [
      '--since <token>',
      'with --json: only the runs changed since the token an earlier call printed ("" for all; - reads it from stdin)',
    ],
    ['--cache', 'keep the index in ~/.cache/runlens between calls: the next call reads only changed files'],
  ],
  valueFlags: ['--since'],
  booleanFlags: ['--json', '--cache'],
  examples: [
    'runlens index .',
    'runlens index experiments --json > index.json',
    'runlens index experiments --json --since "$(jq -r .token last.json)"',
  ],
  async run(p, out) {
    const since = p.flags.get('--since')?.at(-1);
    if (since !== undefined && !p.flags.has('--json')) throw new UsageError('--since needs --json');
    const token = since === '-' ? await readStdin() : since;
    const index = await openIndex(p.positional[0], p);
    if (token !== undefined) {
      out(JSON.stringify(indexDelta(index.runs(), index.diagnostics(), token)));
    } else if (p.flags.has('--json')) {
      out(JSON.stringify(toIndexJson(index.runs(), index.diagnostics()), null, 2));
    } else {
      const runs = index.runs();
      const formats = new Set(runs.map((r) => r.format));
      out(
        `${runs.length} runs (${[...formats].sort().join(', ') || 'no formats'}), ${index.diagnostics().length} problems`,
      );
    }
    return 0;
  },
};

const listCommand: CliCommand = {
  name: 'list',
  args: '<dir> [--where <expr>]',
  options: [
    [
      '--where <expr>',
      "only runs the filter selects, e.g. 'params.lr < 1e-3 and metrics.val_loss.min <= 0.3' (docs/filters.md)",
    ],
  ],
  valueFlags: ['--where'],
  summary: 'a table of the runs found under <dir>',
  description:
    'Columns: id, format, name, experiment, status, start, duration, number of metrics, path. A folder with no runs gets the list of files Runlens looks for.',
  examples: [
    'runlens list .',
    "runlens list . --where 'params.lr < 1e-3 and metrics.val_loss.min <= 0.3'",
    'runlens list experiments --exclude "**/old"',
    'runlens list . | grep finished',
  ],
  async run(p, out) {
    const index = await openIndex(p.positional[0], p);
    const where = p.flags.get('--where')?.at(-1);
    const runs = runsWhere(index, where);
    if (runs.length) {
      // Runs of a remote source (--source) show it before their path.
      const place = (r: Run): string => (r.source ? `${r.source} ${r.path}` : r.path);
      out(
        textTable(
          ['id', 'format', 'name', 'experiment', 'status', 'started', 'duration', 'metrics', 'path'],
          runs.map((r) => [
            r.id,
            r.format,
            r.name,
            r.experiment ?? '',
            r.deleted ? `${r.status} (deleted)` : r.status,
            isoTime(r.startTime)?.slice(0, 16).replace('T', ' ') ?? '',
            formatDuration(r.startTime !== null && r.endTime !== null ? r.endTime - r.startTime : null),
            String(Object.keys(r.metrics).length),
            place(r),
          ]),
        ),
      );
    }
    const problems = index.diagnostics();
    out(
      `${runs.length} ${where === undefined ? '' : `of ${index.runCount()} `}runs${problems.length ? `, ${problems.length} files with problems (see \`runlens index <dir> --json\`)` : ''}`,
    );
    if (!index.runCount() && !problems.length) out(lookedForText());
    return 0;
  },
};

const showCommand: CliCommand = {
  name: 'show',
  args: '<dir> <run>',
  summary: 'one run in full: params, metric summaries, tags, commit',
  description: '<run> is a run id, an id prefix, a path (as `list` prints it) or a unique name.',
  examples: ['runlens show . 3f2a', 'runlens show . mlruns/0/12edd517e43d42baa990309123e9338d'],
  async run(p, out) {
    if (p.positional.length !== 2) throw new UsageError('show needs <dir> <run>');
    const index = await openIndex(p.positional[0], p);
    const [run] = resolveRuns(index, [p.positional[1]!]);
    out(showRun(run!));
    return 0;
  },
};

const diffCommand: CliCommand = {
  name: 'diff',
  args: '<dir> <run> <run> [...] [--where <expr>] [--all] [--format text|md|json]',
  summary: 'params that differ between runs, and metrics with their deltas from the first run',
  options: [
    ['--all', 'every param, not only those that differ'],
    ['--where <expr>', 'also the runs the filter selects (after the runs named; the first run is the baseline)'],
    ['--alias <name>=<a,b>', 'a metric alias (repeatable; over the defaults such as val_loss=eval_loss,val/loss)'],
    ['--no-aliases', 'keep every metric under the name its tool wrote'],
    [
      '--group <A> --group <B>',
      'compare two groups of runs instead (runlens groups --help): deltas beyond the seed noise or not',
    ],
    ['--format text|md|json', 'text (default), a Markdown table (for pull requests), or JSON'],
  ],
  valueFlags: ['--format', '--where', '--alias'],
  booleanFlags: ['--all', '--no-aliases'],
  examples: [
    'runlens diff . 3f2a 9c1d',
    'runlens diff . --where "name ~ \'sweep-*\'"',
    'runlens diff . baseline candidate --format md >> "$GITHUB_STEP_SUMMARY"',
    'runlens diff . a b c --all --format json',
  ],
  async run(p, out) {
    const where = p.flags.get('--where')?.at(-1);
    if (p.positional.length < (where === undefined ? 3 : 1))
      throw new UsageError('diff needs <dir> and at least two runs (named, or selected with --where)');
    const format = p.flags.get('--format')?.[0] ?? 'text';
    if (!['text', 'md', 'json'].includes(format))
      throw new UsageError(`--format must be text, md or json (got ${format})`);
    const index = await openIndex(p.positional[0], p);
    const named = resolveRuns(index, p.positional.slice(1));
    // Runs named first (the first is the baseline), then those the filter selects, each once.
    const selected =
      where === undefined ? [] : runsWhere(index, where).filter((r) => !named.some((n) => n.id === r.id));
    const runs = [...named, ...selected];
    if (runs.length < 2) throw new CliError(`diff needs at least two runs; --where selected ${selected.length}`);
    const all = p.flags.has('--all');
    // One metric under several tools' names lands on one row, labelled with the names it stands for.
    const { runs: aliased, originals } = applyMetricAliases(runs, aliasesFrom(p.flags));
    // JSON keeps the canonical names as keys; the tables label them with the originals
    const d = format === 'json' ? diffRuns(aliased, { all }) : labelledDiff(aliased, originals, { all });
    out(
      format === 'md'
        ? diffToMarkdown(d, { all })
        : format === 'json'
          ? JSON.stringify(diffToJson(d), null, 2)
          : diffToText(d, { all }),
    );
    return 0;
  },
};

const queryCommand: CliCommand = {
  name: 'query',
  args: '<dir> "<SQL>" [--json] [--timeout <s>]',
  summary: 'read-only SQL over the index (tables: runs, params, metrics, tags, diagnostics)',
  description: 'One statement, run read-only on the same SQLite index the extension uses.',
  options: [
    ['--json', 'columns and rows as JSON'],
    ['--timeout <s>', 'stop the query after this many seconds (default 30; exit code 4)'],
  ],
  valueFlags: ['--timeout'],
  booleanFlags: ['--json'],
  exitCodes: 'Exit codes: 0 ok, 1 error, 2 usage error, 4 query stopped at --timeout.',
  examples: [
    `runlens query . "SELECT name, status FROM runs ORDER BY start_time DESC LIMIT 5"`,
    `runlens query . "SELECT r.name, m.last FROM runs r JOIN metrics m ON m.run_id = r.id WHERE m.key = 'val_loss' ORDER BY m.last" --json`,
  ],
  async run(p, out) {
    if (p.positional.length !== 2) throw new UsageError('query needs <dir> and one SQL string');
    const timeout = parseTimeout(p.flags.get('--timeout')?.at(-1));
    if (typeof timeout === 'string') throw new UsageError(timeout);
    const index = await openIndex(p.positional[0], p);
    // In a worker of its own, so the time limit can stop any query (sql.js cannot interrupt one).
    const result = await index.queryOffThread(p.positional[1]!, { timeoutMs: timeout * 1000, maxRows: 10_000 });
    if (p.flags.has('--json')) {
      out(JSON.stringify({ columns: result.columns, rows: result.rows, truncated: result.truncated }, null, 2));
    } else {
      out(
        textTable(
          result.columns,
          result.rows.map((r) =>
            r.map((v) =>
              v === null
                ? 'NULL'
                : v instanceof Uint8Array
                  ? `<${v.length} bytes>`
                  : typeof v === 'number'
                    ? formatNumber(v)
                    : String(v),
            ),
          ),
        ),
      );
      out(
        `${result.rows.length} rows${result.overBytes ? ' (stopped: the values passed the 64 MB result budget)' : result.truncated ? ' (truncated at 10000 rows)' : ''}`,
      );
    }
    return 0;
  },
};

const mcpCommand: CliCommand = {
  name: 'mcp',
  args: '<dir>',
  summary: 'a read-only Model Context Protocol server on stdio, for coding agents (see docs/agents.md)',
  description:
    'Tools: list, show and compare runs, runs of a commit, read-only SQL; every run is a resource. stdout is the protocol.',
  examples: ['runlens mcp .', 'npx runlens mcp /path/to/project'],
  async run(p, _out, err) {
    if (p.positional.length !== 1) throw new UsageError('mcp needs <dir>');
    // The MCP SDK is loaded only for this command (a dynamic import stays lazy in the bundle): evaluating its
    // schemas would slow every other command's start. stdout is the protocol: nothing else may be written there.
    const { runMcp } = await import('./mcp');
    await runMcp(
      p.positional[0]!,
      { include: p.flags.get('--include'), exclude: p.flags.get('--exclude'), sources: p.flags.get('--source') },
      err,
    );
    return 0;
  },
};

const reviewEntry: CliCommand = {
  name: 'review',
  args: '<dir> [--base <ref>] [--fail-on <gate>] [--format md|json]',
  summary: "the change's runs against its baseline's, gated: a pull-request comment or JSON (see docs/review.md)",
  examples: ['runlens review . --base main --fail-on val_loss:+2% --format md'],
  helpText: REVIEW_USAGE,
  // review has its own options and exit codes (0 pass, 1 gate failed, 2 usage, 3 no runs, 4 other).
  ownArgs: reviewCommand,
  run: () => Promise.reject(new Error('review parses its own arguments')),
};

const groupsEntry: CliCommand = {
  name: 'groups',
  args: '<dir> [--where <expr>] [--group-by auto|p1,p2] [--format text|md|json]',
  summary: 'runs grouped by configuration (seeds left out): mean ± std, n per metric (see docs/groups.md)',
  examples: ['runlens groups . --format md'],
  helpText: GROUPS_USAGE,
  ownArgs: (argv, out) => groupsCommand(argv, out),
  run: () => Promise.reject(new Error('groups parses its own arguments')),
};

/** Every command, in the order `runlens --help` lists them. A new command (in its own file) adds one entry. */
export const COMMANDS: readonly CliCommand[] = [
  indexCommand,
  listCommand,
  showCommand,
  diffCommand,
  queryCommand,
  reviewEntry,
  groupsEntry,
  seriesCommand({ openIndex, resolveRun: (index, ref) => resolveRuns(index, [ref])[0]! }),
  mcpCommand,
];

/** The version in the package.json this file ships with (dist/cli.js in the npm package; out/ in a checkout). */
export function cliVersion(): string {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'runlens' && pkg.version) return pkg.version;
    } catch {
      // not here: one folder up
    }
  }
  return 'unknown';
}

/** Runs one CLI invocation; returns the exit code. Data goes to `out`, problems to `err`. */
export async function main(argv: readonly string[], toOut: Out, toErr: Out): Promise<number> {
  // Run names, paths and values are untrusted: no control character (ESC, NUL, C1, bidi override) reaches the
  // terminal. JSON output keeps every value exact: those characters become \u escapes there instead.
  const out: Out = (t) => toOut(t.startsWith('{') ? escapedControls(t) : plainText(t));
  const err: Out = (t) => toErr(plainText(t));
  let p: Parsed | undefined;
  try {
    const own = COMMANDS.find((c) => c.name === argv[0])?.ownArgs;
    if (own) return await own(argv.slice(1), out, err);
    // diff of two groups (--group A --group B) has the groups command's options.
    if (argv[0] === 'diff' && argv.some((a) => a === '--group' || a.startsWith('--group=')))
      return await groupsCommand(argv.slice(1), out, { diff: true });
    p = parseArgs(argv, COMMANDS);
    const { command: name, positional } = p;
    const help = p.flags.has('--help') || p.flags.has('-h');
    if (name === 'help' || (help && !name)) {
      const topic = COMMANDS.find((c) => c.name === positional[0]);
      out(topic ? commandHelp(topic) : globalHelp(COMMANDS, cliVersion()));
      return 0;
    }
    if (!name && (p.flags.has('--version') || p.flags.has('-v'))) {
      out(cliVersion());
      return 0;
    }
    if (!name) throw new UsageError('missing command');
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (help) {
      out(commandHelp(command));
      return 0;
    }
    return await command.run(p, out, err);
  } catch (e) {
    if (e instanceof QueryTimeoutError) {
      err(`runlens: ${e.message}`);
      return 4;
    }
    if (e instanceof WhereError) {
      err(`runlens: ${e.message}`);
      return 2;
    }
    if (e instanceof UsageError) {
      const known = COMMANDS.find((c) => c.name === p?.command);
      err(`runlens: ${e.message} (see runlens${known ? ` ${known.name}` : ''} --help)`);
      return 2;
    }
    if (e instanceof CliError || e instanceof QueryError) {
      err(`runlens: ${e.message}`);
      return 1;
    }
    err(`runlens: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    for (const index of opened.splice(0)) index.dispose();
  }
}

function showRun(run: Run): string {
  const j = runToJson(run);
  const lines: string[] = [];
  lines.push(`${run.name}  (${run.format}, ${run.status}${run.deleted ? ', deleted' : ''})`);
  lines.push(`id:         ${run.id}`);
  lines.push(`path:       ${run.path}`);
  if (run.experiment !== null) lines.push(`experiment: ${run.experiment}`);
  if (j.startTime) lines.push(`started:    ${j.startTime}`);
  if (j.endTime)
    lines.push(`ended:      ${j.endTime}  (${formatDuration(run.endTime! - (run.startTime ?? run.endTime!))})`);
  if (run.git.commit)
    lines.push(
      `commit:     ${run.git.commit}${run.git.branch ? ` (${run.git.branch})` : ''}${run.git.dirty ? ' + uncommitted changes' : ''}`,
    );
  if (run.git.remote) lines.push(`remote:     ${run.git.remote}`);
  if (run.parentId) lines.push(`parent:     ${run.parentId}`);
  lines.push('');
  const params = Object.entries(run.params);
  lines.push(`Params (${params.length})`);
  if (params.length)
    lines.push(
      textTable(
        ['param', 'value'],
        params.map(([k, v]) => [k, formatParam(v)]),
      ),
    );
  lines.push('');
  const metrics = Object.entries(run.metrics);
  lines.push(`Metrics (${metrics.length})`);
  if (metrics.length) {
    lines.push(
      textTable(
        ['metric', 'last', 'step', 'min', 'max', 'points'],
        metrics.map(([k, m]) => [
          k,
          formatNumber(m.last),
          m.lastStep === null ? '' : String(m.lastStep),
          formatNumber(m.min),
          formatNumber(m.max),
          String(m.count),
        ]),
      ),
    );
  }
  const tags = Object.entries(run.tags);
  if (tags.length) {
    lines.push('');
    lines.push(`Tags (${tags.length})`);
    lines.push(
      textTable(
        ['tag', 'value'],
        tags.map(([k, v]) => [k, v]),
      ),
    );
  }
  return lines.join('\n');
}

/** All of stdin as text (`--since -`: a token too long for a command line). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes to stdout; a reader that went away (`runlens list . | head -1`) ends the process quietly, as git does. */
function writeStdout(text: string): void {
  process.stdout.write(text + '\n');
}

if (require.main === module) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  void main(process.argv.slice(2), writeStdout, (t) => process.stderr.write(t + '\n')).then((code) => {
    process.exitCode = code;
  });
}
