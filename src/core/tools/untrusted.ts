import { mdCell } from '../compare/format';

/**
 * Run files are written by training code and by whoever can write to the workspace: a run name, a param or a tag
 * can say "ignore previous instructions…". Tool results give every such string to the model as a quoted value,
 * never as free text, with the characters that could hide or reorder text removed.
 */

/** C0/C1 controls (tab and newline included: a cell is one line) and bidi overrides/isolates and zero-width marks. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Longest run string shown whole; longer ones are cut with an ellipsis (a 10 kB "name" would fill a context). */
export const MAX_VALUE_CHARS = 200;

/** A run string with hidden characters replaced by spaces, cut to `max` characters. */
export function cleanText(s: string, max = MAX_VALUE_CHARS): string {
  const clean = s.replace(HIDDEN, ' ');
  const chars = [...clean];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : clean;
}

/** A run string as a quoted value, `"like this"`, its own quotes and backslashes escaped as in JSON. */
export function quoted(s: string, max = MAX_VALUE_CHARS): string {
  return JSON.stringify(cleanText(s, max));
}

/** A quoted run string for a table cell ('' for none); mdTable adds Markdown's escaping (no live links, no HTML). */
export function quotedCell(s: string | null | undefined): string {
  return s === null || s === undefined ? '' : quoted(s);
}

/** A quoted run string inside a Markdown line (outside a table). */
export function quotedInline(s: string): string {
  return mdCell(quoted(s));
}

/** A structured result with every string cleaned (JSON keeps them delimited; only the characters need care). */
export function cleanJson(v: unknown): unknown {
  if (typeof v === 'string') return cleanText(v, 4 * MAX_VALUE_CHARS);
  if (Array.isArray(v)) return v.map(cleanJson);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[cleanText(k, 4 * MAX_VALUE_CHARS)] = cleanJson(x);
    return out;
  }
  return v;
}
