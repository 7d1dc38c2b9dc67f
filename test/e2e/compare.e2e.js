#!/usr/bin/env node
// End-to-end test of the compare view in a real VS Code (code-server + headless Chromium, test/host/vscodeHost.js):
// select two runs in the Runs tree → "Runlens: Compare Runs" → the webview shows what the CLI computes from the same
// files (differing params, last values, deltas), one chart per metric with one line per run; the params toggle,
// "Set as baseline" and the smoothing slider act; hostile run names and param values render as text; keyboard
// reachability; screenshots (dark, light, curves) into out/e2e/ (the README's come from `npm run screenshots`).
//
//   node test/e2e/compare.e2e.js [--result <file>] [--no-screenshots] [--keep-workspace]
// Needs `npx tsc -p . && node scripts/build.mjs` first. Exit 0 all passed, 1 a check failed, 3 infrastructure.
// <file> gets {"passed":N,"failed":N,"failures":[...]}.
'use strict';
const { checker, finish, pageProblems, resultPathOf, runMain } = require('./results');
const { closeWorkbench } = require('./workbench');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const host = require('../host/vscodeHost');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const resultPath = resultPathOf(argv);
const shots = !argv.includes('--no-screenshots');
const keep = argv.includes('--keep-workspace');
const shotDir = path.join(root, 'out', 'e2e');

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_PARAM = '</script><script>alert(2)</script>';
const A = 'adam-lr1e-3';
const B = 'adam-lr3e-4';

const { makeSampleWorkspace } = require(path.join(root, 'out/test/helpers/sampleWorkspace.js'));
const { writeMlflowStore } = require(path.join(root, 'out/test/helpers/writers/mlflowFiles.js'));
const { formatDelta, formatNumber, formatPct } = require(path.join(root, 'out/src/core/compare/format.js'));

/** Two MLflow runs whose name and param value are HTML/script: the webview must show them as text. */
function writeHostileRuns(dir) {
  const t = Date.UTC(2024, 4, 10, 9);
  const points = (f) => Array.from({ length: 20 }, (_, s) => [t + s * 1000, f(s), s]);
  writeMlflowStore(dir, 'hostile/mlruns', [
    {
      id: '1',
      name: 'hostile',
      runs: [
        {
          id: 'a'.repeat(32),
          runName: HOSTILE_NAME,
          startTime: t,
          endTime: t + 60_000,
          params: { notes: 'plain', lr: '0.1' },
          metrics: { loss: points((s) => 1 / (s + 1)) },
        },
        {
          id: 'b'.repeat(32),
          runName: 'hostile-param',
          startTime: t + 1000,
          endTime: t + 61_000,
          params: { notes: HOSTILE_PARAM, lr: '0.1' },
          metrics: { loss: points((s) => 2 / (s + 1)) },
        },
      ],
    },
  ]);
}

