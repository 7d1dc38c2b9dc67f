import * as assert from 'node:assert/strict';
import type { Run } from '../../../src/core/model';
import { candidateKeys, configLeaves, matchConfig, ParamKeyIndex } from '../../../src/vscode/git/configKeys';
import { commitBadge, normalizeRemote, pickCommitAt, type CommitState } from '../../../src/vscode/git/commitState';
import { modelRun } from '../../helpers/modelRun';

const run = (id: string, params: Run['params']): Run => modelRun(id, params);

describe('config keys: config files matched to run params', () => {
  it('lists leaf keys with positions (YAML and JSON)', () => {
    const yaml = 'train:\n  lr: 0.1  # comment\n  layers: [64, 64]\nmodel:\n  name: mlp\n';
    assert.deepEqual(
      configLeaves(yaml).map((l) => [l.path.join('.'), l.line, l.start, l.end]),
      [
        ['train.lr', 1, 2, 4],
        ['train.layers', 2, 2, 8],
        ['model.name', 4, 2, 6],
      ],
    );
    const json = '{\n  "optimizer": {"lr": 3e-4},\n  "epochs": 10\n}\n';
    assert.deepEqual(
      configLeaves(json).map((l) => [l.path.join('.'), l.line]),
      [
        ['optimizer.lr', 1],
        ['epochs', 2],
      ],
    );
    assert.deepEqual(configLeaves('- a\n- b\n'), []);
    assert.deepEqual(configLeaves('{ not: [valid'), []);
  });

  it('tries the full path, the config group folders, then shorter tails', () => {
    assert.deepEqual(candidateKeys(['train', 'lr']), ['train.lr', 'lr']);
    assert.deepEqual(candidateKeys(['lr'], ['conf', 'optimizer']), ['optimizer.lr', 'conf.optimizer.lr', 'lr']);
  });

  it('matches a file to the runs that recorded its keys, not package.json to a run with a "name"', () => {
    const runs = [
      run('a', { lr: '0.1', batch_size: '64' }),
      run('b', { 'optimizer.lr': 0.001, 'optimizer.name': 'adam' }),
      run('c', { name: 'x' }),
    ];
    const index = new ParamKeyIndex(runs);
    const cfg = matchConfig(configLeaves('train:\n  lr: 0.1\n  batch_size: 64\n'), index);
    assert.deepEqual(
      cfg.runs.map((r) => r.id),
      ['a'],
    );
    assert.deepEqual(
      cfg.leaves.map((l) => l.keys),
      [['lr'], ['batch_size']],
    );
    const group = matchConfig(configLeaves('lr: 0.01\nname: sgd\n'), index, ['conf', 'optimizer']);
    assert.deepEqual(
      group.runs.map((r) => r.id),
      ['b'],
    );
    const both = new ParamKeyIndex([
      run('m', { warmup: '5', smoothing: '0.1' }),
      run('w', { 'optim.warmup': 5, 'optim.smoothing': 0.1 }),
    ]);
    const nested = matchConfig(configLeaves('optim:\n  warmup: 5\n  smoothing: 0.1\n'), both);
    assert.deepEqual(
      nested.leaves.map((l) => l.keys),
      [
        ['optim.warmup', 'warmup'],
        ['optim.smoothing', 'smoothing'],
      ],
    );
    assert.deepEqual(nested.runs.map((r) => r.id).sort(), ['m', 'w']);
    const pkg = matchConfig(configLeaves('{"name": "x", "version": "1.0.0", "main": "a.js"}'), index);
    assert.deepEqual(pkg.runs, []);
  });
});

describe('commit state helpers', () => {
  const base: CommitState = {
    runId: 'r',
    commit: 'abcdef0123456789abcdef0123456789abcdef01',
    source: 'recorded',
    repoRoot: '/w',
    isLocal: true,
    inHead: true,
    recordedDirty: false,
    differsFromWorkingTree: false,
    recordedChanges: null,
  };

  it('badges', () => {
    assert.equal(commitBadge(base), 'abcdef0 ✓ in HEAD');
    assert.equal(commitBadge({ ...base, isLocal: false, inHead: null }), 'abcdef0 not local');
    assert.equal(commitBadge({ ...base, source: 'inferred' }), 'inferred abcdef0');
    assert.equal(
      commitBadge({ ...base, inHead: false, recordedDirty: true, differsFromWorkingTree: true }),
      'abcdef0 not in HEAD + uncommitted · code changed since',
    );
    assert.equal(commitBadge({ ...base, repoRoot: null }), 'abcdef0 (no repository)');
    assert.equal(commitBadge(undefined), '');
  });

  it('picks the newest commit at or before a time', () => {
    const h = [
      { hash: 'c3', time: 300 },
      { hash: 'c2', time: 200 },
      { hash: 'c1', time: 100 },
    ];
    assert.equal(pickCommitAt(h, 250)?.hash, 'c2');
    assert.equal(pickCommitAt(h, 300)?.hash, 'c3');
    assert.equal(pickCommitAt(h, 99), undefined);
  });

  it('normalises remotes', () => {
    const want = 'github.com/ada/digits-mlp';
    for (const u of [
      'git@github.com:ada/digits-mlp.git',
      'https://github.com/ada/digits-mlp',
      'https://user@github.com/ada/digits-mlp.git/',
      'ssh://git@github.com/ada/digits-mlp.git',
      'ssh://git@github.com:22/ada/digits-mlp',
    ]) {
      assert.equal(normalizeRemote(u), want, u);
    }
  });
});
