// The compare webview's HTML shell. No vscode import at runtime, so the standalone browser test serves the very same
// page (and CSP) the extension does.
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlParts {
  /** webview.cspSource: the origin local resources are served from. */
  cspSource: string;
  /** URIs (as strings) of dist/webview.js, media/compare.css and dist/codicon.css, from webview.asWebviewUri. */
  scriptUri: string;
  styleUri: string;
  /** A stylesheet loaded before styleUri: what several pages share (media/page.css: the runs table, the Sweep view). */
  sharedStyleUri?: string;
  /** The codicon font's stylesheet (@vscode/codicons, copied to dist/ by the build); its font loads through font-src. */
  codiconsUri: string;
  nonce: string;
  title: string;
  /** What the page says until its script has run (default: the compare view's). */
  loading?: string;
}

/** 128 random bits, base64 (what CSP nonces expect). A new one per page load. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Content-Security-Policy of the compare view: nothing remote, nothing inline, scripts only with the nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/**
 * The page: no run data is ever embedded here; it all arrives by postMessage and is rendered as text.
 * `csp-nonce` is where FAST (under the webview toolkit) looks for the nonce of the <style> it inserts.
 */
export function renderWebviewHtml(p: WebviewHtmlParts): string {
  const a = escapeAttr;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${a(p.nonce)}">
<link rel="stylesheet" nonce="${a(p.nonce)}" href="${a(p.codiconsUri)}">
${p.sharedStyleUri ? `<link rel="stylesheet" nonce="${a(p.nonce)}" href="${a(p.sharedStyleUri)}">\n` : ''}<link rel="stylesheet" nonce="${a(p.nonce)}" href="${a(p.styleUri)}">
<title>${a(p.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">${a(p.loading ?? 'Loading comparison…')}</p></main>
<script nonce="${a(p.nonce)}" src="${a(p.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