/** What the CLI says about the same runs: the expectation, derived rather than hard-coded. */
function cliDiff(ws, runs, all = false) {
  const args = [path.join(root, 'dist/cli.js'), 'diff', ws, ...runs, '--format', 'json', ...(all ? ['--all'] : [])];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

async function main() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-e2e-'));
  await makeSampleWorkspace(ws);
  writeHostileRuns(ws);
  const diff = cliDiff(ws, [A, B]);
  const diffAll = cliDiff(ws, [A, B], true);
  const diffSwapped = cliDiff(ws, [B, A]);

  const results = checker();
  const { check } = results;

  const wb = await host.openWorkbench({
    folder: ws,
    settings: { 'window.commandCenter': false, 'workbench.layoutControl.enabled': false },
  });
  const { page } = wb;
  const { dialogs, consoleProblems } = pageProblems(page);
  console.log('compare view (code-server, real VS Code)');
  try {
    await host.setColorTheme(page, 'Default Dark Modern');
    await host.openRunlensView(page);
    await host.waitForRows(page, { runsOnly: true, min: 10 });
    await host.resizeSidebar(page, 360);
    await page
      .locator('.part.sidebar .monaco-progress-container.active')
      .waitFor({ state: 'detached', timeout: 15000 })
      .catch(() => {});

    const title = host.commandTitle('runlens.compareRuns');
    const view = host.webviewFrame(page);
    await check('select two runs (click, ctrl+click) and run "Runlens: Compare Runs" → the panel opens', async () => {
      assert.ok(title, 'package.json contributes runlens.compareRuns');
      await host.selectRows(page, [A, B]);
      await host.runCommand(page, title);
      await view.locator('table.metrics tbody tr').first().waitFor({ timeout: 30000 });
      const names = await view.locator('table.runs thead .run-name').allTextContents();
      assert.deepEqual(names, [A, B]);
    });

    await check(
      "the header shows each run's recorded commit and its state from the git extension; metrics jump to commits",
      async () => {
        const commits = diff.runs.map((r) => r.commit);
        assert.ok(commits.every(Boolean), 'the sample MLflow runs record commits');
        const row = view.locator('table.runs tbody tr', { has: view.locator('th:has-text("Commit")') });
        // Commit states resolve in the background: wait for them to reach the panel.
        const deadline = Date.now() + 20000;
        let text = '';
        while (Date.now() < deadline && !/in HEAD/.test((text = await row.innerText())))
          await new Promise((r) => setTimeout(r, 250));
        for (const c of commits) assert.ok(text.includes(c.slice(0, 7)), `commit ${c} in "${text}"`);
        assert.match(text, /✓ in HEAD/);
        assert.equal(
          (await view.locator('table.metrics tbody tr button.best-commit').count()) > 0,
          true,
          "metric rows offer the best run's commit",
        );
      },
    );

    await check('params: the rows that differ are the ones the CLI reports', async () => {
      await view.locator('#tab-params').click();
      const keys = await view
        .locator('table.params tbody th.key')
        .evaluateAll((ths) => ths.map((t) => t.getAttribute('title')));
      const want = diff.params.filter((p) => p.differs).map((p) => p.key);
      assert.ok(want.length > 0, 'the CLI reports differing params');
      assert.deepEqual(keys.sort(), want.sort());
      for (const p of diff.params.filter((x) => x.differs)) {
        const cells = await view
          .locator('table.params tbody tr', { has: view.locator(`th[title="${p.key}"]`) })
          .locator('td')
          .allTextContents();
        assert.deepEqual(cells, p.values.map(String), p.key);
      }
    });

    await check('"only differences" off shows every param (more rows), on again hides the equal ones', async () => {
      const before = await view.locator('table.params tbody th.key').count();
      await view.locator('.params-controls vscode-checkbox').click();
      await view.locator('table.params tbody th.key').nth(before).waitFor({ timeout: 5000 });
      const after = await view.locator('table.params tbody th.key').count();
      assert.equal(after, diffAll.params.length);
      assert.ok(after > before, `${after} > ${before}`);
      await view.locator('.params-controls vscode-checkbox').click();
      await page.waitForFunction(() => true);
      assert.equal(await view.locator('table.params tbody th.key').count(), before);
    });

    const metricTexts = async () => {
      const out = {};
      for (const row of await view.locator('table.metrics tbody tr').all()) {
        const key = await row.locator('th .metric-key').textContent();
        out[key] = await row.locator('td').allInnerTexts();
      }
      return out;
    };
    const expectMetrics = async (d) => {
      await view.locator('#tab-metrics').click();
      const got = await metricTexts();
      assert.deepEqual(Object.keys(got).sort(), d.metrics.map((m) => m.key).sort());
      for (const m of d.metrics) {
        m.runs.forEach((r, i) => {
          const cell = got[m.key][i];
          assert.ok(
            cell.includes(formatNumber(r.last)),
            `${m.key} run ${i}: ${JSON.stringify(cell)} lacks ${formatNumber(r.last)}`,
          );
          const delta = `Δ ${formatDelta(r.delta)} (${formatPct(r.pct)})`;
          if (i === 0) assert.ok(!cell.includes('Δ'), `baseline cell has no delta: ${cell}`);
          else assert.ok(cell.includes(delta), `${m.key} run ${i}: ${JSON.stringify(cell)} lacks ${delta}`);
        });
      }
    };
    await check('metrics: last values and deltas vs the baseline as the CLI computes them', () => expectMetrics(diff));

    if (shots) await host.screenshot(page, path.join(shotDir, 'compare-dark.png'));

    await check('curves: one chart per metric, one line per run, legend entry per run', async () => {
      await view.locator('#tab-curves').click();
      const n = diff.metrics.length;
      await view
        .locator('.chart-card[data-drawn]')
        .nth(n - 1)
        .waitFor({ timeout: 15000 });
      assert.equal(await view.locator('.chart-card').count(), n);
      assert.equal(await view.locator('.chart-card canvas').count(), n);
      const cards = await view
        .locator('.chart-card')
        .evaluateAll((els) =>
          els.map((e) => ({ key: e.dataset.key, runs: e.dataset.runs, drawn: Number(e.dataset.drawn) })),
        );
      assert.deepEqual(cards.map((c) => c.key).sort(), diff.metrics.map((m) => m.key).sort());
      for (const c of cards) {
        assert.equal(c.runs, '2', `${c.key}: runs drawn`);
        const m = diff.metrics.find((x) => x.key === c.key);
        assert.equal(
          c.drawn,
          m.runs.reduce((s, r) => s + r.count, 0),
          `${c.key}: every point of both runs drawn`,
        );
      }
      assert.deepEqual(await view.locator('.legend-item').allInnerTexts(), [A, B]);
    });

    if (shots) await host.screenshot(page, path.join(shotDir, 'compare-curves-dark.png'));

    await check('the smoothing slider changes the drawn smoothed values', async () => {
      const card = view.locator('.chart-card').first();
      const before = await card.getAttribute('data-smoothed-last');
      const slider = view.locator('input.slider');
      const value = Number(await slider.inputValue());
      await slider.fill(value > 0.5 ? '0.1' : '0.95');
      await page.waitForFunction(() => true);
      const deadline = Date.now() + 10000;
      let after = before;
      while (after === before && Date.now() < deadline) {
        await page.waitForTimeout(100);
        after = await card.getAttribute('data-smoothed-last');
      }
      assert.notEqual(after, before, 'last smoothed value unchanged');
      assert.equal(await card.getAttribute('data-runs'), '2');
    });

    await check(
      '"Set as baseline" on the second run: deltas are now against it (CLI with the runs swapped)',
      async () => {
        await view.locator('#tab-metrics').click();
        await view.locator('table.runs button', { hasText: 'Set as baseline' }).click();
        await view
          .locator('table.runs thead th.run-col.baseline .run-name', { hasText: B })
          .waitFor({ timeout: 10000 });
        // columns keep their order; the baseline moved to the second one
        const got = await metricTexts();
        for (const m of diffSwapped.metrics) {
          const [base, other] = m.runs;
          assert.ok(!got[m.key][1].includes('Δ'), `${m.key}: new baseline has no delta`);
          assert.ok(got[m.key][1].includes(formatNumber(base.last)));
          assert.ok(
            got[m.key][0].includes(`Δ ${formatDelta(other.delta)} (${formatPct(other.pct)})`),
            `${m.key}: ${got[m.key][0]}`,
          );
        }
      },
    );

    await check(
      'keyboard: Tab reaches the toolbar, the tabs and the tables; tables have column and row headers',
      async () => {
        await view.locator('table.runs').click({ position: { x: 2, y: 2 } });
        await view
          .locator('body')
          .evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
        const reached = new Set();
        // From the table (where the click leaves the starting point): back through the toolbar, then, from the table
        // again, forward through the tabs and past the tables — the page's whole tab order.
        for (let i = 0; i < 40; i++) {
          if (i === 20) {
            await view.locator('table.runs').click({ position: { x: 2, y: 2 } });
            await view
              .locator('body')
              .evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
          }
          await page.keyboard.press(i < 20 ? 'Shift+Tab' : 'Tab');
          const tag = await view.locator('body').evaluate(() => {
            const a = document.activeElement;
            return a ? `${a.tagName.toLowerCase()}${a.classList.contains('table-scroll') ? '.table-scroll' : ''}` : '';
          });
          reached.add(tag);
        }
        for (const t of ['vscode-text-field', 'vscode-button', 'vscode-panel-tab', 'div.table-scroll'])
          assert.ok(reached.has(t), `Tab never reached ${t}: ${[...reached].join(', ')}`);
        for (const table of ['table.runs', 'table.metrics']) {
          assert.ok((await view.locator(`${table} thead th[scope="col"]`).count()) >= 3, `${table}: column headers`);
          assert.ok((await view.locator(`${table} tbody th[scope="row"]`).count()) >= 1, `${table}: row headers`);
        }
      },
    );

    await check('prefers-reduced-motion: the stylesheet turns transitions and animations off', async () => {
      const hasRule = await view.locator('body').evaluate(() =>
        [...document.styleSheets].some((s) => {
          try {
            return [...s.cssRules].some(
              (r) => r instanceof CSSMediaRule && r.conditionText.includes('prefers-reduced-motion: reduce'),
            );
          } catch {
            return false;
          }
        }),
      );
      assert.ok(hasRule);
    });

    if (shots) {
      await host.setColorTheme(page, 'Default Light Modern');
      await page.waitForTimeout(800);
      await host.screenshot(page, path.join(shotDir, 'compare-light.png'));
      await host.setColorTheme(page, 'Default Dark Modern');
    }

    await check(
      'hostile run name and param value render as text: no <img>, no script, no dialog, no CSP violation',
      async () => {
        await host.selectRows(page, [HOSTILE_NAME, 'hostile-param']);
        await host.runCommand(page, title);
        const hv = host.webviewFrame(page);
        await hv.locator('table.runs thead .run-name', { hasText: 'hostile-param' }).waitFor({ timeout: 30000 });
        const names = await hv.locator('table.runs thead .run-name').allTextContents();
        assert.ok(names.includes(HOSTILE_NAME), JSON.stringify(names));
        await hv.locator('#tab-params').click();
        const cells = await hv.locator('table.params td').allTextContents();
        assert.ok(cells.includes(HOSTILE_PARAM), JSON.stringify(cells));
        assert.equal(await hv.locator('img').count(), 0, 'an <img> was created from data');
        assert.equal(await hv.locator('body script').count(), 1, 'only the bundle script');
        await hv.locator('#tab-curves').click();
        await hv.locator('.legend-item', { hasText: HOSTILE_NAME }).waitFor({ timeout: 10000 });
        await page.waitForTimeout(500);
        assert.deepEqual(dialogs, []);
        assert.deepEqual(consoleProblems, []);
      },
    );
  } finally {
    await closeWorkbench(wb, ws, keep);
  }
  return finish(resultPath, results.passed, results.failures);
}

runMain(main, resultPath, 'compare e2e', (e) => e instanceof host.HostError);
