/**
 * Which params are seed-like: runs that differ only in these are repeats of one experiment (a seed group), not
 * different experiments. Patterns are globs over the param's last path segment, case-insensitive.
 */
export const DEFAULT_SEED_PARAMS: readonly string[] = ['seed', 'random_seed', '*_seed', 'seed_*', 'rng*'];

/** A predicate for seed-like param names from glob patterns (`*` any run of characters). */
export function seedMatcher(patterns: readonly string[] = DEFAULT_SEED_PARAMS): (param: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i'));
  return (param) => {
    // Nested configs flatten to "trainer.seed" or "model/seed": the leaf says what it is.
    const leaf = param.split(/[./]/).pop() ?? param;
    return res.some((re) => re.test(leaf) || re.test(param));
  };
}
