// Lines rasterised by hand into an RGBA buffer: 10,000 runs × 12 axes is ~110,000 segments, which a canvas strokes
// with anti-aliasing at ~0.3 ms per run in software (3 s in headless Chromium); one aliased pixel per step, blended
// at a fixed alpha, costs a few ns. The buffer is opaque (the editor's background first), so blending needs no
// division.

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** Any CSS colour as RGB, through a 1×1 canvas (what the browser itself parses). */
export function parseColor(css: string, probe = document.createElement('canvas')): Rgb {
  probe.width = probe.height = 1;
  const ctx = probe.getContext('2d', { willReadFrequently: true })!;
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = '#000';
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return { r: r!, g: g!, b: b! };
}

/** Fills the buffer (ImageData pixels as words) with one opaque colour. */
export function fillRgb(u32: Uint32Array, c: Rgb): void {
  // ImageData is RGBA in memory: little-endian words read ABGR
  u32.fill(((255 << 24) | (c.b << 16) | (c.g << 8) | c.r) >>> 0);
}

/**
 * One segment, a pixel per step along its longer side, blended over the opaque buffer (`u32`: the ImageData's
 * pixels as little-endian words, ABGR) at `alpha` 0 … 256; red and blue blend in one multiply, green in another.
 * Pixels outside the buffer are skipped.
 */
export function line(
  u32: Uint32Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  c: Rgb,
  alpha: number,
): void {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy))));
  const sx = dx / steps;
  const sy = dy / steps;
  let x = x0 + 0.5;
  let y = y0 + 0.5;
  const keep = 256 - alpha;
  const rb = ((c.b << 16) | c.r) * alpha;
  const g = (c.g << 8) * alpha;
  for (let i = 0; i <= steps; i++, x += sx, y += sy) {
    const xi = x | 0;
    const yi = y | 0;
    if (xi < 0 || yi < 0 || xi >= width || yi >= height) continue;
    const o = yi * width + xi;
    const d = u32[o]!;
    // (src·a + dst·(256 − a)) / 256 per channel; the sums stay below 2³², hence >>> not >>
    u32[o] =
      (0xff000000 |
        (((rb + (d & 0xff00ff) * keep) >>> 8) & 0xff00ff) |
        (((g + (d & 0xff00) * keep) >>> 8) & 0xff00)) >>>
      0;
  }
}

/**
 * The selected lines while brushing, kept as per-pixel sums (how many lines cross a pixel and the sums of their
 * colours) rather than blended pixels: a run's line can then be added and taken away exactly, so a brush move
 * touches only the runs that entered or left the selection. `composite` turns the sums into pixels over a base
 * image: k lines of alpha a over it cover 1 − (1 − a)^k of it with their mean colour — what blending them one by one
 * gives when they share a colour, and the same look when they do not, in any order.
 */
export class LineSums {
  /** Per pixel, interleaved: how many lines cross it, then the sums of their r, g, b (one cache line per pixel). */
  private readonly sums: Int32Array;
  /** cover[k] = 1 − (1 − alpha)^k; k past the end is treated as the last (fully covered by then). */
  private readonly cover: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    alpha: number,
  ) {
    this.sums = new Int32Array(width * height * 4);
    this.cover = new Float32Array(1024);
    for (let k = 0; k < this.cover.length; k++) this.cover[k] = 1 - (1 - alpha / 256) ** k;
  }

  /** One segment added (`sign` 1) or taken away (−1), stepped exactly as `line` steps it. */
  segment(x0: number, y0: number, x1: number, y1: number, c: Rgb, sign: 1 | -1): void {
    const { width, height, sums } = this;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy))));
    const sx = dx / steps;
    const sy = dy / steps;
    const cr = c.r * sign;
    const cg = c.g * sign;
    const cb = c.b * sign;
    let x = x0 + 0.5;
    let y = y0 + 0.5;
    for (let i = 0; i <= steps; i++, x += sx, y += sy) {
      const xi = x | 0;
      const yi = y | 0;
      if (xi < 0 || yi < 0 || xi >= width || yi >= height) continue;
      const o = (yi * width + xi) << 2;
      sums[o] += sign;
      sums[o + 1] += cr;
      sums[o + 2] += cg;
      sums[o + 3] += cb;
    }
  }

  /** The picture: `base` (opaque, ABGR words) where no line is, the lines' mean colour over it elsewhere. */
  composite(out: Uint32Array, base: Uint32Array): void {
    const { sums, cover } = this;
    const last = cover.length - 1;
    out.set(base);
    for (let o = 0, o4 = 0; o < out.length; o++, o4 += 4) {
      const k = sums[o4]!;
      if (k === 0) continue;
      const t = cover[k < last ? k : last]!;
      const s = t / k;
      const d = base[o]!;
      const br = d & 0xff;
      const bg = (d >>> 8) & 0xff;
      const bb = (d >>> 16) & 0xff;
      // base·(1 − t) + mean·t per channel
      out[o] =
        0xff000000 |
        ((bb + sums[o4 + 3]! * s - bb * t) << 16) |
        ((bg + sums[o4 + 2]! * s - bg * t) << 8) |
        ((br + sums[o4 + 1]! * s - br * t) | 0);
    }
  }
}
