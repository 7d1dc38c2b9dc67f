import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SOURCE_FORMATS } from '../../src/core/model';
import { READERS } from '../../src/core/readers';
import { COMMAND_IDS } from '../../src/vscode/commandIds';

const root = path.resolve(__dirname, '../../..');

function files(dir: string, ext = '.ts'): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name), ext) : e.name.endsWith(ext) ? [path.join(dir, e.name)] : []));
}

const importsOf = (file: string): string[] => [...fs.readFileSync(file, 'utf8').matchAll(/(?:from\s+|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);

/** Architecture lines that a review could miss (Datasette-style guard tests). */
describe('guards', () => {
  it('src/core and webview/ never import vscode', () => {
    const offenders = [...files(path.join(root, 'src/core')), ...files(path.join(root, 'webview'))].filter((f) => importsOf(f).includes('vscode'));
    assert.deepEqual(offenders, []);
  });

  it('product code never imports from test/', () => {
    const offenders = [...files(path.join(root, 'src')), ...files(path.join(root, 'webview'))].filter((f) => importsOf(f).some((i) => /(^|\/)test\//.test(i)));
    assert.deepEqual(offenders, []);
  });

  it('READERS cover every format', () => {
    const covered = new Set(READERS.map((r) => r.format));
    assert.deepEqual(SOURCE_FORMATS.filter((f) => !covered.has(f)), []);
  });

  it('every contributed command is in COMMAND_IDS, registered in code, and documented in the README', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
    const code = files(path.join(root, 'src/vscode')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.deepEqual(contributed.filter((id) => !code.includes(`'${id}'`) || !new RegExp(`command\\('${id.replace('.', '\\.')}'`).test(code)), []);
    // The README (the front door) or a feature's page under docs/ that it links to.
    const docs = path.join(root, 'docs');
    const readme = [path.join(root, 'README.md'), ...(fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => path.join(docs, f)) : [])].map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const titles = pkg.contributes.commands.map((c: { title: string }) => c.title as string);
    assert.deepEqual(titles.filter((t: string) => !readme.includes(t)), [], 'README or docs/ names every command');
  });

  it('core never writes files (Runlens only reads the indexed tree)', () => {
    const offenders = files(path.join(root, 'src/core')).filter((f) => /\b(writeFile|appendFile|unlink|rmdir|rename|mkdir)(Sync)?\(|\brmSync\(|createWriteStream/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('engines.vscode and @types/vscode agree on 1.100', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.engines.vscode, '^1.100.0');
    assert.match(pkg.devDependencies['@types/vscode'], /^1\.100\./);
  });
});
