#!/usr/bin/env node
// The extension as users get it: packs the VSIX (scripts/package.mjs, from the dist/ that npm test built), installs it
// with `code-server --install-extension` into a fresh extensions dir, opens a fresh sample workspace, and checks the
// Runs view lists its runs and the compare view opens with its codicons — no development-mode extension loaded.
//
//   node test/integration/vsix.js [--result <file>]     exit 0 passed, 1 failed, 3 infrastructure error
'use strict';
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const host = require('../host/vscodeHost');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const resultPath = argv.includes('--result') ? path.resolve(argv[argv.indexOf('--result') + 1]) : undefined;

let passed = 0;
let failed = 0;
/** @param {string} title @param {() => Promise<void>} fn */
async function check(title, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`  ✔ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`  ✘ ${title}\n    ${e instanceof Error ? e.stack || e.message : e}`);
  }
}

async function main() {
  console.log('the packaged extension (VSIX) in code-server');
  if (!fs.existsSync(path.join(root, 'out', 'test', 'helpers', 'sampleWorkspace.js'))) {
    if (
      spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'], { cwd: root, stdio: 'inherit' })
        .status !== 0
    )
      throw new Error('tsc failed');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-vsix-'));
  try {
    const { packageVsix, zipEntries } = await import('../../scripts/package.mjs');
    const vsix = packageVsix({
      out: path.join(tmp, 'runlens.vsix'),
      build: !fs.existsSync(path.join(root, 'dist', 'extension.js')),
    });
    const folder = path.join(tmp, 'sample');
    await require(path.join(root, 'out', 'test', 'helpers', 'sampleWorkspace.js')).makeSampleWorkspace(folder);
    const wb = await host.openWorkbench({ folder, vsix });
    try {
      await check(
        "installed from the VSIX, it activates and the Runs view lists the sample workspace's runs",
        async () => {
          assert.ok(!wb.url.includes('extensionDevelopmentPath'), 'no development-mode extension in the URL');
          assert.ok(zipEntries(vsix).includes('extension/dist/extension.js'));
          await host.openRunlensView(wb.page);
          const runs = await host.waitForRows(wb.page, { runsOnly: true, min: 10 });
          assert.ok(runs.includes('adam-lr1e-3') && runs.includes('adam-lr3e-4'), runs.join(', '));
        },
      );
      await check('its compare view opens two runs and draws codicons from the font the VSIX ships', async () => {
        await host.selectRows(wb.page, ['adam-lr1e-3', 'adam-lr3e-4']);
        await host.runCommand(wb.page, /** @type {string} */ (host.commandTitle('runlens.compareRuns')));
        const view = host.webviewFrame(wb.page);
        await view.locator('table.metrics tbody tr').first().waitFor({ timeout: 60000 });
        const icon = view.locator('button.tk-button.icon .codicon').first();
        await icon.waitFor({ timeout: 15000 });
        assert.equal(
          await icon.evaluate(async () => (await document.fonts.load('16px codicon')).length),
          1,
          'codicon font loaded',
        );
      });
    } finally {
      await wb.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`vsix: ${passed} passed, ${failed} failed`);
  if (resultPath) fs.writeFileSync(resultPath, JSON.stringify({ passed, failed }));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error('vsix: infrastructure error:', (e && e.name === 'HostError' ? e.message : e && e.stack) || e);
    process.exit(3);
  },
);
