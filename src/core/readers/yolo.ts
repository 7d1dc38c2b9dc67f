import type { ParamValue } from '../model';
import { delimitedParser, hasFile, isIgnoredDir, readHeaderColumns, readYamlParams } from './delimited';
import { joinRel as joinPath } from './paths';
import { plainDraft } from './types';
import type { ReadContext, Reader, RunDraft, Source, TreeView } from './types';

/**
 * Ultralytics YOLO training folders: `results.csv` (one row per epoch, appended) + `args.yaml` (every training
 * argument). YOLOv5 keeps `opt.yaml` + `hyp.yaml` instead. Old writers pad header and cells to 23 characters:
 * every name and cell is trimmed. x = `epoch`; `time` (seconds since training start) is a metric like the others.
 * See shared/formats/tabular.md §3.
 */
export const yoloReader: Reader = {
  format: 'yolo',
  detect,
  read,
};

const RESULTS = 'results.csv';
const CONFIGS = ['args.yaml', 'opt.yaml', 'hyp.yaml'] as const;

const parser = delimitedParser({ label: 'yolo', delimiter: 44, stepColumn: 'epoch', reportText: true });

/** A YOLO run folder: `results.csv` beside the trainer's config. Used by the Keras reader to leave it alone. */
export function isYoloDir(dir: string, tree: TreeView): boolean {
  if (isIgnoredDir(dir) || !hasFile(tree, dir, RESULTS)) return false;
  return CONFIGS.some((c) => hasFile(tree, dir, c));
}

/**
 * A header Ultralytics/YOLOv5 wrote: `epoch` first, then `train/…`, `val/…`, `metrics/…`, `lr/…` or `x/…` keys.
 * Decides a `results.csv` found without its config (the Keras reader leaves such files to this one).
 */
export function isYoloHeader(columns: readonly string[]): boolean {
  return columns[0] === 'epoch' && columns.some((c) => /^(train|val|metrics|lr|x)\//.test(c));
}

function detect(dir: string, tree: TreeView): Source[] {
  if (isIgnoredDir(dir)) return [];
  const configs = CONFIGS.filter((c) => hasFile(tree, dir, c)).map((c) => joinPath(dir, c));
  if (hasFile(tree, dir, RESULTS))
    return [{ format: 'yolo', dir, path: dir, files: [joinPath(dir, RESULTS), ...configs] }];
  // YOLOv5 before results.csv (2020–21): a headerless, space-aligned results.txt beside opt.yaml.
  if (hasFile(tree, dir, RESULTS_TXT) && configs.length > 0)
    return [{ format: 'yolo', dir, path: dir, files: [joinPath(dir, RESULTS_TXT), ...configs] }];
  return [];
}

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  if (!hasFile(ctx.tree, source.dir, RESULTS)) return readResultsTxt(source, ctx);
  const csv = joinPath(source.dir, RESULTS);
  const head = await readHeaderColumns(ctx, csv);
  if (head === undefined) return [];
  const { columns } = head;
  // Without args.yaml/opt.yaml, only a header that is plainly YOLO's makes a run (results.csv is a common name).
  const hasConfig = CONFIGS.some((c) => hasFile(ctx.tree, source.dir, c));
  if (!hasConfig && !(columns && isYoloHeader(columns))) return [];
  if (columns !== undefined && columns[0] !== 'epoch') {
    ctx.problem(csv, 'yolo: results.csv does not start with an "epoch" column; not read as a YOLO log', 'warning');
    return [];
  }
  const params = await readParams(source, ctx);
  await ctx.tail(csv, parser);
  return [draft(source, params)];
}

// Rows == args.yaml epochs would suggest "finished", but early stopping and `time=` limits end runs sooner:
// the files do not say (tabular.md §3.4), as the reference expects — so the plain draft's 'unknown' status.
function draft(source: Source, params: Record<string, ParamValue>): RunDraft {
  return plainDraft(source, params);
}

/**
 * YOLOv5 `results.txt` (train.py until mid-2021): per epoch `'%10s' * 2 + '%10.4g' * 6` (epoch as `i/last`, GPU
 * memory like `1.86G`, box/obj/cls/total loss, targets, img size) then `'%10.4g' * 7` (P, R, mAP@.5, mAP@.5:.95,
 * val box/obj/cls loss). Keys are the names the same train.py gives these values in TensorBoard.
 */
const RESULTS_TXT = 'results.txt';
const TXT_KEYS: readonly (string | null)[] = [
  null,
  null,
  'train/box_loss',
  'train/obj_loss',
  'train/cls_loss',
  'train/total_loss',
  null,
  null,
  'metrics/precision',
  'metrics/recall',
  'metrics/mAP_0.5',
  'metrics/mAP_0.5:0.95',
  'val/box_loss',
  'val/obj_loss',
  'val/cls_loss',
];

async function readResultsTxt(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const file = joinPath(source.dir, RESULTS_TXT);
  const text = await ctx.readText(file);
  if (text === undefined) return [];
  const sink = ctx.sink();
  const lines = text.split('\n');
  // The last line may be half-written; a complete file ends with a newline.
  if (!text.endsWith('\n')) lines.pop();
  let bad = 0;
  lines.forEach((line, i) => {
    const cells = line.trim().split(/\s+/);
    if (cells.length === 1 && cells[0] === '') return;
    const epoch = /^(\d+)\/\d+$/.exec(cells[0] ?? '');
    if (!epoch || cells.length !== TXT_KEYS.length) {
      if (bad++ === 0)
        ctx.problem(file, `yolo: line ${i + 1} of results.txt is not a YOLOv5 results row (${cells.length} fields)`);
      return;
    }
    const step = Number(epoch[1]);
    TXT_KEYS.forEach((key, c) => {
      if (key === null) return;
      const v = Number(cells[c]);
      if (!Number.isNaN(v) || /^nan$/i.test(cells[c]!)) sink(key, step, v, NaN);
    });
  });
  return [draft(source, await readParams(source, ctx))];
}

async function readParams(source: Source, ctx: ReadContext): Promise<Record<string, ParamValue>> {
  const args = await readYamlParams(ctx, joinPath(source.dir, 'args.yaml'), 'yolo');
  if (args) return args;
  // YOLOv5: opt.yaml (arguments; `hyp` is a path or, in later versions, the mapping) + hyp.yaml (hyper-parameters).
  const params: Record<string, ParamValue> =
    (await readYamlParams(ctx, joinPath(source.dir, 'opt.yaml'), 'yolo')) ?? {};
  const hyp = await readYamlParams(ctx, joinPath(source.dir, 'hyp.yaml'), 'yolo');
  if (hyp) {
    const nested = Object.keys(params).some((k) => k.startsWith('hyp.'));
    for (const [k, v] of Object.entries(hyp)) if (!nested) params[`hyp.${k}`] = v;
  }
  return params;
}
