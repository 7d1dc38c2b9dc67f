import assert from 'node:assert/strict';
import { WandbLogParser, type WandbLogState } from '../../../src/core/readers/wandb/wandbLog';

export interface Fed {
  points: Array<[string, number, number, number]>;
  state: WandbLogState;
  problems: string[];
  /** Total bytes consumed. */
  consumed: number;
}

/**
 * Feeds `bytes` to a fresh parser the way the read context streams a file: pieces of `piece` bytes, the
 * unconsumed rest carried into the next call, and (with `roundTrip`) the state snapshotted through JSON between
 * calls, as the indexer does between reads.
 */
export function feed(bytes: Uint8Array, piece = bytes.length, roundTrip = false): Fed {
  const points: Fed['points'] = [];
  const problems: string[] = [];
  let state = new WandbLogParser().init();
  let carry = new Uint8Array(0);
  let offset = 0;
  for (let read = 0; read < bytes.length || (read === 0 && bytes.length === 0);) {
    const next = Math.min(bytes.length, read + Math.max(1, piece));
    const fresh = bytes.subarray(read, next);
    read = next;
    const data = new Uint8Array(carry.length + fresh.length);
    data.set(carry, 0);
    data.set(fresh, carry.length);
    // A new parser per call, as happens across reads (only the state carries over).
    const parser = new WandbLogParser();
    const used = parser.parse(
      data,
      state,
      (k, s, v, t) => points.push([k, s, v, t]),
      read >= bytes.length,
      (m) => problems.push(m),
    );
    assert.ok(used >= 0 && used <= data.length, `consumed ${used} of ${data.length}`);
    offset += used;
    carry = data.slice(used);
    if (roundTrip) state = JSON.parse(JSON.stringify(state)) as WandbLogState;
    if (bytes.length === 0) break;
  }
  return { points, state, problems, consumed: offset };
}
