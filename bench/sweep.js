// Sweep view bench: 10,000 runs × 12 axes (11 params + the metric) drawn as parallel coordinates in headless
// Chromium through the real bundle (dist/sweep.js) and the extension's own HTML shell; then brushing (a drag on an
// axis: each mouse move selects and asks for an animation frame, which redraws). Each figure is printed with its ratio to a floor measured in the
// same page: the same lines drawn the simplest way, one beginPath/stroke per run.
//   node bench/sweep.js [--shot <file.png>] [--light]   (after `npx tsc -p . && node scripts/build.mjs`)
// Targets: drawn < 300 ms after the state arrives; a brushing redraw < 16 ms.
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const { launch, THEME_CSS } = require(path.join(root, 'test/e2e/standalone.js'));
const { servePage } = require(path.join(root, 'test/e2e/pageServer.js'));
const { buildSweep } = require(path.join(root, 'out/src/core/sweep/sweep.js'));
const { position } = require(path.join(root, 'out/src/core/sweep/axes.js'));

const RUNS = 10_000;
const argv = process.argv.slice(2);
const shot = argv.includes('--shot') ? path.resolve(argv[argv.indexOf('--shot') + 1]) : undefined;
const light = argv.includes('--light');

/** A seeded sweep: 11 params (log, linear, integer, categorical, boolean) and a val_loss that depends on some. */
function sweepRuns(n) {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  return Array.from({ length: n }, (_, i) => {
    const lr = 10 ** (-5 + rand() * 4);
    const params = {
      lr,
      weight_decay: 10 ** (-6 + rand() * 4),
      batch_size: pick([16, 32, 64, 128, 256]),
      dropout: Math.round(rand() * 50) / 100,
      layers: pick([2, 4, 6, 8, 12]),
      hidden: pick([128, 256, 512, 1024]),
      optimizer: pick(['adam', 'adamw', 'sgd', 'lion']),
      scheduler: pick(['cosine', 'linear', 'constant']),
      warmup_steps: Math.floor(rand() * 2000),
      amp: rand() < 0.5,
      seed: i % 5,
    };
    const loss =
      0.3 +
      0.15 * Math.abs(Math.log10(lr) + 3) +
      params.dropout * 0.2 +
      (params.optimizer === 'sgd' ? 0.1 : 0) +
      rand() * 0.1;
    const m = { last: loss, lastStep: 100, min: loss, max: loss + 0.5, count: 100 };
    return {
      id: `run-${i}`,
      format: 'mlflow',
      path: `mlruns/1/${i}`,
      name: `trial-${i}`,
      experiment: null,
      status: 'finished',
      startTime: null,
      endTime: null,
      git: { commit: null, branch: null, dirty: null, remote: null },
      params,
      metrics: { val_loss: m },
      tags: {},
      parentId: null,
      deleted: false,
    };
  });
}

