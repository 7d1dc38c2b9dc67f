#!/usr/bin/env node
// Cached Python virtual environments for the real-writer tests and the peers bench.
//
// Each environment is pinned by a lock file, test/python/locks/<name>.txt (a `pip freeze` of a working install,
// installed with --no-deps so nothing is resolved again), and lives OUTSIDE the clone, in
//   ${RUNLENS_PY_CACHE:-${XDG_CACHE_HOME:-~/.cache}/runlens}/venv-<name>-<hash of lock file and Python version>
// so a fresh clone on the same machine (CI) reuses it, and pip's own cache serves a new lock's unchanged wheels.
// A finished environment holds a `.runlens-ok` marker; one without it (an install that was cut off) is rebuilt.
// Packages are installed by uv (pinned in installer.txt, itself installed once by pip into venv-uv-<hash>), which
// fetches in parallel; when uv cannot be installed, pip does the same work, only slower.
//
//   node test/python/setup.mjs [--json] [name ...]   ensure the named environments (all when none); --json prints
//                                                    {name: {python, dir, cached, seconds} | {error}} on stdout
//   node test/python/setup.mjs --lock <name>         re-resolve locks/<name>.in into locks/<name>.txt
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const locks = path.join(here, 'locks');

/** Every environment with a lock file. */
export function envNames() {
  return fs
    .readdirSync(locks)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
}

export function cacheRoot() {
  if (process.env.RUNLENS_PY_CACHE) return process.env.RUNLENS_PY_CACHE;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'runlens');
}

/** The interpreter to build environments with, and its "major.minor", or an error saying why there is none. */
export function basePython() {
  const python = process.env.RUNLENS_PYTHON || 'python3';
  const r = spawnSync(python, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
  });
  if (r.error) return { error: `${python} not found` };
  if (r.status !== 0)
    return { error: `${python} has no venv/ensurepip (${(r.stderr || '').trim().split('\n').pop()})` };
  return { python, version: r.stdout.trim() };
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.error || r.status !== 0) {
    const tail = `${r.stderr || ''}${r.stdout || ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${path.basename(cmd)} ${args.slice(0, 4).join(' ')} failed: ${r.error?.message ?? tail}`);
  }
  return r.stdout;
}

/** Builds (or finds) one environment. Returns {python, dir, cached, seconds}; throws when the install fails. */
export function ensureEnv(name, base = basePython()) {
  return ensureVenv(name, path.join(locks, `${name}.txt`), base, (python, lockFile) => {
    const uv = installer(base);
    if (uv) run(uv, ['pip', 'install', '--no-deps', '-q', '--python', python, '-r', lockFile]);
    else pipInstall(python, lockFile);
  });
}

/** pip installing a lock file's exact pins into the environment of `python` (no resolving: --no-deps). */
function pipInstall(python, lockFile) {
  run(python, ['-m', 'pip', 'install', '--no-deps', '--disable-pip-version-check', '--no-input', '-q', '-r', lockFile]);
}

let uvPath;
/** uv from its own cached environment, or null (then pip installs). */
function installer(base) {
  if (uvPath !== undefined) return uvPath;
  try {
    const env = ensureVenv('uv', path.join(here, 'installer.txt'), base, pipInstall);
    uvPath = path.join(env.dir, 'bin', 'uv');
  } catch {
    uvPath = null;
  }
  return uvPath;
}

/** Where the environment pinned by `lockFile` lives for this Python version. */
function venvDir(name, lockFile, base) {
  const lock = fs.readFileSync(lockFile, 'utf8');
  const hash = createHash('sha256').update(`${base.version}\n${lock}`).digest('hex').slice(0, 12);
  return path.join(cacheRoot(), `venv-${name}-${hash}`);
}

