#!/usr/bin/env node
// Groups in the compare webview, in headless Chromium (the standalone page of test/e2e/standalone.js: the extension's
// HTML shell, CSP and bundle, a stub host). The state is built by the host's own code (buildCompareState, buildGroups,
// aliasRuns) from five runs — configuration A (lr=0.01) with three seeds, one of them ending early and one logging
// `eval_loss`, configuration B (lr=0.1) with two — and the stub answers group curves with core/compare/aggregate's
// output for the same series. Checked against values computed here by plain loops: the band is drawn and its kind
// selectable, n drops where a run ends and shows in the tooltip, the step values table, the brushed range's figures,
// the group table's noise verdicts, the alias names, groups on relative time (seeds started an hour apart, logging at
// different intervals: n at a hovered second counts the seeds whose elapsed time reaches it) and the wall-time hint. Screenshots (dark) into out/e2e/groups-*.png; both themes in a real VS Code come from
// scripts/screenshotsGroups.mjs.
//
//   node test/e2e/groups.e2e.js [--result <file>]
// Needs `npx tsc -p . && node scripts/build.mjs` first.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { checker, finish, runMain } = require('./results');
const { serve, launch } = require('./standalone');

const root = path.resolve(__dirname, '..', '..');
const out = (p) => require(path.join(root, 'out', p));
const { buildCompareState } = out('src/vscode/compare/state.js');
const { aliasRuns, buildGroups } = out('src/vscode/compare/groupState.js');
const { aggregateRuns, downsampleBand } = out('src/core/compare/aggregate.js');
const { aggregateBand } = out('src/core/compare/aggregateBand.js');
const outDir = path.join(root, 'out', 'e2e');
const argv = process.argv.slice(2);
const resultPath = argv.includes('--result') ? path.resolve(argv[argv.indexOf('--result') + 1]) : undefined;

const STEPS = 1000;
const SHORT = 600; // seed 2 of A stops here
/** The runs: [id, lr, seed, metric name, length, offset]. */
const SPECS = [
  ['a0', '0.01', 0, 'val_loss', STEPS, 0],
  ['a1', '0.01', 1, 'eval_loss', STEPS, 0.04],
  ['a2', '0.01', 2, 'val_loss', SHORT, -0.03],
  ['b0', '0.1', 0, 'val_loss', STEPS, 0.3],
  ['b1', '0.1', 1, 'val_loss', STEPS, 0.32],
];
const value = (i, off, k) => 1 / (1 + i / 100) + off + 0.01 * Math.sin(i * 0.37 + k);
/** Seeds start an hour apart and log every 1.0, 1.1, 1.2 … s: on relative time they meet only on a common grid. */
const T0 = Date.UTC(2024, 0, 1);
const series = new Map(
  SPECS.map(([id, , seed, , len, off]) => [
    id,
    {
      steps: Float64Array.from({ length: len }, (_, i) => i),
      values: Float64Array.from({ length: len }, (_, i) => value(i, off, seed)),
      times: Float64Array.from({ length: len }, (_, i) => T0 + seed * 3_600_000 + i * 1000 * (1 + seed / 10)),
    },
  ]),
);

function makeRuns() {
  return SPECS.map(([id, lr, seed, metric, len, off]) => ({
    id,
    format: 'mlflow',
    path: `mlruns/1/${id}`,
    name: `run-${id}`,
    experiment: 'groups',
    status: 'finished',
    startTime: Date.UTC(2024, 0, 1),
    endTime: Date.UTC(2024, 0, 1, 1),
    git: { commit: null, branch: null, dirty: null, remote: null },
    params: { lr, seed, optimizer: 'adam' },
    metrics: {
      [metric]: {
        last: value(len - 1, off, seed),
        lastStep: len - 1,
        min: Math.min(...series.get(id).values),
        max: Math.max(...series.get(id).values),
        count: len,
      },
    },
    tags: {},
    parentId: null,
    deleted: false,
  }));
}

function makeState() {
  const runs = makeRuns();
  const colors = new Map(runs.map((r, i) => [r.id, ['#3b82f6', '#60a5fa', '#93c5fd', '#f97316', '#fb923c'][i]]));
  const aliased = aliasRuns(runs, {});
  const groups = buildGroups({
    runs: aliased.runs,
    baselineId: 'a0',
    seedParams: ['seed'],
    directions: {},
    color: (id) => colors.get(id),
  });
  return buildCompareState({
    runs: aliased.runs,
    originals: aliased.originals,
    groups,
    requestedIds: runs.map((r) => r.id),
    baselineId: 'a0',
    directions: {},
    colors,
    folder: () => undefined,
    extremes: () => undefined,
    dataRevision: 1,
    smoothing: 0,
    capabilities: { compareCode: false, findMetricInCode: false },
  });
}

