import { diffRuns } from '../core/compare/diff';
import { aliasLabel, applyMetricAliases } from '../core/groups/aliases';
import { formatDuration, formatNumber, formatParam, textTable } from '../core/compare/format';
import { diffToJson, diffToMarkdown, diffToText } from '../core/compare/report';
import { QueryError, RunStore } from '../core/db/runStore';
import { isoTime, runToJson, toIndexJson } from '../core/indexJson';
import type { Run } from '../core/model';
import { aliasesFrom, groupsCommand } from './groups';
import { CliError, UsageError } from './args';
import { reviewCommand } from './review';
import { indexFolder } from './workspace';

const USAGE = `Usage: runlens <command> [options]

Commands:
  index <dir> [--json]                       index a folder; --json prints the index contract
  list <dir>                                 a table of the runs found
  show <dir> <run>                           one run in full (run = id, id prefix, path or name)
  diff <dir> <run> <run> [...] [--all] [--format text|md|json]
                                             params that differ (all with --all), metrics with deltas vs the first run
  query <dir> "<SQL>"                        read-only SQL over the index (tables: runs, params, metrics, tags, diagnostics)
  review <dir> [--base <ref>] [--fail-on <gate>] [--format md|json]
                                             the change's runs against its baseline's, gated (runlens review --help)
  groups <dir> [--group-by auto|p1,p2] [--format text|md|json]
                                             runs grouped by configuration: mean ± std per metric (runlens groups --help)
  diff <dir> --group <A> --group <B>         two groups; deltas beyond the seed noise or not (Welch's t-test)

Options:
  --include <glob>   only runs under folders matching the glob (repeatable)
  --exclude <glob>   skip folders matching the glob (repeatable)
  -h, --help         this help
Exit codes: 0 ok, 1 error, 2 usage error.`;

interface Parsed {
  command: string;
  positional: string[];
  flags: Map<string, string[]>;
}

const FLAGS_WITH_VALUE = new Set(['--format', '--include', '--exclude', '--alias']);
const BOOLEAN_FLAGS = new Set(['--json', '--all', '--help', '-h', '--no-aliases']);

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

async function openIndex(dir: string | undefined, p: Parsed): Promise<{ store: RunStore }> {
  if (!dir) throw new UsageError('missing <dir>');
  return { store: await indexFolder(dir, { include: p.flags.get('--include'), exclude: p.flags.get('--exclude') }) };
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
  // review has its own options and exit codes (0 pass, 1 gate failed, 2 usage, 3 no runs, 4 other).
  if (argv[0] === 'review') return reviewCommand(argv.slice(1), out, err);
  let p: Parsed;
  try {
    if (argv[0] === 'groups') return await groupsCommand(argv.slice(1), out);
    if (argv[0] === 'diff' && argv.some((a) => a === '--group' || a.startsWith('--group='))) return await groupsCommand(argv.slice(1), out, { diff: true });
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
        const runs = store.runs();
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
        out(`${runs.length} runs${problems.length ? `, ${problems.length} files with problems (see \`runlens index <dir> --json\`)` : ''}`);
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
        if (p.positional.length < 3) throw new UsageError('diff needs <dir> and at least two runs');
        const format = p.flags.get('--format')?.[0] ?? 'text';
        if (!['text', 'md', 'json'].includes(format)) throw new UsageError(`--format must be text, md or json (got ${format})`);
        const { store } = await openIndex(p.positional[0], p);
        const runs = resolveRuns(store, p.positional.slice(1));
        const all = p.flags.has('--all');
        // One metric under several tools' names lands on one row, labelled with the names it stands for.
        const { runs: aliased, originals } = applyMetricAliases(runs, aliasesFrom(p.flags));
        const d = diffRuns(aliased, { all });
        if (format !== 'json') for (const m of d.metrics) m.key = aliasLabel(m.key, originals);
        out(format === 'md' ? diffToMarkdown(d, { all }) : format === 'json' ? JSON.stringify(diffToJson(d), null, 2) : diffToText(d, { all }));
        return 0;
      }
      case 'query': {
        if (p.positional.length !== 2) throw new UsageError('query needs <dir> and one SQL string');
        const { store } = await openIndex(p.positional[0], p);
        const result = store.query(p.positional[1]!);
        if (p.flags.has('--json')) {
          out(JSON.stringify({ columns: result.columns, rows: result.rows, truncated: result.truncated }, null, 2));
        } else {
          out(textTable(result.columns, result.rows.map((r) => r.map((v) => (v === null ? 'NULL' : v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'number' ? formatNumber(v) : String(v))))));
          out(`${result.rows.length} rows${result.truncated ? ' (truncated)' : ''}`);
        }
        return 0;
      }
      case '':
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command "${p.command}"`);
    }
  } catch (e) {
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
