import { formatNumber } from '../compare/format';
import type { MetricChart } from './review';

const W = 640;
const H = 320;
const M = { l: 64, r: 16, t: 36, b: 40 };

/** Text for SVG: XML-escaped, control characters dropped (metric names come from run files). */
function xml(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A standalone SVG line chart of one metric: baseline grey, head blue (a CI artifact; no script, no links). */
export function chartToSvg(c: MetricChart, baseLabel: string, headLabel: string): string {
  const ys = [...c.base.values, ...c.head.values].filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = ys.length ? Math.min(...ys) : 0;
  const hi = ys.length ? Math.max(...ys) : 1;
  const span = hi > lo ? hi - lo : Math.abs(hi) || 1;
  const x0 = c.base.steps[0] ?? 0;
  const x1 = c.base.steps[c.base.steps.length - 1] ?? 1;
  const px = (x: number): number => M.l + ((x - x0) / (x1 - x0 || 1)) * (W - M.l - M.r);
  const py = (y: number): number => H - M.b - ((y - (lo - span * 0.05)) / (span * 1.1)) * (H - M.t - M.b);
  const path = (steps: readonly number[], values: ReadonlyArray<number | null>): string => {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${px(steps[i]!).toFixed(1)},${py(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const ticks = [lo, (lo + hi) / 2, hi];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.l}" y="20" font-size="14" font-weight="bold">${xml(`${c.metric} · ${c.group}`)}</text>`,
    `<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="#444"/>`,
    `<line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="#444"/>`,
    ...ticks.map(
      (t) =>
        `<text x="${M.l - 6}" y="${py(t).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${xml(formatNumber(t))}</text>`,
    ),
    `<text x="${M.l}" y="${H - M.b + 16}">${xml(formatNumber(x0))}</text>`,
    `<text x="${W - M.r}" y="${H - M.b + 16}" text-anchor="end">${xml(formatNumber(x1))}</text>`,
    `<text x="${(W + M.l) / 2}" y="${H - 8}" text-anchor="middle">step</text>`,
    `<path d="${path(c.base.steps, c.base.values)}" fill="none" stroke="#9e9e9e" stroke-width="2"/>`,
    `<path d="${path(c.head.steps, c.head.values)}" fill="none" stroke="#1f77b4" stroke-width="2"/>`,
    `<text x="${W - M.r}" y="20" text-anchor="end"><tspan fill="#9e9e9e">— base ${xml(baseLabel)}</tspan>  <tspan fill="#1f77b4">— head ${xml(headLabel)}</tspan></text>`,
    '</svg>',
  ].join('\n');
}

/** A file name for a chart: safe on every OS whatever the metric is called. */
export function chartFileName(c: MetricChart, i: number): string {
  return `${String(i + 1).padStart(2, '0')}-${c.metric.replace(/[^\w.-]+/g, '_').slice(0, 60)}.svg`;
}
