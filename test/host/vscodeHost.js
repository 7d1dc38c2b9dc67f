// Drives a real VS Code offline: code-server 4.100.3 (VS Code 1.100.3 server + web workbench) with Runlens loaded
// in development mode, opened in headless Debian Chromium through playwright-core. Recipe and pitfalls:
// ../shared/vscode-host.md. Plain CommonJS so scripts can use it without compiling.
//
//   startServer()        code-server on 127.0.0.1:<free port>, fresh user-data/extensions/XDG/TMP dirs
//   launchBrowser()      headless chromium with the flags this machine needs
//   workbenchUrl()       URL opening a folder with the extension (and optionally its tests) in development mode
//   runExtensionTests()  all of the above; resolves with { exitCode, result, timings }
//   openWorkbench()      a page showing the workbench, ready for the UI helpers below
//   UI helpers           openRunlensView, treeRows, findRow, waitForRows, clickRow, selectRows, runCommand,
//                        hasCommand, webviewFrame, screenshot
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');

/** The extension under test (the project root). */
const EXTENSION_ROOT = path.resolve(__dirname, '..', '..');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(EXTENSION_ROOT, 'package.json'), 'utf8'));
/** `publisher.name` of the extension, as VS Code identifies it. */
const EXTENSION_ID = `${MANIFEST.publisher}.${MANIFEST.name}`;

const setup = require('./setup');

/** code-server's CLI entry: $CODE_SERVER_BIN, else the copy test/host/setup.js installs on first use. */
function findCodeServer() {
  try {
    return setup.ensureHost().codeServer;
  } catch (e) {
    throw e instanceof setup.SetupError ? new HostError(e.message) : e;
  }
}

/** Infrastructure failure (server or browser would not start): the launcher maps it to exit code 3. */
class HostError extends Error {
  /** @param {string} message @param {{cause?: unknown}} [opts] */
  constructor(message, opts) {
    super(message, opts);
    this.name = 'HostError';
  }
}

/**
 * @typedef {object} Server
 * @property {string} url          e.g. http://127.0.0.1:41234
 * @property {string} authority    127.0.0.1:41234 — the remote authority of vscode-remote:// URIs
 * @property {number} pid          process group leader
 * @property {string} tmp          per-server temp root (removed by stop())
 * @property {number} startMs      spawn → listening
 * @property {string[]} serverLog  everything code-server printed
 * @property {() => Promise<void>} stop
 */

/**
 * Starts code-server with fresh dirs. User settings are written before the start (they live on the server side).
 * @param {object} [o]
 * @param {Record<string, string>} [o.env]            extra environment (reaches the remote extension host)
 * @param {Record<string, unknown>} [o.settings]      user settings merged over the defaults
 * @param {boolean} [o.gitEnabled]                    'git.enabled' (default true: Runlens resolves commits through the git extension)
 * @param {(s: string) => void} [o.log]
 * @param {number} [o.startTimeoutMs]
 * @param {number} [o.port]                          0 (default) picks a free port
 * @param {string} [o.vsix]                          a packaged extension to install into the fresh extensions dir first
 * @returns {Promise<Server>}
 */
