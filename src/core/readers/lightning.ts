import { delimitedParser, hasFile, isIgnoredDir, readHeaderColumns, readYamlParams } from './delimited';
import { baseName, joinRel as joinPath } from './paths';
import { plainDraft } from './types';
import type { ReadContext, Reader, RunDraft, Source, TreeView } from './types';

/**
 * PyTorch Lightning `CSVLogger`: `<save_dir>/<name>/<version>/metrics.csv` (+ `hparams.yaml`). One version folder
 * is one run. Rows are sparse (a training row, a validation row, an epoch row per `log_metrics` call); x = `step`,
 * `epoch` is the alternative x axis, not a metric. See shared/formats/tabular.md §1.
 */
export const lightningReader: Reader = {
  format: 'lightning',
  detect,
  read,
};

const METRICS = 'metrics.csv';
const HPARAMS = 'hparams.yaml';

const parser = delimitedParser({
  label: 'lightning',
  delimiter: 44,
  stepColumn: 'step',
  exclude: ['epoch'],
  reportText: true,
});

/**
 * A Lightning CSVLogger folder: `metrics.csv` in a `version_*` folder or beside `hparams.yaml` (a folder with only
 * `hparams.yaml` is a trial killed before it logged, not a run). Used by the Keras reader to leave these files alone.
 */
export function isLightningDir(dir: string, tree: TreeView): boolean {
  if (isIgnoredDir(dir) || !hasFile(tree, dir, METRICS)) return false;
  return baseName(dir).startsWith('version_') || hasFile(tree, dir, HPARAMS);
}

function detect(dir: string, tree: TreeView): Source[] {
  if (!isLightningDir(dir, tree)) return [];
  const files = [joinPath(dir, METRICS)];
  if (hasFile(tree, dir, HPARAMS)) files.push(joinPath(dir, HPARAMS));
  return [{ format: 'lightning', dir, path: dir, files }];
}

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const csv = joinPath(source.dir, METRICS);
  const head = await readHeaderColumns(ctx, csv);
  if (head === undefined) return [];
  // Another tool's metrics.csv: Lightning always writes a `step` column (tabular.md §5.8).
  if (head.columns !== undefined && !head.columns.includes('step')) {
    ctx.problem(csv, 'lightning: metrics.csv has no "step" column; not read as a Lightning log', 'warning');
    return [];
  }
  const params = (await readYamlParams(ctx, joinPath(source.dir, HPARAMS), 'lightning')) ?? {};
  await ctx.tail(csv, parser);
  return [plainDraft(source, params)];
}
