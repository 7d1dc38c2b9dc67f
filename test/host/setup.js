// The offline VS Code test host, installed on first use (not by the project's `npm ci`): code-server 4.100.3 from
// npm into .vscode-test/host/ (ignored), from the pinned package.json + lock in test/host/code-server/, plus the
// system packages it needs (a Chromium, ripgrep, the toolchain code-server's native addons build with).
//
// Why not a devDependency: code-server's postinstall refuses to run as root without unsafe-perm, its nested
// `npm install` downloads ripgrep from GitHub, and node-pty's postinstall runs npx — so a plain `npm ci` of the
// project failed as root or offline. Here the install runs with exactly the environment it needs, and only for the
// scripts that start a VS Code (integration tests, e2e, demo, screenshots, bench). Recipe: ../shared/vscode-host.md.
//
//   node test/host/setup.js          install (or check) the host; prints where it is
//   require('./setup').ensureHost()  the same from a script: { codeServer, chromium }, or throws SetupError
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const PINNED = path.join(__dirname, 'code-server');
const HOST_DIR = path.join(ROOT, '.vscode-test', 'host');
const ENTRY = path.join(HOST_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const VSCODE_DIR = path.join(HOST_DIR, 'node_modules', 'code-server', 'lib', 'vscode');
const RG_BIN = path.join(VSCODE_DIR, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
const STAMP = path.join(HOST_DIR, 'installed.json');
// @vscode/ripgrep's postinstall uses `$TMPDIR/vscode-ripgrep-cache-<its version>/ripgrep-<tag>-<target>.tar.gz`
// when present instead of downloading from GitHub. Both come from code-server 4.100.3's lib/vscode: the version from
// npm-shrinkwrap.json, the tag from @vscode/ripgrep/lib/postinstall.js (checked after the install, below).
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TAG = 'v13.0.0-10';
const APT_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev', 'python3', 'make', 'g++', 'git'];

/** The host cannot be set up here; the message says what is missing and how to add it, in one line. */
class SetupError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'SetupError';
  }
}

/** @param {string} cmd */
function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The Chromium to drive: $CHROMIUM_BIN, else Debian's or Ubuntu's package. */
function findChromium() {
  if (process.env.CHROMIUM_BIN) return fs.existsSync(process.env.CHROMIUM_BIN) ? process.env.CHROMIUM_BIN : undefined;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p)) ?? which('chromium');
}

/**
 * System packages still missing, by Debian name. The build tools only matter while code-server is not installed yet.
 * @param {boolean} forInstall
 */
function missingPackages(forInstall) {
  const missing = [];
  if (!findChromium()) missing.push('chromium');
  if (!which('git')) missing.push('git');
  if (forInstall) {
    if (!which('rg')) missing.push('ripgrep');
    // kerberos (in code-server's lib/vscode) compiles against gssapi.h
    if (!fs.existsSync('/usr/include/gssapi/gssapi.h') && !fs.existsSync('/usr/include/gssapi.h'))
      missing.push('libkrb5-dev');
    for (const [cmd, pkg] of [
      ['python3', 'python3'],
      ['make', 'make'],
      ['g++', 'g++'],
    ])
      if (!which(cmd)) missing.push(pkg);
  }
  return missing;
}

/** Installs the missing packages with apt when we are root and have it; else names them. @param {(s: string) => void} log */
function ensureSystemPackages(forInstall, log) {
  const missing = missingPackages(forInstall);
  if (!missing.length) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new SetupError(
      `the VS Code test host needs ${missing.join(', ')}: install ${missing.length > 1 ? 'them' : 'it'} ` +
        `(Debian/Ubuntu: sudo apt-get install -y ${APT_PACKAGES.join(' ')}), or set CHROMIUM_BIN / CODE_SERVER_BIN`,
    );
  }
  log(`VS Code test host: apt-get install ${APT_PACKAGES.join(' ')} (missing: ${missing.join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...APT_PACKAGES],
  ]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0)
      throw new SetupError(`apt-get ${args[0]} failed (exit ${r.status}); install ${missing.join(', ')} yourself`);
  }
  const still = missingPackages(forInstall);
  if (still.length) throw new SetupError(`still missing after apt-get: ${still.join(', ')}`);
}

/** Puts Debian's rg where @vscode/ripgrep looks before downloading. @param {string} tmpdir */
function seedRipgrepCache(tmpdir) {
  const rg = which('rg');
  if (!rg || process.platform !== 'linux') return; // elsewhere the download is the only route
  const target = process.arch === 'arm64' ? 'aarch64-unknown-linux-musl' : 'x86_64-unknown-linux-musl';
  const dir = path.join(tmpdir, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('tar', [
    'czf',
    path.join(dir, `ripgrep-${RIPGREP_TAG}-${target}.tar.gz`),
    '-C',
    path.dirname(rg),
    path.basename(rg),
  ]);
  if (r.status !== 0) throw new SetupError(`could not pack ${rg} for the ripgrep cache: ${r.stderr}`);
}

/** The environment of the nested npm: ours minus whatever the calling `npm run` exported for the project. */
function installEnv(tmpdir) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  const keep = new Set([
    'npm_config_cache',
    'npm_config_registry',
    'npm_config_userconfig',
    'npm_config_globalconfig',
    'npm_config_cafile',
    'npm_config_nodedir',
  ]);
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.has(k.toLowerCase())) env[k] = v;
  // node-gyp downloads Node's headers from nodejs.org unless told where they are; the running Node's own (Debian's
  // nodejs package, the official tarballs) sit at <prefix>/include/node
  const prefix = path.dirname(path.dirname(process.execPath));
  const nodedir =
    env.npm_config_nodedir || (fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined);
  return {
    ...env,
    ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
    TMPDIR: tmpdir,
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root without it
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`, which must not prompt
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}

