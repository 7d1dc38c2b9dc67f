import * as fs from 'node:fs';
import * as path from 'node:path';

/** A number Python holds as a float: written `2.0`, not `2`, and with Python's exponent rules. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Marks a number as a Python float. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/** `repr(float)` as Python writes it: `nan`-free JSON tokens `NaN`/`Infinity`, `1e-05`, `2.0`, `2.3e+19`. */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  // Python switches to exponent notation below 1e-4 and from 1e16 (float_repr_style 'short').
  if (abs < 1e-4 || abs >= 1e16) {
    const [mant, exp] = v.toExponential().split('e') as [string, string];
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(v);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/**
 * `json.dumps(value, indent=2, sort_keys=True)` as CPython writes it: `", "`/`": "` separators, ASCII escapes,
 * bare `NaN`/`Infinity`. JS numbers are written as Python ints when integral, unless wrapped in `pyFloat`.
 */
export function pyJsonDumps(value: unknown, opts: { indent?: number; sortKeys?: boolean } = {}): string {
  const indent = opts.indent ?? 2;
  const sortKeys = opts.sortKeys ?? true;
  const out: string[] = [];
  const write = (v: unknown, level: number): void => {
    if (v instanceof PyFloat) {
      out.push(pyFloatRepr(v.value));
    } else if (v === null || v === undefined) {
      out.push('null');
    } else if (typeof v === 'boolean') {
      out.push(v ? 'true' : 'false');
    } else if (typeof v === 'number') {
      out.push(Number.isInteger(v) && Math.abs(v) < 1e16 ? String(v) : pyFloatRepr(v));
    } else if (typeof v === 'string') {
      out.push(pyString(v));
    } else if (Array.isArray(v)) {
      if (v.length === 0) {
        out.push('[]');
        return;
      }
      out.push('[');
      v.forEach((item, i) => {
        out.push(i === 0 ? '\n' : ',\n', ' '.repeat(indent * (level + 1)));
        write(item, level + 1);
      });
      out.push('\n', ' '.repeat(indent * level), ']');
    } else if (typeof v === 'object') {
      const keys = Object.keys(v as object);
      if (sortKeys) keys.sort();
      if (keys.length === 0) {
        out.push('{}');
        return;
      }
      out.push('{');
      keys.forEach((k, i) => {
        out.push(i === 0 ? '\n' : ',\n', ' '.repeat(indent * (level + 1)), pyString(k), ': ');
        write((v as Record<string, unknown>)[k], level + 1);
      });
      out.push('\n', ' '.repeat(indent * level), '}');
    } else {
      out.push(pyString(String(v)));
    }
  };
  write(value, 0);
  return out.join('');
}

function pyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xffff)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c > 0xffff) {
      // ensure_ascii: astral characters as a surrogate pair.
      const hi = Math.floor((c - 0x10000) / 0x400) + 0xd800;
      const lo = ((c - 0x10000) % 0x400) + 0xdc00;
      out += `\\u${hi.toString(16)}\\u${lo.toString(16)}`;
    } else out += ch;
  }
  return out + '"';
}

export type LogEntry = Record<string, unknown>;

export interface TrainerStateOptions {
  globalStep: number;
  epoch?: number;
  maxSteps?: number;
  numTrainEpochs?: number;
  logHistory: LogEntry[];
  bestMetric?: number | null;
  bestModelCheckpoint?: string | null;
  trialName?: string | null;
  trialParams?: Record<string, unknown> | null;
  /** Older transformers (≤ 4.3x) lack logging_steps, eval_steps, save_steps, stateful_callbacks, … */
  legacy?: boolean;
}

