import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffRuns } from '../core/compare/diff';
import { formatDuration, formatNumber, formatParam, textTable } from '../core/compare/format';
import { diffToJson, diffToMarkdown, diffToText } from '../core/compare/report';
import { QueryError, RunStore } from '../core/db/runStore';
import { Indexer } from '../core/indexer';
import { isoTime, runToJson, toIndexJson } from '../core/indexJson';
import type { Run } from '../core/model';
import { READERS } from '../core/readers';
import { defaultWorkerCount } from '../core/readPool';
import { runsWhere, WHERE_HELP, WhereError } from './where';
import { parseTimeout, TIMEOUT_HELP } from './queryTimeout';
import { QueryTimeoutError, runQueryInWorker } from '../core/db/queryRunner';

/** A mistake in how the CLI was called: exit code 2. */
class UsageError extends Error {
  override name = 'UsageError' as const;
}

/** A failure doing what was asked: exit code 1. */
class CliError extends Error {
  override name = 'CliError' as const;
}

const USAGE = `Usage: runlens <command> [options]

Commands:
  index <dir> [--json]                       index a folder; --json prints the index contract
  list <dir> [--where <expr>]                a table of the runs found
  show <dir> <run>                           one run in full (run = id, id prefix, path or name)
  diff <dir> <run> <run> [...] [--where <expr>] [--all] [--format text|md|json]
                                             params that differ (all with --all), metrics with deltas vs the first run
  query <dir> "<SQL>" [--timeout <s>]        read-only SQL over the index (tables: runs, params, metrics, tags, diagnostics)

Options:
  --include <glob>   only runs under folders matching the glob (repeatable)
  --exclude <glob>   skip folders matching the glob (repeatable)
${WHERE_HELP}
${TIMEOUT_HELP}
  -h, --help         this help
Exit codes: 0 ok, 1 error, 2 usage error, 4 query stopped at --timeout.`;

interface Parsed {
  command: string;
  positional: string[];
  flags: Map<string, string[]>;
}

const FLAGS_WITH_VALUE = new Set(['--format', '--include', '--exclude', '--where', '--timeout']);
const BOOLEAN_FLAGS = new Set(['--json', '--all', '--help', '-h']);

function parseArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-') && a !== '-') {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (FLAGS_WITH_VALUE.has(name)) {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`${name} needs a value`);
        flags.set(name, [...(flags.get(name) ?? []), value]);
      } else if (BOOLEAN_FLAGS.has(name)) {
        flags.set(name, ['true']);
      } else {
        throw new UsageError(`unknown option ${name}`);
      }
    } else {
      positional.push(a);
    }
  }
  return { command: positional.shift() ?? '', positional, flags };
}

async function openIndex(dir: string | undefined, p: Parsed): Promise<{ store: RunStore; indexer: Indexer; root: string }> {
  if (!dir) throw new UsageError('missing <dir>');
  const root = path.resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch {
    throw new CliError(`no such folder: ${dir}`);
  }
  if (!st.isDirectory()) throw new CliError(`not a folder: ${dir}`);
  const indexer = new Indexer(root, { readers: READERS, workers: defaultWorkerCount(), include: p.flags.get('--include'), exclude: p.flags.get('--exclude') });
  const store = await RunStore.create();
  try {
    store.apply(await indexer.indexAll());
  } finally {
    indexer.dispose();
  }
  return { store, indexer, root };
}

function resolveRuns(store: RunStore, refs: readonly string[]): Run[] {
  return refs.map((ref) => {
    const { run, ambiguous } = store.resolveRun(ref);
    if (run) return run;
    if (ambiguous) throw new CliError(`run "${ref}" is ambiguous: matches ${ambiguous.slice(0, 5).join(', ')}${ambiguous.length > 5 ? ', …' : ''}`);
    throw new CliError(`no run "${ref}" (try \`runlens list <dir>\`)`);
  });
}

type Out = (text: string) => void;