function pinnedLock() {
  return fs.readFileSync(path.join(PINNED, 'package-lock.json'), 'utf8');
}

function isInstalled() {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    return stamp.lock === pinnedLock() && fs.existsSync(ENTRY) && fs.existsSync(RG_BIN);
  } catch {
    return false;
  }
}

/** One install at a time (two test scripts may start together); a lock left by a killed process is taken over. */
function withLock(fn) {
  const lock = path.join(path.dirname(HOST_DIR), 'host.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      let alive = true;
      try {
        if (owner) process.kill(owner, 0);
      } catch {
        alive = false;
      }
      if (!alive) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new SetupError(`another install of the test host holds ${lock}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** @param {(s: string) => void} log */
function install(log) {
  ensureSystemPackages(true, log);
  const pkg = JSON.parse(fs.readFileSync(path.join(PINNED, 'package.json'), 'utf8'));
  log(
    `VS Code test host: installing code-server ${pkg.dependencies['code-server']} into ${path.relative(ROOT, HOST_DIR)}/ (first use, 1-3 min)…`,
  );
  fs.rmSync(HOST_DIR, { recursive: true, force: true });
  const tmpdir = path.join(HOST_DIR, 'tmp'); // the install's own TMPDIR, so the seeded ripgrep cache is the one it reads
  fs.mkdirSync(tmpdir, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(PINNED, f), path.join(HOST_DIR, f));
  seedRipgrepCache(tmpdir);
  const logFile = path.join(HOST_DIR, 'install.log');
  const out = fs.openSync(logFile, 'w');
  const t0 = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: HOST_DIR,
    env: installEnv(tmpdir),
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (r.status !== 0 || !fs.existsSync(ENTRY) || !fs.existsSync(RG_BIN)) {
    const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-25).join('\n');
    throw new SetupError(
      `installing code-server failed (npm ci exit ${r.status}${fs.existsSync(ENTRY) && !fs.existsSync(RG_BIN) ? ', no ripgrep binary' : ''}); last lines of ${logFile}:\n${tail}`,
    );
  }
  checkRipgrepPins(log);
  fs.rmSync(tmpdir, { recursive: true, force: true });
  fs.writeFileSync(
    STAMP,
    JSON.stringify({
      lock: pinnedLock(),
      installedAt: new Date().toISOString(),
      seconds: Math.round((Date.now() - t0) / 1000),
    }),
  );
  log(`VS Code test host: ready in ${Math.round((Date.now() - t0) / 1000)} s`);
}

/** Warns when a code-server bump moved @vscode/ripgrep away from the cache name seeded above. @param {(s: string) => void} log */
function checkRipgrepPins(log) {
  try {
    const shrink = JSON.parse(fs.readFileSync(path.join(VSCODE_DIR, 'npm-shrinkwrap.json'), 'utf8'));
    const version = shrink.packages?.['node_modules/@vscode/ripgrep']?.version;
    const post = fs.readFileSync(
      path.join(VSCODE_DIR, 'node_modules', '@vscode', 'ripgrep', 'lib', 'postinstall.js'),
      'utf8',
    );
    const tag = /VERSION\s*=\s*'([^']+)'/.exec(post)?.[1];
    if (version !== RIPGREP_PACKAGE_VERSION || tag !== RIPGREP_TAG) {
      log(
        `VS Code test host: note: @vscode/ripgrep is ${version} (${tag}); update RIPGREP_PACKAGE_VERSION/RIPGREP_TAG in test/host/setup.js`,
      );
    }
  } catch {
    /* the install itself succeeded; the pins are only needed offline */
  }
}

/**
 * The code-server entry and the Chromium to use, installing them on first use.
 * $CODE_SERVER_BIN (a code-server entry.js) skips the install.
 * @param {{log?: (s: string) => void}} [o]
 * @returns {{codeServer: string, chromium: string}}
 */
function ensureHost({ log = (s) => console.log(s) } = {}) {
  if (process.env.CODE_SERVER_BIN) {
    ensureSystemPackages(false, log);
    return { codeServer: process.env.CODE_SERVER_BIN, chromium: /** @type {string} */ (findChromium()) };
  }
  if (!isInstalled()) withLock(() => isInstalled() || install(log));
  ensureSystemPackages(false, log);
  return { codeServer: ENTRY, chromium: /** @type {string} */ (findChromium()) };
}

/** The Chromium alone (the standalone webview tests need no VS Code). */
function ensureChromium({ log = (s) => console.log(s) } = {}) {
  ensureSystemPackages(false, log);
  return /** @type {string} */ (findChromium());
}

/** VS Code's version inside the installed code-server, or '?' before the install. */
function vscodeVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(VSCODE_DIR, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

module.exports = { ensureHost, ensureChromium, vscodeVersion, SetupError, HOST_DIR, which };

if (require.main === module) {
  try {
    const { codeServer, chromium } = ensureHost();
    console.log(`VS Code test host: code-server ${codeServer}, VS Code ${vscodeVersion()}, chromium ${chromium}`);
  } catch (e) {
    console.error(e instanceof SetupError ? `runlens: ${e.message}` : e);
    process.exit(1);
  }
}