function ensureVenv(name, lockFile, base, install) {
  if (base.error) throw new Error(base.error);
  const dir = venvDir(name, lockFile, base);
  const python = path.join(dir, 'bin', 'python');
  const marker = path.join(dir, '.runlens-ok');
  if (fs.existsSync(marker)) return { python, dir, cached: true, seconds: 0 };
  const t0 = performance.now();
  fs.mkdirSync(cacheRoot(), { recursive: true });
  // Two processes building the same environment (parallel test runs) would corrupt it: the first takes the lock.
  const lockDir = `${dir}.building`;
  for (let waited = 0; ; waited++) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch {
      if (fs.existsSync(marker)) return { python, dir, cached: true, seconds: 0 };
      const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30 * 60_000)
        fs.rmSync(lockDir, { recursive: true, force: true }); // left by a killed build
      else spawnSync('sleep', ['2']);
      if (waited > 900) throw new Error(`timed out waiting for ${lockDir}`);
    }
  }
  try {
    if (fs.existsSync(marker)) return { python, dir, cached: true, seconds: 0 };
    fs.rmSync(dir, { recursive: true, force: true });
    run(base.python, ['-m', 'venv', dir]);
    install(python, lockFile);
    fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
    return { python, dir, cached: false, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Re-resolves locks/<name>.in (top-level requirements) into the full pinned list locks/<name>.txt. */
function relock(name) {
  const base = basePython();
  if (base.error) throw new Error(base.error);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `runlens-lock-${name}-`));
  try {
    run(base.python, ['-m', 'venv', tmp]);
    const py = path.join(tmp, 'bin', 'python');
    run(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', path.join(locks, `${name}.in`)]);
    // `# drop: a b` lines in the .in name dependencies the tests do not need (installed with --no-deps, never pulled).
    const spec = fs.readFileSync(path.join(locks, `${name}.in`), 'utf8');
    const drop = new Set([...spec.matchAll(/^# drop: (.*)$/gm)].flatMap((m) => m[1].trim().toLowerCase().split(/\s+/)));
    const frozen = run(py, [
      '-m',
      'pip',
      'freeze',
      '--all',
      '--exclude',
      'pip',
      '--exclude',
      'setuptools',
      '--exclude',
      'wheel',
    ])
      .split('\n')
      .filter((l) => !drop.has(l.split('==')[0].toLowerCase()))
      .join('\n');
    const header = `# Generated by \`node test/python/setup.mjs --lock ${name}\` from ${name}.in (Python ${base.version}); installed with --no-deps.\n`;
    fs.writeFileSync(path.join(locks, `${name}.txt`), header + frozen);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname;
if (isMain) {
  const args = process.argv.slice(2);
  if (args[0] === '--lock') {
    for (const n of args.slice(1)) relock(n);
  } else {
    const json = args.includes('--json');
    const names = args.filter((a) => a !== '--json');
    const base = basePython();
    const wanted = names.length ? names : envNames();
    const out = {};
    const built = (n) =>
      !base.error && fs.existsSync(path.join(venvDir(n, path.join(locks, `${n}.txt`), base), '.runlens-ok'));
    const missing = wanted.filter((n) => !built(n));
    if (missing.length <= 1 || base.error) {
      for (const n of wanted) {
        try {
          out[n] = ensureEnv(n, base);
        } catch (e) {
          out[n] = { error: e instanceof Error ? e.message : String(e) };
        }
      }
    } else {
      for (const n of wanted) if (built(n)) out[n] = ensureEnv(n, base);
      // Environments are built side by side, one process each (installs mostly wait on the network); the installer
      // first, so they share it.
      installer(base);
      const self = new URL(import.meta.url).pathname;
      await Promise.all(
        missing.map(
          (n) =>
            new Promise((resolve) => {
              const child = spawn(process.execPath, [self, '--json', n], { stdio: ['ignore', 'pipe', 'inherit'] });
              let text = '';
              child.stdout.on('data', (d) => (text += d));
              child.on('close', () => {
                try {
                  out[n] = JSON.parse(text)[n];
                } catch {
                  out[n] = { error: `setup of ${n} printed no result` };
                }
                resolve();
              });
            }),
        ),
      );
    }
    if (!json)
      for (const n of wanted)
        console.log(
          `${n}: ${out[n].error ? `FAILED ${out[n].error}` : out[n].cached ? `cached (${out[n].dir})` : `installed in ${out[n].seconds.toFixed(0)} s (${out[n].dir})`}`,
        );
    if (json) console.log(JSON.stringify(out));
    process.exitCode = Object.values(out).some((v) => v.error) ? 1 : 0;
  }
}
