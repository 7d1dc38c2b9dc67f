// `npm run package`: the VSIX users install (`code --install-extension runlens-<version>.vsix`). Bundles the
// extension (dist/), packs it with @vscode/vsce under .vscodeignore's allowlist, then opens the VSIX and checks what
// it holds: under 3 MB, no source maps, sources, tests or node_modules, and every file the extension loads.
//   --out <file>   where to write it (default: runlens-<version>.vsix in the project root)
//   --no-build     skip `node scripts/build.mjs`
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_BYTES = 3 * 1024 * 1024;
/** Files the extension reads at run time (package.json's main, the workers, the page, the wasm, the font, icons). */
const REQUIRED = [
  'package.json',
  'dist/extension.js',
  'dist/indexWorker.js',
  'dist/curveWorker.js',
  'dist/webview.js',
  'dist/table.js',
  'dist/sweep.js',
  'dist/queryWorker.js',
  'dist/sql-wasm.wasm',
  'dist/codicon.css',
  'dist/codicon.ttf',
  'media/icon.png',
  'media/runlens.svg',
  'media/compare.css',
  'media/page.css',
  'media/table.css',
  'media/sweep.css',
  'readme.md',
  'changelog.md',
  'LICENSE.txt',
];
const FORBIDDEN = [
  /\.map$/,
  /^extension\/(src|test|node_modules|bench|scripts|webview|out)\//,
  /^extension\/\.runlens-tmp\//,
  /^extension\/\.vscode-test\//,
];

/** Entry names of a zip file, read from its central directory (a VSIX is a zip; no dependency needed for this). */
export function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** What is wrong with a VSIX (empty when nothing is). */
export function checkVsix(file) {
  const problems = [];
  const size = fs.statSync(file).size;
  if (size > MAX_BYTES) problems.push(`${(size / 1024 / 1024).toFixed(2)} MB, over the 3 MB budget`);
  const names = zipEntries(file);
  for (const n of names) if (FORBIDDEN.some((re) => re.test(n))) problems.push(`should not be packed: ${n}`);
  for (const r of REQUIRED) if (!names.includes(`extension/${r}`)) problems.push(`missing: extension/${r}`);
  return problems;
}

export function packageVsix({ out, build = true } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsix = path.resolve(out ?? path.join(root, `${pkg.name}-${pkg.version}.vsix`));
  if (build) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('node scripts/build.mjs failed');
  }
  // --no-dependencies: the bundles carry every library; package.json lists none to pack anyway.
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`vsce package failed (exit ${r.status})`);
  const problems = checkVsix(vsix);
  if (problems.length) throw new Error(`${path.basename(vsix)}:\n  ${problems.join('\n  ')}`);
  const entries = zipEntries(vsix).filter((n) => !n.endsWith('/'));
  console.log(
    `${path.relative(process.cwd(), vsix) || vsix}: ${(fs.statSync(vsix).size / 1024 / 1024).toFixed(2)} MB, ${entries.length} files, checked`,
  );
  return vsix;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const outArg = args.indexOf('--out');
  try {
    packageVsix({ out: outArg >= 0 ? args[outArg + 1] : undefined, build: !args.includes('--no-build') });
  } catch (e) {
    console.error(`package: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
