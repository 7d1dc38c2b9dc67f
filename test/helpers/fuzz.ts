import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Run } from '../../src/core/model';
import { READERS } from '../../src/core/readers/index';
import { scanFolder, type ScanResult } from '../../src/core/index/scan';

/** mulberry32: a small seeded PRNG, so every run of a fuzz test sees the same inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ways the harness damages a file. */
export const MUTATIONS = ['truncate', 'bit-flip', 'zero-fill', 'duplicate', 'hostile', 'huge', 'splice'] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** Strings a hostile repository or a broken writer can put in a file: controls, link syntax, HTML, paths, odd Unicode. */
const HOSTILE = [
  '\u001b[2J\u001b]8;;command:workbench.action.terminal.new\u0007x',
  '\u0000\u0000\u0000',
  '[click](command:workbench.action.openSettings)',
  '<img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '\u202e\ud800\uffff',
  '"\'\\{}[]:,#&*!|>%@`',
  'x'.repeat(70_000),
];
/** Values past what a reader may assume: float overflow, 2^64, NaN, a 400-digit integer, negative zero. */
const HUGE = ['1e309', '-1e309', '18446744073709551616', 'NaN', '9'.repeat(400), '-0', '1e-400'];

/** Picks a mutation for `bytes` and applies it: the damaged copy and a line saying what was done. */
export function mutate(
  bytes: Uint8Array,
  kind: Mutation,
  rand: () => number,
  other: Uint8Array = bytes,
): { bytes: Uint8Array; how: string } {
  const at = (n: number): number => Math.floor(rand() * (n + 1));
  const buf = Buffer.from(bytes);
  switch (kind) {
    case 'truncate': {
      // Zero length one time in four: the empty file a crashed writer leaves.
      const n = rand() < 0.25 ? 0 : at(buf.length);
      return { bytes: buf.subarray(0, n), how: `truncated at ${n}` };
    }
    case 'bit-flip': {
      const out = Buffer.from(buf);
      const flips = 1 + Math.floor(rand() * 5);
      for (let i = 0; i < flips && out.length > 0; i++) out[at(out.length - 1)]! ^= 1 << Math.floor(rand() * 8);
      return { bytes: out, how: `${flips} bits flipped` };
    }
    case 'zero-fill': {
      const out = Buffer.from(buf);
      const from = at(out.length);
      const to = rand() < 0.3 ? out.length : Math.min(out.length, from + 1 + at(4096));
      out.fill(0, from, to);
      return { bytes: out, how: `zeroed [${from}, ${to})` };
    }
    case 'duplicate': {
      const from = at(buf.length);
      const to = Math.min(buf.length, from + at(buf.length - from));
      return {
        bytes: Buffer.concat([buf.subarray(0, to), buf.subarray(from, to), buf.subarray(to)]),
        how: `[${from}, ${to}) written twice`,
      };
    }
    case 'hostile': {
      const s = Buffer.from(HOSTILE[Math.floor(rand() * HOSTILE.length)]!, 'utf8');
      const pos = insertPoint(buf, rand);
      return {
        bytes: Buffer.concat([buf.subarray(0, pos), s, buf.subarray(pos)]),
        how: `hostile string (${s.length} bytes) at ${pos}`,
      };
    }
    case 'huge': {
      const v = HUGE[Math.floor(rand() * HUGE.length)]!;
      // Replace a number of the file where there is one, so the value lands where a reader expects a value.
      const text = buf.toString('latin1');
      const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)];
      if (numbers.length === 0) return { bytes: Buffer.concat([buf, Buffer.from(v)]), how: `${v} appended` };
      const m = numbers[Math.floor(rand() * numbers.length)]!;
      const out = Buffer.concat([
        buf.subarray(0, m.index),
        Buffer.from(v, 'latin1'),
        buf.subarray(m.index! + m[0].length),
      ]);
      return {
        bytes: out,
        how: `${m[0]} at ${m.index} replaced by ${v.length > 20 ? `${v.slice(0, 8)}… (${v.length} chars)` : v}`,
      };
    }
    case 'splice': {
      const a = at(buf.length);
      const b = at(other.length);
      return {
        bytes: Buffer.concat([buf.subarray(0, a), Buffer.from(other).subarray(b)]),
        how: `spliced ${a} + other from ${b}`,
      };
    }
  }
}

