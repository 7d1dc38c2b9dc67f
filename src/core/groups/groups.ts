import { createHash } from 'node:crypto';
import { guessDirection, type Direction } from '../compare/direction';
import { formatParam } from '../compare/format';
import { DEFAULT_SEED_PARAMS, seedMatcher } from '../compare/seeds';
import type { ParamValue, Run } from '../model';
import { SUMMARY_NAMES, type SummaryName } from '../review/gates';
import type { GroupSummary } from '../stats/groups';
import { metricSummary } from './values';

/**
 * How runs are grouped: `auto` = every param except the seed-like ones; else a list of params, where the pseudo-keys
 * `@sweep` (the structure the tool recorded: Hydra multirun folder, W&B group or sweep, MLflow parent run),
 * `@experiment` and `@format` may stand among them.
 */
export type GroupBy = 'auto' | readonly string[];

export const SWEEP_KEY = '@sweep';
export const EXPERIMENT_KEY = '@experiment';
export const FORMAT_KEY = '@format';

export interface GroupOptions {
  groupBy?: GroupBy;
  /** Seed-like param globs left out by `auto` (default seed, random_seed, *_seed, seed_*, rng*). */
  seedParams?: readonly string[];
  /** Direction overrides per metric, for `best`. */
  directions?: Readonly<Record<string, Direction>>;
}

/** One metric of a group: each per-run summary (last/min/max/best) summarised over the group's runs. */
export type GroupMetric = Record<SummaryName, GroupSummary>;

/** Runs that share a key. */
export interface RunGroup {
  /** A short hash of the key: stable across runs of the CLI, accepted by `runlens diff --group`. */
  id: string;
  /** Param (or pseudo-key) → value; a param a run lacks is left out of its key. */
  key: Record<string, ParamValue>;
  runs: Run[];
  /** Metric → summaries; a run without the metric is not counted (n drops), so ragged groups stay honest. */
  metrics: Record<string, GroupMetric>;
}

/** Groups runs by the chosen key and summarises every metric of every group. Groups come sorted by their key. */
export function groupRuns(runs: readonly Run[], opts: GroupOptions = {}): RunGroup[] {
  const groupBy = opts.groupBy ?? 'auto';
  const isSeed = memo(seedMatcher(opts.seedParams ?? DEFAULT_SEED_PARAMS));
  const byId = new Map(runs.map((r) => [r.id, r]));
  const buckets = new Map<string, { key: Record<string, ParamValue>; runs: Run[] }>();
  const chosen = groupBy === 'auto' ? [] : [...groupBy].sort();
  for (const run of runs) {
    const names =
      groupBy === 'auto'
        ? Object.keys(run.params)
            .filter((k) => !isSeed(k))
            .sort()
        : chosen;
    // The bucket's string is built first; the key object only once per new group (10,000 runs, few groups).
    let canon = '';
    for (const name of names) {
      const v = keyValue(run, name, byId);
      if (v !== undefined) canon += `${JSON.stringify(name)}:${canonicalValue(v)}\u0000`;
    }
    const b = buckets.get(canon);
    if (b) b.runs.push(run);
    else buckets.set(canon, { key: keyOf(run, groupBy === 'auto' ? names : groupBy, byId), runs: [run] });
  }
  const directions = opts.directions ?? {};
  return [...buckets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([canon, b]) => ({
      id: groupId(canon),
      key: b.key,
      runs: b.runs,
      metrics: summarizeMetrics(b.runs, directions),
    }));
}

function memo(f: (k: string) => boolean): (k: string) => boolean {
  const seen = new Map<string, boolean>();
  return (k) => {
    let v = seen.get(k);
    if (v === undefined) seen.set(k, (v = f(k)));
    return v;
  };
}

/** A run's value for a key name (a param or a pseudo-key); undefined when the run has no such param. */
function keyValue(run: Run, name: string, byId: ReadonlyMap<string, Run>): ParamValue | undefined {
  if (name === SWEEP_KEY) return sweepOf(run, byId);
  if (name === EXPERIMENT_KEY) return run.experiment;
  if (name === FORMAT_KEY) return run.format;
  return Object.prototype.hasOwnProperty.call(run.params, name) ? run.params[name] : undefined;
}

function keyOf(run: Run, names: readonly string[], byId: ReadonlyMap<string, Run>): Record<string, ParamValue> {
  const key: Record<string, ParamValue> = {};
  for (const name of names) {
    const v = keyValue(run, name, byId);
    if (v !== undefined) key[name] = v;
  }
  return key;
}

