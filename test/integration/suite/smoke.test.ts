// Proves the harness: the extension under development is loaded in a real VS Code, activates, and the window has
// the fixture workspace the launcher generated (test/helpers/sampleWorkspace.ts) open.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
  publisher: string;
  name: string;
};
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

describe('harness smoke', () => {
  it(`has ${EXTENSION_ID} installed in development mode`, () => {
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), `${EXTENSION_ID} is not among the loaded extensions`);
  });

  it('activates the extension', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('opens the fixture workspace', () => {
    const expected = process.env.RUNLENS_TEST_WORKSPACE;
    assert.ok(expected, 'RUNLENS_TEST_WORKSPACE is not set (start the tests with test/integration/launch.js)');
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(fs.realpathSync(folders[0].uri.fsPath), fs.realpathSync(expected));
    assert.ok(fs.existsSync(path.join(expected, 'mlruns')), 'the fixture workspace holds the sample runs');
  });
});