async function startServer({
  env = {},
  settings = {},
  gitEnabled = true,
  log = () => {},
  startTimeoutMs = 60000,
  port = 0,
  vsix,
} = {}) {
  // short base path: unix socket paths (vscode-ipc-*.sock, vscode-git-*.sock) must stay under ~107 chars
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-host-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const configFile = path.join(tmp, 'config.yaml');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(path.join(tmp, 'tmp'), { recursive: true });
  fs.writeFileSync(configFile, ''); // else code-server writes ~/.config/code-server/config.yaml
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'security.workspace.trust.enabled': false,
        'git.enabled': gitEnabled,
        'git.autoRepositoryDetection': gitEnabled ? true : false,
        'git.openRepositoryInParentFolders': 'never',
        'git.autofetch': false,
        'chat.commandCenter.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...settings,
      },
      null,
      2,
    ),
  );

  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--config',
    configFile,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const serverEnv = {
    ...process.env,
    EXTENSIONS_GALLERY: '{}', // no open-vsx requests
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'), // coder-logs + heartbeat
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'), // device id
    TMPDIR: path.join(tmp, 'tmp'), // ipc/git sockets, TS temp dirs
    ...env,
  };
  if (vsix) installVsix(vsix, { extensionsDir, userDataDir, configFile, env: serverEnv, tmp });
  const t0 = Date.now();
  const child = spawn(process.execPath, [findCodeServer(), ...args], {
    detached: true, // own process group: stop() ends server + extension hosts + pty host together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: serverEnv,
  });
  /** @type {string[]} */
  const serverLog = [];
  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new HostError('code-server did not start in time:\n' + serverLog.join(''))),
        startTimeoutMs,
      );
      /** @param {Buffer} buf */
      const onData = (buf) => {
        const s = buf.toString();
        serverLog.push(s);
        log(s);
        const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(serverLog.join(''));
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new HostError('could not spawn code-server: ' + e.message, { cause: e }));
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new HostError(`code-server exited early (${code}):\n${serverLog.join('')}`));
      });
    });
  } catch (e) {
    killGroup(child.pid, 'SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const startMs = Date.now() - t0;
  const authority = new URL(url).host;
  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM');
    const gone = await new Promise((res) => {
      if (child.exitCode !== null || child.signalCode !== null) return res(true);
      const t = setTimeout(() => res(false), 5000);
      child.once('exit', () => {
        clearTimeout(t);
        res(true);
      });
    });
    if (!gone) killGroup(child.pid, 'SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { url, authority, pid: /** @type {number} */ (child.pid), tmp, startMs, serverLog, stop };
}

/**
 * `code-server --install-extension <vsix> --extensions-dir <dir>`: the extension as users get it, not the dev build.
 * @param {string} vsix
 * @param {{extensionsDir: string, userDataDir: string, configFile: string, env: NodeJS.ProcessEnv, tmp: string}} o
 */
function installVsix(vsix, { extensionsDir, userDataDir, configFile, env, tmp }) {
  const args = [
    '--install-extension',
    vsix,
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    '--config',
    configFile,
  ];
  const r = spawnSync(process.execPath, [findCodeServer(), ...args], { env, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new HostError(
      `code-server --install-extension ${path.basename(vsix)} failed (${r.status}):\n${r.stdout}${r.stderr}`,
    );
  }
}

/** @param {number | undefined} pid @param {NodeJS.Signals} signal */
function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * Headless Debian Chromium. XDG/TMP dirs keep its crash reports and caches out of $HOME.
 * @param {{headless?: boolean}} [o]
 * @returns {Promise<import('playwright-core').Browser>}
 */
async function launchBrowser({ headless = true } = {}) {
  const { chromium } = require('playwright-core');
  let chromiumBin;
  try {
    chromiumBin = setup.ensureChromium();
  } catch (e) {
    throw e instanceof setup.SetupError ? new HostError(e.message) : e;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-chromium-'));
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumBin,
      headless,
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_CACHE_HOME: path.join(home, 'cache'),
        TMPDIR: home,
      },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (e) {
    fs.rmSync(home, { recursive: true, force: true });
    throw new HostError(`could not launch ${chromiumBin}: ${e instanceof Error ? e.message : e}`, { cause: e });
  }
  browser.on('disconnected', () => fs.rmSync(home, { recursive: true, force: true }));
  return browser;
}

/**
 * The workbench URL: opens `folder` (an absolute server path) and loads the extension in development mode.
 * @param {Pick<Server, 'url' | 'authority'>} server
 * @param {{folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string, extra?: [string, string][]}} o
 */
function workbenchUrl(server, { folder, extensionDevelopmentPath = EXTENSION_ROOT, extensionTestsPath, extra = [] }) {
  /** @param {string} p */
  const remote = (p) => `vscode-remote://${server.authority}${p}`;
  /** @type {[string, string][]} */
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  payload.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true'], ...extra);
  const q = new URLSearchParams();
  if (folder) q.set('folder', folder);
  else q.set('ew', 'true');
  q.set('payload', JSON.stringify(payload));
  return `${server.url}/?${q.toString()}`;
}

/**
 * Workbench log lines that are noise for a test log (the extension host's console output always passes).
 * @param {string} line
 */
function isNoise(line) {
  return /(Resolving connection token|Resolved connection token|Creating a socket|Ignoring fetching additional builtin extensions|ChatSessionStore|service worker|Unable to resolve nonexistent file|open-vsx|marketplace|Long running operation|ENOTFOUND|allow-scripts and allow-same-origin|Failed to load resource)/i.test(
    line,
  );
}

/**
 * @typedef {object} TestResult
 * @property {number} passed
 * @property {number} failed
 * @property {number} [pending]
 * @property {{title: string, message: string, stack?: string}[]} failures
 * @property {number} [exitCode]
 */

/**
 * Runs the extension's integration tests in the real Node extension host of code-server.
 * Outcome: the result file written by the runner (test/integration/index.ts) plus window.codeAutomationExit.
 * exitCode 0 all passed, 1 failed / runner never reported, 2 timeout. Throws HostError when infrastructure fails.
 * @param {object} o
 * @param {string} o.extensionTestsPath        absolute path of the compiled runner (exports run())
 * @param {string} [o.extensionDevelopmentPath]
 * @param {string} [o.folder]                  workspace folder to open
 * @param {Record<string, string>} [o.env]     extra environment for the extension host
 * @param {Record<string, unknown>} [o.settings]
 * @param {boolean} [o.gitEnabled]
 * @param {number} [o.timeoutMs]
 * @param {NodeJS.WritableStream} [o.out]      where the forwarded log (mocha's spec output) goes
 * @param {boolean} [o.verbose]                also forward server output and workbench debug lines
 * @returns {Promise<{exitCode: number, automationExit: number | string, result: TestResult | null, timings: Record<string, number>}>}
 */
async function runExtensionTests({
  extensionTestsPath,
  extensionDevelopmentPath = EXTENSION_ROOT,
  folder,
  env = {},
  settings = {},
  gitEnabled = true,
  timeoutMs = 5 * 60 * 1000,
  out = process.stdout,
  verbose = false,
}) {
  /** @type {Record<string, number>} */
  const timings = {};
  const t0 = Date.now();
  const resultDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-result-'));
  const resultFile = path.join(resultDir, 'result.json');
  const server = await startServer({
    env: { ...env, VSCODE_TEST_RESULT_FILE: resultFile },
    settings,
    gitEnabled,
    log: verbose ? (s) => out.write('[server] ' + s) : () => {},
  });
  timings.serverStartMs = server.startMs;
  let browser;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    /** @type {(c: number) => void} */
    let resolveExit = () => {};
    /** @type {Promise<number>} */
    const exited = new Promise((r) => {
      resolveExit = r;
    });
    // Both hooks must exist before goto (exposeFunction installs them for future navigations).
    await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (/** @type {string} */ level, /** @type {unknown[]} */ args) => {
      if (!verbose && (level === 'trace' || level === 'debug')) return;
      let line;
      try {
        line = util.format(...args);
      } catch {
        line = String(args);
      }
      if (!verbose && isNoise(line)) return;
      out.write(line + '\n');
    });
    if (verbose) page.on('pageerror', (e) => out.write('[pageerror] ' + e.message + '\n'));
    const tNav = Date.now();
    await page.goto(workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }));
    const code = await Promise.race([
      exited,
      new Promise((r) => {
        timer = setTimeout(() => r('timeout'), timeoutMs);
      }),
    ]);
    timings.testsMs = Date.now() - tNav;
    /** @type {TestResult | null} */
    let result = null;
    if (fs.existsSync(resultFile)) result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    let exitCode;
    if (code === 'timeout') exitCode = 2;
    else exitCode = (typeof code === 'number' ? code : 1) || (result && result.failed > 0 ? 1 : 0);
    // No result file: the runner crashed, failed to load or the extension host died — VS Code then reports 0.
    if (code !== 'timeout' && !result) exitCode = exitCode || 1;
    timings.totalMs = Date.now() - t0;
    return { exitCode, automationExit: /** @type {number | string} */ (code), result, timings };
  } finally {
    clearTimeout(timer);
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    fs.rmSync(resultDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// UI automation

/**
 * @typedef {import('playwright-core').Page} Page
 * @typedef {import('playwright-core').Locator} Locator
 * @typedef {import('playwright-core').FrameLocator} FrameLocator
 */

/**
 * Starts a server + browser and opens the workbench on `folder` with Runlens loaded. Call `close()` when done.
 * @param {object} o
 * @param {string} o.folder
 * @param {Record<string, unknown>} [o.settings]  e.g. {'workbench.colorTheme': 'Default Light Modern'}
 * @param {boolean} [o.gitEnabled]
 * @param {{width: number, height: number}} [o.viewport]
 * @param {Record<string, string>} [o.env]
 * @param {(s: string) => void} [o.log]
 * @param {number} [o.port]
 * @param {string} [o.vsix]  install this packaged extension instead of loading the checkout in development mode
 * @returns {Promise<{server: Server, browser: import('playwright-core').Browser, page: Page, url: string, close: () => Promise<void>}>}
 */
async function openWorkbench({
  folder,
  settings = {},
  gitEnabled = true,
  viewport = { width: 1400, height: 900 },
  env = {},
  log,
  port,
  vsix,
}) {
  const server = await startServer({ settings, gitEnabled, env, log, port, vsix });
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport });
    const url = workbenchUrl(server, vsix ? { folder, extensionDevelopmentPath: '' } : { folder });
    // generous: on a loaded machine the workbench's first load took over 30 s (playwright's default)
    await page.goto(url, { timeout: 120000 });
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60000 });
    const b = browser;
    return {
      server,
      browser,
      page,
      url,
      close: async () => {
        await b.close().catch(() => {});
        await server.stop();
      },
    };
  } catch (e) {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    throw e;
  }
}

