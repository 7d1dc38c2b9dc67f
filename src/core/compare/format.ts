import type { ParamValue } from '../model';

/** A number for people: up to 6 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(4).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(6)));
}

/** One value of a SQL result as a table cell: NULL, numbers as formatNumber writes them, blobs by their size. */
export function sqlValueText(v: string | number | Uint8Array | null, text: (s: string) => string = String): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return formatNumber(v);
  return v instanceof Uint8Array ? `<${v.length} bytes>` : text(v);
}

/** A signed delta, e.g. "+0.0123" or "−1.5". */
export function formatDelta(v: number | undefined): string {
  if (v === undefined) return '';
  if (v === 0) return '0';
  return (v > 0 ? '+' : '−') + formatNumber(Math.abs(v));
}

export function formatPct(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v) < 10 ? Math.abs(v).toFixed(2) : Math.abs(v).toFixed(1)}%`;
}

/** A param value as text; `undefined` (missing) is shown distinctly from an empty string. */
export function formatParam(v: ParamValue | undefined, missing = '—'): string {
  if (v === undefined) return missing;
  if (v === null) return 'null';
  if (v === '') return '""';
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/** Milliseconds as "1h 02m", "3m 05s", "12.3s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * C0 controls but tab and newline, DEL, C1 controls (ESC starts terminal escape sequences, 0x9B is a one-byte CSI)
 * and the bidirectional overrides that reorder what is shown (Trojan Source): never passed on from a run's text.
 */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Untrusted text for a terminal or any plain-text output: control characters dropped, newlines and tabs kept. */
export function plainText(s: string): string {
  return s.replace(CONTROLS, '');
}

/**
 * JSON text for a terminal: the same characters as plainText drops, written as `\uXXXX` escapes instead — valid
 * JSON that parses back to the exact value (JSON.stringify escapes C0 controls, not C1 or bidi overrides).
 */
export function escapedControls(s: string): string {
  return s.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Untrusted text for one line (a table cell): control characters dropped, line breaks and tabs made spaces. */
export function lineText(s: string): string {
  return plainText(s.replace(/[\r\n\t]+/g, ' '));
}

/** Plain-text table with aligned columns (for the terminal); cells are made one line each (see lineText). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = lineText;
  const all = [header, ...rows].map((r) => r.map(clean));
  const widths = header.map((_, i) => Math.min(60, Math.max(...all.map((r) => [...(r[i] ?? '')].length))));
  const fit = (s: string, w: number): string => {
    const chars = [...s];
    return chars.length > w ? chars.slice(0, w - 1).join('') + '…' : s + ' '.repeat(w - chars.length);
  };
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => fit(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/**
 * A Markdown table cell from untrusted text: one line, no control characters (nor bidi overrides); pipes,
 * backslashes and backticks escaped; `<` and `>` as entities (no HTML, no `<scheme:…>` autolink); brackets escaped,
 * so no `[text](command:…)` link or `![](…)` image can form; a zero-width space breaks GFM's
 * bare-URL and e-mail autolinks, so no cell is a live link.
 */
export function mdCell(s: string): string {
  return lineText(s)
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[|`[\]]/g, '\\$&')
    .replace(/:\/\//g, ':\u200b//')
    .replace(/\bwww\./gi, 'www\u200b.')
    .replace(/@/g, '\u200b@');
}

export function mdTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(mdCell)).join(' | ')} |`).join('\n');
}
