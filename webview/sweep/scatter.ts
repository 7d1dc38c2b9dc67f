// The scatter: a param (or another metric) against the chosen metric, one point per run coloured by its group
// (configuration with the seeds left out). A category param spreads its runs a little around its value (jitter
// from the run's index, so the picture is the same on every draw). Brushed runs stay bright, the others fade.
import { axisTicks, position } from '../../src/core/sweep/axes';
import type { SweepAxis } from '../../src/protocol';
import { h } from '../dom';
import { GROUP_COLORS, mutedColor } from './colors';

const HEIGHT = 340;
const PAD = { top: 12, bottom: 36, left: 64, right: 20 };

export class ScatterView {
  readonly canvas = h('canvas', { class: 'scatter-canvas', 'aria-label': 'Scatter' });

  /** Draws `x` against `y`; `group[i]` colours run i; `mask` (when some runs are brushed) keeps the brushed bright. */
  draw(x: SweepAxis, y: SweepAxis, group: ArrayLike<number>, mask: Uint8Array | undefined): number {
    const width = Math.max(320, this.canvas.parentElement?.clientWidth ?? 600);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(HEIGHT * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const w = width - PAD.left - PAD.right;
    const ht = HEIGHT - PAD.top - PAD.bottom;
    const px = (p: number): number => PAD.left + p * w;
    const py = (p: number): number => PAD.top + (1 - p) * ht;
    const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#cccccc';
    const muted = mutedColor();
    ctx.strokeStyle = muted;
    ctx.strokeRect(PAD.left + 0.5, PAD.top + 0.5, w, ht);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const xt = axisTicks(x);
    const every = Math.max(1, Math.ceil(xt.length / 10));
    xt.forEach((t, i) => i % every || ctx.fillText(clip(t.label), px(t.position), HEIGHT - PAD.bottom + 4));
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of axisTicks(y)) ctx.fillText(clip(t.label), PAD.left - 5, py(t.position));
    let drawn = 0;
    // faded first, brushed on top; one fillStyle per group
    for (const pass of mask ? [0, 1] : [1]) {
      ctx.globalAlpha = pass ? 0.85 : 0.15;
      for (let g = 0; g < GROUP_COLORS.length; g++) {
        ctx.fillStyle = pass ? GROUP_COLORS[g]! : fg;
        for (let i = 0; i < x.values.length; i++) {
          if (group[i]! % GROUP_COLORS.length !== g || (mask && mask[i] !== pass)) continue;
          const xv = x.values[i];
          const yv = y.values[i];
          if (xv === null || xv === undefined || yv === null || yv === undefined) continue;
          let p = position(x, xv);
          const q = position(y, yv);
          if (Number.isNaN(p) || Number.isNaN(q)) continue;
          if (x.scale === 'category') p += jitter(i) / Math.max(2, x.categories.length * 3);
          ctx.fillRect(px(p) - 2, py(q) - 2, 4, 4);
          if (pass) drawn++;
        }
      }
    }
    ctx.globalAlpha = 1;
    this.canvas.dataset['points'] = String(drawn);
    return drawn;
  }
}

function clip(s: string): string {
  return s.length > 14 ? `${s.slice(0, 13)}…` : s;
}

/** −0.5 … 0.5, fixed per run index. */
function jitter(i: number): number {
  const s = Math.sin(i * 12.9898) * 43758.5453;
  return s - Math.floor(s) - 0.5;
}
