import { parseDocument } from 'yaml';
import { flattenParams, isPlainObject } from '../flatten';
import type { ParamValue } from '../model';
import { resolvePythonTags } from './pythonYaml';
import {
  plainDraft,
  type DirEntry,
  type ReadContext,
  type Reader,
  type RunDraft,
  type Source,
  type TreeView,
} from './types';
import { baseName, joinRel as join, parentOf } from './paths';

/**
 * Hydra job folders: `.hydra/config.yaml` (the composed task config, `OmegaConf.to_yaml`, interpolations left
 * unresolved), `.hydra/overrides.yaml` and `.hydra/hydra.yaml` (facebookresearch/hydra `core/utils.py` `run_job`).
 * Hydra logs no metrics, status, times or git: a job is params only. The indexer folds a job into a run of
 * another format found in the job folder or below it (sacred-hydra.md B7); this reader reads the job itself.
 */
export const hydraReader: Reader = {
  format: 'hydra',
  detect,
  read,
};

const HYDRA_DIR = '.hydra';
const CONFIG = 'config.yaml';
const HYDRA = 'hydra.yaml';
const OVERRIDES = 'overrides.yaml';

function detect(dir: string, tree: TreeView): Source[] {
  if (baseName(dir) === HYDRA_DIR) return [];
  const entries = tree.list(dir);
  if (!entries) return [];
  const meta = join(dir, HYDRA_DIR);
  if (entries.some((e) => e.isDir && e.name === HYDRA_DIR)) {
    const inner = tree.list(meta);
    if (inner && !hasFile(inner, CONFIG)) return [];
    // `.hydra` not walked (excluded): claim it anyway, the files are optional reads.
    const files = [join(meta, CONFIG)];
    if (!inner || hasFile(inner, HYDRA)) files.push(join(meta, HYDRA));
    if (!inner || hasFile(inner, OVERRIDES)) files.push(join(meta, OVERRIDES));
    return [{ format: 'hydra', dir, path: dir, files }];
  }
  // `hydra.output_subdir: ''` puts the three files in the job folder itself (tmasthay/IslandOfMisfitToys).
  // The reference reader does not index those; the three names together are specific enough to claim, and
  // read() confirms by the top-level `hydra:` node of hydra.yaml.
  if (hasFile(entries, CONFIG) && hasFile(entries, HYDRA) && hasFile(entries, OVERRIDES)) {
    return [{ format: 'hydra', dir, path: dir, files: [join(dir, CONFIG), join(dir, HYDRA), join(dir, OVERRIDES)] }];
  }
  return [];
}

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const configFile = source.files[0]!;
  const metaDir = parentOf(configFile);
  const inline = metaDir === source.dir;
  const hydraFile = join(metaDir, HYDRA);
  const overridesFile = join(metaDir, OVERRIDES);

  const tags: Record<string, string> = {};
  const hydraText = source.files.includes(hydraFile) ? await ctx.readText(hydraFile, { optional: !inline }) : undefined;
  const hydraNode = hydraText === undefined ? undefined : parseYaml(hydraText, hydraFile, ctx, inline);
  const hydra = isPlainObject(hydraNode) && isPlainObject(hydraNode.hydra) ? hydraNode.hydra : undefined;
  // Without `.hydra/`, only the hydra node tells a Hydra job from any folder with a config.yaml.
  if (inline && !hydra) return [];
  if (hydra) readHydraNode(hydra, tags);

  const configText = await ctx.readText(configFile, { optional: true });
  if (configText === undefined) {
    // `.hydra/` present but no config.yaml: a custom output_subdir use, not a job folder.
    if (!inline && hydraText === undefined) return [];
    ctx.problem(configFile, 'hydra: config.yaml missing or unreadable', 'warning');
  }
  let params: Record<string, ParamValue> = {};
  if (configText !== undefined) {
    const config = parseYaml(configText, configFile, ctx, false);
    // An empty config is `{}`; an empty file parses to null.
    if (isPlainObject(config)) params = flattenParams(config);
    else if (config !== null && config !== undefined) ctx.problem(configFile, 'hydra: config.yaml is not a mapping');
  }

  if (source.files.includes(overridesFile)) {
    const text = await ctx.readText(overridesFile, { optional: true });
    const list = text === undefined ? undefined : parseYaml(text, overridesFile, ctx, false);
    if (Array.isArray(list)) {
      const overrides = list.filter((o): o is string => typeof o === 'string');
      if (overrides.length > 0) tags['hydra.overrides'] = JSON.stringify(overrides);
    } else if (list !== undefined && list !== null) {
      ctx.problem(overridesFile, 'hydra: overrides.yaml is not a list');
    }
  }

  // The job folder names the job: `outputs/<date>/<time>` or `multirun/<date>/<time>/<num>` (the draft's default).
  return [plainDraft(source, params, { experiment: sweepOf(source.dir, ctx.tree), tags })];
}

/** Job name/num and config group choices from the `hydra:` node, as tags (params are the task config only). */
function readHydraNode(hydra: Record<string, unknown>, tags: Record<string, string>): void {
  const job = isPlainObject(hydra.job) ? hydra.job : {};
  if (typeof job.name === 'string') tags['hydra.job.name'] = job.name;
  // `???` (OmegaConf MISSING) in single runs.
  if (typeof job.num === 'number') tags['hydra.job.num'] = String(job.num);
  const runtime = isPlainObject(hydra.runtime) ? hydra.runtime : {};
  if (typeof runtime.cwd === 'string') tags['hydra.runtime.cwd'] = runtime.cwd;
  if (typeof runtime.version === 'string') tags['hydra.runtime.version'] = runtime.version;
  if (isPlainObject(runtime.choices)) {
    for (const [group, choice] of Object.entries(runtime.choices)) {
      if (typeof choice === 'string') tags[`hydra.runtime.choices.${group}`] = choice;
    }
  }
}

/** The sweep folder (holding `multirun.yaml`) a multirun job belongs to, else null. */
function sweepOf(dir: string, tree: TreeView): string | null {
  if (dir === '') return null;
  const parent = parentOf(dir);
  return tree.list(parent)?.some((e) => e.isFile && e.name === 'multirun.yaml') ? parent : null;
}

/**
 * OmegaConf writes plain YAML; unknown tags (a hand-edited file) are read as their untagged node. Errors are
 * diagnosed and the readable part is kept; `quiet` skips the diagnostic (a file that may not be Hydra's).
 */
function parseYaml(text: string, file: string, ctx: ReadContext, quiet: boolean): unknown {
  try {
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
    if (doc.errors.length > 0) {
      if (!quiet) ctx.problem(file, `hydra: YAML error: ${oneLine(doc.errors[0]!.message)}`);
      return undefined;
    }
    resolvePythonTags(doc);
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    if (!quiet) ctx.problem(file, `hydra: YAML error: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    return undefined;
  }
}

function oneLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl < 0 ? s : s.slice(0, nl);
}

function hasFile(entries: readonly DirEntry[], name: string): boolean {
  return entries.some((e) => e.isFile && e.name === name);
}
