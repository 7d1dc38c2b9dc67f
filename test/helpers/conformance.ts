import type { IndexJson, RunJson } from '../../src/core/index/indexJson';

/**
 * Compares an index with the reference reader's expected file, with the rules of shared/fixtures/README.md
 * (the same as its compare.py): every expected run found once by (format, path); commit, MLflow identity and
 * times, Sacred status, every expected param and metric field; extra runs allowed. Also: every expected
 * diagnostic's file has a diagnostic of ours.
 */
export function compareWithExpected(expected: IndexJson, actual: IndexJson): string[] {
  const bad: string[] = [];
  const byKey = new Map<string, RunJson[]>();
  for (const r of actual.runs) {
    const k = `${r.format}:${r.path}`;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  for (const e of expected.runs) {
    const key = `${e.format}:${e.path}`;
    const found = byKey.get(key) ?? [];
    if (found.length === 0) {
      bad.push(`missing run ${key}`);
      continue;
    }
    if (found.length > 1) bad.push(`run listed ${found.length} times ${key}`);
    const a = found[0]!;
    const check = (label: string, ok: boolean): void => {
      if (!ok) bad.push(`${key} ${label}`);
    };
    if (e.format === 'mlflow') {
      check(`name ${q(a.name)} != ${q(e.name)}`, a.name === e.name);
      check(`experiment ${q(a.experiment)} != ${q(e.experiment)}`, a.experiment === e.experiment);
      for (const t of ['startTime', 'endTime'] as const) {
        const ev = e[t];
        if (ev === null) continue;
        const av = a[t];
        check(`${t} ${q(av)} != ${q(ev)}`, av !== null && Math.abs(Date.parse(av) - Date.parse(ev)) < 1.5);
      }
    }
    if (e.format === 'mlflow' || e.format === 'sacred')
      check(`status ${q(a.status)} != ${q(e.status)}`, a.status === e.status);
    if (e.git?.commit) check(`git.commit ${q(a.git?.commit)} != ${q(e.git.commit)}`, a.git?.commit === e.git.commit);
    for (const [k, v] of Object.entries(e.params)) {
      check(
        `param ${k}: ${k in a.params ? q(a.params[k]) : '<missing>'} != ${q(v)}`,
        k in a.params && sameParam(a.params[k], v),
      );
    }
    for (const [k, m] of Object.entries(e.metrics)) {
      const x = a.metrics[k];
      if (!x) {
        check(`metric ${k} missing`, false);
        continue;
      }
      for (const f of ['last', 'min', 'max'] as const) {
        check(`metric ${k}.${f}: ${q(x[f])} != ${q(m[f])}`, (x[f] === null && m[f] === null) || sameNum(x[f], m[f]));
      }
      check(`metric ${k}.count: ${x.count} != ${m.count}`, x.count === m.count);
      if (m.lastStep !== null)
        check(`metric ${k}.lastStep: ${q(x.lastStep)} != ${m.lastStep}`, sameNum(x.lastStep, m.lastStep));
    }
  }
  for (const d of expected.diagnostics) {
    if (!actual.diagnostics.some((x) => x.path === d.path)) bad.push(`missing diagnostic for ${d.path} (${d.message})`);
  }
  return bad;
}

function q(v: unknown): string {
  return JSON.stringify(v);
}

function toNum(x: unknown): number | undefined {
  if (typeof x === 'boolean') return undefined;
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    const s = x.trim();
    if (s === 'NaN' || s === 'nan') return NaN;
    if (s === 'Infinity' || s === 'inf') return Infinity;
    if (s === '-Infinity' || s === '-inf') return -Infinity;
    if (s === '') return undefined;
    const n = Number(s);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

export function sameNum(a: unknown, b: unknown, rel = 2e-6): boolean {
  const fa = toNum(a);
  const fb = toNum(b);
  if (fa === undefined || fb === undefined) return a === b;
  if (Number.isNaN(fa) || Number.isNaN(fb)) return Number.isNaN(fa) && Number.isNaN(fb);
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) return fa === fb;
  return Math.abs(fa - fb) <= rel * Math.max(1, Math.abs(fa), Math.abs(fb));
}

function sameParam(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const fa = toNum(a);
  const fb = toNum(b);
  if (fa !== undefined && fb !== undefined) return sameNum(fa, fb, 1e-9);
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a).toLowerCase() === String(b).toLowerCase();
  return String(a) === String(b);
}
