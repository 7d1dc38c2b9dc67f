// `npm run screenshots`: the demo setup (scripts/demo.mjs) driven in headless Chromium at 1400x900; writes the PNGs
// the README shows to media/screenshots/: sidebar-dark.png, sidebar-light.png, and the compare view of two runs in
// both themes — its metrics (compare-dark.png, compare-light.png) and its curves (compare-curves-dark.png,
// compare-curves-light.png) — and the walkthrough (walkthrough-dark.png, walkthrough-light.png). Also the images of
// the walkthrough's steps, media/walkthrough/*.png (dark theme; they ship in the VSIX).
//   --no-build          skip `node scripts/build.mjs`
//   --only walkthrough  only the walkthrough's pictures
//   --only polling      only the status bar's tooltip with runlens.watch = poll (polling-dark.png, polling-light.png)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { host, prepare } from './demo.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'media', 'screenshots');
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' };

/** A workbench on the sample workspace in one theme, with train.py open beside the Runlens sidebar. */
async function openStage(folder, theme, settings = {}) {
  const wb = await host.openWorkbench({
    folder,
    settings: {
      'workbench.colorTheme': THEMES[theme],
      'window.commandCenter': false,
      'workbench.layoutControl.enabled': false,
      ...settings,
    },
  });
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
  if (only !== 'polling') {
    written.push(...(await walkthroughImages(folder)));
    for (const theme of /** @type {const} */ (['dark', 'light'])) written.push(await walkthroughShot(folder, theme));
  }
  if (!only || only === 'polling')
    for (const theme of /** @type {const} */ (['dark', 'light'])) written.push(await pollingShot(folder, theme));
  if (!only) {
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
