// `npm run screenshots`: the demo setup (scripts/demo.mjs) driven in headless Chromium at 1400x900; writes the PNGs
// the README shows to media/screenshots/: sidebar-dark.png, sidebar-light.png, and the compare view of two runs in
// both themes — its metrics (compare-dark.png, compare-light.png) and its curves (compare-curves-dark.png,
// compare-curves-light.png) — and the walkthrough (walkthrough-dark.png, walkthrough-light.png). Also the images of
// the walkthrough's steps, media/walkthrough/*.png (dark theme; they ship in the VSIX).
// And the review comment of the sample workspace as GitHub renders it (review-comment.png, for the README's CI
// section): `runlens review` of the "Larger batches and AdamW" commit against its parent, with two gates; and the
// review in the compare view's header (review-compare-dark.png, review-compare-light.png).
//   --no-build          skip `node scripts/build.mjs`
//   --only walkthrough  only the walkthrough's pictures
//   --only review       only the review's pictures (the comment, the compare view's header)
//   --only views        only the Runs view and the compare view (sidebar-*.png, compare-*.png)
//   --only polling      only the status bar's tooltip with runlens.watch = poll (polling-dark.png, polling-light.png)
//   --only sources      a local run and a team MLflow server's run in one comparison (sources-compare-{dark,light}.png),
//                       and a long server curve drawn from a sample, then whole (sources-{sampled,whole}-{dark,light}.png;
//                       needs the cached `mlflow-server` Python environment, test/python/setup.mjs)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { host, loadHelper, prepare } from './demo.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'media', 'screenshots');
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' };

/** A workbench on `folder` in one theme, without the command center and layout controls (quieter pictures). */
function openThemed(folder, theme, settings = {}) {
  return host.openWorkbench({
    folder,
    settings: {
      'workbench.colorTheme': THEMES[theme],
      'window.commandCenter': false,
      'workbench.layoutControl.enabled': false,
      ...settings,
    },
  });
}

/** A workbench on the sample workspace in one theme, with train.py open beside the Runlens sidebar. */
async function openStage(folder, theme, settings = {}) {
  const wb = await openThemed(folder, theme, settings);
  const { page } = wb;
  await host.openRunlensView(page);
  await host.waitForRows(page, { runsOnly: true, min: 10 });
  // after the rows: a theme picker opened while the workbench still loads its themes can list none (seen under load)
  await host.setColorTheme(page, THEMES[theme]);
  await host.resizeSidebar(page, 430);
  await openFile(page, 'train.py');
  // let the index settle (descriptions fill in, the progress bar goes away) before the picture
  await page
    .locator('.part.sidebar .monaco-progress-container.active')
    .waitFor({ state: 'detached', timeout: 15000 })
    .catch(() => {});
  await page.waitForTimeout(800);
  return wb;
}

/** Quick Open (Ctrl+P) a workspace file so the editor area is not empty. */
async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).waitFor({ timeout: 15000 });
}

async function sidebarShot(folder, theme) {
  const wb = await openStage(folder, theme);
  try {
    await host.clickRow(wb.page, 'adam-lr1e-3'); // a selected row shows the selection colours too
    return await host.screenshot(wb.page, path.join(outDir, `sidebar-${theme}.png`));
  } finally {
    await wb.close();
  }
}

/** The status bar item's tooltip naming how live updates follow the folder (here: polling, forced by the setting). */
async function pollingShot(folder, theme) {
  const wb = await openStage(folder, theme, { 'runlens.watch': 'poll' });
  try {
    const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+ runs/ }).first();
    await item.waitFor({ state: 'visible', timeout: 30000 });
    await item.hover();
    const hover = wb.page.locator('.monaco-hover, .workbench-hover', { hasText: 'Live updates' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15000 });
    await wb.page.waitForTimeout(400);
    const vp = wb.page.viewportSize();
    const file = path.join(outDir, `polling-${theme}.png`);
    fs.mkdirSync(outDir, { recursive: true });
    // the lower left corner: the tooltip over the status bar (host.screenshot would move the mouse away)
    await wb.page.screenshot({ path: file, clip: { x: 0, y: vp.height - 260, width: 700, height: 260 } });
    return file;
  } finally {
    await wb.close();
  }
}

// ---- compare view ------------------------------------------------------------------------------------------------
/**
 * Compare-view screenshot: select two runs in the tree, run "Runlens: Compare Runs" (runlens.compareRuns) and
 * capture the webview once its content rendered. Skipped, with a message, while package.json does not contribute
 * the command yet.
 */