/** A `TrainerState` as `dataclasses.asdict` gives it (transformers `trainer_callback.py`). */
export function trainerState(o: TrainerStateOptions): Record<string, unknown> {
  const state: Record<string, unknown> = {
    best_metric: o.bestMetric ?? null,
    best_model_checkpoint: o.bestModelCheckpoint ?? null,
    epoch: pyFloat(o.epoch ?? 1),
    global_step: o.globalStep,
    is_hyper_param_search: o.trialParams != null,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: o.logHistory,
    max_steps: o.maxSteps ?? o.globalStep,
    num_train_epochs: o.numTrainEpochs ?? 1,
    total_flos: pyFloat(1.2345e15),
    trial_name: o.trialName ?? null,
    trial_params: o.trialParams ?? null,
  };
  if (!o.legacy) {
    Object.assign(state, {
      best_global_step: null,
      eval_steps: 500,
      logging_steps: 100,
      num_input_tokens_seen: 0,
      save_steps: 500,
      stateful_callbacks: {
        TrainerControl: {
          args: {
            should_epoch_stop: false,
            should_evaluate: false,
            should_log: false,
            should_save: true,
            should_training_stop: false,
          },
          attributes: {},
        },
      },
      train_batch_size: 16,
    });
  }
  return state;
}

/** `TrainerState.save_to_json`: `json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"`. */
export function trainerStateJson(state: Record<string, unknown>): string {
  return pyJsonDumps(state) + '\n';
}

/** Training log entries as `Trainer.log` writes them: `{loss, grad_norm, learning_rate, epoch, step}`. */
export function trainLogs(steps: readonly number[], loss: (step: number) => number, stepsPerEpoch = 100): LogEntry[] {
  return steps.map((step) => ({
    epoch: pyFloat(step / stepsPerEpoch),
    grad_norm: pyFloat(1 + step / 1000),
    learning_rate: pyFloat(5e-5 * (1 - step / 10_000)),
    loss: pyFloat(loss(step)),
    step,
  }));
}

/** The final summary entry written at the end of `train()`. */
export function trainSummary(step: number, trainLoss: number): LogEntry {
  return {
    epoch: pyFloat(step / 100),
    step,
    total_flos: pyFloat(2.307297992638464e19),
    train_loss: pyFloat(trainLoss),
    train_runtime: pyFloat(123.4567),
    train_samples_per_second: pyFloat(4.762),
    train_steps_per_second: pyFloat(0.298),
  };
}

export interface TrainerOutput {
  /** Checkpoint states by global step: written to `checkpoint-<step>/trainer_state.json`. */
  checkpoints?: Array<{ step: number; state: Record<string, unknown> | string }>;
  /** The output folder's own state (`trainer.save_state()`), or raw text. */
  top?: Record<string, unknown> | string;
  /** Writes the companion files a real output folder has (`config.json`, `training_args.bin`, …). */
  companions?: boolean;
}

/** Writes a Trainer `output_dir` under `root/rel`. Strings are written verbatim (for broken files). */
export function writeTrainerOutput(root: string, rel: string, o: TrainerOutput): string {
  const dir = path.join(root, rel);
  fs.mkdirSync(dir, { recursive: true });
  const text = (s: Record<string, unknown> | string): string => (typeof s === 'string' ? s : trainerStateJson(s));
  for (const c of o.checkpoints ?? []) {
    const ck = path.join(dir, `checkpoint-${c.step}`);
    fs.mkdirSync(ck, { recursive: true });
    fs.writeFileSync(path.join(ck, 'trainer_state.json'), text(c.state));
    if (o.companions) {
      fs.writeFileSync(path.join(ck, 'config.json'), pyJsonDumps({ model_type: 'roberta', hidden_size: 768 }) + '\n');
      // A pickle: never parsed, only present.
      fs.writeFileSync(path.join(ck, 'training_args.bin'), Buffer.from([0x80, 0x04, 0x95, 0x00, 0x2e]));
      fs.writeFileSync(path.join(ck, 'rng_state.pth'), Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    }
  }
  if (o.top !== undefined) {
    fs.writeFileSync(path.join(dir, 'trainer_state.json'), text(o.top));
    if (o.companions) {
      fs.writeFileSync(
        path.join(dir, 'all_results.json'),
        pyJsonDumps({ epoch: pyFloat(3.0), train_loss: pyFloat(0.1) }, { indent: 4 }) + '\n',
      );
    }
  }
  return dir;
}

/** What a clone without `git lfs pull` holds instead of the file. */
export function lfsPointer(size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize ${size}\n`;
}
