// The host side of "only new data after the first read": `runlens index <dir> --json --since <token>`. The CLI on
// the host keeps no state between calls; the token carries the state instead. It is a short hash of every run as it
// was printed (sorted, so it does not name the runs), and a run whose hash is in the token is not printed again.
// Content hashes rather than times: a run copied with its old mtimes (rsync -a, cp -p) is still new to the reader.
import { createHash } from 'node:crypto';
import type { Diagnostic, Run } from '../../model';
import { DELTA_FORMAT, wireRun, type DeltaJson } from './wire';

/** Characters of one run's hash in the token: 8 base64url characters, 48 bits. */
const HASH_CHARS = 8;
/** Starts every token: names its version, and keeps a token from starting with "-" (read as a flag). */
const TOKEN_PREFIX = 'r1.';

/** The runs changed since `token` ("" for every run) and the token that stands for the runs now. */
export function indexDelta(runs: readonly Run[], diagnostics: readonly Diagnostic[], token: string): DeltaJson {
  const seen = tokenHashes(token);
  const byPath = [...runs].sort((a, b) => cmp(a.format, b.format) || cmp(a.path, b.path));
  const hashes: string[] = [];
  const changed: DeltaJson['runs'] = [];
  for (const run of byPath) {
    const w = wireRun(run);
    const h = createHash('sha1').update(JSON.stringify(w)).digest('base64url').slice(0, HASH_CHARS);
    hashes.push(h);
    if (!seen.has(h)) changed.push(w);
  }
  return {
    format: DELTA_FORMAT,
    token: TOKEN_PREFIX + hashes.sort().join(''),
    runs: changed,
    ids: byPath.map((r) => r.id),
    diagnostics: [...diagnostics].sort((a, b) => cmp(a.path, b.path) || cmp(a.message, b.message)),
  };
}

/** The hashes a token holds; a token that is not one (cut, edited, from another version) holds none: all is sent. */
function tokenHashes(token: string): Set<string> {
  if (!token.trim().startsWith(TOKEN_PREFIX)) return new Set();
  const t = token.trim().slice(TOKEN_PREFIX.length);
  if (t.length % HASH_CHARS !== 0 || !/^[A-Za-z0-9_-]*$/.test(t)) return new Set();
  const out = new Set<string>();
  for (let i = 0; i < t.length; i += HASH_CHARS) out.add(t.slice(i, i + HASH_CHARS));
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
