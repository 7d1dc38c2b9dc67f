#!/usr/bin/env node
// End-to-end test of the runs table in a real VS Code (code-server + headless Chromium, test/host/vscodeHost.js):
// "Runlens: Open Runs Table" → the rows are the runs the CLI lists; a header click sorts; the filter box filters
// (the same runs as `runlens list --where`); a filter that does not parse says where; two rows selected → Compare
// opens the compare view with those two runs. Screenshots of the table in dark and light go to media/screenshots/
// (table-dark.png, table-light.png) with --screenshots.
//
//   node test/e2e/table.e2e.js [--result <file>] [--screenshots] [--keep-workspace]
// Needs `npx tsc -p . && node scripts/build.mjs` first. Exit 0 all passed, 1 a check failed, 3 infrastructure.
'use strict';
const { checker, finish, resultPathOf, runMain } = require('./results');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const host = require('../host/vscodeHost');

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

  const wb = await host.openWorkbench({
    folder: ws,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'window.commandCenter': false,
      'workbench.layoutControl.enabled': false,
    },
  });
  const { page } = wb;
  const consoleProblems = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(m.text())) consoleProblems.push(m.text());
  });
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

    await check('"Runlens: Open Runs Table" shows one row per run the CLI lists', async () => {
      await host.runCommand(page, host.commandTitle('runlens.openRunsTable'));
      await view.locator('.body .row[data-index="0"] .cell.run').first().waitFor({ timeout: 30000 });
      assert.equal(await count(), `${all.length} runs`);
      assert.ok(all.length >= 10);
    });

    await check('a click on the name header sorts by name, a second click reverses', async () => {
      await view.locator('.head [data-col="name"]').click();
      await view.locator('.head [data-col="name"]', { hasText: '▲' }).waitFor({ timeout: 10000 });
      await page.waitForTimeout(300);
      const asc = await names();
      assert.deepEqual(asc, [...asc].sort(), JSON.stringify(asc));
      await view.locator('.head [data-col="name"]').click();
      await view.locator('.head [data-col="name"]', { hasText: '▼' }).waitFor({ timeout: 10000 });
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
      await view.locator('.head [data-col="name"]', { hasText: /^name$/ }).waitFor({ timeout: 10000 });
      await view.locator('.head [data-col="name"]').click();
      await view.locator('.head [data-col="name"]', { hasText: '▲' }).waitFor({ timeout: 10000 });
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
      for (const [theme, name] of [
        ['Default Light Modern', 'table-light.png'],
        ['Default Dark Modern', 'table-dark.png'],
      ]) {
        await host.setColorTheme(page, theme);
        await page.waitForTimeout(1000);
        await host.screenshot(page, path.join(shotDir, name));
      }
    }

    await check('no Content Security Policy violation', async () => {
      assert.deepEqual(consoleProblems, []);
    });
  } finally {
    await wb.close();
    if (!keep) fs.rmSync(ws, { recursive: true, force: true });
    else console.log(`workspace kept: ${ws}`);
  }
  return finish(resultPath, results.passed, results.failures);
}

runMain(main, resultPath, 'table e2e', (e) => e instanceof host.HostError);
