// What the e2e tests of the runs table and the Sweep view share: a workbench opened on a folder in the look their
// screenshots are taken in, and a pair of screenshots (light, then dark: the theme the checks go on in).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const host = require('../host/vscodeHost');

/** code-server on `folder` in Dark Modern, without the title bar's command center and layout controls. */
function openScreenshotWorkbench(folder) {
  return host.openWorkbench({
    folder,
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'window.commandCenter': false,
      'workbench.layoutControl.enabled': false,
    },
  });
}

/**
 * `<dir>/<name>-light.png`, then `<dir>/<name>-dark.png`; the page is left in the dark theme. `prepare()`, when
 * given, runs after each theme switch (which takes the focus), just before the shot.
 */
async function shootThemes(page, dir, name, prepare = async () => {}) {
  for (const [theme, suffix] of [
    ['Default Light Modern', 'light'],
    ['Default Dark Modern', 'dark'],
  ]) {
    await host.setColorTheme(page, theme);
    await page.waitForTimeout(1500);
    await prepare();
    await host.screenshot(page, path.join(dir, `${name}-${suffix}.png`));
  }
}

/** Closes the workbench and removes its workspace folder, unless asked to keep it (then says where it is). */
async function closeWorkbench(wb, ws, keep) {
  await wb.close();
  if (!keep) fs.rmSync(ws, { recursive: true, force: true });
  else console.log(`workspace kept: ${ws}`);
}

module.exports = { closeWorkbench, openScreenshotWorkbench, shootThemes };
