import { FilterError } from '../core/filter/lexer';
import { parseFilter } from '../core/filter/parser';
import type { WorkspaceIndex } from '../core/index';

/**
 * The tree's filter box: text that parses as a filter expression (docs/filters.md) selects runs through the index;
 * any other text keeps the old meaning, a case-insensitive substring of a run's name, path, params or metric names
 * (so `sweep` or `lr=0.01` still work). Returns the ids an expression selects, or undefined for substring text.
 */
export function expressionMatches(index: Pick<WorkspaceIndex, 'runIdsWhere'>, text: string): Set<string> | undefined {
  if (!text.trim()) return undefined;
  try {
    return new Set(index.runIdsWhere(text));
  } catch (e) {
    if (e instanceof FilterError) return undefined;
    throw e;
  }
}

/**
 * The input box's hint while typing: nothing for an expression; for text that looks like one but does not parse
 * (an operator, or a params./metrics./tags. prefix) the parse error, as a warning that it will match as plain text.
 */
export function filterHint(text: string): string | undefined {
  try {
    parseFilter(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    const looksLikeExpression = /[<>=~]|^\s*(params|metrics|tags)\.|\b(and|or|exists)\b/i.test(text);
    return looksLikeExpression ? `Not a filter expression (${e.message}): matching it as text` : undefined;
  }
}
