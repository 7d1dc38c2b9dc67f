import type { RunStatus } from '../../model';
import {
  adoptModelDiff,
  gitFromTags,
  MODEL_GIT_TAGS,
  nonEmpty,
  PARENT_RUN_TAG,
  runName,
  statusOrUnknown,
} from './mlflowCommon';
import { metricFileParser } from './mlflowMetrics';
import { metaInt, metaString, parseMeta, type MetaMap } from './mlflowYaml';
import type { DirEntry, ReadContext, Reader, RunDraft, Source, TreeView } from '../types';
import { baseName } from '../paths';

/**
 * MLflow FileStore (`mlruns/` or any tracking folder): one source per run folder `<root>/<exp>/<run>`, also for
 * deleted experiments under `<root>/.trash/<exp>/<run>`. Layout and rules: mlflow/store/tracking/file_store.py.
 */
export const mlflowFilesReader: Reader = {
  format: 'mlflow',
  detect(dir: string, tree: TreeView): Source[] {
    if (dir === '') return [];
    const entries = tree.list(dir);
    if (!entries || !hasFile(entries, META)) return [];
    if (RESERVED_IN_EXPERIMENT.has(baseName(dir))) return [];
    const expDir = parentDir(dir);
    const expEntries = tree.list(expDir);
    if (!expEntries || !hasFile(expEntries, META)) return [];
    const expName = baseName(expDir);
    if (expDir === '' || expName === TRASH || RESERVED_IN_EXPERIMENT.has(expName)) return [];
    // `<root>/models/<name>/version-N/meta.yaml` is the model registry, not an experiment (ids are integers).
    if (baseName(parentDir(expDir)) === 'models' && !/^\d+$/.test(expName)) return [];
    const files = [`${dir}/${META}`, `${expDir}/${META}`];
    for (const sub of RUN_RESOURCE_DIRS) {
      for (const key of listKeys(tree, `${dir}/${sub}`)) files.push(`${dir}/${sub}/${key}`);
    }
    return [{ format: 'mlflow', dir, path: dir, files }];
  },
  read: readRun,
};

const META = 'meta.yaml';
const TRASH = '.trash';
/** Folders inside an experiment that are not runs (MLflow's RESERVED_EXPERIMENT_FOLDERS). */
const RESERVED_IN_EXPERIMENT = new Set(['tags', 'datasets', 'traces', 'models']);
const RUN_RESOURCE_DIRS = ['metrics', 'params', 'tags'] as const;
/** Keys with '/' are nested folders; MLflow walks them with os.walk. This bounds pathological nesting. */
const MAX_KEY_DEPTH = 32;

async function readRun(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const dir = source.dir;
  const expDir = parentDir(dir);
  const expId = baseName(expDir);
  const inTrash = baseName(parentDir(expDir)) === TRASH;

  const exp = await readMeta(ctx, `${expDir}/${META}`);
  let experiment: string | null = expId;
  let expDeleted = false;
  if (exp.kind === 'ok') {
    const m = exp.meta;
    // Not an experiment's meta.yaml (a registered model, a run's own folder…): not a run of this store.
    if (!('experiment_id' in m) && !('artifact_location' in m)) return [];
    const recorded = metaString(m, 'experiment_id');
    if (recorded !== undefined && recorded !== expId) {
      ctx.problem(
        `${expDir}/${META}`,
        `mlflow: experiment_id '${recorded}' does not match its folder '${expId}'; MLflow ignores this experiment`,
        'warning',
      );
      return [];
    }
    experiment = nonEmpty(metaString(m, 'name')) ?? expId;
    expDeleted = metaString(m, 'lifecycle_stage') === 'deleted';
  }

  const runMetaPath = `${dir}/${META}`;
  const run = await readMeta(ctx, runMetaPath);
  if (run.kind === 'invalid' || run.kind === 'missing') return [];
  const m: MetaMap = run.kind === 'ok' ? run.meta : {};
  if (run.kind === 'ok') {
    const recorded = metaString(m, 'experiment_id');
    if (recorded !== undefined && recorded !== expId) {
      ctx.problem(
        runMetaPath,
        `mlflow: run experiment_id '${recorded}' does not match its experiment folder '${expId}'; MLflow ignores this run`,
        'warning',
      );
      return [];
    }
  }
  const id = nonEmpty(metaString(m, 'run_id')) ?? nonEmpty(metaString(m, 'run_uuid')) ?? baseName(dir);

  const [params, tags] = await Promise.all([readKeyValues(ctx, `${dir}/params`), readKeyValues(ctx, `${dir}/tags`)]);
  await readModelDiff(ctx, dir, expDir, tags);
  await readMetrics(ctx, source, `${dir}/metrics`);

  const status: RunStatus =
    run.kind === 'ok'
      ? statusOrUnknown(m['status'], (v) => ctx.problem(runMetaPath, `mlflow: unknown run status ${v}`, 'warning'))
      : 'unknown';

  return [
    {
      path: source.path,
      format: 'mlflow',
      name: runName(id, metaString(m, 'run_name'), tags, metaString(m, 'name')),
      experiment,
      status,
      startTime: metaInt(m, 'start_time'),
      endTime: metaInt(m, 'end_time'),
      git: gitFromTags(tags, metaString(m, 'source_version')),
      params,
      tags,
      parentPath: findParent(ctx, dir, tags[PARENT_RUN_TAG], runMetaPath),
      deleted: inTrash || expDeleted || metaString(m, 'lifecycle_stage') === 'deleted',
    },
  ];
}

