import { NO_GIT, type ParamValue } from '../model';
import { delimitedParser, HEAD_BYTES, hasFile, headerLine, isIgnoredDir, joinPath, readYamlParams, splitRecord } from './delimited';
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
  if (isIgnoredDir(dir) || !hasFile(tree, dir, RESULTS)) return [];
  const files = [joinPath(dir, RESULTS)];
  for (const c of CONFIGS) if (hasFile(tree, dir, c)) files.push(joinPath(dir, c));
  return [{ format: 'yolo', dir, path: dir, files }];
}

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const csv = joinPath(source.dir, RESULTS);
  const head = await ctx.readHead(csv, HEAD_BYTES);
  if (head === undefined) return [];
  const header = headerLine(head, head.length < HEAD_BYTES);
  const columns = header === undefined ? undefined : splitRecord(header, ',');
  // Without args.yaml/opt.yaml, only a header that is plainly YOLO's makes a run (results.csv is a common name).
  if (source.files.length === 1 && !(columns && isYoloHeader(columns))) return [];
  if (columns !== undefined && columns[0] !== 'epoch') {
    ctx.problem(csv, 'yolo: results.csv does not start with an "epoch" column; not read as a YOLO log', 'warning');
    return [];
  }
  const params = await readParams(source, ctx);
  await ctx.tail(csv, parser);
  return [
    {
      path: source.path,
      format: 'yolo',
      name: source.path,
      experiment: null,
      // Rows == args.yaml epochs would suggest "finished", but early stopping and `time=` limits end runs sooner:
      // the files do not say (tabular.md §3.4), as the reference expects.
      status: 'unknown',
      startTime: null,
      endTime: null,
      git: { ...NO_GIT },
      params,
      tags: {},
      parentPath: null,
      deleted: false,
    },
  ];
}

async function readParams(source: Source, ctx: ReadContext): Promise<Record<string, ParamValue>> {
  const args = await readYamlParams(ctx, joinPath(source.dir, 'args.yaml'), 'yolo');
  if (args) return args;
  // YOLOv5: opt.yaml (arguments; `hyp` is a path or, in later versions, the mapping) + hyp.yaml (hyper-parameters).
  const params: Record<string, ParamValue> = (await readYamlParams(ctx, joinPath(source.dir, 'opt.yaml'), 'yolo')) ?? {};
  const hyp = await readYamlParams(ctx, joinPath(source.dir, 'hyp.yaml'), 'yolo');
  if (hyp) {
    const nested = Object.keys(params).some((k) => k.startsWith('hyp.'));
    for (const [k, v] of Object.entries(hyp)) if (!nested) params[`hyp.${k}`] = v;
  }
  return params;
}
