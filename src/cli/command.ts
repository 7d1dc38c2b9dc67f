/**
 * The shape of a CLI command. Each command declares its help (usage, options, examples) beside its code and is
 * listed once in main.ts's COMMANDS table; `runlens --help` and `runlens <command> --help` are made from it.
 */

/** The command line split into the command name, positional arguments and flags (repeatable ones keep every value). */
export interface Parsed {
  command: string;
  positional: string[];
  flags: Map<string, string[]>;
}

/** Where a command writes: one call per line (or block of lines). */
export type Out = (text: string) => void;

/** A mistake in how the CLI was called: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

/** A failure doing what was asked: exit code 1. */
export class CliError extends Error {
  override name = 'CliError' as const;
}

export interface CliCommand {
  readonly name: string;
  /** Arguments after the command name, e.g. `<dir> <run> <run> [...]`. */
  readonly args: string;
  /** One line for `runlens --help`. */
  readonly summary: string;
  /** Paragraphs for `runlens <command> --help`, when the summary is not enough. */
  readonly description?: string;
  /** This command's own options: [flag (with its value placeholder), what it does]. */
  readonly options?: readonly (readonly [string, string])[];
  /** Flags that take a value (`--format md`, `--format=md`); every other declared flag is boolean. */
  readonly valueFlags?: readonly string[];
  readonly booleanFlags?: readonly string[];
  /** Shell lines; at least one. */
  readonly examples: readonly string[];
  run(p: Parsed, out: Out, err: Out): Promise<number>;
  /** A command with options and exit codes of its own (review): given its arguments whole, it parses them itself. */
  readonly ownArgs?: (argv: readonly string[], out: Out, err: Out) => Promise<number>;
  /** The exit codes line, for a command with codes beyond 0, 1 and 2. */
  readonly exitCodes?: string;
  /** The whole of `runlens <command> --help`, for a command that writes its own. */
  readonly helpText?: string;
}

/** Options every command that indexes a folder accepts. */
export const COMMON_OPTIONS: readonly (readonly [string, string])[] = [
  ['--include <glob>', 'only runs under folders matching the glob (repeatable)'],
  ['--exclude <glob>', 'skip folders matching the glob (repeatable)'],
  ['--source <uri>', 'runs of a remote source too, e.g. mlflow+https://host:5000 (repeatable; docs/sources.md)'],
  ['-h, --help', 'this help'],
];

const EXIT_CODES = 'Exit codes: 0 ok, 1 error, 2 usage error.';

function optionLines(options: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...options.map(([f]) => f.length));
  return options.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

/** `runlens <command> --help`. */
export function commandHelp(c: CliCommand): string {
  if (c.helpText) return c.helpText;
  const lines = [`Usage: runlens ${c.name} ${c.args}`, '', c.summary];
  if (c.description) lines.push('', c.description);
  lines.push('', 'Options:', ...optionLines([...(c.options ?? []), ...COMMON_OPTIONS]));
  lines.push('', 'Examples:', ...c.examples.map((e) => `  ${e}`), '', c.exitCodes ?? EXIT_CODES);
  return lines.join('\n');
}

/** `runlens --help`: one line per command. */
export function globalHelp(commands: readonly CliCommand[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `runlens ${version}: experiment runs (MLflow, TensorBoard, W&B, DVC, Lightning, Keras, YOLO, Hugging Face, Sacred, Hydra) from the terminal`,
    '',
    'Usage: runlens <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    ...optionLines([...COMMON_OPTIONS, ['-v, --version', 'the version']]),
    '',
    'Examples:',
    ...commands.map((c) => `  ${c.examples[0]}`),
    '',
    `\`runlens <command> --help\` shows a command's options and more examples. ${EXIT_CODES}`,
  ].join('\n');
}

/** Splits argv; flags are those the commands declare plus the common ones. The first positional is the command. */
export function parseArgs(argv: readonly string[], commands: readonly CliCommand[]): Parsed {
  const valueFlags = new Set(['--include', '--exclude', '--source', ...commands.flatMap((c) => c.valueFlags ?? [])]);
  const booleanFlags = new Set(['--help', '-h', '--version', '-v', ...commands.flatMap((c) => c.booleanFlags ?? [])]);
  const { positional, flags } = parseOptions(argv, valueFlags, booleanFlags);
  return { command: positional.shift() ?? '', positional, flags };
}

/**
 * Splits arguments into positionals and flags (`--name value` or `--name=value`; repeatable flags keep every value
 * in order; `-` alone is a positional). An option outside both sets is a usage error. The one parser of the CLI:
 * parseArgs for the COMMANDS table's flags, and the commands that parse their own (review, groups).
 */
export function parseOptions(
  argv: readonly string[],
  withValue: ReadonlySet<string>,
  boolean: ReadonlySet<string>,
): { positional: string[]; flags: Map<string, string[]> } {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (withValue.has(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, [...(flags.get(name) ?? []), v]);
    } else if (boolean.has(name)) flags.set(name, ['true']);
    else throw new UsageError(`unknown option ${name}`);
  }
  return { positional, flags };
}
