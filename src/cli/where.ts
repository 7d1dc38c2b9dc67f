import { FilterError } from '../core/filter/lexer';
import type { WorkspaceIndex } from '../core/index';
import type { Run } from '../core/model';

/** Help lines for `--where`, kept next to the code that reads it. */
export const WHERE_HELP = `  --where '<expr>'   list/diff: only runs the filter selects, e.g. 'params.lr < 1e-3 and metrics.val_loss.min <= 0.3'
                     (grammar: docs/filters.md)`;

/** A --where expression that does not parse: a usage error, shown with a caret under the column. */
export class WhereError extends Error {
  override name = 'WhereError' as const;
}

/** The runs `--where` selects (every run when the flag is absent); a bad expression throws WhereError. */
export function runsWhere(index: Pick<WorkspaceIndex, 'runs' | 'runsWhere'>, where: string | undefined): Run[] {
  if (where === undefined) return index.runs();
  try {
    return index.runsWhere(where);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    // The expression is echoed, so control characters are shown as spaces: the caret must still line up.
    const shown = where.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
    throw new WhereError(`--where: ${e.message}\n  ${shown}\n  ${' '.repeat(e.column - 1)}^`);
  }
}
