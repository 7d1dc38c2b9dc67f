// The uncommitted changes a run recorded, as `git diff` text, and their place in the comment: a fenced diff block.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { plainText } from '../compare/format';
import type { Run } from '../model';

/** Bytes of a recorded patch read at most: the comment shows a few dozen lines of it. */
const MAX_PATCH_BYTES = 256 * 1024;

/**
 * A run's recorded uncommitted changes: MLflow's `mlflow.source.git.diff` tag (MLflow 3, adopted from its
 * LoggedModel by the reader) or W&B's `files/diff.patch`. Null when the run recorded none (Sacred's and Guild's source
 * copies are files, not a patch: Compare Code shows those).
 */
export function recordedPatch(run: Run, runDir: string | undefined, files: readonly string[] = []): string | null {
  const tag = run.tags['mlflow.source.git.diff'];
  if (tag) return tag;
  if (run.format !== 'wandb' || !runDir) return null;
  const file = files.find((f) => path.basename(f) === 'diff.patch') ?? path.join(runDir, 'files', 'diff.patch');
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(fs.fstatSync(fd).size, MAX_PATCH_BYTES));
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString('utf8') || null;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // gone or unreadable since the index pass: the run stays listed as dirty, without its text
    return null;
  }
}

/**
 * Untrusted patch text as a fenced ```diff block: inside a code block GFM renders no HTML, no links and no
 * emphasis, so the text needs no escaping beyond what could end the block early — the fence is longer than any run
 * of backticks in the text — and the control characters (bidi overrides included) are dropped. At most `maxLines`
 * lines, then "… N more lines".
 */
export function diffBlock(text: string, maxLines: number): string {
  const all = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  const lines = all.slice(0, maxLines).map((l) => plainText(l.replace(/\t/g, '    ')));
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const more = all.length - lines.length;
  return [
    fence + 'diff',
    ...lines,
    fence,
    ...(more > 0 ? ['', `_… ${more} more line${more === 1 ? '' : 's'}_`] : []),
  ].join('\n');
}