async function compareShot(folder, theme) {
  const title = host.commandTitle('runlens.compareRuns');
  if (!title) {
    console.log('compare view: skipped (package.json does not contribute runlens.compareRuns yet)');
    return undefined;
  }
  const wb = await openStage(folder, theme);
  try {
    await host.selectRows(wb.page, ['adam-lr1e-3', 'adam-lr3e-4']);
    await host.runCommand(wb.page, title);
    const view = host.webviewFrame(wb.page);
    try {
      await view.locator('body *').first().waitFor({ state: 'visible', timeout: 30000 });
    } catch {
      console.log('compare view: skipped (the command ran but no Runlens webview appeared)');
      return undefined;
    }
    await wb.page.waitForTimeout(1500); // the header's commit states fill in after the first message
    const metrics = await host.screenshot(wb.page, path.join(outDir, `compare-${theme}.png`));
    await view.locator('#tab-curves').click();
    // the first row of charts (those further down draw when scrolled near)
    await view.locator('.chart-card[data-drawn]').nth(1).waitFor({ timeout: 15000 });
    await wb.page.waitForTimeout(300); // their frame
    return [metrics, await host.screenshot(wb.page, path.join(outDir, `compare-curves-${theme}.png`))];
  } finally {
    await wb.close();
  }
}

// ---- sources -----------------------------------------------------------------------------------------------------
/**
 * Local and team runs side by side: a REAL MLflow tracking server (test/helpers/mlflowServer.ts) with two CI runs
 * logged by the real MLflow client on the sample workspace's "Adam" commit, configured in runlens.sources; one local
 * run and one server run (its ☁ badge in the tree) selected and compared, in both themes. The server is started once.
 */
