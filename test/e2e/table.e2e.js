#!/usr/bin/env node
// End-to-end test of the runs table in a real VS Code (code-server + headless Chromium, test/host/vscodeHost.js):
// "Runlens: Open Runs Table" → the rows are the runs the CLI lists; a header click sorts; the filter box filters
// (the same runs as `runlens list --where`); a filter that does not parse says where; two rows selected → Compare
// opens the compare view with those two runs; "Save View…" lists a view under the Runs view's Views node; runs
// added while it is open keep its scroll position and selection; a
// window reload restores it with its filter and sort. Screenshots of the table in dark and light go to media/screenshots/
// (table-dark.png, table-light.png, and runs-views-*.png: the Runs view with a saved view) with --screenshots.
//
//   node test/e2e/table.e2e.js [--result <file>] [--screenshots] [--keep-workspace]
// Needs `npx tsc -p . && node scripts/build.mjs` first. Exit 0 all passed, 1 a check failed, 3 infrastructure.
'use strict';
const { checker, finish, pageProblems, resultPathOf, runMain } = require('./results');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const host = require('../host/vscodeHost');
const { closeWorkbench, openScreenshotWorkbench, shootThemes } = require('./workbench');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const resultPath = resultPathOf(argv);
const shots = argv.includes('--screenshots');
const keep = argv.includes('--keep-workspace');
const shotDir = path.join(root, 'media', 'screenshots');
const { makeSampleWorkspace } = require(path.join(root, 'out/test/helpers/sampleWorkspace.js'));

/** Run ids `runlens list <ws> [--where expr]` prints: the expectation, derived rather than hard-coded. */
function cliIds(ws, where) {
  const out = execFileSync(
    process.execPath,
    [path.join(root, 'dist/cli.js'), 'list', ws, ...(where ? ['--where', where] : [])],
    { encoding: 'utf8' },
  );
  return out
    .split('\n')
    .map((l) => l.split(/\s+/)[0])
    .filter((id) => /^[0-9a-f]{12}$/.test(id));
}

