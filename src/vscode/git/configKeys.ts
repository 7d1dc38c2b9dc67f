import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { ParamValue, Run } from '../../core/model';

/**
 * Config files next to the code (params.yaml, Hydra config groups, YAML/JSON configs) matched against the params
 * runs recorded: the leaf keys of a file with their positions, and an index param key → runs. No `vscode` here.
 */

export interface ConfigLeaf {
  /** Key path from the document root, e.g. ['train', 'lr']. */
  path: string[];
  /** 0-based line and columns of the key. */
  line: number;
  start: number;
  end: number;
  /** Last line of the value (a hover anywhere on the key's lines finds it). */
  endLine: number;
}

/** Leaf keys (scalar or list values) of a YAML or JSON document; [] when it does not parse or is not a mapping. */
export function configLeaves(text: string): ConfigLeaf[] {
  const lineCounter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch {
    return [];
  }
  // A document being edited may not parse; its keys come back with the next good version.
  if (doc.errors.length || !isMap(doc.contents)) return [];
  const out: ConfigLeaf[] = [];
  const walk = (node: YamlNode | null, path: string[]): void => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
      const key = String(pair.key.value);
      const value = pair.value as YamlNode | null;
      const here = [...path, key];
      if (isMap(value)) {
        walk(value, here);
        continue;
      }
      if (value !== null && !isScalar(value) && !isSeq(value)) continue;
      const pos = lineCounter.linePos(pair.key.range[0]);
      const endPos = lineCounter.linePos(pair.key.range[1]);
      const valueEnd = value?.range ? lineCounter.linePos(value.range[1]) : endPos;
      out.push({
        path: here,
        line: pos.line - 1,
        start: pos.col - 1,
        end: endPos.line === pos.line ? endPos.col - 1 : pos.col - 1 + key.length,
        endLine: Math.max(pos.line - 1, valueEnd.line - 1 - (valueEnd.col === 1 ? 1 : 0)),
      });
    }
  };
  walk(doc.contents, []);
  return out;
}

/**
 * Param keys a leaf may have been recorded under, most specific first: the path under the names of the folders
 * holding the file (a Hydra config group `conf/optimizer/adam.yaml` key `lr` is the param `optimizer.lr`); the
 * full dotted path; then shorter and shorter tails of it (`train.lr` in a file, `lr` in MLflow params).
 */
export function candidateKeys(path: readonly string[], dirs: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let d = 1; d <= Math.min(2, dirs.length); d++) out.push([...dirs.slice(dirs.length - d), ...path].join('.'));
  out.push(path.join('.'));
  for (let i = 1; i < path.length; i++) out.push(path.slice(i).join('.'));
  return [...new Set(out)];
}

export interface ParamUse {
  run: Run;
  value: ParamValue;
}

/** Param key → the runs that recorded it; rebuilt once per index change so hovers answer from memory. */
export class ParamKeyIndex {
  private readonly byKey = new Map<string, ParamUse[]>();

  constructor(runs: readonly Run[]) {
    for (const run of runs) {
      for (const [k, value] of Object.entries(run.params)) {
        let uses = this.byKey.get(k);
        if (!uses) this.byKey.set(k, (uses = []));
        uses.push({ run, value });
      }
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  uses(key: string): readonly ParamUse[] {
    return this.byKey.get(key) ?? [];
  }

  /** Every candidate key of a leaf that some run recorded (MLflow `warmup_steps` and W&B `optim.warmup_steps` alike). */
  match(path: readonly string[], dirs: readonly string[] = []): string[] {
    return candidateKeys(path, dirs).filter((k) => this.byKey.has(k));
  }

  /** The uses of any of `keys`, one per run (the first key a run recorded wins). */
  usesOfAny(keys: readonly string[]): ParamUse[] {
    const seen = new Set<Run>();
    const out: ParamUse[] = [];
    for (const k of keys) {
      for (const u of this.uses(k)) {
        if (seen.has(u.run)) continue;
        seen.add(u.run);
        out.push(u);
      }
    }
    return out;
  }
}

export interface ConfigMatch {
  /** Leaves that match params, with the param keys they match (most specific first). */
  leaves: Array<ConfigLeaf & { keys: string[] }>;
  /** Runs that recorded enough of the file's keys to count as runs of this config. */
  runs: Run[];
}

/**
 * Which runs a config file belongs to: a run counts when it recorded at least two of the file's matched keys (or
 * the only one); a file counts as a config when two of its keys match (or its only key). Keeps package.json out.
 */
export function matchConfig(
  leaves: readonly ConfigLeaf[],
  index: ParamKeyIndex,
  dirs: readonly string[] = [],
): ConfigMatch {
  const matched: Array<ConfigLeaf & { keys: string[] }> = [];
  for (const leaf of leaves) {
    const keys = index.match(leaf.path, dirs);
    if (keys.length) matched.push({ ...leaf, keys });
  }
  const need = Math.min(2, leaves.length);
  if (matched.length === 0 || matched.length < need) return { leaves: [], runs: [] };
  const counts = new Map<Run, number>();
  for (const leaf of matched)
    for (const u of index.usesOfAny(leaf.keys)) counts.set(u.run, (counts.get(u.run) ?? 0) + 1);
  const runs = [...counts].filter(([, n]) => n >= Math.min(2, matched.length)).map(([r]) => r);
  return { leaves: runs.length ? matched : [], runs };
}
