#!/usr/bin/env node
// End-to-end test of a review in the compare view, in a real VS Code (code-server + headless Chromium): a real git
// repository whose feature branch regresses val_loss (three seeds per side, MLflow runs recording their commits, a
// gate in .runlens.yml) → "Runlens: Review Against Base Branch…" → main → the compare view's own header shows the
// verdict, the failed gate, the noise test, and each group's mean ± std (n), Δ and noise verdict exactly as
// `runlens review --format json` computes them; the hostile experiment name renders as text. Screenshots (dark,
// light) into out/e2e/review-{dark,light}.png.
//
//   node test/e2e/review.e2e.js [--result <file>] [--no-screenshots] [--keep-workspace]
// Needs `npx tsc -p . && node scripts/build.mjs` first. Exit 0 all passed, 1 a check failed, 3 infrastructure.
'use strict';
const { checker, finish, pageProblems, runMain } = require('./results');
const { closeWorkbench } = require('./workbench');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const host = require('../host/vscodeHost');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const resultPath = argv.includes('--result') ? path.resolve(argv[argv.indexOf('--result') + 1]) : undefined;
const shots = !argv.includes('--no-screenshots');
const keep = argv.includes('--keep-workspace');
const shotDir = path.join(root, 'out', 'e2e');

const HOSTILE_EXPERIMENT = '<img src=x onerror=alert(1)> [x](https://evil.example)';

const { makeReviewRepo } = require(path.join(root, 'out/test/helpers/reviewRepo.js'));
const { formatGroupStat, formatNoise } = require(path.join(root, 'out/src/core/groups/format.js'));
const { formatDelta, formatPct } = require(path.join(root, 'out/src/core/compare/format.js'));

/** What the CLI says about the same repository: the expectation, derived rather than hard-coded. */
function cliReview(dir) {
  const args = [path.join(root, 'dist/cli.js'), 'review', dir, '--base', 'main', '--format', 'json'];
  try {
    execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.status === 1) return JSON.parse(e.stdout); // exit 1: a gate failed, as this repository is made to
    throw e;
  }
  throw new Error('the review passed: the repository is made to fail its gate');
}

