import assert from 'node:assert/strict';
import { globToRegExp, GlobSet } from '../../../src/core/index/glob';
import { WalkFilter } from '../../../src/core/index/walk';

describe('globs', () => {
  it('matches ** across segments, * within one, braces and classes', () => {
    assert.ok(globToRegExp('**/node_modules').test('node_modules'));
    assert.ok(globToRegExp('**/node_modules').test('a/b/node_modules'));
    assert.ok(!globToRegExp('**/node_modules').test('a/node_modules_x'));
    assert.ok(globToRegExp('runs/*/logs').test('runs/x/logs'));
    assert.ok(!globToRegExp('runs/*/logs').test('runs/x/y/logs'));
    assert.ok(globToRegExp('**/*.{csv,tsv}').test('a/b.tsv'));
    assert.ok(globToRegExp('v[0-9]').test('v7'));
    assert.ok(!globToRegExp('v[!0-9]').test('v7'));
    assert.ok(globToRegExp('a.b').test('a.b') && !globToRegExp('a.b').test('axb'));
  });

  it('excludes the default folders and virtualenvs, and honours include globs', () => {
    const f = new WalkFilter({ exclude: ['**/scratch'] });
    assert.equal(f.enters('x/.git'), false);
    assert.equal(f.enters('x/scratch'), false);
    assert.equal(f.enters('env', [{ name: 'pyvenv.cfg', isFile: true, isDir: false, size: 1, mtimeMs: 0 }]), false);
    assert.equal(f.enters('mlruns'), true);
    const inc = new WalkFilter({ include: ['experiments/**'] });
    assert.equal(inc.included('experiments/a/b'), true);
    assert.equal(inc.included('other'), false);
    assert.equal(new GlobSet([]).isEmpty, true);
  });
});

describe('GlobSet fast path', () => {
  it('answers **/name globs by the last segment and the rest by regex', () => {
    const g = new GlobSet(['**/node_modules', '**/*.tmp', 'data/raw']);
    assert.equal(g.matches('node_modules'), true);
    assert.equal(g.matches('a/b/node_modules'), true);
    assert.equal(g.matches('a/node_modules/x'), false);
    assert.equal(g.matches('x/y.tmp'), true);
    assert.equal(g.matches('data/raw'), true);
    assert.equal(g.matches('data/raw2'), false);
  });
});
