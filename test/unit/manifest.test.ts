import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

/** The marketplace and VS Code conventions package.json has to meet (issue #16). */
describe('package.json as an installable extension and npm package', () => {
  it('names its repository, bugs, homepage, a 128 px PNG icon and a licence file', () => {
    assert.equal(pkg.repository.url, 'https://github.com/runlens/runlens.git');
    assert.equal(pkg.bugs.url, 'https://github.com/runlens/runlens/issues');
    assert.match(pkg.homepage, /^https:\/\/github\.com\/runlens\/runlens/);
    const png = fs.readFileSync(path.join(root, pkg.icon));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License/);
    assert.equal(pkg.license, 'MIT');
    assert.equal(pkg.private, undefined);
  });

  it('declares how it runs: a workspace extension, limited in untrusted workspaces, not for virtual ones', () => {
    assert.deepEqual(pkg.extensionKind, ['workspace']);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.description.length > 40);
    for (const s of pkg.capabilities.untrustedWorkspaces.restrictedConfigurations)
      assert.ok(pkg.contributes.configuration.properties[s], s);
    assert.equal(pkg.capabilities.virtualWorkspaces.supported, false);
    assert.ok(pkg.capabilities.virtualWorkspaces.description.length > 40);
  });

  it('keybindings: compare, refresh and filter, only while the Runs view has focus, no key used twice', () => {
    const kb = pkg.contributes.keybindings as { command: string; key: string; when: string }[];
    assert.deepEqual(kb.map((k) => k.command).sort(), ['runlens.compareRuns', 'runlens.filter', 'runlens.refresh']);
    for (const k of kb) {
      assert.ok(commands.has(k.command), k.command);
      assert.equal(k.when, 'focusedView == runlens.runs');
    }
    assert.equal(new Set(kb.map((k) => k.key)).size, kb.length);
  });

  it('the walkthrough: every step has an image that exists and a link to a contributed or built-in command', () => {
    const [w] = pkg.contributes.walkthroughs;
    assert.deepEqual(
      w.steps.map((s: { id: string }) => s.id),
      ['openFolder', 'runsView', 'selectTwo', 'compare', 'openCommit'],
    );
    for (const s of w.steps) {
      assert.ok(fs.existsSync(path.join(root, s.media.image)), s.media.image);
      assert.ok(s.media.altText, `${s.id} alt text`);
      const links = [...(s.description as string).matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]!);
      assert.equal(links.length, 1, s.id);
      assert.ok(
        commands.has(links[0]!) || ['workbench.action.files.openFolder', 'runlens.runs.focus'].includes(links[0]!),
        links[0],
      );
    }
  });

  it('.vscodeignore packs every image the manifest names', () => {
    const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!media\/walkthrough\/\*\.png$/m);
    assert.match(ignore, new RegExp(`^!${pkg.icon.replace('.', '\\.')}$`, 'm'));
  });

  // The VSIX once shipped without the runs table's and the Sweep view's pages: every file the code loads at run
  // time (webview bundles and styles by joinPath, workers beside the bundle) must be on the packer's required list,
  // which `npm run package` checks against the archive.
  it('the packer requires every dist/ and media/ file the extension loads at run time', () => {
    const packer = fs.readFileSync(path.join(root, 'scripts/package.mjs'), 'utf8');
    const required = new Set([...packer.matchAll(/^\s*'((?:dist|media)\/[^']+)',$/gm)].map((m) => m[1]!));
    const loaded = new Set<string>();
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const file = path.join(dir, e.name);
        return e.isDirectory() ? walk(file) : file.endsWith('.ts') ? [file] : [];
      });
    for (const file of walk(path.join(root, 'src/vscode'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/'(dist|media)', '([\w.-]+\.(?:js|css|svg|png))'/g)) loaded.add(`${m[1]}/${m[2]}`);
    }
    for (const file of walk(path.join(root, 'src/core'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/path\.join\(__dirname, '(\w+Worker\.js)'\)/g)) loaded.add(`dist/${m[1]}`);
    }
    assert.ok(loaded.has('dist/table.js') && loaded.has('dist/queryWorker.js'), [...loaded].join(', '));
    assert.deepEqual(
      [...loaded].filter((f) => !required.has(f)),
      [],
    );
  });
});
