import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SOURCE_FORMATS } from '../../src/core/model';
import { READERS } from '../../src/core/readers';
import { SMOOTHING_DEFAULT, SMOOTHING_MAX } from '../../src/core/compare/smoothing';
import { COMMAND_IDS } from '../../src/vscode/commandIds';

const root = path.resolve(__dirname, '../../..');

function files(dir: string, ext = '.ts'): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name), ext) : e.name.endsWith(ext) ? [path.join(dir, e.name)] : [],
    );
}

/** The src/ modules the compare webview may bundle: the protocol and pure, DOM-free core modules (eslint.config.mjs). */
const WEBVIEW_MAY_IMPORT = [
  'src/protocol',
  'src/core/model',
  'src/core/compare/format',
  'src/core/compare/direction',
  'src/core/compare/smoothing',
  'src/core/compare/curve',
  'src/core/compare/stepValues',
  'src/core/compare/bisect',
  'src/core/sweep/axes',
  'src/core/sweep/brush',
  'src/core/sweep/brushIndex',
  'src/core/sweep/nearest',
  'src/core/sweep/types',
  'src/core/sources/sourceUri',
];

/** A relative import of `file`, as a repo path without extension. */
const resolved = (file: string, spec: string): string =>
  path
    .relative(root, path.resolve(path.dirname(file), spec))
    .split(path.sep)
    .join('/');

const importsOf = (file: string): string[] =>
  [...fs.readFileSync(file, 'utf8').matchAll(/(?:from\s+|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);

/** Architecture lines that a review could miss (Datasette-style guard tests). */
describe('guards', () => {
  it('src/core and webview/ never import vscode', () => {
    const offenders = [...files(path.join(root, 'src/core')), ...files(path.join(root, 'webview'))].filter((f) =>
      importsOf(f).includes('vscode'),
    );
    assert.deepEqual(offenders, []);
  });

  it('product code never imports from test/', () => {
    const offenders = [...files(path.join(root, 'src')), ...files(path.join(root, 'webview'))].filter((f) =>
      importsOf(f).some((i) => /(^|\/)test\//.test(i)),
    );
    assert.deepEqual(offenders, []);
  });

  it('READERS cover every format', () => {
    const covered = new Set(READERS.map((r) => r.format));
    assert.deepEqual(
      SOURCE_FORMATS.filter((f) => !covered.has(f)),
      [],
    );
  });

  it('every contributed command is in COMMAND_IDS, registered in code, and documented in the README', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
    const code = files(path.join(root, 'src/vscode'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    assert.deepEqual(
      contributed.filter(
        (id) => !code.includes(`'${id}'`) || !new RegExp(`command\\('${id.replace('.', '\\.')}'`).test(code),
      ),
      [],
    );
    // A feature's own page under docs/ counts (docs/review.md documents the review command).
    const docs = [path.join(root, 'README.md'), ...files(path.join(root, 'docs'), '.md')]
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const titles = pkg.contributes.commands.map((c: { title: string }) => c.title as string);
    assert.deepEqual(
      titles.filter((t: string) => !docs.includes(t)),
      [],
      'README (or docs/) names every command',
    );
  });

  it('core never writes files (Runlens only reads the indexed tree)', () => {
    // The one exception: review's scratch copy of committed run files, in a private folder under the OS temp dir.
    const scratch = path.join(root, 'src/core/review/scratch.ts');
    const offenders = files(path.join(root, 'src/core'))
      .filter((f) => f !== scratch)
      .filter((f) =>
        /\b(writeFile|appendFile|unlink|rmdir|rename|mkdir)(Sync)?\(|\brmSync\(|createWriteStream/.test(
          fs.readFileSync(f, 'utf8'),
        ),
      );
    assert.deepEqual(offenders, []);
  });

  it('engines.vscode and @types/vscode agree on 1.100', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.engines.vscode, '^1.100.0');
    assert.match(pkg.devDependencies['@types/vscode'], /^1\.100\./);
  });

  it('the webview imports from src/ only the protocol and pure core modules, and those import only each other', () => {
    // webview/table/ imports ../dom from webview/ itself: only what resolves outside webview/ counts.
    const fromWebview = files(path.join(root, 'webview')).flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('../'))
        .map((i) => resolved(f, i))
        .filter((m) => !m.startsWith('webview/')),
    );
    assert.deepEqual(
      [...new Set(fromWebview)].filter((m) => !WEBVIEW_MAY_IMPORT.includes(m)),
      [],
    );
    for (const m of WEBVIEW_MAY_IMPORT) {
      const file = path.join(root, `${m}.ts`);
      const deps = importsOf(file).map((i) => (i.startsWith('.') ? resolved(file, i) : i));
      assert.deepEqual(
        deps.filter((d) => !WEBVIEW_MAY_IMPORT.includes(d)),
        [],
        `${m} stays pure`,
      );
    }
  });

  it('the CLI and the extension reach the index through its facade only (never core/db, core/readers, core/index/*)', () => {
    const faces = [
      ...files(path.join(root, 'src/cli')),
      ...files(path.join(root, 'src/vscode')),
      path.join(root, 'src/extension.ts'),
    ];
    const offenders = faces.flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('.'))
        .map((i) => resolved(f, i))
        .filter((m) => /^src\/core\/(db|readers)(\/|$)/.test(m) || /^src\/core\/index\/./.test(m))
        .map((m) => `${path.relative(root, f)} -> ${m}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('docs/architecture.md names every folder under src/', () => {
    const doc = fs.readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
    const folders = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .flatMap((e) => [path.join(dir, e.name), ...folders(path.join(dir, e.name))]);
    const missing = folders(path.join(root, 'src'))
      .map((d) => `\`${path.relative(root, d).split(path.sep).join('/')}/\``)
      .filter((name) => !doc.includes(name));
    assert.deepEqual(missing, []);
  });

  it('the smoothing setting declares the default and maximum core uses', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const setting = pkg.contributes.configuration.properties['runlens.smoothing'];
    assert.equal(setting.default, SMOOTHING_DEFAULT);
    assert.equal(setting.maximum, SMOOTHING_MAX);
  });
});
