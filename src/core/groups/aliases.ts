import type { MetricSummary, Run } from '../model';

/** Canonical metric name → the other spellings tools use for it. */
export type MetricAliases = Readonly<Record<string, readonly string[]>>;

/**
 * The spellings the supported tools write for the same few metrics: Keras and Lightning `val_loss`, Hugging Face
 * `eval_loss` (trainer_state) and `eval/loss` (its W&B/TensorBoard callbacks), slash-namespaced W&B/TensorBoard
 * habits (`val/loss`), Lightning's `_epoch` suffix when a metric is logged on step and epoch. Bare `loss`/`acc` are
 * left alone: they mean the training value in Keras and Hugging Face alike, so they already meet on one row.
 */
export const DEFAULT_METRIC_ALIASES: MetricAliases = {
  val_loss: [
    'val/loss',
    'eval_loss',
    'eval/loss',
    'validation_loss',
    'validation/loss',
    'valid_loss',
    'valid/loss',
    'val_loss_epoch',
  ],
  val_accuracy: [
    'val_acc',
    'val/acc',
    'val/accuracy',
    'eval_accuracy',
    'eval/accuracy',
    'validation_accuracy',
    'valid_acc',
    'val_acc_epoch',
  ],
  train_loss: ['train/loss', 'training_loss', 'train_loss_epoch'],
  test_loss: ['test/loss', 'test_loss_epoch'],
  test_accuracy: ['test_acc', 'test/acc', 'test/accuracy', 'eval/test_accuracy'],
  learning_rate: ['lr', 'train/learning_rate', 'learning-rate'],
};

/** User aliases over the defaults: a canonical name given by the user replaces the default's list (`[]` turns it off). */
export function mergeAliases(
  user: MetricAliases | undefined,
  defaults: MetricAliases = DEFAULT_METRIC_ALIASES,
): MetricAliases {
  const out: Record<string, readonly string[]> = { ...defaults };
  for (const [k, v] of Object.entries(user ?? {}))
    if (Array.isArray(v)) out[k] = v.filter((s): s is string => typeof s === 'string');
  return out;
}

/** Runs with metrics renamed to their canonical names, and which original names each canonical name stands for. */
export interface AliasedRuns {
  runs: Run[];
  /** Canonical name → the original names found under it (only names that were renamed). */
  originals: Map<string, Set<string>>;
}

/**
 * Renames each run's metrics to their canonical names so runs from different tools land on one row. Matching is
 * case-insensitive. A run that already has the canonical name, or two spellings of it, keeps the first (canonical,
 * then the spellings in list order) and leaves the others under their own names: nothing is merged away.
 */
export function applyMetricAliases(runs: readonly Run[], aliases: MetricAliases): AliasedRuns {
  const canonicalOf = new Map<string, { canonical: string; rank: number }>();
  for (const [canonical, spellings] of Object.entries(aliases)) {
    spellings.forEach((s, i) => {
      const k = s.toLowerCase();
      if (k !== canonical.toLowerCase() && !canonicalOf.has(k)) canonicalOf.set(k, { canonical, rank: i });
    });
  }
  const originals = new Map<string, Set<string>>();
  const out = runs.map((run) => {
    const claims = new Map<string, { from: string; rank: number }>();
    for (const key of Object.keys(run.metrics)) {
      const hit = canonicalOf.get(key.toLowerCase());
      if (!hit || Object.prototype.hasOwnProperty.call(run.metrics, hit.canonical)) continue;
      const prev = claims.get(hit.canonical);
      if (!prev || hit.rank < prev.rank) claims.set(hit.canonical, { from: key, rank: hit.rank });
    }
    if (claims.size === 0) return run;
    const renamed = new Map([...claims].map(([canonical, c]) => [c.from, canonical]));
    const metrics: Record<string, MetricSummary> = {};
    for (const [key, summary] of Object.entries(run.metrics)) metrics[renamed.get(key) ?? key] = summary;
    for (const [from, canonical] of renamed) {
      const set = originals.get(canonical) ?? new Set<string>();
      set.add(from);
      originals.set(canonical, set);
    }
    return { ...run, metrics };
  });
  return { runs: out, originals };
}

/** A metric's name for people: the canonical name, with the original spellings it stands for, e.g. "val_loss (eval_loss)". */
export function aliasLabel(name: string, originals: ReadonlyMap<string, ReadonlySet<string>>): string {
  const from = originals.get(name);
  return from && from.size ? `${name} (${[...from].sort().join(', ')})` : name;
}
