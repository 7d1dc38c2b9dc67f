import { isPlainObject } from '../flatten';
import type { ParamValue } from '../model';
import {
  delimitedParser,
  hasDir,
  hasFile,
  isIgnoredDir,
  parseYaml,
  readYamlParams,
  type DelimitedState,
} from './delimited';
import { baseName, joinRel as joinPath, parentOf as parentDir } from './paths';
import { plainDraft } from './types';
import type { ReadContext, Reader, RunDraft, Source, TailParser, TreeView } from './types';

/**
 * DVC projects and DVCLive outputs (shared/formats/dvc.md). Two kinds of run, per shared/fixtures/README.md:
 * - a DVCLive folder (named `dvclive`, or holding `metrics.json` and `plots/`): curves from
 *   `plots/metrics/**.tsv`, summary-only keys from `metrics.json`, params from the enclosing project's
 *   `params.yaml` and its own `params.yaml`;
 * - a project (folder holding `dvc.yaml`) with no DVCLive folder: params from `params.yaml`, one step-less point
 *   per numeric leaf of every metrics file `dvc.yaml` declares.
 * `.dvc/` (cache, temporary repo copies of queued experiments) is never searched.
 */
export const dvcReader: Reader = {
  format: 'dvc',
  detect,
  read,
};

const DVC_YAML = 'dvc.yaml';
const PARAMS = 'params.yaml';
const METRICS_JSON = 'metrics.json';

/** Whether `dir` is a DVCLive output folder (≥ 1.0 layout, or 0.x `scalars/` + sibling `<dir>.json`). */
export function isDvcliveDir(dir: string, tree: TreeView): boolean {
  if (isIgnoredDir(dir)) return false;
  const entries = tree.list(dir);
  if (!entries) return false;
  const name = baseName(dir);
  const file = (n: string): boolean => entries.some((e) => e.isFile && e.name === n);
  const sub = (n: string): boolean => entries.some((e) => e.isDir && e.name === n);
  if (name === 'dvclive' && (file(METRICS_JSON) || file(PARAMS) || sub('plots') || sub('scalars'))) return true;
  if (file(METRICS_JSON) && sub('plots')) return true;
  return dir !== '' && sub('scalars') && hasFile(tree, parentDir(dir), `${name}.json`);
}

function detect(dir: string, tree: TreeView): Source[] {
  if (isIgnoredDir(dir) || !tree.list(dir)) return [];
  if (isDvcliveDir(dir, tree)) {
    const files: string[] = [];
    for (const n of [METRICS_JSON, PARAMS]) if (hasFile(tree, dir, n)) files.push(joinPath(dir, n));
    for (const t of tsvFiles(dir, tree)) files.push(t.file);
    const project = enclosingProject(dir, tree);
    if (project !== undefined && hasFile(tree, project, PARAMS)) files.push(joinPath(project, PARAMS));
    return [{ format: 'dvc', dir, path: dir, files }];
  }
  if (!hasFile(tree, dir, DVC_YAML) || insideDvclive(dir, tree)) return [];
  // A project whose experiments log through DVCLive is indexed as its DVCLive folders, not as one more run.
  const root = projectRoot(dir, tree) ?? dir;
  if (tree.dirs().some((d) => d !== root && within(d, root) && isDvcliveDir(d, tree))) return [];
  const files = [joinPath(dir, DVC_YAML)];
  if (hasFile(tree, dir, PARAMS)) files.push(joinPath(dir, PARAMS));
  return [{ format: 'dvc', dir, path: dir, files }];
}

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const params = isDvcliveDir(source.dir, ctx.tree) ? await readDvclive(source, ctx) : await readProject(source, ctx);
  return [plainDraft(source, params)];
}

// ---- DVCLive folder -----------------------------------------------------------------------------------------

