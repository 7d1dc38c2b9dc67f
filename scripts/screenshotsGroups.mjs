// `node scripts/screenshotsGroups.mjs`: the Runs view grouped by configuration (seeds grouped), in the dark and the
// light theme, on the demo's sample workspace plus two configurations × three seeds of Lightning CSV logs; writes
// media/screenshots/groups-dark.png and groups-light.png (docs/groups.md shows them); then compares the two
// configurations' group nodes and captures the compare view's group curves (mean ± std band, n, step values) and
// its group table (noise verdicts): groups-compare-curves-<theme>.png, groups-compare-metrics-<theme>.png. It fails
// when the compare view draws no band for each group, so it is also a check of the feature in a real VS Code.
//   --no-build   skip `node scripts/build.mjs`
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { host, prepare } from './demo.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'media', 'screenshots');
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' };

/** Lightning CSVLogger folders: lr 0.01 and 0.003, seeds 0-2, val_loss falling to a per-seed final value. */
function writeSeeds(folder) {
  let v = 0;
  for (const [lr, center] of [
    [0.01, 0.42],
    [0.003, 0.37],
  ]) {
    for (const seed of [0, 1, 2]) {
      const dir = path.join(folder, 'seed_sweep', `version_${v++}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'hparams.yaml'), `lr: ${lr}\nbatch_size: 64\nhidden_dim: 512\nseed: ${seed}\n`);
      const final = center + (seed - 1) * 0.011;
      const rows = Array.from(
        { length: 10 },
        (_, e) => `${e},${e * 100 + 99},${(final + 1.5 * Math.exp(-e / 2)).toFixed(4)}`,
      );
      fs.writeFileSync(path.join(dir, 'metrics.csv'), `epoch,step,val_loss\n${rows.join('\n')}\n`);
    }
  }
}

async function shot(folder, theme) {
  const wb = await host.openWorkbench({
    folder,
    settings: {
      'workbench.colorTheme': THEMES[theme],
      'window.commandCenter': false,
      'workbench.layoutControl.enabled': false,
      'runlens.groupBy': 'configuration',
      'runlens.keyMetric': 'val_loss',
    },
  });
  try {
    // The setting applies the theme; the picker is a second try that times out on a loaded machine.
    await host.setColorTheme(wb.page, THEMES[theme]).catch(() => {});
    await host.openRunlensView(wb.page);
    await host.waitForRows(wb.page, { min: 5 });
    await host.resizeSidebar(wb.page, 760);
    await wb.page
      .locator('.part.sidebar .monaco-progress-container.active')
      .waitFor({ state: 'detached', timeout: 15000 })
      .catch(() => {});
    await wb.page.waitForTimeout(1000);
    const tree = await host.screenshot(wb.page, path.join(outDir, `groups-${theme}.png`));
    return [tree, ...(await compareShots(wb.page, theme))];
  } finally {
    await wb.close();
  }
}

/** Compares the two seed configurations (their group nodes) and captures the curves and the group table. */
async function compareShots(page, theme) {
  await host.selectRows(page, [/hidden_dim=512, lr=0\.01$/, /hidden_dim=512, lr=0\.003$/]);
  await host.runCommand(page, /** @type {string} */ (host.commandTitle('runlens.compareRuns')));
  await host.resizeSidebar(page, 420);
  const view = host.webviewFrame(page);
  await view.locator('.group-table tbody tr').first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(1000);
  const metrics = await host.screenshot(page, path.join(outDir, `groups-compare-metrics-${theme}.png`));
  await view.locator('#tab-curves').click();
  const card = view.locator('.chart-card[data-key="val_loss"]');
  await card.locator('canvas').waitFor({ timeout: 30000 });
  await view.locator('.chart-card[data-key="val_loss"][data-bands="2"]').waitFor({ state: 'attached', timeout: 60000 });
  const box = await card.locator('canvas').boundingBox();
  if (box) await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  await page.waitForTimeout(500);
  return [metrics, await host.screenshot(page, path.join(outDir, `groups-compare-curves-${theme}.png`))];
}

async function main() {
  const folder = await prepare({ build: !process.argv.includes('--no-build') });
  writeSeeds(folder);
  for (const theme of /** @type {const} */ (['dark', 'light']))
    for (const f of await shot(folder, theme)) console.log(`wrote ${path.relative(root, f)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(e instanceof host.HostError ? 3 : 1);
  },
);