/** The group curves the host would send (band kind → group id → columns as arrays), from core's aggregate. */
function groupAnswers(state) {
  const outByBand = {};
  for (const band of ['std', 'stderr', 'minmax']) {
    outByBand[band] = {};
    for (const g of state.groups.list) {
      const agg = aggregateRuns(g.runIds.map((id) => series.get(id)));
      const d = downsampleBand(agg, band, 20000);
      outByBand[band][g.id] = { x: [...d.x], mean: [...d.mean], lo: [...d.lo], hi: [...d.hi], n: [...d.n] };
    }
  }
  // on relative time: the host's aggregateBand over the runs' times (a common grid of elapsed seconds)
  outByBand.relative = {};
  for (const g of state.groups.list) {
    const d = aggregateBand(
      g.runIds.map((id) => series.get(id)),
      { xAxis: 'relative', band: 'std', maxPoints: 20000, smoothing: 0 },
    );
    outByBand.relative[g.id] = { x: [...d.x], mean: [...d.mean], lo: [...d.lo], hi: [...d.hi], n: [...d.n] };
  }
  return `(m) => { const ALL = ${JSON.stringify(outByBand)}; return m.groups.flatMap((g) => {
    const c = ALL[m.xAxis === 'relative' ? 'relative' : m.band][g.id]; if (!c) return [];
    const keep = c.x.map((x, i) => !m.range || (x >= m.range.min - 1 && x <= m.range.max + 1));
    const col = (a) => Float64Array.from(a.filter((_, i) => keep[i]));
    return [{ groupId: g.id, key: m.keys[0], x: col(c.x), mean: col(c.mean), lo: col(c.lo), hi: col(c.hi), n: col(c.n), total: keep.filter(Boolean).length }];
  }); }`;
}

/** Run curves for "Show runs" (raw values, no smoothing). */
function runAnswers() {
  const all = Object.fromEntries([...series].map(([id, s]) => [id, { x: [...s.steps], y: [...s.values] }]));
  return `(m) => { const ALL = ${JSON.stringify(all)}; return m.runIds.map((runId) => {
    const c = ALL[runId]; return { runId, key: m.keys[0], x: Float64Array.from(c.x), y: Float64Array.from(c.y), s: Float64Array.from(c.y), total: c.x.length };
  }); }`;
}

/** Mean of the runs of `ids` that reach `step` (plain loop), and how many they are. */
function meanAt(ids, step) {
  const vals = ids.filter((id) => step < series.get(id).values.length).map((id) => series.get(id).values[step]);
  return { mean: vals.reduce((a, b) => a + b, 0) / vals.length, n: vals.length };
}

