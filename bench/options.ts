/** A bench script's numeric option (`--runs 200`) from its command line, or `dflt` when not given. */
export function opt(name: string, dflt: number, argv: readonly string[] = process.argv.slice(2)): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
}
