import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SOURCE_FORMATS } from '../../src/core/model';
import { COMMANDS, cliVersion } from '../../src/cli/main';
import { cli } from '../helpers/runCli';
import { LOOKED_FOR } from '../../src/cli/lookedFor';
import { makeTemp, rmTemp } from '../helpers/tmp';
import { writeMlflowStore } from '../helpers/writers/mlflowFiles';

const T0 = 1_700_000_000_000;
const root = path.resolve(__dirname, '../../..');
const bundle = path.join(root, 'dist', 'cli.js');

describe('CLI help, version and the empty folder', () => {
  let empty: string;
  before(() => (empty = makeTemp()));
  after(() => rmTemp(empty));

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(cliVersion(), pkg.version);
    for (const flag of ['--version', '-v'])
      assert.deepEqual(await cli([flag]), { code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it("<command> --help prints that command's usage, options and examples, not the global help", async () => {
    for (const c of COMMANDS) {
      for (const args of [
        [c.name, '--help'],
        [c.name, '-h'],
        ['help', c.name],
      ]) {
        const { code, out } = await cli(args);
        assert.equal(code, 0, args.join(' '));
        assert.ok(out.startsWith(`Usage: runlens ${c.name} `), `${args.join(' ')}: ${out.split('\n')[0]}`);
        assert.match(out, /\nExamples:\n {2}runlens /);
        assert.ok(!out.includes('Commands:'), `${args.join(' ')} printed the global help`);
      }
    }
    const diff = (await cli(['diff', '--help'])).out;
    assert.match(diff, /--format text\|md\|json/);
    assert.match(diff, /--include <glob>/);
  });

  it('--help lists every command with one example each', async () => {
    const { code, out } = await cli(['--help']);
    assert.equal(code, 0);
    for (const c of COMMANDS) {
      assert.match(out, new RegExp(`\\n {2}${c.name} +${c.summary.slice(0, 20).replace(/[|()[\]]/g, '\\$&')}`));
      assert.ok(out.includes(`  ${c.examples[0]}\n`), c.name);
    }
  });

  it("a usage error names the command's own help", async () => {
    const { code, err } = await cli(['diff', '.']);
    assert.equal(code, 2);
    assert.equal(
      err,
      'runlens: diff needs <dir> and at least two runs (named, or selected with --where) (see runlens diff --help)\n',
    );
    assert.equal((await cli(['frobnicate'])).err, 'runlens: unknown command "frobnicate" (see runlens --help)\n');
  });

  it('list of a folder with no runs says which formats and file names it looked for', async () => {
    const { code, out } = await cli(['list', empty]);
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines[0], '0 runs');
    assert.match(lines[1]!, /looked for/);
    for (const f of SOURCE_FORMATS) assert.ok(out.includes(LOOKED_FOR[f]), f);
    for (const name of [
      'meta.yaml',
      'mlflow.db',
      'events.out.tfevents',
      'trainer_state.json',
      'results.csv',
      'run.json',
      '.hydra/config.yaml',
      'metrics.csv',
      'dvclive',
    ]) {
      assert.ok(out.includes(name), name);
    }
  });
});

describe('CLI as a process: a closed stdout', () => {
  let many: string;
  before(() => {
    many = makeTemp();
    const runs = Array.from({ length: 40 }, (_, i) => ({
      id: i.toString(16).padStart(32, '0'),
      runName: `run-${i}`,
      startTime: T0 + i,
      endTime: T0 + i + 1000,
      params: { i: String(i) },
      metrics: { loss: [[T0, 1 / (i + 1), 0]] as [number, number, number][] },
    }));
    writeMlflowStore(many, 'mlruns', [{ id: '1', name: 'many', runs }]);
  });
  after(() => rmTemp(many));

  it('ends quietly with exit 0 when the reader goes away (runlens list | head -1)', async function () {
    if (!fs.existsSync(bundle)) this.skip(); // npm test builds it first
    // The read end is closed before the CLI writes, so its first write fails with EPIPE for certain.
    const child = spawn(process.execPath, [bundle, 'list', many], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  it('through a shell pipe into head -1, the first line of the table', function () {
    if (!fs.existsSync(bundle)) this.skip();
    const r = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${bundle}" list "${many}" | head -1; echo "exit \${PIPESTATUS[0]}" >&2`],
      { encoding: 'utf8' },
    );
    assert.match(r.stdout, /^id +format +name/);
    assert.equal(r.stdout.split('\n').length, 2);
    assert.equal(r.stderr, 'exit 0\n');
  });
});
