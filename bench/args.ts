/** `--name <number>` from the command line of a bench script, or the default when absent. */
export function numberOpt(name: string, dflt: number, args: readonly string[] = process.argv.slice(2)): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}
