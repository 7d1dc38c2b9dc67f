// A webview page outside VS Code: the extension's own HTML shell (same CSP, same bundle, webviewHtml.ts) served on
// 127.0.0.1 with a stub script in place of VS Code (it plays the host) and a theme's variables, plus the built
// bundles and stylesheets under /dist and /media. Shared by the compare page's standalone test and benches
// (standalone.js) and the Sweep bench (bench/sweep.js). Needs `npx tsc -p . && node scripts/build.mjs` first.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const { renderWebviewHtml, newNonce } = require(path.join(root, 'out/src/vscode/webviewHtml.js'));

const TYPES = { '.css': 'text/css', '.js': 'text/javascript' };

/**
 * Serves the page on a free port; returns { url, close }.
 *   page: { scriptUri, styleUri, title } of the shell; bodyClass: the theme kind VS Code puts on <body>;
 *   stub: the script run before the page's (defines acquireVsCodeApi); themeCss: the theme's --vscode-* variables;
 *   csp(html, origin): a last change to the HTML (a bench widening the CSP); route(req, res): true when it answered.
 */
function servePage({ page, bodyClass = 'vscode-dark', stub, themeCss, csp = (html) => html, route = () => false }) {
  const server = http.createServer((req, res) => {
    if (route(req, res)) return;
    const url = new URL(req.url, 'http://x');
    const origin = `http://${req.headers.host}`;
    if (url.pathname === '/') {
      const nonce = newNonce();
      const html = renderWebviewHtml({ cspSource: origin, codiconsUri: '/dist/codicon.css', nonce, ...page })
        .replace('<body>', `<body class="${bodyClass}" data-vscode-theme-kind="${bodyClass}">`)
        .replace('</head>', `<link rel="stylesheet" nonce="${nonce}" href="/theme.css">\n</head>`)
        .replace('<script nonce=', `<script nonce="${nonce}" src="/stub.js"></script>\n<script nonce=`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(csp(html, origin));
    } else if (url.pathname === '/stub.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(stub);
    else if (url.pathname === '/theme.css') res.writeHead(200, { 'content-type': 'text/css' }).end(themeCss);
    else if (/^\/(dist|media)\/[\w.-]+$/.test(url.pathname) && fs.existsSync(path.join(root, url.pathname))) {
      const type = TYPES[path.extname(url.pathname)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(path.join(root, url.pathname)));
    } else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        server,
        close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))),
      }),
    ),
  );
}

module.exports = { servePage };