async function sourcesCompareShots(folder) {
  const srv = await loadHelper('mlflowServer');
  const py = srv.mlflowServerPython();
  if ('error' in py) {
    console.log(`sources: skipped (no MLflow server environment: ${py.error})`);
    return [];
  }
  const dir = path.join(root, '.runlens-tmp', 'sources-mlflow');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const server = await srv.startMlflowServer(py.python, dir);
  try {
    const commit = commitOf(folder, 'Switch to Adam with a cosine schedule');
    const writer = path.join(root, 'test/python/writers/mlflow_team_runs.py');
    await srv.runPython(py.python, [writer, server.url, commit, '--long']);
    // The whole histories come through a proxy that holds them back, so the sampled first paint can be seen.
    const proxy = await srv.startFaultProxy(server.url);
    const written = [];
    try {
      for (const theme of /** @type {const} */ (['dark', 'light'])) {
        written.push(await sourcesCompareShot(folder, theme, `mlflow+${server.url}`));
        written.push(...(await sourcesSampledShots(folder, theme, `mlflow+${proxy.url}`, proxy.faults)));
      }
    } finally {
      await proxy.close();
    }
    return written;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function sourcesCompareShot(folder, theme, source) {
  const wb = await openStage(folder, theme, { 'runlens.sources': [source] });
  const { page } = wb;
  try {
    await host.findRow(page, 'ci-main-adam').first().waitFor({ state: 'visible', timeout: 120000 });
    await host.resizeSidebar(page, 540); // room for the rows' ☁ badge, after the metric and the format
    await host.selectRows(page, ['adam-lr1e-3', 'ci-main-adam']);
    await page.waitForTimeout(400);
    await host.runCommand(page, /** @type {string} */ (host.commandTitle('runlens.compareRuns')));
    const view = host.webviewFrame(page);
    await view.locator('table.metrics tbody tr').first().waitFor({ timeout: 30000 });
    await page.waitForTimeout(1500); // the header's commit states fill in after the first message
    return await host.screenshot(page, path.join(outDir, `sources-compare-${theme}.png`));
  } finally {
    await wb.close();
  }
}

/**
 * A server run's curves drawn first from a sample (get-history-bulk-interval) while the whole history is read — held
 * back by the proxy — then the whole curves in the same view: sources-sampled-<theme>.png, sources-whole-<theme>.png.
 */
async function sourcesSampledShots(folder, theme, source, faults) {
  const wb = await openStage(folder, theme, { 'runlens.sources': [source] });
  const { page } = wb;
  try {
    await host.findRow(page, 'ci-main-long').first().waitFor({ state: 'visible', timeout: 120000 });
    await host.resizeSidebar(page, 540);
    await host.selectRows(page, ['adam-lr1e-3', 'ci-main-long']);
    await page.waitForTimeout(400);
    Object.assign(faults, { delayMs: 12000, delayFor: 'get-history?' });
    await host.runCommand(page, /** @type {string} */ (host.commandTitle('runlens.compareRuns')));
    const view = host.webviewFrame(page);
    await view.locator('#tab-curves').click();
    // The charts in view (those further down are drawn when scrolled near).
    const caption = view.locator('.chart-card .chart-status', { hasText: 'sampled' });
    await caption.first().waitFor({ timeout: 120000 });
    await page.waitForTimeout(300);
    const sampled = await host.screenshot(page, path.join(outDir, `sources-sampled-${theme}.png`));
    faults.delayMs = 0;
    for (const t0 = Date.now(); (await caption.count()) > 0; await page.waitForTimeout(500))
      if (Date.now() - t0 > 180000) throw new Error('sources: the whole curves did not replace the samples');
    await page.waitForTimeout(500);
    return [sampled, await host.screenshot(page, path.join(outDir, `sources-whole-${theme}.png`))];
  } finally {
    faults.delayMs = 0;
    await wb.close();
  }
}

// ---- review comment ----------------------------------------------------------------------------------------------
const require = createRequire(import.meta.url);

/** The sample workspace's commit whose subject starts with `subject`. */
function commitOf(folder, subject) {
  const sha = execFileSync('git', ['-C', folder, 'log', '--format=%H', '--fixed-strings', `--grep=${subject}`], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')[0];
  if (!sha) throw new Error(`the sample workspace has no commit "${subject}"`);
  return sha;
}

/**
 * The comment `runlens review --format md` writes on the sample workspace (the commit that switched to larger batches
 * and AdamW, three MLflow runs and a W&B run, against the one before it), rendered as GitHub renders it.
 */
async function reviewCommentShot(folder) {
  const args = [
    path.join(root, 'dist/cli.js'),
    'review',
    folder,
    '--head',
    commitOf(folder, 'Larger batches and AdamW'),
    '--base',
    commitOf(folder, 'Switch to Adam with a cosine schedule'),
    '--fail-on',
    'val_loss:+2%',
    '--fail-on',
    'val_accuracy:-1%',
  ];
  let md;
  try {
    md = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.status !== 1) throw e; // 1: a gate failed (a run of that commit diverged): still a comment
    md = e.stdout;
  }
  const { render } = require('../test/e2e/commentPage.js');
  const browser = await host.launchBrowser();
  try {
    const { page, errors } = await render(browser, md);
    if (errors.length) throw new Error(`the comment page: ${errors.join('; ')}`);
    const file = path.join(outDir, 'review-comment.png');
    await page.screenshot({ path: file, fullPage: true });
    return file;
  } finally {
    await browser.close();
  }
}

/**
 * The review in the compare view's header, in one theme: a repository whose feature branch regresses val_loss (the
 * review helper the tests use: three seeds a side, MLflow runs recording their commits, gates in .runlens.yml), then
 * "Runlens: Review Against Base Branch…" → main. (The sample workspace's HEAD has one DVCLive run and no metric
 * in common with its baseline's: a header with no groups to show.)
 */
async function reviewCompareShot(theme) {
  const { makeReviewRepo } = await loadHelper('reviewRepo');
  const folder = path.join(root, '.runlens-tmp', `review-sample-${theme}`);
  fs.rmSync(folder, { recursive: true, force: true });
  makeReviewRepo(folder, {
    base: { valLoss: [0.412, 0.405, 0.418], accuracy: [0.902, 0.908, 0.899] },
    head: { valLoss: [0.447, 0.452, 0.441], accuracy: [0.905, 0.91, 0.903] },
  });
  fs.writeFileSync(
    path.join(folder, '.runlens.yml'),
    'review:\n  failOn:\n    - val_loss:+2%\n    - val_accuracy:-0.5%\n',
  );
  const wb = await openThemed(folder, theme);
  const { page } = wb;
  try {
    await host.openRunlensView(page);
    await host.waitForRows(page, { runsOnly: true, min: 6 });
    await host.setColorTheme(page, THEMES[theme]);
    await host.runCommand(page, /** @type {string} */ (host.commandTitle('runlens.reviewAgainstBase')));
    await page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: /^main$/ }) })
      .first()
      .click({ timeout: 30000 });
    const view = host.webviewFrame(page);
    await view.locator('section.review table.review-groups tbody tr').first().waitFor({ timeout: 60000 });
    // the verdict's notification would cover the view
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1500); // the header's commit states fill in after the first message
    return await host.screenshot(page, path.join(outDir, `review-compare-${theme}.png`));
  } finally {
    await wb.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

// ---- walkthrough -------------------------------------------------------------------------------------------------
const walkDir = path.join(root, 'media', 'walkthrough');

/** The region of a workbench part, for a clipped picture. @param {import('playwright-core').Page} page @param {string} sel */
async function clipOf(page, sel) {
  const box = await page.locator(sel).first().boundingBox();
  if (!box) throw new Error(`no ${sel} on the page`);
  return { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
}

/** The five step images of the walkthrough, each the real UI at that step (dark theme). */
async function walkthroughImages(folder) {
  const wb = await openStage(folder, 'dark');
  const { page } = wb;
  // the top of the sidebar, where the sample workspace's rows are (the rest is empty)
  const sidebar = async () => ({ ...(await clipOf(page, '.part.sidebar')), height: 470 });
  try {
    const written = [];
    written.push(await host.screenshot(page, path.join(walkDir, 'open-folder.png'), { clip: await sidebar() }));
    // the view's toolbar shows while the pointer is over the view
    await page.locator('.part.sidebar .monaco-list-row[role="treeitem"]').first().hover();
    await page.waitForTimeout(400);
    const runsView = path.join(walkDir, 'runs-view.png');
    await page.screenshot({ path: runsView, clip: { ...(await sidebar()), height: 330 } });
    written.push(runsView);
    await host.selectRows(page, ['adam-lr1e-3', 'adam-lr3e-4']);
    written.push(await host.screenshot(page, path.join(walkDir, 'select-two.png'), { clip: await sidebar() }));
    await host.runCommand(page, /** @type {string} */ (host.commandTitle('runlens.compareRuns')));
    const view = host.webviewFrame(page);
    await view.locator('table.metrics tbody tr').first().waitFor({ timeout: 30000 });
    await page.waitForTimeout(1500); // the header's commit states fill in after the first message
    written.push(
      await host.screenshot(page, path.join(walkDir, 'compare.png'), { clip: await clipOf(page, '.part.editor') }),
    );
    const tabs = await page.locator('.tabs-container .tab').count();
    await view.locator('button.cell-commit').first().click();
    await page.waitForFunction((n) => document.querySelectorAll('.tabs-container .tab').length > n, tabs, {
      timeout: 30000,
    });
    await page.waitForTimeout(1500);
    written.push(
      await host.screenshot(page, path.join(walkDir, 'open-commit.png'), { clip: await clipOf(page, '.part.editor') }),
    );
    return written;
  } finally {
    await wb.close();
  }
}

/** The walkthrough as VS Code shows it (Welcome: Open Walkthrough…), in one theme. */
async function walkthroughShot(folder, theme) {
  const wb = await openStage(folder, theme);
  try {
    const title = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).contributes.walkthroughs[0]
      .title;
    await host.runCommand(wb.page, 'Welcome: Open Walkthrough...');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click({ timeout: 15000 });
    await wb.page.locator('.gettingStartedContainer').getByText(title).first().waitFor({ timeout: 30000 });
    await wb.page.locator('.gettingStartedContainer .getting-started-media img').first().waitFor({ timeout: 15000 });
    await wb.page.waitForTimeout(1000);
    return await host.screenshot(wb.page, path.join(outDir, `walkthrough-${theme}.png`));
  } finally {
    await wb.close();
  }
}

async function main() {
  const t0 = Date.now();
  const folder = await prepare({ build: !process.argv.includes('--no-build') });
  const written = [];
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  if (!only || only === 'review') {
    written.push(await reviewCommentShot(folder));
    for (const theme of /** @type {const} */ (['dark', 'light'])) written.push(await reviewCompareShot(theme));
  }
  if (!only || only === 'walkthrough') {
    written.push(...(await walkthroughImages(folder)));
    for (const theme of /** @type {const} */ (['dark', 'light'])) written.push(await walkthroughShot(folder, theme));
  }
  if (!only || only === 'sources') written.push(...(await sourcesCompareShots(folder)));
  if (!only || only === 'polling')
    for (const theme of /** @type {const} */ (['dark', 'light'])) written.push(await pollingShot(folder, theme));
  if (!only || only === 'views') {
    for (const theme of /** @type {const} */ (['dark', 'light'])) written.push(await sidebarShot(folder, theme));
    for (const theme of /** @type {const} */ (['dark', 'light']))
      written.push(...((await compareShot(folder, theme)) ?? []));
  }
  for (const f of written) console.log(`wrote ${path.relative(root, f)}`);
  console.log(`screenshots done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(e instanceof host.HostError ? 3 : 1);
  },
);
