import { flattenParams, isPlainObject } from '../flatten';
import type { ParamValue } from '../model';
import { plainDraft, type ReadContext, type Reader, type RunDraft, type Source, type TreeView } from './types';
import { baseName, joinRel as join, parentOf } from './paths';

/**
 * Hugging Face `Trainer` output folders. `trainer_state.json` is written whole (`json.dumps(indent=2,
 * sort_keys=True)`) into every `checkpoint-<global_step>/` and, by `trainer.save_state()`, into the output folder
 * itself. The checkpoints of one output folder are snapshots of one run: the newest state is read.
 */
export const hfTrainerReader: Reader = {
  format: 'hf-trainer',
  detect,
  read,
};

const STATE = 'trainer_state.json';
const CHECKPOINT = /^checkpoint-(\d+)$/;
/** Newer transformers save into `tmp-checkpoint-N` and rename it when complete: never a run of its own. */
const TMP_CHECKPOINT = /^tmp-checkpoint-\d+$/;

function detect(dir: string, tree: TreeView): Source[] {
  // A checkpoint folder belongs to the output folder above it, which claims it.
  if (dir !== '' && (CHECKPOINT.test(baseName(dir)) || TMP_CHECKPOINT.test(baseName(dir)))) return [];
  const entries = tree.list(dir);
  if (!entries) return [];
  const files: string[] = [];
  for (const e of entries) {
    if (e.isFile && e.name === STATE) files.push(join(dir, STATE));
    else if (e.isDir && CHECKPOINT.test(e.name)) {
      const child = join(dir, e.name);
      if (tree.list(child)?.some((c) => c.isFile && c.name === STATE)) files.push(join(child, STATE));
    }
  }
  if (files.length === 0) return [];
  return [{ format: 'hf-trainer', dir, path: dir, files }];
}

interface Candidate {
  file: string;
  /** Checkpoint number (= global_step at save); +Infinity for the output folder's own state. */
  order: number;
}

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const top = join(source.dir, STATE);
  const checkpoints: Candidate[] = [];
  let hasTop = false;
  for (const file of source.files) {
    if (file === top) {
      hasTop = true;
      continue;
    }
    const m = CHECKPOINT.exec(baseName(parentOf(file)));
    if (m) checkpoints.push({ file, order: Number(m[1]) });
  }
  checkpoints.sort((a, b) => b.order - a.order);

  // The output folder's own state is written at the end, but a later resumed training can checkpoint past it:
  // compare it with the newest checkpoint by global_step (ties: the output folder's, written last).
  let state: TrainerState | undefined;
  let stateFile = '';
  if (hasTop) {
    const topState = await readState(top, ctx);
    const newest = checkpoints.shift();
    const ckptState = newest ? await readState(newest.file, ctx) : undefined;
    if (topState && ckptState) {
      const useCkpt = stepOf(ckptState) > stepOf(topState);
      state = useCkpt ? ckptState : topState;
      stateFile = useCkpt ? newest!.file : top;
    } else if (topState || ckptState) {
      state = topState ?? ckptState;
      stateFile = topState ? top : newest!.file;
    }
  }
  // A half-written or unreadable newest checkpoint: fall back to the next one, so the run is indexed as far as
  // its data is sound.
  for (const c of checkpoints) {
    if (state) break;
    state = await readState(c.file, ctx);
    if (state) stateFile = c.file;
  }
  if (!state) return [];

  const sink = ctx.sink();
  let finished = false;
  const history = state.log_history;
  if (history !== undefined && !Array.isArray(history)) {
    ctx.problem(stateFile, 'hf-trainer: log_history is not a list');
  } else if (history) {
    for (const entry of history) {
      if (!isPlainObject(entry)) continue;
      const step = typeof entry.step === 'number' ? entry.step : NaN;
      for (const key in entry) {
        if (key === 'step' || key === 'epoch') continue;
        const v = entry[key];
        // Strings and nested objects logged by custom callbacks are not curves.
        if (typeof v !== 'number') continue;
        if (key === 'train_runtime') finished = true;
        sink(key, step, v, NaN);
      }
    }
  }

  const params: Record<string, ParamValue> = isPlainObject(state.trial_params) ? flattenParams(state.trial_params) : {};
  const tags: Record<string, string> = {};
  for (const key of ['best_metric', 'best_model_checkpoint', 'best_global_step', 'trial_name'] as const) {
    const v = state[key];
    if (v !== null && v !== undefined && (typeof v === 'string' || typeof v === 'number')) tags[key] = String(v);
  }
  return [plainDraft(source, params, { name: baseName(source.path), status: finished ? 'finished' : 'unknown', tags })];
}

