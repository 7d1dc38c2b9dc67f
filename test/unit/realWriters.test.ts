import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { Indexer } from '../../src/core/index/indexer';
import { READERS } from '../../src/core/readers';
import { diffLoggedRun, type Logged } from '../helpers/realWriters';
import { makeTemp, rmTemp } from '../helpers/tmp';

/**
 * Runs logged by the real Python tools (pinned in test/python/locks/, installed into cached virtual environments
 * by test/python/setup.mjs), each script writing the runs and an expected.json of what it logged; the index of
 * each workspace must match it exactly (docs/real-writers.md). Without python3 + venv, or when the install fails
 * (offline, no cache), the suite is one pending line saying why. RUNLENS_REAL_WRITERS=0 skips it on purpose.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const PY = path.join(ROOT, 'test', 'python');

interface Workspace {
  name: string;
  env: string;
  script: string;
  args?: string[];
}

/** Every workspace the suite writes: one script run each, in its tool's environment. */
export const WORKSPACES: readonly Workspace[] = [
  { name: 'mlflow2-file-store', env: 'mlflow2', script: 'mlflow_runs.py', args: ['file'] },
  { name: 'mlflow2-sqlite-store', env: 'mlflow2', script: 'mlflow_runs.py', args: ['sqlite'] },
  { name: 'mlflow3-file-store', env: 'mlflow3', script: 'mlflow_runs.py', args: ['file'] },
  { name: 'mlflow3-sqlite-store', env: 'mlflow3', script: 'mlflow_runs.py', args: ['sqlite'] },
  { name: 'tensorboard', env: 'tensorboard', script: 'tensorboard_runs.py' },
  { name: 'wandb-offline', env: 'wandb', script: 'wandb_runs.py' },
  { name: 'dvclive', env: 'dvclive', script: 'dvclive_runs.py' },
  { name: 'sacred', env: 'sacred-hydra', script: 'sacred_runs.py' },
  { name: 'hydra', env: 'sacred-hydra', script: 'hydra_runs.py' },
  { name: 'guild', env: 'guild', script: 'guild_runs.py' },
];

/** Runs one writer script; resolves with its stderr tail when it fails. */
function write(python: string, w: Workspace, dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(python, [path.join(PY, 'writers', w.script), dir, ...(w.args ?? [])], {
      env: { ...process.env, PYTHONHASHSEED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-3000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? undefined : `${w.script} ${w.args?.join(' ') ?? ''} exited with ${code}:\n${err}`);
    });
  });
}

describe('real writers: runs logged by the real Python tools', function () {
  this.timeout(40 * 60_000); // a cold install of every environment; a warm run takes well under a minute
  let tmp: string | undefined;

  before(async function () {
    const suite = this.test!.parent!;
    const skip = (why: string): void => {
      suite.tests[0]!.title = `skipped: ${why}`;
      this.skip();
    };
    if (process.env.RUNLENS_REAL_WRITERS === '0') return skip('RUNLENS_REAL_WRITERS=0');
    const envs = [...new Set(WORKSPACES.map((w) => w.env))];
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(PY, 'setup.mjs'), '--json', ...envs], { encoding: 'utf8' });
    let setup: Record<string, { python?: string; error?: string; cached?: boolean }>;
    try {
      setup = JSON.parse(r.stdout) as typeof setup;
    } catch {
      return skip(`test/python/setup.mjs failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    }
    const failed = Object.entries(setup).filter(([, v]) => v.error);
    // One environment that cannot be installed (no python3, offline with an empty cache) skips the suite, in one line.
    if (failed.length) {
      const byReason = new Map<string, string[]>();
      for (const [k, v] of failed)
        byReason.set(v.error!.split('\n')[0]!, [...(byReason.get(v.error!.split('\n')[0]!) ?? []), k]);
      return skip(
        `no Python environment: ${[...byReason].map(([why, names]) => `${why} (${names.join(', ')})`).join('; ')}`,
      );
    }
    const setupS = (performance.now() - t0) / 1000;
    tmp = makeTemp('runlens-realwriters-');
    const t1 = performance.now();
    // Three scripts at a time: most of their time is Python importing the tools, which waits on the disk.
    const queue = [...WORKSPACES];
    const failures: string[] = [];
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let w = queue.shift(); w; w = queue.shift()) {
          const failed = await write(setup[w.env]!.python!, w, path.join(tmp!, w.name));
          if (failed) failures.push(failed);
        }
      }),
    );
    assert.deepEqual(failures, [], 'a writer script failed');
    for (const w of WORKSPACES) {
      const logged = JSON.parse(fs.readFileSync(path.join(tmp, w.name, 'expected.json'), 'utf8')) as Logged;
      addRunTests(suite, w, path.join(tmp, w.name), logged);
    }
    console.log(
      `      real writers: environments ${setupS.toFixed(1)} s (${Object.values(setup).every((v) => v.cached) ? 'cached' : 'installed'}), writing ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
  });

  after(() => {
    if (tmp && !process.env.RUNLENS_KEEP_REAL_WRITERS) rmTemp(tmp);
    else if (tmp) console.log(`      real writers: workspaces kept in ${tmp}`);
  });

  it('writes runs with the real tools', () => {
    assert.ok(tmp, 'no workspace was written');
  });
});

/** One test per logged run, added once the workspace is written (its runs are known only then). */
function addRunTests(suite: Mocha.Suite, w: Workspace, dir: string, logged: Logged): void {
  let indexed: Promise<Indexer> | undefined;
  const index = (): Promise<Indexer> => {
    indexed ??= (async () => {
      const ix = new Indexer(dir, { readers: READERS });
      await ix.indexAll();
      return ix;
    })();
    return indexed;
  };
  const versions = Object.entries(logged.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  suite.addTest(
    new Mocha.Test(`${w.name} (${versions}): no file it could not read`, async () => {
      const ix = await index();
      assert.deepEqual(ix.diagnostics(), []);
    }),
  );
  for (const e of logged.runs) {
    const title = `${w.name}: ${e.format} run ${e.name ?? e.path}`;
    suite.addTest(
      new Mocha.Test(title, async () => {
        const ix = await index();
        const runs = ix.runs();
        const found = runs.filter((r) => r.format === e.format && r.path === e.path);
        assert.equal(
          found.length,
          1,
          `${found.length} runs at ${e.format}:${e.path}; the index has ${runs.map((r) => `${r.format}:${r.path}`).join(', ')}`,
        );
        const run = found[0]!;
        const pathToId = new Map(runs.map((r) => [r.path, r.id]));
        const bad = diffLoggedRun(e, run, await ix.readSeries(run), pathToId);
        assert.deepEqual(bad, [], `${bad.length} differences from what ${logged.tool} logged`);
      }),
    );
  }
  suite.addTest(
    new Mocha.Test(`${w.name}: no run that was not logged`, async () => {
      const ix = await index();
      const logged_ = new Set(logged.runs.map((r) => `${r.format}:${r.path}`));
      // Guild writes a run's scalars as TF event files in its .guild/ folder, which is listed as a TensorBoard run
      // too (the shared fixtures' expected files require that run).
      for (const r of logged.runs) if (r.format === 'guild') logged_.add(`tensorboard:${r.path}/.guild`);
      assert.deepEqual(
        ix
          .runs()
          .map((r) => `${r.format}:${r.path}`)
          .filter((k) => !logged_.has(k)),
        [],
      );
      ix.dispose();
    }),
  );
}
