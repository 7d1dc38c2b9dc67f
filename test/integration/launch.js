#!/usr/bin/env node
// Runs the integration suites (out/test/integration/suite/**/*.test.js) inside a real VS Code.
//
//   node test/integration/launch.js --result <file> [--grep <re>] [--host code-server|electron]
//        [--timeout <s>] [--suites <compiled dir>]... [--keep-workspace] [--verbose]
//
// Host: a desktop VS Code through @vscode/test-electron when RUNLENS_VSCODE_EXECUTABLE names its executable (or
// --host electron; never downloads), else code-server + headless Chromium (test/host/vscodeHost.js) — this
// machine and CI. Both open a freshly generated sample workspace (test/helpers/sampleWorkspace.ts), whose path
// the suites get as RUNLENS_TEST_WORKSPACE.
// RUNLENS_REMOTE_SHAPED=1: code-server (the extension host) in a network namespace of its own, the browser in this
// one, reaching it at 10.x (test/host/netns.js); skipped with one line where namespaces cannot be made (not root).
// Exit: 0 all passed, 1 a test failed or the runner never reported, 2 timeout, 3 infrastructure error.
// <file> gets {"passed":N,"failed":N,...} whenever the suites ran.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);

/** @param {string} name */
function opt(name) {
  const i = argv.indexOf('--' + name);
  return i >= 0 ? argv[i + 1] : undefined;
}
/** @param {string} name */
function opts(name) {
  return argv.flatMap((a, i) => (a === '--' + name && argv[i + 1] ? [argv[i + 1]] : []));
}

const resultPath = opt('result') && path.resolve(opt('result'));
const grep = opt('grep');
const electronExe = process.env.RUNLENS_VSCODE_EXECUTABLE;
const host = opt('host') || (electronExe ? 'electron' : 'code-server');
const timeoutMs = Number(opt('timeout') || 300) * 1000;
const verbose = argv.includes('--verbose');
const keepWorkspace = argv.includes('--keep-workspace');
const extraSuites = opts('suites').map((d) => path.resolve(d));
// --workspace <dir>: open this folder instead of a fresh sample workspace (benchmarks on big generated workspaces)
const givenWorkspace = opt('workspace') && path.resolve(opt('workspace'));
const runnerPath = path.join(root, 'out', 'test', 'integration', 'index.js');