interface TrainerState {
  global_step?: unknown;
  log_history?: unknown;
  trial_params?: unknown;
  trial_name?: unknown;
  best_metric?: unknown;
  best_model_checkpoint?: unknown;
  best_global_step?: unknown;
}

function stepOf(s: TrainerState): number {
  return typeof s.global_step === 'number' ? s.global_step : -1;
}

async function readState(file: string, ctx: ReadContext): Promise<TrainerState | undefined> {
  const text = await ctx.readText(file);
  if (text === undefined) return undefined;
  if (text.startsWith('version https://git-lfs.github.com/spec/')) {
    ctx.problem(file, 'hf-trainer: not JSON: a Git LFS pointer (the file was not fetched; run `git lfs pull`)');
    return undefined;
  }
  const parsed = parsePyJson(text);
  if (!parsed.ok) {
    ctx.problem(file, `hf-trainer: not JSON: ${parsed.error}`);
    return undefined;
  }
  if (!isPlainObject(parsed.value)) {
    ctx.problem(file, 'hf-trainer: not a trainer state (the JSON is not an object)');
    return undefined;
  }
  return parsed.value as TrainerState;
}

export type PyJsonResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Parses JSON written by Python's `json` module, which writes bare `NaN`, `Infinity` and `-Infinity` for
 * non-finite floats. Plain JSON goes through `JSON.parse` untouched; only text that fails is rewritten.
 */
export function parsePyJson(text: string): PyJsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const firstError = err instanceof Error ? err.message : String(err);
    const tagged = tagNonFinite(text);
    if (tagged === undefined) return { ok: false, error: firstError };
    try {
      const value: unknown = JSON.parse(tagged.text, (_k, v: unknown) => {
        if (typeof v === 'string' && v.length > 0 && v.charCodeAt(0) === 0 && v.startsWith(tagged.marker)) {
          const t = v.slice(tagged.marker.length);
          return t === 'N' ? NaN : t === 'I' ? Infinity : -Infinity;
        }
        return v;
      });
      return { ok: true, value };
    } catch (err2) {
      return { ok: false, error: err2 instanceof Error ? err2.message : String(err2) };
    }
  }
}

/** Replaces the bare non-finite tokens outside strings by marked strings; undefined when there is none. */
function tagNonFinite(text: string): { text: string; marker: string } | undefined {
  // A NUL character cannot occur raw in JSON text and a random suffix makes an escaped look-alike implausible.
  const marker = `\u0000rl${Math.random().toString(36).slice(2, 10)}:`;
  const escMarker = `\\u0000${marker.slice(1)}`;
  const parts: string[] = [];
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    let len = 0;
    let tag = '';
    if (c === 0x4e && text.startsWith('NaN', i)) {
      len = 3;
      tag = 'N';
    } else if (c === 0x49 && text.startsWith('Infinity', i)) {
      len = 8;
      tag = 'I';
    } else if (c === 0x2d && text.startsWith('-Infinity', i)) {
      len = 9;
      tag = 'M';
    }
    if (len === 0) continue;
    parts.push(text.slice(from, i), `"${escMarker}${tag}"`);
    i += len - 1;
    from = i + 1;
  }
  if (parts.length === 0) return undefined;
  parts.push(text.slice(from));
  return { text: parts.join(''), marker };
}
