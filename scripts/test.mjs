// The project's one test command (`npm test`): lint, type-check and compile, unit tests (plain Node), then the
// integration suites inside a real VS Code. Ends with one line "N passed, N failed".
//   --unit         unit tests only
//   --integration  integration suites only (and the packaged VSIX installed into code-server: test/integration/vsix.js)
//   --e2e          browser tests only (the webview page, and the compare view driven in a real VS Code)
//   --remote-shaped  only the few integration specs run in a remote-shaped host (also part of --integration)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const only = args.includes('--unit')
  ? 'unit'
  : args.includes('--remote-shaped')
    ? 'remote-shaped'
    : args.includes('--integration')
      ? 'integration'
      : args.includes('--e2e')
        ? 'e2e'
        : 'all';
// The real run files (../shared/fixtures next to the main checkout) are not part of the repository: a clone
// without them runs everything else and says once, here, that the conformance suites did not run.
const sharedFixtures = path.resolve(root, '..', 'shared', 'fixtures');
if (!process.env.RUNLENS_FIXTURES && fs.existsSync(sharedFixtures)) process.env.RUNLENS_FIXTURES = sharedFixtures;
const fixturesNote = process.env.RUNLENS_FIXTURES
  ? undefined
  : `conformance suites not run: no real run fixtures (RUNLENS_FIXTURES is unset and ${path.relative(root, sharedFixtures)} does not exist)`;

/** The integration specs run again in the remote-shaped host (a few: the shape is what is tested, not the features). */
const REMOTE_SHAPED_SPECS = 'harness smoke|remote-shaped host';

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

let passed = 0;
let failed = 0;
const tally = (file) => {
  if (!fs.existsSync(file)) return false;
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.passed;
  failed += r.failed;
  return true;
};

// Lint first: ESLint (code rules and the architecture's import lines), then Prettier's check of the layout.
// RUNLENS_LINT_FORMAT=0 skips the layout check (a branch waiting for the one `npm run format` after a merge).
const lintSteps = process.env.RUNLENS_LINT_FORMAT === '0' ? ['lint:code'] : ['lint:code', 'lint:format'];
for (const step of lintSteps) {
  if (run('npm', ['run', '--silent', step]) !== 0) {
    console.log(`npm run ${step} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
if (run('npx', ['tsc', '-p', '.']) !== 0) {
  console.log('type check failed');
  console.log(`0 passed, 1 failed`);
  process.exit(1);
}
if (run('node', ['scripts/build.mjs']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const outDir = path.join(root, 'out', 'results');
fs.mkdirSync(outDir, { recursive: true });
let code = 0;
if (only === 'all' || only === 'unit') {
  const result = path.join(outDir, 'unit.json');
  fs.rmSync(result, { force: true });
  const c = run('node', ['scripts/mocha-unit.mjs', result]);
  if (!tally(result)) failed++;
  if (c !== 0) code = 1;
}
if ((only === 'all' || only === 'integration') && fs.existsSync(path.join(root, 'test/integration/launch.js'))) {
  const result = path.join(outDir, 'integration.json');
  fs.rmSync(result, { force: true });
  const c = run('node', ['test/integration/launch.js', '--result', result]);
  if (!tally(result)) failed++;
  if (c !== 0) code = 1;
}
if (only === 'all' || only === 'integration' || only === 'remote-shaped') {
  // The extension host in a network namespace of its own, the browser in this one (test/host/netns.js): the tree
  // fills and the compare view's page loads and talks back with nothing on a shared localhost. Needs root; one line
  // says so where it cannot run.
  const result = path.join(outDir, 'remote-shaped.json');
  fs.rmSync(result, { force: true });
  const c = run('node', ['test/integration/launch.js', '--result', result, '--grep', REMOTE_SHAPED_SPECS], {
    env: { ...process.env, RUNLENS_REMOTE_SHAPED: '1' },
  });
  if (!tally(result)) failed++;
  if (c !== 0) code = 1;
}
if (only === 'all' || only === 'integration') {
  // the packaged extension, installed into code-server as users install it
  const result = path.join(outDir, 'vsix.json');
  fs.rmSync(result, { force: true });
  const c = run('node', ['test/integration/vsix.js', '--result', result]);
  if (!tally(result)) failed++;
  if (c !== 0) code = 1;
}
if (only === 'all' || only === 'e2e') {
  for (const [name, script] of [
    ['webview', 'test/e2e/standalone.js'],
    ['compare-e2e', 'test/e2e/compare.e2e.js'],
    ['review-comment', 'test/e2e/reviewComment.js'],
    ['review-e2e', 'test/e2e/review.e2e.js'],
    ['table-e2e', 'test/e2e/table.e2e.js'],
    ['groups-e2e', 'test/e2e/groups.e2e.js'],
    ['sweep-e2e', 'test/e2e/sweep.e2e.js'],
  ]) {
    const result = path.join(outDir, `${name}.json`);
    fs.rmSync(result, { force: true });
    const args = /(compare|review)\.e2e\.js$/.test(script)
      ? ['--result', result, '--no-screenshots']
      : ['--result', result];
    const c = run('node', [script, ...args]);
    if (!tally(result)) failed++;
    if (c !== 0) code = 1;
  }
}
if (fixturesNote && (only === 'all' || only === 'unit')) console.log(fixturesNote);
console.log(`${passed} passed, ${failed} failed`);
process.exit(code || (failed > 0 ? 1 : 0));