async function main() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-e2e-review-'));
  makeReviewRepo(ws, {
    base: { valLoss: [0.4, 0.41, 0.405], accuracy: [0.9, 0.905, 0.9] },
    head: { valLoss: [0.46, 0.47, 0.465], accuracy: [0.91, 0.9, 0.905] },
    experimentName: HOSTILE_EXPERIMENT,
  });
  fs.writeFileSync(
    path.join(ws, '.runlens.yml'),
    'review:\n  failOn:\n    - val_loss:+2%\n    - val_accuracy:-1%\n  beyondNoise: false\n',
  );
  const want = cliReview(ws);

  const checks = checker();
  const { check, failures } = checks;

  const wb = await host.openWorkbench({
    folder: ws,
    settings: { 'window.commandCenter': false, 'workbench.layoutControl.enabled': false },
  });
  const { page } = wb;
  const { dialogs, consoleProblems } = pageProblems(page);
  console.log('review in the compare view (code-server, real VS Code)');
  try {
    await host.setColorTheme(page, 'Default Dark Modern');
    await host.openRunlensView(page);
    await host.waitForRows(page, { runsOnly: true, min: 6 });
    const view = host.webviewFrame(page);

    await check('"Review Against Base Branch…" → main → the compare view opens with the review above it', async () => {
      const title = host.commandTitle('runlens.reviewAgainstBase');
      assert.ok(title, 'package.json contributes runlens.reviewAgainstBase');
      await host.runCommand(page, title);
      const row = page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: /^main$/ }) })
        .first();
      await row.waitFor({ state: 'visible', timeout: 30000 });
      await row.click();
      await view.locator('section.review table.review-groups tbody tr').first().waitFor({ timeout: 60000 });
      assert.equal(await view.locator('table.runs thead .run-name').count(), 6, 'three seeds per side');
    });

    await check('the header shows the verdict, the failed gate and the noise test, with codicons', async () => {
      const verdict = view.locator('section.review .review-verdict');
      assert.equal(want.verdict, 'fail');
      assert.equal(await verdict.getAttribute('class'), 'review-verdict fail');
      const gated = want.metrics.filter((m) => m.verdict !== 'ungated');
      const failed = gated.filter((m) => m.verdict === 'fail');
      assert.equal(
        (await verdict.locator('.review-title').textContent()).trim(),
        `Review failed: ${failed.length} of ${gated.length} gate${gated.length === 1 ? '' : 's'} failed`,
      );
      const commits = await verdict.locator('.review-commits').textContent();
      assert.ok(commits.includes(`base ${want.base.commit.slice(0, 7)}`), commits);
      assert.ok(commits.includes(`head ${want.head.commit.slice(0, 7)} (HEAD)`), commits);
      assert.equal(await verdict.locator('.codicon-error').count(), 1);
      const lines = await view.locator('section.review .review-line').allTextContents();
      const failedLine = lines.find((l) => l.startsWith('Failed gates:'));
      assert.equal(failedLine, `Failed gates: ${failed.map((m) => `${m.name} ${m.threshold}`).join(', ')}`);
      assert.ok(
        lines.some((l) => /^Noise: Welch's t-test between the seed groups, beyond noise when p < 0\.05;/.test(l)),
        lines.join('\n'),
      );
    });

    await check(
      'the groups: each metric as mean ± std (n), Δ, %, gate, verdict and noise, as the CLI computes',
      async () => {
        const rows = await view
          .locator('section.review table.review-groups tbody tr')
          .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
        const ordered = [
          ...want.metrics.filter((m) => m.verdict !== 'ungated'),
          ...want.metrics.filter((m) => m.verdict === 'ungated'),
        ];
        // a heading row per group, then its metrics
        const expected = [];
        ordered.forEach((m, i) => {
          if (i === 0 || m.group !== ordered[i - 1].group) expected.push([m.group]);
          expected.push([
            m.summary === 'last' ? m.name : `${m.name} (${m.summary})`,
            formatGroupStat(m.base),
            formatGroupStat(m.head),
            formatDelta(m.delta),
            formatPct(m.deltaPct),
            m.threshold ?? '',
            m.verdict === 'ungated' ? 'not gated' : m.verdict + (m.note ? ` (${m.note})` : ''),
            formatNoise(m.beyondNoise, m.p),
          ]);
        });
        assert.deepEqual(rows, expected);
        assert.ok(
          rows.filter((r) => r.length > 1).every((r) => / ± .* \(n=3\)$/.test(r[1]) && / ± .* \(n=3\)$/.test(r[2])),
          'three seeds a side',
        );
      },
    );

    await check('the hostile experiment name is text: no <img>, no link, no dialog, no CSP violation', async () => {
      const groups = await view.locator('section.review table.review-groups tr.group-row th').allTextContents();
      assert.ok(groups.length && groups.every((g) => g === HOSTILE_EXPERIMENT), JSON.stringify(groups));
      assert.equal(await view.locator('img').count(), 0);
      assert.equal(await view.locator('section.review a').count(), 0);
      await page.waitForTimeout(300);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(consoleProblems, []);
    });

    if (shots) {
      await host.screenshot(page, path.join(shotDir, 'review-dark.png'));
      await host.setColorTheme(page, 'Default Light Modern');
      await page.waitForTimeout(800);
      await host.screenshot(page, path.join(shotDir, 'review-light.png'));
    }
  } finally {
    await closeWorkbench(wb, ws, keep);
  }
  return finish(resultPath, checks.passed, failures);
}

runMain(main, resultPath, 'review e2e', (e) => e instanceof host.HostError);