/** Compiles (tsc → out/) and bundles (dist/) when this is run on its own and the outputs are missing. */
function ensureBuilt() {
  const steps = [];
  if (!fs.existsSync(runnerPath) || !fs.existsSync(path.join(root, 'out', 'test', 'helpers', 'sampleWorkspace.js'))) {
    steps.push([process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.']]);
  }
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) steps.push([process.execPath, ['scripts/build.mjs']]);
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${path.basename(args[0])} failed`);
  }
}

/**
 * @param {{passed: number, failed: number, pending?: number, failures?: unknown[]} | null} result
 * @param {Record<string, unknown>} extra
 */
function writeResult(result, extra) {
  if (!resultPath) return;
  const r = result ?? {
    passed: 0,
    failed: 1,
    failures: [
      { title: 'integration runner', message: 'the runner did not report (crash, load error or extension host exit)' },
    ],
  };
  fs.mkdirSync(path.dirname(resultPath), { recursive: true });
  fs.writeFileSync(
    resultPath,
    JSON.stringify(
      { passed: r.passed, failed: r.failed, pending: r.pending ?? 0, failures: r.failures ?? [], ...extra },
      null,
      2,
    ),
  );
}

/** @param {string} workspace @param {Record<string, string>} env */
async function runOnCodeServer(workspace, env) {
  const { runExtensionTests } = require('../host/vscodeHost');
  return runExtensionTests({ extensionTestsPath: runnerPath, folder: workspace, env, timeoutMs, verbose });
}

/** @param {string} workspace @param {Record<string, string>} env */
async function runOnElectron(workspace, env) {
  if (!electronExe)
    throw new Error('--host electron needs RUNLENS_VSCODE_EXECUTABLE (path of a desktop VS Code executable)');
  const { runTests } = require('@vscode/test-electron');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-electron-'));
  const resultFile = path.join(tmp, 'result.json');
  const t0 = Date.now();
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  try {
    const run = runTests({
      vscodeExecutablePath: electronExe,
      extensionDevelopmentPath: root,
      extensionTestsPath: runnerPath,
      launchArgs: [
        workspace,
        '--user-data-dir',
        path.join(tmp, 'ud'),
        '--extensions-dir',
        path.join(tmp, 'ext'),
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-updates',
      ],
      extensionTestsEnv: { ...env, VSCODE_TEST_RESULT_FILE: resultFile },
    }).then(
      (code) => code,
      () => 1, // TestRunFailedError: non-zero exit; the result file says why
    );
    const code = await Promise.race([run, new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
    const result = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : null;
    let exitCode = code === 'timeout' ? 2 : Number(code) || (result && result.failed > 0 ? 1 : 0);
    if (code !== 'timeout' && !result) exitCode = exitCode || 1;
    return { exitCode, automationExit: code, result, timings: { totalMs: Date.now() - t0 } };
  } finally {
    clearTimeout(timer);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  const t0 = Date.now();
  if (require('../host/netns').remoteShaped() && host === 'code-server') {
    const why = require('../host/netns').unavailable();
    if (why) {
      console.log(`integration (remote-shaped): skipped — no network namespace here (${why})`);
      writeResult({ passed: 0, failed: 0, failures: [] }, { host, skipped: why });
      return 0;
    }
  }
  ensureBuilt();
  const { makeSampleWorkspace } = require(path.join(root, 'out', 'test', 'helpers', 'sampleWorkspace.js'));
  const workspace = givenWorkspace || fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-ws-'));
  if (!givenWorkspace) await makeSampleWorkspace(workspace);
  const workspaceMs = Date.now() - t0;
  /** @type {Record<string, string>} */
  const env = { RUNLENS_TEST_WORKSPACE: workspace };
  if (grep) env.RUNLENS_TEST_GREP = grep;
  if (extraSuites.length) env.RUNLENS_TEST_SUITES = extraSuites.join(path.delimiter);
  const shape = require('../host/netns').remoteShaped() ? ' (remote-shaped)' : '';
  console.log(`integration: host ${host}${shape}, workspace ${workspace}`);
  try {
    const r = host === 'electron' ? await runOnElectron(workspace, env) : await runOnCodeServer(workspace, env);
    const timings = { workspaceMs, ...r.timings, totalMs: Date.now() - t0 };
    if (r.exitCode !== 2) writeResult(r.result, { host, exitCode: r.exitCode, timings });
    if (r.exitCode === 2)
      console.log(`integration: TIMEOUT after ${timeoutMs / 1000} s (no exit signal from the workbench)`);
    if (r.result) {
      for (const f of r.result.failures ?? []) console.log(`FAILED: ${f.title}\n  ${f.message}`);
      console.log(
        `integration: ${r.result.passed} passed, ${r.result.failed} failed` +
          (r.result.pending ? `, ${r.result.pending} pending` : '') +
          ` (${host}, ${(timings.totalMs / 1000).toFixed(1)} s)`,
      );
    } else if (r.exitCode !== 2) {
      console.log('integration: the runner wrote no result (crash, load error or wrong extensionTestsPath)');
    }
    return r.exitCode;
  } finally {
    if (givenWorkspace) {
      // never remove a folder we were given
    } else if (keepWorkspace) console.log(`integration: kept ${workspace}`);
    else fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // a host that cannot be set up says what is missing in one line; anything else keeps its stack
    console.error(
      'integration: infrastructure error:',
      (err && err.name === 'HostError' ? err.message : err && err.stack) || err,
    );
    process.exit(3);
  },
);
