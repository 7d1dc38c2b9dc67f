// extensionTestsPath entry: VS Code loads this (compiled to out/test/integration/index.js) inside the extension host
// and awaits run(). Mocha BDD over suite/**/*.test.js; the summary goes to $VSCODE_TEST_RESULT_FILE because the
// workbench reports exit code 0 when the extension host dies (see ../shared/vscode-host.md §4).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** What the launcher reads back. */
export interface IntegrationResult {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; message: string; stack?: string }[];
  exitCode: number;
  durationMs: number;
}

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith('.test.js') ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

function writeResult(result: IntegrationResult): void {
  const file = process.env.VSCODE_TEST_RESULT_FILE;
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
  fs.renameSync(`${file}.tmp`, file); // the launcher polls for it: never let it see half a file
}

/** Runs every suite; rejects when a test failed so VS Code reports a non-zero exit code too. */
export async function run(): Promise<void> {
  const started = Date.now();
  // RUNLENS_TEST_SUITES: extra folders of compiled suites (the launcher's --suites; used to test the harness itself)
  const dirs = [
    path.join(__dirname, 'suite'),
    ...(process.env.RUNLENS_TEST_SUITES ?? '').split(path.delimiter).filter(Boolean),
  ];
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 30_000 });
  if (process.env.RUNLENS_TEST_GREP) mocha.grep(new RegExp(process.env.RUNLENS_TEST_GREP));
  for (const f of dirs.flatMap(testFiles)) mocha.addFile(f);

  const result: IntegrationResult = { passed: 0, failed: 0, pending: 0, failures: [], exitCode: 1, durationMs: 0 };
  try {
    await mocha.loadFilesAsync();
  } catch (e) {
    // a suite that does not load counts as one failure, and the file still gets written
    const err = e instanceof Error ? e : new Error(String(e));
    result.failed = 1;
    result.failures.push({ title: 'loading the integration suites', message: err.message, stack: err.stack });
    result.durationMs = Date.now() - started;
    writeResult(result);
    throw err;
  }
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', () => result.passed++);
    runner.on('pending', () => result.pending++);
    runner.on('fail', (t, err: unknown) => {
      result.failed++;
      const e = err instanceof Error ? err : new Error(String(err));
      result.failures.push({ title: t.fullTitle(), message: e.message, stack: e.stack });
    });
  });
  result.exitCode = failures > 0 ? 1 : 0;
  result.durationMs = Date.now() - started;
  writeResult(result);
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