async function readDvclive(source: Source, ctx: ReadContext): Promise<Record<string, ParamValue>> {
  const dir = source.dir;
  const params: Record<string, ParamValue> = {};
  const project = enclosingProject(dir, ctx.tree);
  if (project !== undefined) Object.assign(params, await readYamlParams(ctx, joinPath(project, PARAMS), 'dvc'));
  Object.assign(params, await readYamlParams(ctx, joinPath(dir, PARAMS), 'dvc'));

  const curves = new Set<string>();
  for (const t of tsvFiles(dir, ctx.tree)) {
    curves.add(t.name);
    await ctx.tail(t.file, tsvParser(t.name));
  }
  // The summary: keys that have no curve (logged with plot=False, or by a DVCLive without plots) get one point.
  // DVCLive 0.x writes it beside the folder as `<dir>.json`.
  const legacy =
    !hasFile(ctx.tree, dir, METRICS_JSON) && dir !== '' && hasFile(ctx.tree, parentDir(dir), `${baseName(dir)}.json`);
  const summaryFile = legacy ? `${dir}.json` : joinPath(dir, METRICS_JSON);
  const summary = await readStructured(ctx, summaryFile);
  if (isPlainObject(summary)) {
    const step = typeof summary.step === 'number' ? summary.step : NaN;
    const sink = ctx.sink();
    const rest = { ...summary };
    delete rest.step;
    // metrics.json nests by the "/" of metric names (`train/loss` → {"train": {"loss": …}}).
    eachNumericLeaf(rest, [], (path, value) => {
      if (!curves.has(path.join('/'))) sink(path.join('.'), step, value, NaN);
    });
  } else if (summary !== undefined) {
    ctx.problem(summaryFile, `dvc: ${baseName(summaryFile)} is not a JSON object; summary not read`);
  }
  return params;
}

interface TsvFile {
  file: string;
  /** Metric name: the path under `plots/metrics/` (or 0.x `scalars/`) without `.tsv`. */
  name: string;
}