/** A position just after a quote, a separator or a newline when the file has one (where a value starts). */
function insertPoint(buf: Buffer, rand: () => number): number {
  const spots: number[] = [];
  for (let i = 0; i < buf.length && spots.length < 10_000; i++) {
    const c = buf[i]!;
    if (c === 0x22 || c === 0x2c || c === 0x0a || c === 0x3a || c === 0x20) spots.push(i + 1);
  }
  return spots.length ? spots[Math.floor(rand() * spots.length)]! : Math.floor(rand() * (buf.length + 1));
}

/** Longest a fuzz scan of one case may take (a hang fails the case, not the whole suite). */
export const FUZZ_BOUND_MS = 5000;

/** Scans within `ms` and asserts no reader threw (the indexer turns a throw into a "… failed" diagnostic). */
export async function boundedScan(
  root: string,
  opts: Parameters<typeof scanFolder>[1],
  ms = FUZZ_BOUND_MS,
): Promise<ScanResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scan took over ${ms} ms`)), ms);
  });
  try {
    const r = await Promise.race([scanFolder(root, opts), timeout]);
    const crashed = r.diagnostics.filter((d) => / (reader|detection) failed/.test(d.message));
    assert.deepEqual(crashed, [], 'a reader threw');
    return r;
  } finally {
    clearTimeout(timer);
  }
}

/** Every file under `dir` (relative, '/' separators), symlinks left out (the harness damages real files). */
export function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** One damaged file and what became of the runs. */
export interface FuzzCase {
  file: string;
  how: string;
  /** Runs found before the damage and not after, with no diagnostic for the file or the run. */
  silentDrops: string[];
}

const key = (r: Run): string => `${r.format}:${r.path}`;

/**
 * Damages the files of the workspace at `root` one at a time (emptied, then `perFile` seeded mutations of random
 * kinds), scans it with every reader within the time bound, and restores the file. A run that was there before
 * and is gone after must come with a diagnostic about the damaged file or about the run's folder.
 */
export async function fuzzWorkspace(
  root: string,
  files: readonly string[],
  rand: () => number,
  perFile: number,
): Promise<FuzzCase[]> {
  const before = await boundedScan(root, { readers: READERS });
  const known = new Map(before.runs.map((r) => [key(r), r]));
  const cases: FuzzCase[] = [];
  const contents = files.map((f) => fs.readFileSync(path.join(root, f)));
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const original = contents[i]!;
    const other = contents[(i + 1) % contents.length]!;
    // First the empty file a crashed writer leaves (every file gets it), then `perFile` seeded damages.
    for (let k = -1; k < perFile; k++) {
      const kind = MUTATIONS[Math.floor(rand() * MUTATIONS.length)]!;
      const damaged = k < 0 ? { bytes: new Uint8Array(0), how: 'emptied' } : mutate(original, kind, rand, other);
      fs.writeFileSync(path.join(root, file), damaged.bytes);
      let after: ScanResult;
      try {
        after = await boundedScan(root, { readers: READERS });
      } catch (err) {
        throw new Error(`${file} (${damaged.how}): ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        fs.writeFileSync(path.join(root, file), original);
      }
      const found = new Set(after.runs.map(key));
      const silentDrops = [...known.keys()].filter(
        (k2) => !found.has(k2) && !explained(known.get(k2)!, file, after.diagnostics),
      );
      cases.push({ file, how: damaged.how, silentDrops });
    }
  }
  return cases;
}

/** Whether a diagnostic is about the damaged file, or about a path within the run (or the run within it). */
function explained(run: Run, file: string, diagnostics: readonly Diagnostic[]): boolean {
  const runPath = run.path.split('#')[0]!;
  const within = (p: string, dir: string): boolean => dir === '' || p === dir || p.startsWith(dir + '/');
  return diagnostics.some((d) => d.path === file || within(d.path, runPath) || within(runPath, d.path));
}

/** Damage as a disk and a writer do it: a truncation (a rewrite caught half-way), flipped bits, or a splice. */
export function damage(bytes: Uint8Array, other: Uint8Array, rand: () => number): { bytes: Uint8Array; how: string } {
  const kinds: Mutation[] = ['truncate', 'bit-flip', 'splice'];
  return mutate(bytes, kinds[Math.floor(rand() * kinds.length)]!, rand, other);
}
