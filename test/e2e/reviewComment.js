// The review comment as GitHub would show it: `runlens review --format md` on real git repositories, rendered by a
// spec-faithful GFM renderer (micromark + its GFM extension, raw HTML allowed as GitHub allows its safe subset) and
// mermaid from npm, in headless Chromium. Checks the table's columns, one chart line per run group, and that hostile
// run names stay text. Needs `npx tsc -p .` first.
//   node test/e2e/reviewComment.js [--result <file>] [--screenshot]   (--screenshot: media/screenshots/review-comment.png)
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const { main } = require(path.join(root, 'out/src/cli/main.js'));
const { makeReviewRepo } = require(path.join(root, 'out/test/helpers/reviewRepo.js'));
const { launch } = require('./standalone');
const { checker, finish, resultPathOf, runMain } = require('./results');

/** Enough of GitHub's comment styling (primer's markdown-body) for a faithful look in the screenshot. */
const CSS = `body{margin:0;background:#fff;font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:#1f2328}
.comment{max-width:860px;margin:16px;border:1px solid #d1d9e0;border-radius:6px}
.comment header{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;color:#59636e;border-radius:6px 6px 0 0}
.markdown-body{padding:16px}.markdown-body h3{font-size:1.25em;margin:0 0 16px}.markdown-body h4{font-size:1em;margin:24px 0 12px}
.markdown-body table{border-collapse:collapse;margin:0 0 16px;display:block;width:max-content;max-width:100%;overflow:auto}
.markdown-body td,.markdown-body th{border:1px solid #d1d9e0;padding:6px 13px}.markdown-body tr:nth-child(2n){background:#f6f8fa}
.markdown-body code{background:rgba(129,139,152,.12);border-radius:6px;padding:.2em .4em;font-size:85%;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.markdown-body a{color:#0969da;text-decoration:none}.markdown-body p{margin:0 0 16px}.mermaid{margin:0 0 16px}`;

async function cli(args) {
  let out = '';
  let err = '';
  const code = await main(
    args,
    (t) => (out += t + '\n'),
    (t) => (err += t + '\n'),
  );
  return { code, out, err };
}

async function toHtml(md) {
  const { micromark } = await import('micromark');
  const { gfm, gfmHtml } = await import('micromark-extension-gfm');
  return micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** Renders the comment in a page; resolves once mermaid has drawn every chart. */
async function render(browser, md) {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body><div class="comment"><header><b>github-actions</b> bot commented</header><article class="markdown-body">${await toHtml(md)}</article></div></body></html>`,
  );
  await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
  await page.evaluate(async () => {
    // GitHub swaps each ```mermaid block for the rendered diagram; so does this.
    for (const code of document.querySelectorAll('pre > code.language-mermaid')) {
      const div = document.createElement('div');
      div.className = 'mermaid';
      div.textContent = code.textContent;
      code.parentElement.replaceWith(div);
    }
    window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    await window.mermaid.run({ querySelector: '.mermaid' });
  });
  return { page, errors };
}

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
    if (process.argv.includes('--screenshot')) {
      fs.mkdirSync(path.join(root, 'media/screenshots'), { recursive: true });
      await page.screenshot({ path: path.join(root, 'media/screenshots/review-comment.png'), fullPage: true });
    }
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
  } finally {
    await browser.close();
    for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  }
  return finish(resultPathOf(), results.passed, results.failures);
}

runMain(mainTest, resultPathOf(), 'review comment e2e', () => false);