/** Title of the Runlens activity-bar container from package.json (falls back to "Runlens"). */
function containerTitle() {
  const containers =
    (MANIFEST.contributes &&
      MANIFEST.contributes.viewsContainers &&
      MANIFEST.contributes.viewsContainers.activitybar) ||
    [];
  const c = containers.find((/** @type {{id: string}} */ x) => x.id === 'runlens');
  return (c && c.title) || 'Runlens';
}

/**
 * Clicks the Runlens activity-bar icon (unless its sidebar is already showing) and waits for the view.
 * @param {Page} page
 * @param {{timeoutMs?: number}} [o]
 */
async function openRunlensView(page, { timeoutMs = 60000 } = {}) {
  const title = containerTitle();
  const icon = page.locator(`.part.activitybar a.action-label[aria-label^="${title}"]`).first();
  await icon.waitFor({ state: 'visible', timeout: timeoutMs });
  // the <li role="tab"> holding the icon is aria-selected when the container is open; a click would close it
  const selected = await icon
    .locator('xpath=ancestor::li[1]')
    .getAttribute('aria-selected')
    .catch(() => null);
  if (selected !== 'true') await icon.click();
  await page
    .locator('.part.sidebar .pane-body, .part.sidebar .monaco-list')
    .first()
    .waitFor({ state: 'attached', timeout: timeoutMs });
}

