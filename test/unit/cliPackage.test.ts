import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTemp, rmTemp } from '../helpers/tmp';
import { writeMlflowStore } from '../helpers/writers/mlflowFiles';

const root = path.resolve(__dirname, '../../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The CLI as users install it: `npm pack` of this package, `npm i -g` of the tarball into an empty prefix, then the
 * installed `runlens` command. Needs no network (the package has no dependencies) and the bundle npm test built.
 */
describe('the npm package: npm pack, npm i -g into an empty prefix, runlens', function () {
  this.timeout(120_000);
  let tmp: string;
  let bin: string;
  let runs: string;

  before(function () {
    if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) this.skip(); // npm test builds it first
    tmp = makeTemp();
    // --ignore-scripts: prepack would rebuild dist/, which npm test has just done
    const env = {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const pack = spawnSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
      cwd: root,
      encoding: 'utf8',
      env,
    });
    assert.equal(pack.status, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path).sort();
    assert.deepEqual(files, [
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'dist/cli.js',
      'dist/indexWorker.js',
      'dist/sql-wasm.wasm',
      'package.json',
    ]);
    const prefix = path.join(tmp, 'prefix');
    fs.mkdirSync(prefix);
    const install = spawnSync(npm, ['install', '--global', '--prefix', prefix, path.join(tmp, info!.filename)], {
      cwd: tmp,
      encoding: 'utf8',
      env,
    });
    assert.equal(install.status, 0, install.stderr);
    bin = path.join(prefix, 'bin', 'runlens');
    runs = path.join(tmp, 'runs');
    const many = Array.from({ length: 30 }, (_, i) => ({
      id: i.toString(16).padStart(32, 'e'),
      runName: `run-${i}`,
      startTime: 1_700_000_000_000 + i,
      endTime: null,
      params: { i: String(i) },
    }));
    writeMlflowStore(runs, 'mlruns', [{ id: '1', name: 'many', runs: many }]);
  });
  after(() => tmp && rmTemp(tmp));

  it('installs nothing but itself, and its runlens command prints the version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version: string;
      dependencies?: object;
    };
    assert.equal(pkg.dependencies, undefined, 'the bundle carries its libraries');
    assert.deepEqual(fs.readdirSync(path.join(path.dirname(path.dirname(bin)), 'lib', 'node_modules')), ['runlens']);
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${pkg.version}\n`);
  });

  it('lists runs (sql.js and the index worker found beside the bundle)', () => {
    const r = spawnSync(bin, ['list', runs], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\n30 runs\n$/);
    assert.match(r.stdout, /run-29/);
  });

  it('list … | head -1 exits 0 with no stack trace', () => {
    const r = spawnSync('bash', ['-c', `"${bin}" list "${runs}" | head -1; echo "exit \${PIPESTATUS[0]}" >&2`], {
      encoding: 'utf8',
    });
    assert.match(r.stdout, /^id +format +name/);
    assert.equal(r.stderr, 'exit 0\n');
  });
});
