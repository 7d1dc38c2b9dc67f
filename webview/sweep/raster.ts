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

/** Fills the buffer with one opaque colour. */
export function fillRgb(px: Uint8ClampedArray, c: Rgb): void {
  const u32 = new Uint32Array(px.buffer, px.byteOffset, px.byteLength >> 2);
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
