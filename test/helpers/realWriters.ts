import type { Run, Series } from '../../src/core/model';

/** One run as a real-writer script (test/python/writers/) logged it: see common.py for the shape. */
export interface LoggedRun {
  format: string;
  path: string;
  /** null: the tool gives the run no name of its own (Runlens names it after its path; not checked). */
  name: string | null;
  experiment: string | null;
  status: Run['status'];
  deleted: boolean;
  commit: string | null;
  /** Path of the parent run (MLflow nested runs). */
  parent: string | null;
  params: Record<string, string | number | boolean | null>;
  /** The run has no params but these; false when the tool adds its own (W&B's _wandb, Sacred's seed). */
  exactParams: boolean;
  tags: Record<string, string>;
  metrics: Record<string, { steps: Array<number | null>; values: Array<number | string> }>;
  exactMetrics: boolean;
  startTime: number | null;
  endTime: number | null;
}

export interface Logged {
  tool: string;
  versions: Record<string, string>;
  runs: LoggedRun[];
  notes: string[];
}

const num = (v: number | string): number =>
  typeof v === 'number'
    ? v
    : v === 'NaN'
      ? NaN
      : v === 'Infinity'
        ? Infinity
        : v === '-Infinity'
          ? -Infinity
          : Number(v);
const same = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Number.isNaN(a) && Number.isNaN(b));
const q = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

/** The summary a logged series must give: the contract's rules (last at the highest step, ties to the last logged). */
export function summaryOf(steps: ReadonlyArray<number | null>, values: readonly number[]): Run['metrics'][string] {
  let last: number | null = null;
  let lastStep: number | null = null;
  let best = -Infinity;
  let min: number | null = null;
  let max: number | null = null;
  values.forEach((v, i) => {
    if (Number.isFinite(v)) {
      min = min === null || v < min ? v : min;
      max = max === null || v > max ? v : max;
    }
    const s = steps[i] ?? -Infinity;
    if (s >= best) {
      best = s;
      last = v;
      lastStep = steps[i] ?? null;
    }
  });
  return { last, lastStep, min, max, count: values.length };
}

/**
 * Every way `actual` (the index's run, and its curves read in full) differs from what was logged. Exact: names,
 * statuses, commits, param values and types, every metric's summary and every point's step and value.
 */
export function diffLoggedRun(
  e: LoggedRun,
  actual: Run,
  curves: readonly Series[],
  pathToId: ReadonlyMap<string, string>,
): string[] {
  const bad: string[] = [];
  const check = (label: string, ok: boolean): void => {
    if (!ok) bad.push(label);
  };
  if (e.name !== null) check(`name ${q(actual.name)} != ${q(e.name)}`, actual.name === e.name);
  if (e.experiment !== null)
    check(`experiment ${q(actual.experiment)} != ${q(e.experiment)}`, actual.experiment === e.experiment);
  check(`status ${q(actual.status)} != ${q(e.status)}`, actual.status === e.status);
  check(`deleted ${actual.deleted} != ${e.deleted}`, actual.deleted === e.deleted);
  if (e.commit !== null) check(`git.commit ${q(actual.git.commit)} != ${q(e.commit)}`, actual.git.commit === e.commit);
  const parentId = e.parent === null ? null : (pathToId.get(e.parent) ?? `<no run at ${e.parent}>`);
  check(`parent ${q(actual.parentId)} != ${q(parentId)} (${e.parent})`, actual.parentId === parentId);
  for (const t of ['startTime', 'endTime'] as const) {
    const ev = e[t];
    if (ev !== null) check(`${t} ${q(actual[t])} != ${ev}`, actual[t] !== null && Math.abs(actual[t]! - ev) <= 1);
  }
  for (const [k, v] of Object.entries(e.params)) {
    check(
      `param ${k}: ${k in actual.params ? q(actual.params[k]) : '<missing>'} != ${q(v)}`,
      k in actual.params && actual.params[k] === v,
    );
  }
  if (e.exactParams) {
    const extra = Object.keys(actual.params).filter((k) => !(k in e.params));
    check(`params not logged: ${extra.join(', ')}`, extra.length === 0);
  }
  for (const [k, v] of Object.entries(e.tags)) check(`tag ${k}: ${q(actual.tags[k])} != ${q(v)}`, actual.tags[k] === v);
  const byKey = new Map(curves.map((s) => [s.key, s]));
  for (const [k, m] of Object.entries(e.metrics)) {
    const values = m.values.map(num);
    const want = summaryOf(m.steps, values);
    const got = actual.metrics[k];
    if (!got) {
      bad.push(`metric ${k} missing`);
      continue;
    }
    for (const f of ['last', 'lastStep', 'min', 'max', 'count'] as const)
      check(`metric ${k}.${f}: ${q(got[f])} != ${q(want[f])}`, same(got[f], want[f]));
    const s = byKey.get(k);
    if (!s) {
      bad.push(`curve ${k} missing`);
      continue;
    }
    const steps = [...s.steps].map((x) => (Number.isNaN(x) ? null : x));
    check(
      `curve ${k} steps ${q(steps)} != ${q(m.steps)}`,
      steps.length === m.steps.length && steps.every((x, i) => x === m.steps[i]),
    );
    const vals = [...s.values];
    check(
      `curve ${k} values ${q(vals)} != ${q(values)}`,
      vals.length === values.length && vals.every((x, i) => same(x, values[i]!)),
    );
  }
  if (e.exactMetrics) {
    const extra = Object.keys(actual.metrics).filter((k) => !(k in e.metrics));
    check(`metrics not logged: ${extra.join(', ')}`, extra.length === 0);
  }
  return bad;
}
