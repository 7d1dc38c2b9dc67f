import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { guildSources } from '../../../src/vscode/git/guildSources';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';
import { writeGuildRun } from '../../helpers/writers/guild';

describe('guild source snapshot for Compare Code', () => {
  let root: string;
  beforeEach(() => (root = makeTemp('runlens-guildsrc-')));
  afterEach(() => rmTemp(root));

  it('maps the files the manifest lists (guildai 0.9: copied into the run folder) to their copies', async () => {
    const dir = writeGuildRun(root, '.guild', {
      id: 'a'.repeat(32),
      exitStatus: 0,
      sources: { 'train.py': 'lr = 0.05\n', 'pkg/model.py': 'depth = 2\n' },
    });
    // A manifest line pointing out of the run is ignored.
    fs.appendFileSync(
      path.join(dir, '.guild/manifest'),
      `s ../../../../etc/passwd ${'0'.repeat(40)} ../../../../etc/passwd\n`,
    );
    const r = await guildSources(dir, root);
    assert.deepEqual(r, {
      kind: 'sources',
      files: { 'train.py': path.join(dir, 'train.py'), 'pkg/model.py': path.join(dir, 'pkg/model.py') },
    });
    assert.equal(fs.readFileSync(r.kind === 'sources' ? r.files['train.py']! : '', 'utf8'), 'lr = 0.05\n');
  });

  it('falls back to .guild/sourcecode/ (older guild), and gives null without a snapshot', async () => {
    const dir = writeGuildRun(root, '.guild', { id: 'b'.repeat(32), exitStatus: 0 });
    assert.equal(await guildSources(dir, root), null);
    put(dir, '.guild/sourcecode/train.py', 'x = 1\n');
    assert.deepEqual(await guildSources(dir, root), {
      kind: 'sources',
      files: { 'train.py': path.join(dir, '.guild/sourcecode/train.py') },
    });
  });
});
