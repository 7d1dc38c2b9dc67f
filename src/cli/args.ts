import { UsageError } from './command';

export { CliError, UsageError } from './command';

/**
 * Splits the arguments of a command that parses its own (review, groups) into positionals and flags (`--name value`
 * or `--name=value`; repeatable flags keep every value in order). An option outside both sets is a usage error.
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
