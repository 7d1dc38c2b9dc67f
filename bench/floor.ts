import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The floors the figures are compared with: the same bytes read with the simplest code there is (walk, read
 * each file whole, split lines and fields, Number() every field; JSON.parse for JSON; TFRecord framing only for
 * event files). No detection, no summaries, no store: what any indexer must at least pay.
 */
export interface FloorResult {
  ms: number;
  files: number;
  bytes: number;
  /** Fields that parsed as numbers (steps and timestamps included). */
  numbers: number;
}

export function floorRead(root: string): FloorResult {
  return timedWalk(root, (file, e, r) => {
    if (e.isFile()) readOne(file, e.name, r);
  });
}

/** Walks `root` depth first with plain readdir, handing every entry that is not a folder to `visit`; timed. */
function timedWalk(root: string, visit: (file: string, e: fs.Dirent, r: FloorResult) => void): FloorResult {
  const t0 = performance.now();
  const r: FloorResult = { ms: 0, files: 0, bytes: 0, numbers: 0 };
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) stack.push(file);
      else visit(file, e, r);
    }
  }
  r.ms = performance.now() - t0;
  return r;
}

/** Reads and parses one file the naive way (the append case's floor). */
export function floorReadFile(file: string): FloorResult {
  const t0 = performance.now();
  const r: FloorResult = { ms: 0, files: 0, bytes: 0, numbers: 0 };
  readOne(file, path.basename(file), r);
  r.ms = performance.now() - t0;
  return r;
}

function readOne(file: string, name: string, r: FloorResult): void {
  const bytes = fs.readFileSync(file);
  r.files++;
  r.bytes += bytes.length;
  if (name.includes('tfevents')) {
    // u64 length, u32 crc, data, u32 crc: hop from record to record.
    let p = 0;
    while (p + 12 <= bytes.length) {
      const len = bytes.readUInt32LE(p);
      p += 16 + len;
      r.numbers++;
    }
    return;
  }
  const text = bytes.toString('utf8');
  if (name.endsWith('.json')) {
    JSON.parse(text);
    return;
  }
  const sep = name.endsWith('.tsv') ? '\t' : name.endsWith('.csv') || name.endsWith('.log') ? ',' : ' ';
  for (const line of text.split('\n')) {
    for (const field of line.split(sep)) {
      if (field !== '' && !Number.isNaN(Number(field))) r.numbers++;
    }
  }
}

/** The re-index floor: list every folder and stat every file (what noticing "nothing changed" needs at least). */
export function floorStatWalk(root: string): FloorResult {
  return timedWalk(root, (file, _e, r) => {
    r.files++;
    r.bytes += fs.statSync(file).size;
  });
}