/**
 * The group the tool itself recorded for a run, or null: a Hydra multirun job's sweep folder (the reader puts it in
 * `experiment`), a W&B run's group, else its sweep, an MLflow child run's parent (named by the parent's name when
 * the parent was indexed too).
 */
export function sweepOf(run: Run, byId: ReadonlyMap<string, Run> = new Map()): string | null {
  if (run.format === 'hydra' && run.experiment) return `hydra sweep ${run.experiment}`;
  const wandbGroup = run.tags['wandb.group'];
  if (wandbGroup) return `wandb group ${wandbGroup}`;
  const wandbSweep = run.tags['wandb.sweepId'];
  if (wandbSweep) return `wandb sweep ${wandbSweep}`;
  if (run.parentId) {
    const parent = byId.get(run.parentId);
    return `mlflow parent ${parent ? `${parent.name} (${parent.id.slice(0, 7)})` : run.parentId}`;
  }
  return null;
}

/**
 * A value as bucketing compares it: as the diff compares params ("0.1" = 0.1, "True" = true), so a param stored as
 * text by MLflow and as a number by a YAML config still groups together.
 */
function canonicalValue(v: ParamValue): string | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return `b:${v}`;
  if (typeof v === 'number') return `n:${v}`;
  const lower = v.toLowerCase();
  if (lower === 'true' || lower === 'false') return `b:${lower}`;
  const n = Number(v);
  return v.trim() !== '' && !Number.isNaN(n) ? `n:${n}` : `s:${v}`;
}

function groupId(canon: string): string {
  return createHash('sha1').update(canon).digest('hex').slice(0, 8);
}

function summarizeMetrics(
  runs: readonly Run[],
  directions: Readonly<Record<string, Direction>>,
): Record<string, GroupMetric> {
  const names = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) names.add(k);
  const out: Record<string, GroupMetric> = {};
  for (const name of [...names].sort()) {
    const direction = directions[name] ?? guessDirection(name);
    const m = {} as GroupMetric;
    for (const s of SUMMARY_NAMES) m[s] = metricSummary(runs, name, s, direction);
    out[name] = m;
  }
  return out;
}

/** The params of the keys that differ between groups (constant ones say nothing about a group), in key order. */
export function varyingKeys(groups: readonly RunGroup[]): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    for (const k of Object.keys(g.key)) {
      if (seen.has(k)) continue;
      seen.add(k);
      names.push(k);
    }
  }
  if (groups.length < 2) return names;
  return names.filter((k) => {
    const first = groups[0]!.key;
    const has0 = Object.prototype.hasOwnProperty.call(first, k);
    return groups.some(
      (g) =>
        Object.prototype.hasOwnProperty.call(g.key, k) !== has0 ||
        (has0 && canonicalValue(g.key[k]!) !== canonicalValue(first[k]!)),
    );
  });
}

/** A group's name for people: its varying key entries ("lr=0.1, opt=adam"), else its id (or "no params"). */
export function groupLabel(g: RunGroup, keys: readonly string[]): string {
  const parts = keys
    .filter((k) => Object.prototype.hasOwnProperty.call(g.key, k))
    .map((k) => `${k}=${formatParam(g.key[k])}`);
  return parts.length ? parts.join(', ') : Object.keys(g.key).length ? `group ${g.id}` : 'no params';
}

/**
 * Finds a group by id, id prefix, or `k=v[,k=v]` (the groups whose key has those values). Throws a message when
 * nothing or more than one group matches.
 */
export function findGroup(groups: readonly RunGroup[], ref: string): RunGroup | string {
  const byId = groups.filter((g) => g.id.startsWith(ref.toLowerCase()));
  if (byId.length === 1) return byId[0]!;
  if (ref.includes('=')) {
    const want = ref.split(',').map((kv) => {
      const eq = kv.indexOf('=');
      return [kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()] as const;
    });
    const hits = groups.filter((g) =>
      want.every(
        ([k, v]) => Object.prototype.hasOwnProperty.call(g.key, k) && canonicalValue(g.key[k]!) === canonicalValue(v),
      ),
    );
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1)
      return `group "${ref}" is ambiguous: ${hits.length} groups match (add params, or use an id: ${hits
        .slice(0, 5)
        .map((g) => g.id)
        .join(', ')})`;
  } else if (byId.length > 1) {
    return `group "${ref}" is ambiguous: matches ${byId
      .slice(0, 5)
      .map((g) => g.id)
      .join(', ')}`;
  }
  return `no group "${ref}" (try \`runlens groups <dir>\`)`;
}