const UI = { tab: 'curves', onlyDiffs: true, smoothing: 0, xAxis: 'step', logY: false, filter: '', hidden: [] };

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const state = makeState();
  assert.ok(state.groups, 'the runs form groups');
  const [A, B] = state.groups.list;
  const server = await serve({ state, initialUi: UI, groupCurvesJs: groupAnswers(state), curvesJs: runAnswers() });
  const browser = await launch();
  const checks = checker();
  const { check, failures } = checks;
  console.log('compare webview: groups (standalone)');
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    const card = page.locator('.chart-card[data-key="val_loss"]');
    await page.waitForFunction(() => document.querySelector('.chart-card')?.dataset.bands === '2');
    const box = await card.locator('canvas').boundingBox();

    await check('one mean line with a band per group; the runs not drawn until asked', async () => {
      assert.equal(await card.getAttribute('data-groups'), '2');
      assert.equal(await card.getAttribute('data-bands'), '2');
      assert.equal(await card.getAttribute('data-runs'), '2');
      const sent = await page.evaluate(() => window.__sent);
      const req = sent.find((m) => m.type === 'loadGroupCurves');
      assert.deepEqual(
        req.groups.map((g) => g.runIds),
        [A.runIds, B.runIds],
      );
      assert.equal(req.band, 'std');
      assert.equal(sent.filter((m) => m.type === 'loadCurves').length, 0, 'no run curves asked for');
      assert.equal(await page.locator('.group-legend .group-item').count(), 2);
    });

    /** Pixels of the plot painted (alpha > 0): the band's area is most of them. */
    const painted = () =>
      page.evaluate(() => {
        const c = document.querySelector('.chart-card canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
    const setBand = async (value) => {
      await page.evaluate((v) => {
        const d = document.querySelector('.group-controls vscode-dropdown');
        d.value = v;
        d.dispatchEvent(new Event('change'));
      }, value);
      await page.waitForFunction(
        (v) => window.__sent.filter((m) => m.type === 'loadGroupCurves').pop()?.band === v,
        value,
      );
      await page.waitForTimeout(300);
    };

    // ± stderr = ± std / √n is narrower than ± std; min–max of two or three runs differs from both (it is narrower
    // than ± std for two runs: the range is √2 std)
    await check('the band is selectable: ± stderr paints less than ± std, min–max another area', async () => {
      const std = await painted();
      await setBand('stderr');
      const stderr = await painted();
      await setBand('minmax');
      const minmax = await painted();
      assert.ok(std > stderr && minmax !== std, `painted pixels: minmax ${minmax}, std ${std}, stderr ${stderr}`);
      await setBand('std');
    });

    await check('hovering: the tooltip gives n, which drops where a run ends; the values table agrees', async () => {
      for (const frac of [0.3, 0.9]) {
        await page.mouse.move(box.x + box.width * frac, box.y + box.height * 0.5);
        await page.waitForFunction(() => document.querySelector('.step-values .at-step'));
        const step = Number(await card.locator('.at-step').getAttribute('data-step'));
        await page.waitForFunction(
          (s) => document.querySelector('.step-values .at-step')?.dataset.step === String(s),
          step,
        );
        const readout = await card.locator('.chart-readout').textContent();
        const rows = await card.locator('.at-step tbody tr').evaluateAll((trs) =>
          trs.map((tr) => ({
            name: tr.querySelector('th').textContent,
            value: Number(tr.querySelector('td').dataset.value),
            n: tr.querySelectorAll('td')[2].textContent,
          })),
        );
        const x = Math.round(step);
        for (const [g, row] of [
          [A, rows[0]],
          [B, rows[1]],
        ]) {
          const e = meanAt(g.runIds, x);
          assert.equal(row.name, g.label);
          assert.ok(Math.abs(row.value - e.mean) < 1e-12, `${g.label} at ${x}: ${row.value} vs ${e.mean}`);
          assert.equal(row.n, `n=${e.n}`);
          assert.ok(readout.includes(`n=${e.n}`), `tooltip "${readout}" names n=${e.n}`);
        }
        assert.equal(meanAt(A.runIds, x).n, x < SHORT ? 3 : 2);
      }
    });

    await check('a click pins the step: moving on keeps the table there; a second click unpins', async () => {
      const stepNow = () => card.locator('.at-step').getAttribute('data-step');
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      await page.waitForTimeout(200);
      await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
      const pinned = await stepNow();
      assert.match(await card.locator('.at-step caption').textContent(), /^Pinned at step /);
      await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5, { steps: 4 });
      await page.waitForTimeout(300);
      assert.equal(await stepNow(), pinned);
      await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.5);
      await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.5, { steps: 2 });
      await page.waitForFunction((p) => document.querySelector('.at-step')?.dataset.step !== p, pinned);
      assert.match(await card.locator('.at-step caption').textContent(), /^At step /);
    });

    await check('brushing a step range: start, end, change, min, max and step of max per group', async () => {
      await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.6, { steps: 6 });
      await page.mouse.up();
      await page.waitForSelector('.chart-card .over-range');
      const t = card.locator('.over-range');
      const from = Number(await t.getAttribute('data-from'));
      const to = Number(await t.getAttribute('data-to'));
      assert.ok(to > from && from > 0 && to < STEPS, `range ${from}–${to}`);
      const rows = await t.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          change: Number(tr.dataset.change),
          max: Number(tr.dataset.max),
          at: Number(tr.dataset.maxStep),
        })),
      );
      for (const [g, row] of [
        [A, rows[0]],
        [B, rows[1]],
      ]) {
        let first;
        let last;
        let max = -Infinity;
        let at = NaN;
        for (let s = Math.ceil(from); s <= to; s++) {
          const m = meanAt(g.runIds, s).mean;
          if (first === undefined) first = m;
          last = m;
          if (m > max) [max, at] = [m, s];
        }
        assert.ok(Math.abs(row.change - (last - first)) < 1e-12, `${g.label} change ${row.change} vs ${last - first}`);
        assert.ok(Math.abs(row.max - max) < 1e-12, `${g.label} max`);
        assert.equal(row.at, at);
      }
      await page.keyboard.press('Escape');
      await page.locator('.chart-card .chart-box').focus();
      await page.keyboard.press('0');
    });

    const setAxis = (v) =>
      page.evaluate((value) => {
        const d = document.querySelector('[aria-label="Chart options"] vscode-dropdown');
        d.value = value;
        d.dispatchEvent(new Event('change'));
      }, v);
    await check('relative time: groups aligned on elapsed seconds; wall time says why there are no means', async () => {
      await setAxis('relative');
      await page.waitForFunction(() =>
        window.__sent.some((m) => m.type === 'loadGroupCurves' && m.xAxis === 'relative'),
      );
      await page.waitForFunction(() => document.querySelector('.chart-card')?.dataset.bands === '2');
      assert.match(await page.locator('.group-hint').textContent(), /elapsed seconds/);
      assert.equal(await page.locator('.group-legend .group-item').count(), 2);
      // the hovered grid second's mean and n are the relative aggregate's (seeds logging 1.0, 1.1, 1.2 s apart:
      // seed 2 of A ends at 599 × 1.2 s, so n is 3 early and 2 late, as on the step axis)
      // A's seeds end at 999 × 1.0 s, 999 × 1.1 s and 599 × 1.2 s of elapsed time
      const ends = A.runIds.map((id) => {
        const t = series.get(id).times;
        return (t[t.length - 1] - t[0]) / 1000;
      });
      const seen = [];
      const ats = [];
      for (const frac of [0.2, 0.7, 0.9]) {
        await page.mouse.move(box.x + box.width * frac, box.y + box.height * 0.5);
        await page.waitForFunction(
          (prev) => {
            const t = document.querySelector('.step-values .at-step');
            return t && t.dataset.step !== prev;
          },
          String(ats[ats.length - 1]),
        );
        const at = Number(await card.locator('.at-step').getAttribute('data-step'));
        const n = await card.locator('.at-step tbody tr').first().locator('td').nth(2).textContent();
        assert.equal(n, `n=${ends.filter((e) => e >= at).length}`, `A at ${at} s`);
        seen.push(n);
        ats.push(at);
      }
      assert.deepEqual(seen, ['n=3', 'n=2', 'n=1'], `n drops as seeds end (at ${ats.join(', ')} s)`);
      // the tooltip and the x ticks speak of elapsed time, not steps
      assert.doesNotMatch(await card.locator('.chart-readout').textContent(), /^step /);
      await page.screenshot({ path: path.join(outDir, 'groups-relative-dark.png') });
      const asked = await page.evaluate(() => window.__sent.filter((m) => m.type === 'loadGroupCurves').length);
      await setAxis('wall');
      await page.waitForFunction(() => document.querySelector('.chart-card')?.dataset.groups === '0');
      assert.match(await page.locator('.group-hint').textContent(), /not drawn on wall time/);
      assert.equal(await page.locator('.group-legend').count(), 0, 'the legend lists runs');
      assert.equal(
        await page.evaluate(() => window.__sent.filter((m) => m.type === 'loadGroupCurves').length),
        asked,
        'no group curves asked for on wall time',
      );
      await setAxis('step');
      await page.waitForFunction(() => document.querySelector('.chart-card')?.dataset.groups === '2');
      assert.match(await page.locator('.group-hint').textContent(), /aligned by step/);
    });

    await check('“Show runs” draws the runs faintly under the means', async () => {
      await page.locator('.group-controls vscode-checkbox', { hasText: 'Show runs' }).click();
      await page.waitForFunction(() => document.querySelector('.chart-card')?.dataset.runs === '7');
      // (the wall-time check above asked for the runs on that axis)
      const sent = await page.evaluate(() =>
        window.__sent.filter((m) => m.type === 'loadCurves' && m.xAxis === 'step'),
      );
      assert.deepEqual(sent.flatMap((m) => m.runIds).sort(), ['a0', 'a1', 'a2', 'b0', 'b1']);
    });

    await check(
      'the alias map: one row and one chart for val_loss and eval_loss, the original name shown',
      async () => {
        assert.equal(await page.locator('.chart-card').count(), 1);
        assert.equal(await card.locator('.chart-aliases').textContent(), '(eval_loss)');
        await page.screenshot({ path: path.join(outDir, 'groups-curves-dark.png') });
      },
    );

    await check('the metrics tab: group means, deltas beyond or within noise with the test named', async () => {
      await page.locator('vscode-panel-tab#tab-metrics').click();
      await page.waitForSelector('.group-table tbody tr');
      const caption = await page.locator('.group-table caption').textContent();
      assert.match(caption, /Welch's t-test gives p < 0\.05/);
      const cells = page.locator('.group-table tbody tr[data-key="val_loss"] td');
      assert.equal(await cells.nth(0).getAttribute('data-n'), '3');
      assert.equal(await cells.nth(1).getAttribute('data-n'), '2');
      const verdict = cells.nth(1).locator('.delta');
      // A's last values (three seeds, one ending at step 599) against B's: 0.3 apart with a spread of ~0.03
      assert.equal(await verdict.getAttribute('data-beyond-noise'), 'true');
      assert.match(await verdict.textContent(), /beyond noise \(Welch's t-test, p = /);
      assert.equal(await page.locator('table.metrics .metric-aliases').first().textContent(), ' (eval_loss)');
      await page.screenshot({ path: path.join(outDir, 'groups-metrics-dark.png') });
    });

    await check('no page errors', async () => assert.deepEqual(errors, []));
  } finally {
    await browser.close();
    await server.close();
  }
  return finish(resultPath, checks.passed, failures);
}

runMain(main, resultPath, 'groups e2e', () => false);
