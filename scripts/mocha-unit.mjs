// Runs the compiled unit tests with mocha and writes {passed, failed} to the file named by argv[2].
import Mocha from 'mocha';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const resultFile = process.argv[2];
const mocha = new Mocha({ reporter: 'spec', timeout: 20_000 });
const walk = (dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.test.js') ? [path.join(dir, e.name)] : [],
    );
for (const f of walk(path.join(root, 'out/test/unit')).sort()) mocha.addFile(f);
await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const passed = runner.stats?.passes ?? 0;
  fs.writeFileSync(resultFile, JSON.stringify({ passed, failed: failures }));
  process.exitCode = failures ? 1 : 0;
  // A test that fails before disposing what it started (a worker, a server) must not hang the run: name it and go.
  setTimeout(() => {
    console.error('unit tests: something was left running after the last test; exiting anyway');
    process.exit(process.exitCode);
  }, 5000).unref();
});
