#!/usr/bin/env node
// End-to-end test of the Sweep view in a real VS Code (code-server + headless Chromium, test/host/vscodeHost.js),
// on an MLflow sweep (lr × optimizer × seed) written by the test writer, with a config file next to the code and a
// hostile param value: "Runlens: Show Sweep" opens the panel with every run → one axis per param that varies (lr on
// a log scale) plus the metric; the scatter draws a point per run; the ranking puts lr first; a brush around one
// optimizer keeps exactly that optimizer's runs, and Compare opens them; a click on the lr axis title opens lr in
// conf/config.yaml; the hostile value is text; a scatter point shows its run (keyboard and mouse); the runs table's
// Sweep button opens the Sweep of the table's filter, whose brushed runs go back to a table. Screenshots (dark, light) go to media/screenshots/ with --screenshots.
//
//   node test/e2e/sweep.e2e.js [--result <file>] [--screenshots] [--keep-workspace]
// Needs `npx tsc -p . && node scripts/build.mjs` first. Exit 0 all passed, 1 a check failed, 3 infrastructure.
'use strict';
const { checker, finish, pageProblems, runMain } = require('./results');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const host = require('../host/vscodeHost');
const { closeWorkbench, openScreenshotWorkbench, shootThemes } = require('./workbench');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const resultPath = argv.includes('--result') ? path.resolve(argv[argv.indexOf('--result') + 1]) : undefined;
const shots = argv.includes('--screenshots');
const keep = argv.includes('--keep-workspace');
const shotDir = path.join(root, 'media', 'screenshots');
const { writeMlflowStore } = require(path.join(root, 'out/test/helpers/writers/mlflowFiles.js'));
const { spearman } = require(path.join(root, 'out/src/core/sweep/spearman.js'));

const HOSTILE = '<img src=x onerror="document.title=1">';
const LRS = ['0.1', '0.01', '0.001', '0.0001'];
const OPTIMIZERS = ['adam', 'sgd'];

/** The sweep: 16 runs; val_loss falls as lr grows (so lr ranks first), sgd a little worse, seeds a little noise. */
function writeSweep(ws) {
  const runs = [];
  let i = 0;
  for (const lr of LRS)
    for (const optimizer of OPTIMIZERS)
      for (const seed of ['0', '1']) {
        const loss = 0.2 - 0.03 * Math.log10(Number(lr)) + (optimizer === 'sgd' ? 0.01 : 0) + Number(seed) * 0.001;
        runs.push({
          id: (++i).toString(16).padStart(32, '0'),
          runName: `${optimizer}-lr${lr}-s${seed}`,
          startTime: 1_700_000_000_000 + i * 1000,
          endTime: 1_700_000_000_000 + i * 1000 + 500,
          params: { lr, optimizer, seed, epochs: '3', note: i === 1 ? HOSTILE : 'plain' },
          metrics: { val_loss: [[1_700_000_000_000 + i * 1000, Number(loss.toFixed(6)), 0]] },
        });
      }
  writeMlflowStore(ws, 'mlruns', [{ id: '1', name: 'sweep', runs }]);
  fs.mkdirSync(path.join(ws, 'conf'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'conf', 'config.yaml'), 'epochs: 3\noptimizer: adam\nlr: 0.001\nseed: 0\n');
  return runs;
}

