// A review comment as GitHub shows it: Markdown rendered by a spec-faithful GFM renderer (micromark + its GFM
// extension, raw HTML allowed as GitHub allows its safe subset) and mermaid from npm, in a Chromium page. Used by the
// comment's browser test (reviewComment.js) and by `npm run screenshots` (the README's picture).
'use strict';

/** Enough of GitHub's comment styling (primer's markdown-body) for a faithful look in the screenshot. */
const CSS = `body{margin:0;background:#fff;font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:#1f2328}
.comment{max-width:860px;margin:16px;border:1px solid #d1d9e0;border-radius:6px}
.comment header{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;color:#59636e;border-radius:6px 6px 0 0}
.markdown-body{padding:16px}.markdown-body h3{font-size:1.25em;margin:0 0 16px}.markdown-body h4{font-size:1em;margin:24px 0 12px}
.markdown-body table{border-collapse:collapse;margin:0 0 16px;display:block;width:max-content;max-width:100%;overflow:auto}
.markdown-body td,.markdown-body th{border:1px solid #d1d9e0;padding:6px 13px}.markdown-body tr:nth-child(2n){background:#f6f8fa}
.markdown-body code{background:rgba(129,139,152,.12);border-radius:6px;padding:.2em .4em;font-size:85%;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.markdown-body pre{background:#f6f8fa;border-radius:6px;padding:16px;overflow:auto;font-size:85%;line-height:1.45;margin:0 0 16px}
.markdown-body pre code{background:none;padding:0;font-size:100%}
.markdown-body a{color:#0969da;text-decoration:none}.markdown-body p{margin:0 0 16px}.mermaid{margin:0 0 16px}`;

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

module.exports = { render };