/**
 * Rows of the tree(s) in the sidebar.
 * @param {Page} page
 * @returns {Locator}
 */
function treeRows(page) {
  return page.locator('.part.sidebar .monaco-list-row[role="treeitem"]');
}

/**
 * Rows that are runs (not groups or problems): the runs tree sets each run's accessibility label to
 * "<name>, <format> run, <status>…" (src/vscode/runsTree.ts), and a row's aria-label is that label.
 * @param {Page} page
 * @returns {Locator}
 */
function runRows(page) {
  return treeRows(page).and(page.locator('[aria-label*=" run, "]'));
}

/**
 * The row whose visible label is `label` (a string matches exactly, a RegExp as given). A row's aria-label is the
 * TreeItem tooltip when one is set, so the visible `.label-name` is what is matched.
 * @param {Page} page
 * @param {string | RegExp} label
 * @returns {Locator}
 */
function findRow(page, label) {
  const re = typeof label === 'string' ? new RegExp(`^${escapeRe(label)}$`) : label;
  return treeRows(page).filter({ has: page.locator('.label-name', { hasText: re }) });
}

/**
 * Waits until the sidebar shows at least `min` rows (only run rows with `runsOnly`) whose labels pass `filter`;
 * returns their labels. The list is virtualised: only rows in view exist in the DOM.
 * @param {Page} page
 * @param {{min?: number, runsOnly?: boolean, filter?: (label: string) => boolean, timeoutMs?: number}} [o]
 * @returns {Promise<string[]>}
 */
