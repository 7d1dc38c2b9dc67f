/**
 * SDK ≤ 0.9 history: `wandb-history.jsonl`, one extended-JSON object per line, appended per row
 * (see ../shared/formats/wandb.md §5).
 */
import type { PointSink, TailParser } from '../types';
import { isObject, numericLeaves, parseExtJson } from './wandbJson';

export interface WandbJsonlState {
  kind: 'wandb-jsonl';
  /** Lines consumed so far (for messages). */
  line: number;
  lastStep: number;
  /** Highest `_timestamp`, ms. */
  lastTime: number | null;
  keys: Record<string, 1>;
  problems: number;
}

const MAX_PROBLEMS = 20;
const decoder = new TextDecoder('utf-8', { fatal: false });

export class WandbJsonlParser implements TailParser<WandbJsonlState> {
  init(): WandbJsonlState {
    return { kind: 'wandb-jsonl', line: 0, lastStep: -1, lastTime: null, keys: {}, problems: 0 };
  }

  parse(
    chunk: Uint8Array,
    state: WandbJsonlState,
    emit: PointSink,
    _atEof: boolean,
    problem: (message: string) => void,
  ): number {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      // A last line without its newline is still being written.
      if (nl < 0) break;
      state.line++;
      const text = decoder.decode(chunk.subarray(start, nl)).trim();
      start = nl + 1;
      if (text === '') continue;
      let row: unknown;
      try {
        row = parseExtJson(text);
      } catch {
        if (++state.problems <= MAX_PROBLEMS) problem(`wandb: line ${state.line} of the history is not JSON; skipped`);
        continue;
      }
      if (!isObject(row)) continue;
      const s = row['_step'];
      const step = typeof s === 'number' && Number.isInteger(s) ? s : state.lastStep + 1;
      const t = row['_timestamp'];
      const time = typeof t === 'number' && Number.isFinite(t) ? t * 1000 : NaN;
      state.lastStep = step;
      if (!Number.isNaN(time) && (state.lastTime === null || time > state.lastTime)) state.lastTime = time;
      for (const [k, v] of Object.entries(row)) {
        if (k === '' || k.charCodeAt(0) === 0x5f) continue; // `_step`, `_runtime`, `_timestamp`, `_stream`…
        numericLeaves(k, v, (key, value) => {
          emit(key, step, value, time);
          state.keys[key] = 1;
        });
      }
    }
    return start;
  }
}
