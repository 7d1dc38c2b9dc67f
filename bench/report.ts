import * as fs from 'node:fs';
import * as os from 'node:os';

/** One measured figure next to its target and its floor from the same run. */
export interface Row {
  id: string;
  label: string;
  value: number;
  unit: 'ms' | 'MB';
  /** The figure must stay below this (strictly). */
  max: number;
  /** Floor of the same work done the simplest way, measured in this run. */
  floor?: number;
  floorLabel?: string;
  /** When set, value / floor must not exceed it. */
  maxRatio?: number;
  note?: string;
  /** Why the figure cannot count (e.g. the index missed points); fails the row. */
  invalid?: string;
}

export interface Results {
  date: string;
  node: string;
  machine: string;
  quick: boolean;
  rows: Array<Row & { ratio: number | null; pass: boolean }>;
  workspaces: unknown;
}

export function passes(r: Row): boolean {
  const ratio = r.floor ? r.value / r.floor : null;
  return !r.invalid && r.value < r.max && (r.maxRatio === undefined || (ratio !== null && ratio <= r.maxRatio));
}

function fmt(v: number, unit: string): string {
  if (unit === 'ms' && v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${unit}`;
}

/** Prints the table (stdout) and returns what results.json holds. */
export function printTable(rows: readonly Row[], quick: boolean, workspaces: unknown): Results {
  const out = rows.map((r) => ({ ...r, ratio: r.floor ? r.value / r.floor : null, pass: passes(r) }));
  const cells = out.map((r) => [
    r.label,
    fmt(r.value, r.unit),
    `< ${fmt(r.max, r.unit)}${r.maxRatio !== undefined ? `, ≤ ${r.maxRatio}× floor` : ''}`,
    r.floor !== undefined ? `${fmt(r.floor, r.unit)}${r.floorLabel ? ` (${r.floorLabel})` : ''}` : '—',
    r.ratio !== null ? `${r.ratio.toFixed(2)}×` : '—',
    r.pass ? 'pass' : 'FAIL',
  ]);
  const head = ['figure', 'value', 'target', 'floor (same run)', 'ratio', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((x, i) => (i === 1 || i === 4 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  for (const r of out) {
    if (r.note) console.log(`  ${r.label}: ${r.note}`);
    if (r.invalid) console.log(`  ${r.label}: INVALID: ${r.invalid}`);
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB`,
    quick,
    rows: out,
    workspaces,
  };
}

export function writeResults(file: string, results: Results): void {
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
}