/** MLflow 3's diff on the LoggedModel a run names among its inputs (`<run>/inputs/<id>/meta.yaml`); see adoptModelDiff. */
async function readModelDiff(
  ctx: ReadContext,
  dir: string,
  expDir: string,
  tags: Record<string, string>,
): Promise<void> {
  if (tags[MODEL_GIT_TAGS[0]] !== undefined) return;
  const inputs = ctx.tree.list(`${dir}/inputs`);
  if (!inputs) return;
  for (const e of inputs) {
    if (!e.isDir) continue;
    const text = await ctx.readText(`${dir}/inputs/${e.name}/${META}`, { optional: true });
    const link = text === undefined ? undefined : parseMeta(text);
    if (link?.kind !== 'ok' || metaString(link.meta, 'source_type') !== 'MODEL') continue;
    const modelId = metaString(link.meta, 'source_id');
    if (!modelId || !/^[\w.-]+$/.test(modelId)) continue;
    const base = `${expDir}/models/${modelId}/tags`;
    if (!ctx.tree.list(base)?.some((t) => t.isFile && t.name === MODEL_GIT_TAGS[0])) continue;
    const values = await Promise.all(MODEL_GIT_TAGS.map((k) => ctx.readText(`${base}/${k}`, { optional: true })));
    if (adoptModelDiff(tags, Object.fromEntries(MODEL_GIT_TAGS.map((k, i) => [k, values[i]])))) return;
  }
}

type ReadMetaResult = ReturnType<typeof parseMeta> | { kind: 'missing' };

/**
 * Reads a meta.yaml. MLflow rewrites it in place, so an empty or unparsable file may be a write in progress:
 * read once more (MLflow's own reader retries too). An empty file is reported but the run is still indexed
 * (its metrics stay visible); invalid YAML or a non-mapping is reported and the caller skips it.
 */
async function readMeta(ctx: ReadContext, rel: string): Promise<ReadMetaResult> {
  let result: ReadMetaResult = { kind: 'missing' };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt > 0) await delay(20);
    const text = await ctx.readText(rel);
    if (text === undefined) return { kind: 'missing' };
    result = parseMeta(text);
    if (result.kind === 'ok') return result;
  }
  if (result.kind === 'empty') ctx.problem(rel, 'mlflow: meta.yaml is empty (being rewritten?)', 'warning');
  else if (result.kind === 'invalid')
    ctx.problem(rel, `mlflow: meta.yaml is not a valid YAML mapping: ${result.message}`);
  return result;
}

/** Params or tags: one file per key (nested folders for '/' in keys), value = file content as written. */
async function readKeyValues(ctx: ReadContext, base: string): Promise<Record<string, string>> {
  const keys = listKeys(ctx.tree, base);
  const values = await Promise.all(keys.map((k) => ctx.readText(`${base}/${k}`)));
  const out: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) {
    const v = values[i];
    if (v !== undefined) out[keys[i]!] = v;
  }
  return out;
}

async function readMetrics(ctx: ReadContext, source: Source, base: string): Promise<void> {
  const entries = listKeyEntries(ctx.tree, base);
  for (const [key, entry] of entries) {
    const rel = `${base}/${key}`;
    // MLflow raises "Metric '…' is malformed. No data found." for an empty file.
    if (entry.size === 0) ctx.problem(rel, `mlflow: metric file '${key}' is empty`, 'warning');
    await ctx.tail(rel, metricFileParser(key), source.path);
  }
}

/**
 * The contract path of the parent run: MLflow nests runs through tag `mlflow.parentRunId` (a run id). The parent
 * is usually in the same experiment; otherwise any experiment of the same store, live or in `.trash`.
 */
function findParent(ctx: ReadContext, dir: string, parentId: string | undefined, metaPath: string): string | null {
  const pid = parentId?.trim();
  if (!pid) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(pid)) {
    ctx.problem(
      metaPath,
      `mlflow: tag ${PARENT_RUN_TAG} is not a run id: ${JSON.stringify(pid.slice(0, 80))}`,
      'warning',
    );
    return null;
  }
  const tree = ctx.tree;
  const expDir = parentDir(dir);
  const isRun = (d: string): boolean => !!tree.list(d)?.some((e) => e.isFile && e.name === META);
  if (isRun(`${expDir}/${pid}`)) return `${expDir}/${pid}`;
  let root = parentDir(expDir);
  if (baseName(root) === TRASH) root = parentDir(root);
  const bases = [root, root === '' ? TRASH : `${root}/${TRASH}`];
  for (const b of bases) {
    for (const e of tree.list(b) ?? []) {
      if (!e.isDir) continue;
      const cand = b === '' ? `${e.name}/${pid}` : `${b}/${e.name}/${pid}`;
      if (isRun(cand)) return cand;
    }
  }
  ctx.problem(
    metaPath,
    `mlflow: parent run ${pid} (tag ${PARENT_RUN_TAG}) is not in this store; shown as a top-level run`,
    'warning',
  );
  return null;
}

/** Keys under a params/tags/metrics folder: file paths relative to it, '/' separators, sorted. */
function listKeys(tree: TreeView, base: string): string[] {
  return listKeyEntries(tree, base).map(([k]) => k);
}

function listKeyEntries(tree: TreeView, base: string): Array<[string, DirEntry]> {
  const out: Array<[string, DirEntry]> = [];
  const walk = (rel: string, prefix: string, depth: number): void => {
    const entries = tree.list(rel);
    if (!entries) return;
    for (const e of entries) {
      const key = prefix === '' ? e.name : `${prefix}/${e.name}`;
      if (e.isFile) out.push([key, e]);
      else if (e.isDir && depth < MAX_KEY_DEPTH) walk(`${rel}/${e.name}`, key, depth + 1);
    }
  };
  walk(base, '', 0);
  return out;
}

function hasFile(entries: readonly DirEntry[], name: string): boolean {
  for (const e of entries) if (e.isFile && e.name === name) return true;
  return false;
}

function parentDir(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
