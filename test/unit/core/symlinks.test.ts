import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { READERS } from '../../../src/core/readers/index';
import { scanFolder, type ScanResult } from '../../../src/core/index/scan';
import { SourceReadContext } from '../../../src/core/index/readContext';
import { FileTree, walk } from '../../../src/core/index/walk';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';
import { writeMlflowStore } from '../../helpers/writers/mlflowFiles';
import { kerasCsv } from '../../helpers/writers/tabular';

const HISTORY = kerasCsv([{ loss: 0.5 }, { loss: 0.25 }]);

describe('the walk and symlinks', () => {
  // <tmp>/ws is the indexed folder; <tmp>/disk is elsewhere on the disk (logs kept on a big disk).
  let tmp: string;
  let ws: string;
  let disk: string;
  beforeEach(() => {
    tmp = makeTemp('runlens-links-');
    ws = path.join(tmp, 'ws');
    disk = path.join(tmp, 'disk');
    put(disk, 'logs/model_history_log.csv', HISTORY);
    fs.mkdirSync(ws);
  });
  afterEach(() => rmTemp(tmp));

  const scan = (opts: { followOutside?: boolean; maxDepth?: number } = {}): Promise<ScanResult> =>
    scanFolder(ws, { readers: READERS, ...opts });
  const diag = (r: ScanResult): string[] => r.diagnostics.map((d) => `${d.path}: ${d.message}`).sort();

  it('follows a folder symlink out of the workspace, once per real target, and stops at loops', async () => {
    fs.symlinkSync(path.join(disk, 'logs'), path.join(ws, 'logs'));
    // Walk order (breadth first, by name) decides which link names the target: logs before mirror.
    fs.symlinkSync(path.join(disk, 'logs'), path.join(ws, 'mirror'));
    fs.symlinkSync(path.join(disk, 'logs'), path.join(disk, 'logs/loop'));
    fs.symlinkSync(ws, path.join(ws, 'self'));
    put(ws, 'own/history_log.csv', HISTORY);
    fs.symlinkSync(path.join(ws, 'own'), path.join(ws, 'latest'));
    const r = await scan();
    assert.deepEqual(r.runs.map((x) => x.path).sort(), ['logs/model_history_log.csv', 'own/history_log.csv']);
    assert.equal(r.runs.find((x) => x.path === 'logs/model_history_log.csv')!.metrics.loss!.last, 0.25);
    assert.deepEqual(diag(r), [
      'logs/loop: not followed: a symlink to a folder already searched as logs (a duplicate or a loop)',
      'mirror: not followed: a symlink to a folder already searched as logs (a duplicate or a loop)',
    ]);
  });

  it('does not follow a folder symlink out of an untrusted workspace, and says so', async () => {
    fs.symlinkSync(path.join(disk, 'logs'), path.join(ws, 'logs'));
    const r = await scan({ followOutside: false });
    assert.deepEqual(r.runs, []);
    assert.deepEqual(diag(r), ['logs: not followed: a folder symlink out of an untrusted workspace (Restricted Mode)']);
  });

  it('does not read a file symlink that leaves the workspace, and says so', async () => {
    put(disk, 'secret.txt', 'the content of a private file');
    writeMlflowStore(ws, 'mlruns', [
      { id: '0', name: 'Default', runs: [{ id: 'a'.repeat(32), params: { lr: '0.1' } }] },
    ]);
    fs.symlinkSync(path.join(disk, 'secret.txt'), path.join(ws, `mlruns/0/${'a'.repeat(32)}/params/token`));
    fs.symlinkSync(path.join(disk, 'logs/model_history_log.csv'), path.join(ws, 'history_log.csv'));
    // A link inside the workspace is read as before.
    fs.symlinkSync(
      path.join(ws, `mlruns/0/${'a'.repeat(32)}/params/lr`),
      path.join(ws, `mlruns/0/${'a'.repeat(32)}/params/lr2`),
    );
    for (const followOutside of [true, false]) {
      const r = await scan({ followOutside });
      assert.deepEqual(
        r.runs.map((x) => [x.format, x.params]),
        [['mlflow', { lr: '0.1', lr2: '0.1' }]],
      );
      assert.deepEqual(diag(r), [
        'history_log.csv: not read: a symlink to a file outside the workspace',
        `mlruns/0/${'a'.repeat(32)}/params/token: not read: a symlink to a file outside the workspace`,
      ]);
    }
  });

  it('reports the depth limit where it stops the walk', async () => {
    put(ws, 'a/b/c/d/history_log.csv', HISTORY);
    put(ws, 'x/history_log.csv', HISTORY);
    const r = await scan({ maxDepth: 2 });
    assert.deepEqual(
      r.runs.map((x) => x.path),
      ['x/history_log.csv'],
    );
    assert.deepEqual(diag(r), ["a/b: not searched below: the walk's depth limit (2 folders) is reached here"]);
  });

  it('skips the per-read link check only for files the walk listed in folders without links', async () => {
    put(disk, 'secret.yaml', 'token: private');
    put(ws, 'plain/config.yaml', 'lr: 0.1');
    put(ws, 'linked/config.yaml', 'lr: 0.2');
    fs.symlinkSync(path.join(disk, 'secret.yaml'), path.join(ws, 'linked/hydra.yaml'));
    const tree = await walk(ws);
    assert.equal(tree.plainFile('plain/config.yaml'), true);
    assert.equal(tree.plainFile('linked/config.yaml'), false, 'a folder holding a link is checked file by file');
    assert.equal(tree.plainFile('linked/hydra.yaml'), false);
    assert.equal(tree.plainFile('plain/missing.yaml'), false, 'a file the walk did not list');
    assert.equal(tree.plainFile('plain'), false, 'a folder');
    // A tree not made by a walk (or a worker's copy without the list of linked folders) trusts no file.
    const copy = new FileTree();
    for (const d of tree.dirs()) copy.set(d, [...tree.list(d)!]);
    assert.equal(copy.plainFile('plain/config.yaml'), false);
    // Readers open files by name: the outside link is refused whichever tree the read context has.
    for (const t of [tree, copy]) {
      const source = { format: 'hydra' as const, dir: 'linked', path: 'linked', files: [] };
      const ctx = new SourceReadContext(ws, t, source, undefined, { kind: 'index' });
      assert.equal(await ctx.readText('linked/hydra.yaml'), undefined);
      assert.equal(await ctx.readText('linked/config.yaml'), 'lr: 0.2');
      assert.equal(await ctx.readText('plain/config.yaml'), 'lr: 0.1');
      assert.deepEqual(
        ctx.diagnostics.map((d) => `${d.path}: ${d.message}`),
        ['linked/hydra.yaml: not read: a symlink to a file outside the workspace'],
      );
    }
  });
});
