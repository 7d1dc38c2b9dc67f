// `npm run bench [-- flags]`: builds, then runs the core benchmarks (dist/bench.js) with the flags given, then,
// when no --only narrows the run, the webview and VS Code benchmarks. A script of its own because npm appends
// `-- flags` to the end of a script line, where they reached the last command instead of dist/bench.js.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const run = (cmd, cmdArgs) => spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run('node', ['scripts/build.mjs']) !== 0 || run('npx', ['tsc', '-p', '.']) !== 0) process.exit(1);
let code = run('node', ['dist/bench.js', ...args]);
if (!args.includes('--only')) {
  // As before: these run even when a core figure failed (their own results are separate).
  code = run('node', ['bench/webview.js']) || code;
  code = run('node', ['bench/sweep.js']) || code;
  code = run('node', ['bench/vscodeCompare.js']) || code;
  code = run('node', ['out/bench/filters.js']) || code;
  code = run('node', ['out/bench/review.js']) || code;
  code = run('node', ['out/bench/groups.js']) || code;
  code = run('node', ['out/bench/poll.js']) || code;
  code = run('node', ['out/bench/groupCurves.js']) || code;
  code = run('node', ['bench/webviewGroups.js']) || code;
  code = run('node', ['out/bench/mlflowCurves.js']) || code;
  code = run('node', ['bench/mcpStartup.js']) || code;
  code = run('node', ['out/bench/mlflowServer.js']) || code;
  code = run('node', ['out/bench/mlflowFirstPaint.js']) || code;
  code = run('node', ['out/bench/ssh.js']) || code;
}
process.exit(code);
