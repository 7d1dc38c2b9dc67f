// Bundles the extension, the CLI, the webview and the benchmarks with esbuild; copies sql.js's wasm beside them.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const watch = process.argv.includes('--watch');
const dist = path.join(root, 'dist');
fs.mkdirSync(dist, { recursive: true });
fs.copyFileSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
// The compare view's icons: VS Code's codicon font and its stylesheet (which loads ./codicon.ttf beside it).
for (const f of ['codicon.css', 'codicon.ttf'])
  fs.copyFileSync(path.join(root, 'node_modules/@vscode/codicons/dist', f), path.join(dist, f));

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
/** A webview page: one minified browser bundle. */
const page = (entry, outfile) => ({
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: true,
  logLevel: 'warning',
  entryPoints: [entry],
  outfile,
  minify: true,
});
const entries = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/core/index/indexWorker.ts'], outfile: 'dist/indexWorker.js' },
  { ...node, entryPoints: ['src/core/compare/curveWorker.ts'], outfile: 'dist/curveWorker.js' },
  { ...node, entryPoints: ['src/core/db/queryWorker.ts'], outfile: 'dist/queryWorker.js' },
  // The runs table's page, its own bundle (no chart code).
  page('webview/table/main.ts', 'dist/table.js'),
  // The sweep view's page (parallel coordinates and scatter on canvas), its own bundle.
  page('webview/sweep/main.ts', 'dist/sweep.js'),
  { ...node, entryPoints: ['bench/main.ts'], outfile: 'dist/bench.js' },
  // The compare view's page is minified (800 → 350 KB): VS Code hands it to each new panel through its webview
  // service worker, and the page parses it before asking for its state (in code-server, 'ready' went out ~25 ms
  // sooner). The source map keeps stacks readable.
  page('webview/main.ts', 'dist/webview.js'),
].filter((e) => fs.existsSync(path.join(root, e.entryPoints[0])));

if (watch) {
  for (const e of entries) await (await esbuild.context({ ...e, absWorkingDir: root })).watch();
  console.log(`watching ${entries.length} bundles`);
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...e, absWorkingDir: root })));
  fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
}
