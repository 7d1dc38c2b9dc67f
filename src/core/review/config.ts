import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_SEED_PARAMS } from '../compare/seeds';

/** The repository config file the CLI, the CI action and the extension all read (one place to write the gate). */
export const CONFIG_FILE = '.runlens.yml';

/** What `review` is asked to do; from the config file, then overridden by flags. */
export interface ReviewSettings {
  /** Base ref; undefined: the repository's default branch. */
  base: string | undefined;
  head: string;
  /** First-parent ancestors of the merge-base searched for runs. */
  maxDepth: number;
  /** Gates as written, e.g. "val_loss:+2%". */
  failOn: string[];
  /** Fail only on deltas beyond the seed noise (where both sides have ≥ 2 runs). */
  beyondNoise: boolean;
  /** Significance level of the noise test. */
  noiseAlpha: number;
  seedParams: string[];
  lowerIsBetter: string[];
  higherIsBetter: string[];
  /** Metrics drawn as charts; empty: the gated ones, else the first loss-like and accuracy-like ones. */
  keyMetrics: string[];
  /** Also use runs whose commit Runlens infers from their start time (off: recorded commits only). */
  inferCommits: boolean;
}

export const DEFAULT_SETTINGS: Readonly<ReviewSettings> = Object.freeze({
  base: undefined,
  head: 'HEAD',
  maxDepth: 50,
  failOn: [],
  beyondNoise: false,
  noiseAlpha: 0.05,
  seedParams: [...DEFAULT_SEED_PARAMS],
  lowerIsBetter: [],
  higherIsBetter: [],
  keyMetrics: [],
  inferCommits: false,
});

/** The config file is wrong: the CLI exits 2, the extension says where. */
export class ConfigError extends Error {
  override name = 'ConfigError' as const;
}

const KEYS: Record<string, 'string' | 'number' | 'boolean' | 'list'> = {
  base: 'string',
  maxDepth: 'number',
  failOn: 'list',
  beyondNoise: 'boolean',
  noiseAlpha: 'number',
  seedParams: 'list',
  lowerIsBetter: 'list',
  higherIsBetter: 'list',
  keyMetrics: 'list',
  inferCommits: 'boolean',
};

/**
 * Finds `.runlens.yml` in `dir` or its ancestors up to the repository root (`stopAt`), and reads its `review:`
 * section over the defaults. Unknown keys are errors (a typo must not silently disable a gate).
 */
export function loadReviewConfig(dir: string, stopAt?: string): { settings: ReviewSettings; file: string | undefined } {
  const file = findConfig(path.resolve(dir), stopAt ? path.resolve(stopAt) : undefined);
  const settings: ReviewSettings = {
    ...DEFAULT_SETTINGS,
    failOn: [],
    seedParams: [...DEFAULT_SETTINGS.seedParams],
    lowerIsBetter: [],
    higherIsBetter: [],
    keyMetrics: [],
  };
  if (!file) return { settings, file };
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const review = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).review : undefined;
  if (review === undefined || review === null) return { settings, file };
  if (typeof review !== 'object' || Array.isArray(review)) throw new ConfigError(`${file}: "review" must be a mapping`);
  for (const [key, value] of Object.entries(review as Record<string, unknown>)) {
    const kind = KEYS[key];
    if (!kind) throw new ConfigError(`${file}: unknown key review.${key} (known: ${Object.keys(KEYS).join(', ')})`);
    (settings as unknown as Record<string, unknown>)[key] = checked(file, key, kind, value);
  }
  return { settings, file };
}

function checked(file: string, key: string, kind: 'string' | 'number' | 'boolean' | 'list', value: unknown): unknown {
  const bad = (what: string): never => {
    throw new ConfigError(`${file}: review.${key} must be ${what}`);
  };
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : bad('a string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : bad('a non-negative number');
    case 'boolean':
      return typeof value === 'boolean' ? value : bad('true or false');
    case 'list': {
      const list = typeof value === 'string' ? [value] : value;
      return Array.isArray(list) && list.every((v) => typeof v === 'string') ? list : bad('a list of strings');
    }
  }
}

function findConfig(dir: string, stopAt: string | undefined): string | undefined {
  for (let d = dir; ;) {
    const f = path.join(d, CONFIG_FILE);
    if (fs.existsSync(f)) return f;
    const up = path.dirname(d);
    if (up === d || d === stopAt) return undefined;
    d = up;
  }
}