async function waitForRows(page, { min = 1, runsOnly = false, filter = () => true, timeoutMs = 60000 } = {}) {
  const rows = runsOnly ? runRows(page) : treeRows(page);
  const deadline = Date.now() + timeoutMs;
  /** @type {string[]} */
  let labels = [];
  for (;;) {
    labels = (await rows.locator('.label-name').allTextContents()).map((s) => s.trim()).filter(filter);
    if (labels.length >= min) return labels;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${min} ${runsOnly ? 'run' : 'tree'} rows; saw: ${JSON.stringify(labels)}`);
    await page.waitForTimeout(250);
  }
}

/**
 * Clicks the row labelled `label`.
 * @param {Page} page
 * @param {string | RegExp} label
 * @param {{modifiers?: ('Control' | 'Shift' | 'Alt' | 'Meta')[], timeoutMs?: number}} [o]
 */
async function clickRow(page, label, { modifiers, timeoutMs = 30000 } = {}) {
  const row = findRow(page, label).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click({ modifiers });
  return row;
}

/**
 * Selects several rows: click the first, Ctrl+click the rest (needs `canSelectMany` on the tree view).
 * @param {Page} page
 * @param {(string | RegExp)[]} labels
 */
async function selectRows(page, labels) {
  for (let i = 0; i < labels.length; i++) await clickRow(page, labels[i], i === 0 ? {} : { modifiers: ['Control'] });
}

/**
 * Runs a command from the Command Palette by its title as shown there (e.g. "Runlens: Compare Runs").
 * @param {Page} page
 * @param {string} title
 * @param {{timeoutMs?: number}} [o]
 */
async function runCommand(page, title, { timeoutMs = 15000 } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill('>' + title);
  await pickQuickInputRow(page, title, timeoutMs);
}

/**
 * Clicks the quick-input row whose label is exactly `label` (Enter would take the first, best-matching row).
 * @param {Page} page
 * @param {string | RegExp} label
 * @param {number} timeoutMs
 */
async function pickQuickInputRow(page, label, timeoutMs) {
  const exact = typeof label === 'string' ? new RegExp(`^${escapeRe(label)}$`) : label;
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}

/** @param {string} s */
function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Switches the color theme through "Preferences: Color Theme" (the 'workbench.colorTheme' user setting written
 * before start is not honoured by code-server's web workbench — it stays on Light+; other settings apply).
 * @param {Page} page
 * @param {string} theme  e.g. "Default Dark Modern"
 */
async function setColorTheme(page, theme) {
  const short = theme.replace(/^Default /, ''); // the picker labels "Default Dark Modern" as "Dark Modern"
  // Opened while the workbench is still registering the built-in theme extensions (a loaded machine, seconds after
  // the page loads), the picker lists no themes and stays empty: close it and ask again.
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Preferences: Color Theme');
    // the palette closes and the theme picker opens a new quick input
    const input = page.locator('.quick-input-widget input[placeholder*="Theme"]');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill(short);
    try {
      await pickQuickInputRow(page, new RegExp(`^(Default )?${escapeRe(short)}$`), 10000);
      break;
    } catch (e) {
      if (attempt === 4) throw e;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2000);
    }
  }
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15000 });
}

/**
 * Drags the sash between the sidebar and the editor so the sidebar is `width` CSS pixels wide.
 * @param {Page} page
 * @param {number} width
 */
async function resizeSidebar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/**
 * Palette title of a contributed command ("Category: Title"), or undefined when package.json does not contribute it.
 * @param {string} id
 * @returns {string | undefined}
 */
function commandTitle(id) {
  const cmds = (MANIFEST.contributes && MANIFEST.contributes.commands) || [];
  const c = cmds.find((/** @type {{command: string}} */ x) => x.command === id);
  if (!c) return undefined;
  return c.category ? `${c.category}: ${c.title}` : c.title;
}

/**
 * The inner frame (the extension's HTML) of the visible webview of this extension.
 * Webviews are <iframe class="webview"> hosting a nested iframe#active-frame ("pending-frame" while loading).
 * @param {Page} page
 * @param {{extensionId?: string}} [o]
 * @returns {FrameLocator}
 */
function webviewFrame(page, { extensionId = EXTENSION_ID } = {}) {
  return page
    .locator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`)
    .filter({ visible: true })
    .first()
    .contentFrame()
    .locator('iframe#active-frame')
    .contentFrame();
}

/**
 * Full-page PNG (folders created).
 * @param {Page} page
 * @param {string} file
 * @param {{clip?: {x: number, y: number, width: number, height: number}}} [o]
 */
async function screenshot(page, file, { clip } = {}) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // the mouse pointer leaves hover highlights and tooltips behind: park it on the status bar and let hovers fade
  const vp = page.viewportSize();
  if (vp) await page.mouse.move(vp.width / 2, vp.height - 2).catch(() => {});
  await page.waitForTimeout(600);
  await page.screenshot({ path: file, clip });
  return file;
}

module.exports = {
  EXTENSION_ROOT,
  EXTENSION_ID,
  HostError,
  findCodeServer,
  startServer,
  launchBrowser,
  workbenchUrl,
  runExtensionTests,
  openWorkbench,
  containerTitle,
  openRunlensView,
  treeRows,
  runRows,
  findRow,
  waitForRows,
  clickRow,
  selectRows,
  runCommand,
  setColorTheme,
  resizeSidebar,
  commandTitle,
  webviewFrame,
  screenshot,
};
