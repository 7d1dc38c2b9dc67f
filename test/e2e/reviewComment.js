// The review comment as GitHub would show it: `runlens review --format md` on real git repositories, rendered by a
// spec-faithful GFM renderer (micromark + its GFM extension, raw HTML allowed as GitHub allows its safe subset) and
// mermaid from npm, in headless Chromium. Checks the table's columns, one chart line per run group, and that hostile
// run names stay text. Needs `npx tsc -p .` first.
//   node test/e2e/reviewComment.js [--result <file>]   (writes out/review-comment.png; the README's picture of a comment
//   comes from `npm run screenshots`, on the demo's sample workspace)
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const { cli } = require(path.join(root, 'out/test/helpers/runCli.js'));
const { makeReviewRepo } = require(path.join(root, 'out/test/helpers/reviewRepo.js'));
const { launch } = require('./standalone');
const { render } = require('./commentPage');
const { checker, finish, resultPathOf, runMain } = require('./results');

async function mainTest() {
  const temps = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-review-e2e-'));
    temps.push(d);
    return d;
  };
  const browser = await launch();
  const results = checker();
  const { check } = results;
  console.log('review comment (micromark GFM + mermaid in Chromium)');
  try {
    const sample = makeReviewRepo(tmp(), {
      base: { valLoss: [0.412, 0.405, 0.418], accuracy: [0.902, 0.908, 0.899] },
      head: { valLoss: [0.447, 0.452, 0.441], accuracy: [0.905, 0.91, 0.903] },
      commitsAfterBaseRuns: 1,
      remote: 'git@github.com:ada/digits-mlp.git',
    });
    const res = await cli([
      'review',
      sample.dir,
      '--base',
      'main',
      '--fail-on',
      'val_loss:+2%',
      '--fail-on',
      'val_accuracy:-0.5%',
    ]);
    const { page, errors } = await render(browser, res.out);
    await check(
      'the command fails the regression (exit 1) and the comment opens with the verdict and both commits',
      async () => {
        assert.equal(res.code, 1, res.err);
        const h3 = await page.locator('h3').first().innerText();
        assert.match(
          h3,
          new RegExp(
            `^❌ Runlens review: 1 of 2 gates failed · base ${sample.baseRuns.slice(0, 7)} → head ${sample.head.slice(0, 7)}$`,
          ),
        );
        const links = await page.locator('h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(links, [
          `https://github.com/ada/digits-mlp/commit/${sample.baseRuns}`,
          `https://github.com/ada/digits-mlp/commit/${sample.head}`,
        ]);
      },
    );
    await check('the gated table has the right columns and verdicts', async () => {
      const table = page.locator('article table').first();
      assert.deepEqual(await table.locator('thead th').allInnerTexts(), [
        'metric',
        'base',
        'head',
        'Δ',
        '%',
        'gate',
        'verdict',
        'noise',
      ]);
      const rows = await table
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText)));
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[0].slice(0, 3), ['val_loss', '0.411667 ± 0.0065 (n=3)', '0.446667 ± 0.0055 (n=3)']);
      assert.deepEqual(rows[0].slice(5, 7), ['+2%', '❌ fail']);
      assert.match(rows[0][7], /^beyond noise \(p=0\.00\d+\)$/);
      assert.deepEqual(rows[1].slice(5, 7), ['-0.5%', '✅ pass']);
    });
    await check('each Mermaid chart draws one line per run group (baseline grey, head blue)', async () => {
      const charts = await page.locator('.mermaid svg').evaluateAll((svgs) =>
        svgs.map((svg) => ({
          title: svg.querySelector('.chart-title text')?.textContent,
          lines: [...svg.querySelectorAll('g[class^="line-plot-"] path')].map((p) => p.getAttribute('stroke')),
        })),
      );
      assert.deepEqual(charts, [
        { title: 'val_loss · digits-mlp', lines: ['#9e9e9e', '#1f77b4'] },
        { title: 'val_accuracy · digits-mlp', lines: ['#9e9e9e', '#1f77b4'] },
      ]);
      assert.deepEqual(errors, []);
    });
    await page.screenshot({ path: path.join(root, 'out', 'review-comment.png'), fullPage: true });
    await page.close();

    const hostile =
      '<img src=x onerror=alert(1)><script>alert(2)</script> [click](https://evil.example/x) www.evil.example mail@evil.example \u001b[31m';
    const bad = makeReviewRepo(tmp(), {
      base: { valLoss: [0.5], firstName: hostile },
      head: { valLoss: [0.45], firstName: hostile, params: { note: hostile, [`k${hostile}`]: '1' } },
    });
    const hres = await cli(['review', bad.dir, '--base', 'main']);
    const h = await render(browser, hres.out);
    await check('hostile run strings render as text: no element, no link, no dialog', async () => {
      assert.equal(hres.code, 0, hres.err);
      assert.equal(await h.page.locator('article img, article script, article iframe').count(), 0);
      assert.deepEqual(
        await h.page.locator('article a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
        [],
      );
      const text = await h.page.locator('article').innerText();
      assert.ok(text.includes('<img src=x onerror=alert(1)>'), 'the name is shown as text');
      assert.deepEqual(h.errors, []);
    });
    await h.page.close();

    const { HOSTILE_PATCH } = require(path.join(root, 'out/test/helpers/hostilePatch.js'));
    const dirty = makeReviewRepo(tmp(), {
      base: { valLoss: [0.5] },
      head: { valLoss: [0.45], tags: { 'mlflow.source.git.dirty': 'true', 'mlflow.source.git.diff': HOSTILE_PATCH } },
    });
    const dres = await cli(['review', dirty.dir, '--base', 'main']);
    const p = await render(browser, dres.out);
    await check('a recorded hostile patch renders as one diff code block: its text, no element, no link', async () => {
      assert.equal(dres.code, 0, dres.err);
      const blocks = await p.page.locator('article pre > code.language-diff').allTextContents();
      assert.equal(blocks.length, 1);
      const want = HOSTILE_PATCH.split('\n').map((l) =>
        l.replace(/\t/g, '    ').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ''),
      );
      assert.deepEqual(blocks[0].replace(/\n$/, '').split('\n'), want);
      assert.equal(await p.page.locator('article img, article script, article details, article iframe').count(), 0);
      assert.deepEqual(await p.page.locator('article a').count(), 0);
      assert.match(await p.page.locator('article').innerText(), /Runlens · ± is the std between seeds/);
      assert.deepEqual(p.errors, []);
    });
    await p.page.close();
  } finally {
    await browser.close();
    for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  }
  return finish(resultPathOf(), results.passed, results.failures);
}

runMain(mainTest, resultPathOf(), 'review comment e2e', () => false);
