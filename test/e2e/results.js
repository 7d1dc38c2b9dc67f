// The e2e scripts' checks, their result file (read by scripts/test.mjs) and their exit, in one place.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Writes `{ passed, failed, failures }` to `resultPath` (when given). */
function writeResult(resultPath, passed, failures) {
  if (!resultPath) return;
  fs.mkdirSync(path.dirname(resultPath), { recursive: true });
  fs.writeFileSync(resultPath, JSON.stringify({ passed, failed: failures.length, failures }, null, 2));
}

/** The result file named by `--result <file>` on the command line, or undefined. */
function resultPathOf(argv = process.argv) {
  const at = argv.indexOf('--result');
  return at >= 0 ? path.resolve(argv[at + 1]) : undefined;
}

/**
 * A script's checks: `check(name, fn)` runs one, prints ✔ or ✘ (with the first lines of the stack) and counts it;
 * `passed` and `failures` are what `finish` reports.
 */
function checker() {
  const c = { passed: 0, failures: [] };
  c.check = async (name, fn) => {
    try {
      await fn();
      c.passed++;
      console.log(`  ✔ ${name}`);
    } catch (err) {
      c.failures.push({
        title: name,
        message: String(err && err.message ? err.message : err),
        stack: err && err.stack,
      });
      console.log(
        `  ✘ ${name}\n    ${String(err && err.stack ? err.stack : err)
          .split('\n')
          .slice(0, 8)
          .join('\n    ')}`,
      );
    }
  };
  return c;
}

/**
 * What a page must never do, collected as it happens: open a dialog (dismissed, its text kept) or log a Content
 * Security Policy refusal or an `alert(` — the marks of hostile run text reaching the DOM as markup.
 */
function pageProblems(page) {
  const problems = { dialogs: [], consoleProblems: [] };
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    const t = m.text();
    if (/Content Security Policy|Refused to (load|execute|apply)|alert\(/i.test(t)) problems.consoleProblems.push(t);
  });
  return problems;
}

/** The closing line `N passed, N failed` and the result file; returns the exit code. */
function finish(resultPath, passed, failures) {
  writeResult(resultPath, passed, failures);
  console.log(`${passed} passed, ${failures.length} failed`);
  return failures.length ? 1 : 0;
}

/**
 * Runs a script's `main` and exits with its code; a throw outside any check is one failure named `title`, with exit
 * code 3 when the VS Code host itself could not start (`isHostError`), else 1.
 */
function runMain(main, resultPath, title, isHostError) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      writeResult(resultPath, 0, [{ title, message: String(e && e.message ? e.message : e) }]);
      process.exit(isHostError(e) ? 3 : 1);
    },
  );
}

module.exports = { checker, finish, pageProblems, resultPathOf, runMain };