/** Every `*.tsv` under `<dir>/plots/metrics/` and `<dir>/scalars/` (as walked), sorted for a stable order. */
function tsvFiles(dir: string, tree: TreeView): TsvFile[] {
  const out: TsvFile[] = [];
  for (const base of [joinPath(dir, 'plots/metrics'), joinPath(dir, 'scalars')]) {
    const stack = [''];
    while (stack.length > 0) {
      const sub = stack.pop()!;
      const at = sub === '' ? base : `${base}/${sub}`;
      const entries = tree.list(at);
      if (!entries) continue;
      for (const e of entries) {
        const rel = sub === '' ? e.name : `${sub}/${e.name}`;
        if (e.isDir) stack.push(rel);
        else if (e.isFile && e.name.toLowerCase().endsWith('.tsv'))
          out.push({ file: `${base}/${rel}`, name: rel.slice(0, -4) });
      }
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * `step<TAB><basename>` (optionally `timestamp` first, ms): the value column is named after the metric's last
 * path segment. A hand-edited file with other or more value columns keeps them as `<dir>/<column>`.
 */
function tsvParser(name: string): TailParser<DelimitedState> {
  const base = baseName(name);
  return delimitedParser({
    label: 'dvc',
    delimiter: 9,
    stepColumn: 'step',
    timeColumn: 'timestamp',
    keys: (header) => {
      const values = header.filter((h) => h !== 'step' && h !== 'timestamp' && h !== '');
      return header.map((h) => {
        if (h === 'step' || h === 'timestamp' || h === '') return null;
        if (values.length === 1 || h === base || h === name) return name;
        return joinPath(parentDir(name), h);
      });
    },
  });
}

// ---- project without DVCLive --------------------------------------------------------------------------------

async function readProject(source: Source, ctx: ReadContext): Promise<Record<string, ParamValue>> {
  const dir = source.dir;
  const params = (await readYamlParams(ctx, joinPath(dir, PARAMS), 'dvc')) ?? {};
  const yamlFile = joinPath(dir, DVC_YAML);
  const text = await ctx.readText(yamlFile);
  if (text === undefined) return params;
  const spec = parseYaml(ctx, yamlFile, 'dvc', text);
  if (spec === undefined) return params;
  if (!isPlainObject(spec)) {
    if (spec !== null) ctx.problem(yamlFile, 'dvc: dvc.yaml is not a mapping');
    return params;
  }
  const sink = ctx.sink();
  for (const rel of declaredMetrics(spec)) {
    const file = normalise(joinPath(dir, rel));
    if (file === undefined) continue;
    // A declared metrics file is missing until its stage has run: not a problem.
    const value = await readStructured(ctx, file, true);
    if (value === undefined) continue;
    eachNumericLeaf(value, [], (path, v) => sink(path.join('.'), NaN, v, NaN));
  }
  return params;
}

/** Metrics files of a dvc.yaml: top-level `metrics` and every stage's `metrics` (str or {path: options}). */
function declaredMetrics(spec: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      if (typeof item === 'string') out.push(item);
      else if (isPlainObject(item)) out.push(...Object.keys(item));
    }
  };
  add(spec.metrics);
  if (isPlainObject(spec.stages)) {
    for (const stage of Object.values(spec.stages)) {
      if (!isPlainObject(stage)) continue;
      add(stage.metrics);
      // foreach/matrix stages declare theirs under `do`.
      if (isPlainObject(stage.do)) add(stage.do.metrics);
    }
  }
  // Templated paths (`${item}`) are not resolved: DVC would need the vars to do it.
  return [...new Set(out)].filter((p) => !p.includes('${'));
}

// ---- shared ---------------------------------------------------------------------------------------------------

/** Reads a JSON (Python `NaN`/`Infinity` tolerated) or YAML file; TOML is not supported. */
async function readStructured(ctx: ReadContext, file: string, optional = true): Promise<unknown> {
  const text = await ctx.readText(file, { optional });
  if (text === undefined) return undefined;
  const lower = file.toLowerCase();
  if (lower.endsWith('.toml')) {
    ctx.problem(file, 'dvc: TOML metrics files are not supported yet', 'warning');
    return undefined;
  }
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return parseYaml(ctx, file, 'dvc', text);
  try {
    return parsePythonJson(text);
  } catch (err) {
    if (!lower.endsWith('.json')) return parseYaml(ctx, file, 'dvc', text);
    ctx.problem(file, `dvc: invalid JSON in ${baseName(file)}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** Marks the non-finite tokens of Python JSON as strings (a NUL is never in a real key or value). */
const NON_FINITE = '\u0000nonfinite:';
const NON_FINITE_JSON = '\\u0000nonfinite:';

/** JSON as Python's json module writes it: bare NaN, Infinity and -Infinity are allowed. */
export function parsePythonJson(text: string): unknown {
  if (!/NaN|Infinity/.test(text)) return JSON.parse(text);
  const fixed = text.replace(/"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)/g, (m, token: string | undefined) =>
    token ? `"${NON_FINITE_JSON}${token}"` : m,
  );
  return JSON.parse(fixed);
}

/** Calls `fn` for every numeric leaf of mappings (lists and booleans are not metrics, as in DVC). */
function eachNumericLeaf(value: unknown, path: string[], fn: (path: string[], value: number) => void): void {
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) eachNumericLeaf(v, [...path, k], fn);
    return;
  }
  if (path.length === 0) return;
  const n = numericValue(value);
  if (n !== undefined) fn(path, n);
}

function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  // DVCLive writes non-finite values as the strings "nan", "inf", "-inf".
  const s = (v.startsWith(NON_FINITE) ? v.slice(NON_FINITE.length) : v).toLowerCase();
  if (s === 'nan') return NaN;
  if (s === 'inf' || s === 'infinity' || s === '+inf') return Infinity;
  if (s === '-inf' || s === '-infinity') return -Infinity;
  return undefined;
}

/** Nearest folder at or above `dir` holding `.dvc/` (the repository root). */
function projectRoot(dir: string, tree: TreeView): string | undefined {
  for (let p = dir; ; p = parentDir(p)) {
    if (hasDir(tree, p, '.dvc')) return p;
    if (p === '') return undefined;
  }
}

/** The DVC project a DVCLive folder belongs to: the repository root above it, else the nearest dvc.yaml above. */
function enclosingProject(dir: string, tree: TreeView): string | undefined {
  if (dir === '') return undefined;
  const above = parentDir(dir);
  const root = projectRoot(above, tree);
  if (root !== undefined) return root;
  for (let p = above; ; p = parentDir(p)) {
    if (hasFile(tree, p, DVC_YAML)) return p;
    if (p === '') return undefined;
  }
}

function insideDvclive(dir: string, tree: TreeView): boolean {
  for (let p = dir; p !== '';) {
    p = parentDir(p);
    if (isDvcliveDir(p, tree)) return true;
  }
  return false;
}

function within(rel: string, ancestor: string): boolean {
  return ancestor === '' || rel === ancestor || rel.startsWith(ancestor + '/');
}

/** Resolves `.` and `..` in a relative path; undefined when it leaves the indexed folder. */
function normalise(rel: string): string | undefined {
  const out: string[] = [];
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}