function serve() {
  const css = light
    ? THEME_CSS.replace(/#1f1f1f/g, '#ffffff')
        .replace(/#cccccc/g, '#3b3b3b')
        .replace(/#9d9d9d/g, '#717171')
        .replace(/#313131/g, '#f8f8f8')
    : THEME_CSS;
  return servePage({
    page: {
      scriptUri: '/dist/sweep.js',
      sharedStyleUri: '/media/page.css',
      styleUri: '/media/sweep.css',
      title: 'Sweep',
    },
    bodyClass: light ? 'vscode-light' : 'vscode-dark',
    stub: `window.__sent = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m) });`,
    themeCss: css,
  });
}

/**
 * The floor, run in the page: the same polylines drawn the simplest way, one beginPath/strokeStyle/stroke per run,
 * on a canvas of the same size; coloured by the metric (`selected` < 0) or the first `selected` runs highlighted.
 * Median of 5, rasterised by reading a pixel back.
 */
function naiveLines({ pos, width, selected }) {
  const cv = document.createElement('canvas');
  cv.width = width * devicePixelRatio;
  cv.height = 380 * devicePixelRatio;
  const ctx = cv.getContext('2d');
  ctx.scale(devicePixelRatio, devicePixelRatio);
  const n = pos[0].length;
  const times = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    ctx.clearRect(0, 0, width, 380);
    for (let i = 0; i < n; i++) {
      ctx.beginPath();
      ctx.strokeStyle =
        selected < 0
          ? `hsl(${Math.round((pos[pos.length - 1][i] ?? 0) * 240)},70%,50%)`
          : i < selected
            ? '#3b82f6'
            : '#888';
      for (let a = 0; a < pos.length; a++)
        if (pos[a][i] !== null) ctx.lineTo(48 + (a * (width - 112)) / (pos.length - 1), 16 + (1 - pos[a][i]) * 336);
      ctx.stroke();
    }
    ctx.getImageData(0, 0, 1, 1);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const data = buildSweep(sweepRuns(shot ? 300 : RUNS), 'val_loss');
  const state = { title: `${data.runs.length} runs`, data };
  const server = await serve();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url);
    await page.waitForFunction(() => window.__sent.some((m) => m.type === 'ready'));
    if (shot) {
      await page.evaluate((s) => window.postMessage({ type: 'didLoad', state: s }, '*'), state);
      await page.waitForSelector('.axis-title');
      const box = await page.locator('.pc-canvas').boundingBox();
      const x = await page.locator('.axis-title[data-key="lr"]').boundingBox();
      const ax = x.x + x.width / 2;
      await page.mouse.move(ax, box.y + box.height * 0.35);
      await page.mouse.down();
      await page.mouse.move(ax, box.y + box.height * 0.6, { steps: 4 });
      await page.mouse.up();
      // a point of the scatter shown, as hovering shows it
      await page.locator('.scatter-canvas').focus();
      for (let k = 0; k < 40; k++) await page.keyboard.press('ArrowRight');
      await page.waitForSelector('.scatter-tip:not([hidden])');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot ${shot}`);
      return;
    }
    // 1. The state arrives → every line drawn (rasterised when read back, as the floor's are).
    const opens = [];
    for (let k = 0; k < 5; k++)
      opens.push(
        await page.evaluate((s) => {
          const t0 = performance.now();
          window.dispatchEvent(new MessageEvent('message', { data: { type: 'didLoad', state: s } }));
          document.querySelector('.pc-canvas').getContext('2d').getImageData(0, 0, 1, 1);
          document.querySelector('.scatter-canvas').getContext('2d').getImageData(0, 0, 1, 1);
          return { total: performance.now() - t0, pc: Number(document.querySelector('.pc-canvas').dataset.drawMs) };
        }, state),
      );
    const open = median(opens.map((o) => o.total));
    const pcOnly = median(opens.map((o) => o.pc));
    const cssWidth = await page.evaluate(() => document.querySelector('.pc-canvas').clientWidth);
    const pos = data.axes.map((a) => a.values.map((v) => (v === null ? null : position(a, v))));
    // The floor: the same polylines, one beginPath/strokeStyle/stroke per run, on a canvas of the same size.
    const floor = await page.evaluate(naiveLines, { pos, width: cssWidth, selected: -1 });
    // 2. Brushing: press on the lr axis, then mouse moves. A move selects and asks for a frame; the frame redraws.
    // Each move's figure is the work it causes: the event's own time plus its frame's (from a frame callback
    // registered before the move, which runs just before the view's, to one registered after it, which reads the
    // canvas back) — not the wait for the display's next frame.
    const brush = await page.evaluate(async () => {
      const canvas = document.querySelector('.pc-canvas');
      const ctx = canvas.getContext('2d');
      const r = canvas.getBoundingClientRect();
      const t = document.querySelector('.axis-title[data-key="lr"]').getBoundingClientRect();
      const x = t.x + t.width / 2;
      const ev = (type, y) =>
        new MouseEvent(type, { clientX: x, clientY: r.y + y, button: 0, bubbles: true, cancelable: true });
      const moved = async (type, y) => {
        let start = 0;
        requestAnimationFrame(() => (start = performance.now()));
        const t0 = performance.now();
        window.dispatchEvent(ev(type, y));
        const sync = performance.now() - t0;
        const end = await new Promise((done) =>
          requestAnimationFrame(() => {
            ctx.getImageData(0, 0, 1, 1);
            done(performance.now());
          }),
        );
        return sync + (end - start);
      };
      canvas.dispatchEvent(ev('mousedown', 100));
      // the first move of a brush draws the faint layer and sums the selection: reported apart
      const first = await moved('mousemove', 154);
      const times = [];
      const selected = [];
      for (let k = 0; k < 21; k++) {
        times.push(await moved('mousemove', 160 + k * 6));
        selected.push(Number(canvas.dataset.selected));
      }
      await moved('mouseup', 160 + 20 * 6);
      return { ms: times.sort((a, b) => a - b)[10], first, selected: selected[10] };
    });
    const brushFloor = await page.evaluate(naiveLines, { pos, width: cssWidth, selected: brush.selected });
    const n = data.runs.length;
    console.log(
      `sweep view, ${n.toLocaleString('en')} runs × ${data.axes.length} axes: drawn ${open.toFixed(0)} ms after the state (median of 5; parallel coordinates ${pcOnly.toFixed(0)} ms of it, the rest the scatter and ranking) ` +
        `(target < 300) ${open < 300 ? 'OK' : 'OVER'}; floor (one stroke per run) ${floor.toFixed(0)} ms, ratio ${(open / floor).toFixed(2)}×`,
    );
    console.log(
      `sweep view, brushing redraw (${brush.selected.toLocaleString('en')} of ${n.toLocaleString('en')} runs selected): ${brush.ms.toFixed(1)} ms (median of 21 moves; the brush's first frame ${brush.first.toFixed(0)} ms) ` +
        `(target < 16) ${brush.ms < 16 ? 'OK' : 'OVER'}; floor (every line redrawn, one stroke per run) ${brushFloor.toFixed(1)} ms, ratio ${(brush.ms / brushFloor).toFixed(2)}×`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
