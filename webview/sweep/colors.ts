// Colours of the sweep page: a metric's value on a sequential ramp (viridis, readable on dark and light themes and by
// most colour-blind readers), groups on a categorical palette.

/** Viridis at 16 stops, low → high. Lines are batched by stop: one canvas path per colour. */
export const RAMP = [
  '#440154',
  '#481a6c',
  '#472f7d',
  '#414487',
  '#39568c',
  '#31688e',
  '#2a788e',
  '#23888e',
  '#1f988b',
  '#22a884',
  '#35b779',
  '#54c568',
  '#7ad151',
  '#a5db36',
  '#d2e21b',
  '#fde725',
];

/** Ten categorical colours (Tableau 10), for groups; more groups reuse them. */
export const GROUP_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** The ramp stop of a position 0 … 1; RAMP.length for a missing value (drawn grey). */
export function rampIndex(p: number): number {
  if (!(p >= 0 && p <= 1)) return RAMP.length;
  return Math.min(RAMP.length - 1, Math.floor(p * RAMP.length));
}

/** The theme's muted foreground, for unselected lines and missing values. */
export function mutedColor(): string {
  const s = getComputedStyle(document.body);
  return s.getPropertyValue('--vscode-descriptionForeground').trim() || '#888888';
}