async function main() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-table-'));
  await makeSampleWorkspace(ws);
  const all = cliIds(ws);
  const where = "name ~ 'adam*' or format = dvc";
  const selectedByCli = cliIds(ws, where);

  const results = checker();
  const { check } = results;

  const wb = await openScreenshotWorkbench(ws);
  const { page } = wb;
  const { consoleProblems } = pageProblems(page);
  console.log('runs table (code-server, real VS Code)');
  try {
    await host.openRunlensView(page);
    await host.waitForRows(page, { runsOnly: true, min: 10 });
    await host.resizeSidebar(page, 300);
    await page
      .locator('.part.sidebar .monaco-progress-container.active')
      .waitFor({ state: 'detached', timeout: 15000 })
      .catch(() => {});
    const view = host.webviewFrame(page);
    const names = () =>
      view
        .locator('.body .row')
        .evaluateAll((rows) =>
          rows
            .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
            .map((r) => r.children[1].textContent.replace(/baseline$/, '')),
        );
    const count = () => view.locator('.count').textContent();
    const shoot = (name) => shootThemes(page, shotDir, name);

    await check('"Runlens: Open Runs Table" shows one row per run the CLI lists', async () => {
      await host.runCommand(page, host.commandTitle('runlens.openRunsTable'));
      await view.locator('.body .row[data-index="0"] .cell.run').first().waitFor({ timeout: 30000 });
      assert.equal(await count(), `${all.length} runs`);
      assert.ok(all.length >= 10);
    });

    await check('a click on the name header sorts by name, a second click reverses', async () => {
      await view.locator('.head [data-col="name"]').click();
      await view.locator('.head [data-col="name"][aria-sort="ascending"]').waitFor({ timeout: 10000 });
      await page.waitForTimeout(300);
      const asc = await names();
      assert.deepEqual(asc, [...asc].sort(), JSON.stringify(asc));
      await view.locator('.head [data-col="name"]').click();
      await view.locator('.head [data-col="name"][aria-sort="descending"]').waitFor({ timeout: 10000 });
      await page.waitForTimeout(300);
      const desc = await names();
      assert.deepEqual(desc, [...desc].sort().reverse());
    });

    await check(
      'the filter box selects the runs `runlens list --where` lists; a broken filter says where',
      async () => {
        await view.locator('#filter').fill(where);
        await view
          .locator('.count', { hasText: `${selectedByCli.length} of ${all.length} runs` })
          .waitFor({ timeout: 10000 });
        await view.locator('#filter').fill('params.lr <');
        await view
          .locator('.error', { hasText: "expected a value after '<' at column 12" })
          .waitFor({ timeout: 10000 });
        await view.locator('#filter').fill(where);
        await view.locator('.count', { hasText: `${selectedByCli.length} of` }).waitFor({ timeout: 10000 });
      },
    );

    await check('select two rows (click, ctrl+click) → Compare opens the compare view with them', async () => {
      await page.waitForTimeout(300);
      const picked = (await names()).slice(0, 2);
      await view.locator('.body .row[data-index="0"] .cell.run').first().click();
      await view
        .locator('.body .row[data-index="1"] .cell.run')
        .first()
        .click({ modifiers: ['Control'] });
      await view.locator('.count', { hasText: '2 selected' }).waitFor({ timeout: 5000 });
      await view.locator('#compare').click();
      const compare = host.webviewFrame(page);
      await compare.locator('table.runs thead .run-name').nth(1).waitFor({ timeout: 30000 });
      assert.deepEqual((await compare.locator('table.runs thead .run-name').allTextContents()).sort(), picked.sort());
    });

    if (shots) {
      // The pictures: every run, sorted by name, one MLflow run as the baseline (its metrics' Δ in the other rows).
      await page.locator('.tabs-container .tab', { hasText: 'Runs' }).first().click();
      await view.locator('#filter').fill('');
      await view.locator('.count', { hasText: /^\d+ runs/ }).waitFor({ timeout: 10000 });
      // the checks left it sorted descending: off, then ascending
      await view.locator('.head [data-col="name"]').click();
      await view.locator('.head [data-col="name"][aria-sort="none"]').waitFor({ timeout: 10000 });
      await view.locator('.head [data-col="name"]').click();
      await view.locator('.head [data-col="name"][aria-sort="ascending"]').waitFor({ timeout: 10000 });
      await page.waitForTimeout(300);
      const base = (await names()).indexOf('adam-lr1e-3');
      await view.locator(`.body .row[data-index="${base}"] .cell.run`).first().click();
      await view.locator('.viewport').press('b');
      await view.locator('.badge', { hasText: 'baseline' }).waitFor({ timeout: 10000 });
      await view
        .locator(`.body .row[data-index="${base + 1}"] .cell.run`)
        .first()
        .click();
      await view
        .locator(`.body .row[data-index="${base + 2}"] .cell.run`)
        .first()
        .click({ modifiers: ['Control'] });
      await shoot('table');
    }

    await check('"Save View…" writes a view the Runs view lists under its Views node', async () => {
      await page.locator('.tabs-container .tab', { hasText: 'Runs' }).first().click();
      await view.locator('#saveView').click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15000 });
      await input.fill('all runs by name');
      await input.press('Enter');
      const file = path.join(ws, '.vscode', 'runlens', 'views', 'all runs by name.json');
      const deadline = Date.now() + 15000;
      while (!fs.existsSync(file) && Date.now() < deadline) await page.waitForTimeout(200);
      assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).kind, 'table');
      const sidebar = page.locator('.part.sidebar');
      await sidebar
        .locator('.monaco-list-row', { hasText: /^Views/ })
        .first()
        .waitFor({ timeout: 30000 });
      await sidebar.locator('.monaco-list-row', { hasText: 'all runs by name' }).first().waitFor({ timeout: 30000 });
      if (shots) await shoot('runs-views');
    });

    // Live updates: runs written while the table is open re-post its state; the page keeps where it was scrolled
    // and which runs were selected (by id, whatever rows moved).
    await check('runs added while the table is open keep its scroll position and selection', async () => {
      await page.locator('.tabs-container .tab', { hasText: 'Runs' }).first().click();
      await view.locator('#filter').fill('');
      await view.locator('.count', { hasText: new RegExp(`^${all.length} runs`) }).waitFor({ timeout: 10000 });
      // enough rows to scroll: 60 Lightning runs, each its own version folder
      const lightning = (v, lr) => {
        const dir = path.join(ws, 'lightning_logs', `version_${v}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'hparams.yaml'), `lr: ${lr}\n`);
        fs.writeFileSync(path.join(dir, 'metrics.csv'), `epoch,step,val_loss\r\n0,9,${lr * 3}\r\n`);
      };
      for (let v = 100; v < 160; v++) lightning(v, (v - 99) / 1000);
      await view.locator('.count', { hasText: `${all.length + 60} runs` }).waitFor({ timeout: 90000 });
      await view.locator('.viewport').evaluate((el) => (el.scrollTop = 400));
      await page.waitForTimeout(500);
      await view.locator('.body .row[data-index="20"] .cell.run').first().click();
      await view
        .locator('.body .row[data-index="22"] .cell.run')
        .first()
        .click({ modifiers: ['Control'] });
      await view.locator('.count', { hasText: '2 selected' }).waitFor({ timeout: 5000 });
      const selectedNames = () =>
        view.locator('.body .row.selected').evaluateAll((rows) => rows.map((r) => r.children[1].textContent).sort());
      const before = {
        top: await view.locator('.viewport').evaluate((el) => el.scrollTop),
        names: await selectedNames(),
      };
      assert.equal(before.names.length, 2);
      assert.ok(before.top > 0);
      lightning(999, 0.5);
      await view.locator('.count', { hasText: `${all.length + 61} runs, 2 selected` }).waitFor({ timeout: 90000 });
      await page.waitForTimeout(500);
      assert.equal(await view.locator('.viewport').evaluate((el) => el.scrollTop), before.top);
      assert.deepEqual(await selectedNames(), before.names);
    });

    // A window reload: VS Code restores the table (its serializer, activated by onWebviewPanel), with its query.
    await check('the table reopens after a window reload with its filter and sort', async () => {
      await view.locator('#filter').fill(where);
      await view.locator('.count', { hasText: `${selectedByCli.length} of` }).waitFor({ timeout: 10000 });
      // a header click cycles none → ascending → descending → none: click until the names are ascending, waiting
      // for each click's answer (the earlier check left them in some state of the cycle)
      const nameHead = view.locator('.head [data-col="name"]');
      for (let i = 0; i < 3 && (await nameHead.getAttribute('aria-sort')) !== 'ascending'; i++) {
        const was = await nameHead.getAttribute('aria-sort');
        await nameHead.click();
        await view.locator(`.head [data-col="name"]:not([aria-sort="${was}"])`).waitFor({ timeout: 10000 });
      }
      const sorted = await nameHead.getAttribute('aria-sort');
      assert.equal(sorted, 'ascending');
      await page.waitForTimeout(500);
      const rowsBefore = await names();
      // VS Code's own reload (not the browser's): the workbench saves its editors and their webview state first.
      await host.runCommand(page, 'Developer: Reload Window');
      await page.waitForEvent('load', { timeout: 60000 });
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60000 });
      const restored = host.webviewFrame(page);
      await restored.locator('.body .row[data-index="0"] .cell.run').first().waitFor({ timeout: 90000 });
      assert.equal(await restored.locator('#filter').inputValue(), where);
      await restored.locator('.count', { hasText: `${selectedByCli.length} of` }).waitFor({ timeout: 10000 });
      assert.equal(await restored.locator('.head [data-col="name"]').getAttribute('aria-sort'), sorted);
      await page.waitForTimeout(500);
      const rowsAfter = await restored
        .locator('.body .row')
        .evaluateAll((rows) =>
          rows
            .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
            .map((r) => r.children[1].textContent.replace(/baseline$/, '')),
        );
      assert.deepEqual(rowsAfter, rowsBefore);
    });

    await check('no Content Security Policy violation', async () => {
      assert.deepEqual(consoleProblems, []);
    });
  } finally {
    await closeWorkbench(wb, ws, keep);
  }
  return finish(resultPath, results.passed, results.failures);
}

runMain(main, resultPath, 'table e2e', (e) => e instanceof host.HostError);