async function main() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-sweep-'));
  const runs = writeSweep(ws);
  const adam = runs.filter((r) => r.params.optimizer === 'adam').map((r) => r.runName);

  const checks = checker();
  const { check, failures } = checks;

  const wb = await openScreenshotWorkbench(ws);
  const { page } = wb;
  const { consoleProblems } = pageProblems(page);
  console.log('sweep view (code-server, real VS Code)');
  try {
    await host.openRunlensView(page);
    await host.waitForRows(page, { min: 1 });
    const view = host.webviewFrame(page);

    await check(
      '"Runlens: Show Sweep" opens the sweep of every run: one axis per varying param, then the metric',
      async () => {
        await host.runCommand(page, host.commandTitle('runlens.showSweep'));
        await view.locator('.axis-title').first().waitFor({ timeout: 30000 });
        await view.locator('.count', { hasText: `${runs.length} runs` }).waitFor({ timeout: 10000 });
        const axes = await view
          .locator('.axis-title')
          .evaluateAll((els) => els.map((e) => [e.dataset.key, e.dataset.scale]));
        assert.deepEqual(axes, [
          ['lr', 'log'],
          ['note', 'category'],
          ['optimizer', 'category'],
          ['seed', 'linear'],
          ['val_loss', 'linear'],
        ]);
      },
    );

    await check('the lines are drawn; the scatter draws a point per run; the ranking puts lr first', async () => {
      // some pixel of the parallel coordinates differs from the background
      const inked = await view.locator('.pc-canvas').evaluate((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const bg = [d[0], d[1], d[2]];
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] !== bg[0] || d[i + 1] !== bg[1] || d[i + 2] !== bg[2]) n++;
        return n;
      });
      assert.ok(inked > 2000, `only ${inked} pixels drawn`);
      assert.equal(await view.locator('.scatter-canvas').getAttribute('data-points'), String(runs.length));
      const keys = await view.locator('.ranking tr[data-key]').evaluateAll((rows) => rows.map((r) => r.dataset.key));
      assert.equal(keys[0], 'lr');
      const rho = spearman(
        runs.map((r) => Number(r.params.lr)),
        runs.map((r) => r.metrics.val_loss[0][1]),
      ).rho;
      assert.ok(rho < -0.9);
      assert.equal(await view.locator('.ranking tr[data-key="lr"] .rho').textContent(), String(Number(rho.toFixed(3))));
      assert.match(await view.locator('.ranking').textContent(), /no rank correlation: note, optimizer/);
    });

    await check('the hostile param value is text on the axis, never markup', async () => {
      assert.equal(await view.locator('img').count(), 0);
      assert.ok((await view.locator('.legend').textContent()).includes(HOSTILE));
    });

    await check(
      'a scatter point shows its run (name, group, x, y) as text, from the keyboard and the mouse',
      async () => {
        const hostileRun = runs.find((r) => r.params.note === HOSTILE).runName;
        const tip = view.locator('.scatter-tip');
        await view.locator('#scatter-x').selectOption('note');
        // the hostile text sorts first, so its one run is the leftmost point: the first the arrow keys reach
        await view.locator('.scatter-canvas').focus();
        await page.keyboard.press('ArrowRight');
        await tip.waitFor({ state: 'visible', timeout: 10000 });
        const text = await tip.textContent();
        assert.ok(text.includes(hostileRun), text);
        assert.ok(text.includes(`note: ${HOSTILE}`), text);
        assert.match(text, /val_loss: 0\.2\d*/);
        assert.equal(await view.locator('img').count(), 0);
        const shown = await view.locator('.scatter-canvas').getAttribute('data-shown');
        // the mouse on the marked point finds the same run; away from every point, nothing
        await page.keyboard.press('Escape');
        await tip.waitFor({ state: 'hidden', timeout: 5000 });
        const box = await view.locator('.scatter-canvas').boundingBox();
        await view.locator('.scatter-canvas').focus();
        await page.keyboard.press('ArrowRight');
        const mark = await view.locator('.scatter-mark').boundingBox();
        await page.keyboard.press('Escape');
        await page.mouse.move(mark.x + mark.width / 2, mark.y + mark.height / 2);
        await tip.waitFor({ state: 'visible', timeout: 5000 });
        assert.equal(await view.locator('.scatter-canvas').getAttribute('data-shown'), shown);
        assert.ok((await tip.textContent()).includes(hostileRun));
        await page.mouse.move(box.x + box.width / 2, box.y + 3);
        await tip.waitFor({ state: 'hidden', timeout: 5000 });
      },
    );

    await check(
      'a brush around "adam" on the optimizer axis keeps exactly the adam runs; Compare opens them',
      async () => {
        const canvas = await view.locator('.pc-canvas').boundingBox();
        const title = await view.locator('.axis-title[data-key="optimizer"]').boundingBox();
        const x = title.x + title.width / 2;
        // adam is the first of two categories: the axis's bottom end (y = canvas top + 16 + 336)
        const bottom = canvas.y + 16 + 336;
        await page.mouse.move(x, bottom - 40);
        await page.mouse.down();
        await page.mouse.move(x, bottom + 10, { steps: 4 });
        await page.mouse.up();
        await view
          .locator('.count', { hasText: `${adam.length} of ${runs.length} runs brushed` })
          .waitFor({ timeout: 10000 });
        await view.locator('#compare').click();
        const compare = host.webviewFrame(page);
        await compare
          .locator('table.runs thead .run-name')
          .nth(adam.length - 1)
          .waitFor({ timeout: 30000 });
        assert.deepEqual(
          (await compare.locator('table.runs thead .run-name').allTextContents()).sort(),
          [...adam].sort(),
        );
      },
    );

    await check('a click on the lr axis title opens lr in conf/config.yaml', async () => {
      await page.locator('.tabs-container .tab', { hasText: 'Sweep' }).first().click();
      await view.locator('.axis-title[data-key="lr"]').click();
      await page.locator('.tabs-container .tab.active', { hasText: 'config.yaml' }).waitFor({ timeout: 15000 });
      await page.locator('.monaco-editor .view-line', { hasText: 'lr: 0.001' }).first().waitFor({ timeout: 10000 });
    });

    if (shots) {
      await page.locator('.tabs-container .tab', { hasText: 'Sweep' }).first().click();
      await view.locator('.axis-title').first().waitFor({ timeout: 10000 });
      await view.locator('#scatter-x').selectOption('lr');
      // a scatter point shown, as hovering shows it: the leftmost (lr 1e-4) and highest, near the scatter's top; the
      // mouse is parked first (leaving the canvas hides a tooltip), the page left scrolled to its top
      await shootThemes(page, shotDir, 'sweep', async () => {
        const vp = page.viewportSize();
        await page.mouse.move(vp.width / 2, vp.height - 2);
        await view.locator('.scatter-canvas').evaluate((c) => {
          window.scrollTo(0, 0);
          c.focus({ preventScroll: true });
        });
        await page.keyboard.press('ArrowRight');
        await view.locator('.scatter-tip').waitFor({ state: 'visible', timeout: 5000 });
      });
    }

    await check(
      "the runs table's Sweep button opens the Sweep of the table's filter; its brushed runs go back to a table",
      async () => {
        const sgd = runs.filter((r) => r.params.optimizer === 'sgd');
        const fast = sgd.filter((r) => Number(r.params.lr) >= 0.01).map((r) => r.runName);
        await host.runCommand(page, host.commandTitle('runlens.openRunsTable'));
        await view.locator('#filter').waitFor({ timeout: 30000 });
        await view.locator('#filter').fill("params.optimizer = 'sgd'");
        await view.locator('.count', { hasText: `${sgd.length} of ${runs.length} runs` }).waitFor({ timeout: 10000 });
        await view.locator('#sweep').click();
        await page.locator('.tabs-container .tab.active', { hasText: 'Sweep: table: params.optimizer' }).waitFor({
          timeout: 30000,
        });
        await view.locator('.count', { hasText: `${sgd.length} runs` }).waitFor({ timeout: 30000 });
        const axes = await view.locator('.axis-title').evaluateAll((els) => els.map((e) => e.dataset.key));
        assert.deepEqual(axes, ['lr', 'seed', 'val_loss']); // one optimizer, one note: no axis
        // brush the lr axis's upper half: 0.1 and 0.01 (positions 1 and ⅔ of a log axis over 1e-4 … 0.1)
        const canvas = await view.locator('.pc-canvas').boundingBox();
        const title = await view.locator('.axis-title[data-key="lr"]').boundingBox();
        const x = title.x + title.width / 2;
        await page.mouse.move(x, canvas.y + 6);
        await page.mouse.down();
        await page.mouse.move(x, canvas.y + 16 + 336 * 0.5, { steps: 4 });
        await page.mouse.up();
        await view.locator('.count', { hasText: `${fast.length} of ${sgd.length} runs brushed` }).waitFor({
          timeout: 10000,
        });
        await view.locator('#table').click();
        await page.locator('.tabs-container .tab.active', { hasText: `Runs: ${fast.length} from the sweep` }).waitFor({
          timeout: 30000,
        });
        await view.locator('.count', { hasText: `${fast.length} of ${runs.length} runs` }).waitFor({ timeout: 30000 });
        const names = await view
          .locator('.body .row')
          .evaluateAll((rows) => rows.map((r) => r.children[1].textContent.replace(/baseline$/, '')));
        assert.deepEqual(names.sort(), [...fast].sort());
      },
    );

    await check('no Content Security Policy violation', async () => {
      assert.deepEqual(consoleProblems, []);
    });
  } finally {
    await closeWorkbench(wb, ws, keep);
  }
  return finish(resultPath, checks.passed, failures);
}

runMain(main, resultPath, 'sweep e2e', (e) => e instanceof host.HostError);
