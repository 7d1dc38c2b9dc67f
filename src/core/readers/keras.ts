import { delimitedParser, HEAD_BYTES, headerLine, isIgnoredDir, splitRecord } from './delimited';
import { baseName, joinRel as joinPath } from './paths';
import { isLightningDir } from './lightning';
import { plainDraft } from './types';
import type { ReadContext, Reader, RunDraft, Source, TreeView } from './types';
import { isYoloDir, isYoloHeader } from './yolo';

/**
 * Keras `CSVLogger` files: user-named (`training.log`, `history.csv`, …), so detection only nominates `*.csv` and
 * `*.log` files and `read` keeps those whose header starts with `epoch` and has no `step` column (the rule of
 * shared/fixtures/README.md); other files give no run and no diagnostic. One row per epoch (0-based), missing
 * values are `NA`, the separator is configurable. The run is the file. See shared/formats/tabular.md §2.
 */
export const kerasReader: Reader = {
  format: 'keras',
  detect,
  read,
};

const CANDIDATE = /\.(csv|log)$/i;
/** Separators `keras.callbacks.CSVLogger(separator=…)` is given in practice (one character: Python's csv). */
const SEPARATORS = [',', '\t', ';', '|'];

function detect(dir: string, tree: TreeView): Source[] {
  if (isIgnoredDir(dir)) return [];
  const entries = tree.list(dir);
  if (!entries) return [];
  let lightning: boolean | undefined;
  let yolo: boolean | undefined;
  const out: Source[] = [];
  for (const e of entries) {
    if (!e.isFile || !CANDIDATE.test(e.name)) continue;
    // Files other readers own: Lightning's metrics.csv (which has `step`, but also an `epoch` column that may come
    // first) and Ultralytics' results.csv (epoch first, no step).
    if (e.name === 'metrics.csv' && (lightning ??= isLightningDir(dir, tree))) continue;
    if (e.name === 'results.csv' && (yolo ??= isYoloDir(dir, tree))) continue;
    const file = joinPath(dir, e.name);
    out.push({ format: 'keras', dir, path: file, files: [file] });
  }
  return out;
}

async function read(source: Source, ctx: ReadContext): Promise<RunDraft[]> {
  const head = await ctx.readHead(source.path, HEAD_BYTES);
  if (head === undefined) return [];
  const header = headerLine(head, head.length < HEAD_BYTES);
  const separator = header === undefined ? undefined : kerasSeparator(header);
  if (separator === undefined) {
    if (looksLikeCsvLogger(source.path, ctx.tree))
      ctx.problem(source.path, `keras: ${whyNot(baseName(source.path), head)}`, 'warning');
    return [];
  }
  // A YOLO results.csv without its args.yaml is still YOLO's (its reader takes it).
  if (baseName(source.path) === 'results.csv' && isYoloHeader(splitRecord(header!, separator))) return [];
  const parser = delimitedParser({ label: 'keras', delimiter: separator.charCodeAt(0), stepColumn: 'epoch' });
  await ctx.tail(source.path, parser);
  return [plainDraft(source, {})];
}

/**
 * Whether a file that is no CSVLogger log is named like one, so that giving no run deserves a word: a `*.csv` whose
 * name says history or log (`model_history_log.csv`, `history.csv`, `training_log.csv`), or `training.log` (the
 * name in Keras's own documentation) outside a Hydra job folder (Hydra writes `<job name>.log` there). Any other
 * `.csv` or `.log` is data or a text log, and stays silent.
 */
function looksLikeCsvLogger(file: string, tree: TreeView): boolean {
  const name = baseName(file).toLowerCase();
  if (name.endsWith('.csv')) return /history|log/.test(name.slice(0, -4));
  if (name !== 'training.log') return false;
  const dir = file.slice(0, Math.max(0, file.length - name.length - 1));
  return !tree.list(dir)?.some((e) => (e.isDir && e.name === '.hydra') || (e.isFile && e.name === 'hydra.yaml'));
}

function whyNot(name: string, head: string): string {
  if (head.length === 0) return `${name} is empty: no epoch logged yet, or not a CSVLogger file`;
  // NUL bytes or bytes that are not UTF-8 (decoded as U+FFFD): a damaged or binary file.
  if (/[\u0000\ufffd]/.test(head)) return `${name} is not text; not read as a CSVLogger file`;
  return `${name} does not start with an "epoch" column; not read as a CSVLogger file`;
}

/** The separator of a Keras CSVLogger header (`epoch<sep>…`, no `step` column), or undefined for other files. */
export function kerasSeparator(header: string): string | undefined {
  const m = /^"?epoch"?(.)/.exec(header);
  if (!m || !SEPARATORS.includes(m[1]!)) return undefined;
  const sep = m[1]!;
  const cols = splitRecord(header, sep);
  if (cols.length < 2 || cols.includes('step')) return undefined;
  return sep;
}