/** Runs one CLI invocation; returns the exit code. Data goes to `out`, problems to `err`. */
export async function main(argv: readonly string[], out: Out, err: Out): Promise<number> {
  let p: Parsed;
  try {
    p = parseArgs(argv);
    if (p.flags.has('--help') || p.flags.has('-h') || p.command === 'help') {
      out(USAGE);
      return 0;
    }
    switch (p.command) {
      case 'index': {
        const { store } = await openIndex(p.positional[0], p);
        if (p.flags.has('--json')) {
          out(JSON.stringify(toIndexJson(store.runs(), store.diagnostics()), null, 2));
        } else {
          const runs = store.runs();
          const formats = new Set(runs.map((r) => r.format));
          out(`${runs.length} runs (${[...formats].sort().join(', ') || 'no formats'}), ${store.diagnostics().length} problems`);
        }
        return 0;
      }
      case 'list': {
        const { store } = await openIndex(p.positional[0], p);
        const where = p.flags.get('--where')?.at(-1);
        const runs = runsWhere(store, where);
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
              r.path,
            ]),
          ),
        );
        const problems = store.diagnostics();
        out(`${runs.length} ${where === undefined ? '' : `of ${store.runCount()} `}runs${problems.length ? `, ${problems.length} files with problems (see \`runlens index <dir> --json\`)` : ''}`);
        return 0;
      }
      case 'show': {
        if (p.positional.length !== 2) throw new UsageError('show needs <dir> <run>');
        const { store } = await openIndex(p.positional[0], p);
        const [run] = resolveRuns(store, [p.positional[1]!]);
        out(showRun(run!));
        return 0;
      }
      case 'diff': {
        const where = p.flags.get('--where')?.at(-1);
        if (p.positional.length < (where === undefined ? 3 : 1)) throw new UsageError('diff needs <dir> and at least two runs (named, or selected with --where)');
        const format = p.flags.get('--format')?.[0] ?? 'text';
        if (!['text', 'md', 'json'].includes(format)) throw new UsageError(`--format must be text, md or json (got ${format})`);
        const { store } = await openIndex(p.positional[0], p);
        const named = resolveRuns(store, p.positional.slice(1));
        // Runs named first (the first is the baseline), then those the filter selects, each once.
        const runs = [...named, ...(where === undefined ? [] : runsWhere(store, where).filter((r) => !named.some((n) => n.id === r.id)))];
        if (runs.length < 2) throw new CliError(`diff needs at least two runs; --where selected ${runs.length - named.length}`);
        const all = p.flags.has('--all');
        const d = diffRuns(runs, { all });
        out(format === 'md' ? diffToMarkdown(d, { all }) : format === 'json' ? JSON.stringify(diffToJson(d), null, 2) : diffToText(d, { all }));
        return 0;
      }
      case 'query': {
        if (p.positional.length !== 2) throw new UsageError('query needs <dir> and one SQL string');
        const timeout = parseTimeout(p.flags.get('--timeout')?.at(-1));
        if (typeof timeout === 'string') throw new UsageError(timeout);
        const { store } = await openIndex(p.positional[0], p);
        // In a worker of its own, so the time limit can stop any query (sql.js cannot interrupt one).
        const result = await runQueryInWorker(store.export(), p.positional[1]!, { timeoutMs: timeout * 1000, maxRows: 10_000 });
        if (p.flags.has('--json')) {
          out(JSON.stringify({ columns: result.columns, rows: result.rows, truncated: result.truncated }, null, 2));
        } else {
          out(textTable(result.columns, result.rows.map((r) => r.map((v) => (v === null ? 'NULL' : v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'number' ? formatNumber(v) : String(v))))));
          out(`${result.rows.length} rows${result.overBytes ? ' (stopped: the values passed the 64 MB result budget)' : result.truncated ? ' (truncated at 10000 rows)' : ''}`);
        }
        return 0;
      }
      case '':
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command "${p.command}"`);
    }
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
      err(`runlens: ${e.message} (see runlens --help)`);
      return 2;
    }
    if (e instanceof CliError || e instanceof QueryError) {
      err(`runlens: ${e.message}`);
      return 1;
    }
    err(`runlens: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
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
  if (j.endTime) lines.push(`ended:      ${j.endTime}  (${formatDuration(run.endTime! - (run.startTime ?? run.endTime!))})`);
  if (run.git.commit) lines.push(`commit:     ${run.git.commit}${run.git.branch ? ` (${run.git.branch})` : ''}${run.git.dirty ? ' + uncommitted changes' : ''}`);
  if (run.git.remote) lines.push(`remote:     ${run.git.remote}`);
  if (run.parentId) lines.push(`parent:     ${run.parentId}`);
  lines.push('');
  const params = Object.entries(run.params);
  lines.push(`Params (${params.length})`);
  if (params.length) lines.push(textTable(['param', 'value'], params.map(([k, v]) => [k, formatParam(v)])));
  lines.push('');
  const metrics = Object.entries(run.metrics);
  lines.push(`Metrics (${metrics.length})`);
  if (metrics.length) {
    lines.push(textTable(['metric', 'last', 'step', 'min', 'max', 'points'], metrics.map(([k, m]) => [k, formatNumber(m.last), m.lastStep === null ? '' : String(m.lastStep), formatNumber(m.min), formatNumber(m.max), String(m.count)])));
  }
  const tags = Object.entries(run.tags);
  if (tags.length) {
    lines.push('');
    lines.push(`Tags (${tags.length})`);
    lines.push(textTable(['tag', 'value'], tags.map(([k, v]) => [k, v])));
  }
  return lines.join('\n');
}

if (require.main === module) {
  void main(process.argv.slice(2), (t) => process.stdout.write(t + '\n'), (t) => process.stderr.write(t + '\n')).then((code) => {
    process.exitCode = code;
  });
}
