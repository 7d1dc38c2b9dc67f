import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyFilePatch,
  applyPatchTo,
  changedPaths,
  parsePatch,
  PatchError,
  unquote,
} from '../../../src/vscode/git/patch';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';

/** `git diff HEAD` as W&B writes it to files/diff.patch, from a real repository. */
function gitDiff(before: Record<string, string>, after: Record<string, string | null>): { patch: string; dir: string } {
  const dir = makeTemp('runlens-patch-');
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@x',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@x',
      },
    });
  git('init', '-q');
  for (const [rel, text] of Object.entries(before)) put(dir, rel, text);
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  for (const [rel, text] of Object.entries(after)) {
    if (text === null) fs.rmSync(path.join(dir, rel));
    else put(dir, rel, text);
  }
  git('add', '-A'); // so new files are in `git diff HEAD` too
  return { patch: git('diff', 'HEAD'), dir };
}

const lines = (n: number, f: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => f(i) + '\n').join('');

describe('patch: git diffs applied in memory', () => {
  const cases: Array<[string, Record<string, string>, Record<string, string | null>]> = [
    [
      'one changed line',
      { 'train.py': lines(30, (i) => `line ${i}`) },
      { 'train.py': lines(30, (i) => (i === 12 ? 'changed 12' : `line ${i}`)) },
    ],
    [
      'several hunks, additions and removals',
      { 'a.py': lines(200, (i) => `x = ${i}`) },
      {
        'a.py': lines(200, (i) => `x = ${i}`)
          .replace('x = 5\n', '')
          .replace('x = 100\n', 'x = 100\ny = 1\ny = 2\n')
          .replace('x = 199\n', 'z = 199\n'),
      },
    ],
    ['no newline at end of file, added', { 'b.py': 'a\nb\n' }, { 'b.py': 'a\nb\nc' }],
    ['no newline at end of file, removed', { 'c.py': 'a\nb' }, { 'c.py': 'a\nb\n' }],
    ['new file', { 'keep.py': 'k\n' }, { 'new/mod.py': 'def f():\n    return 1\n' }],
    ['deleted file', { 'gone.py': 'bye\n', 'keep.py': 'k\n' }, { 'gone.py': null }],
    ['CRLF file', { 'w.py': 'a\r\nb\r\nc\r\n' }, { 'w.py': 'a\r\nB\r\nc\r\n' }],
    ['path with spaces and unicode', { 'my dir/café.py': 'x\n' }, { 'my dir/café.py': 'y\n' }],
  ];
  for (const [title, before, after] of cases) {
    it(title, () => {
      const { patch, dir } = gitDiff(before, after);
      try {
        const files = parsePatch(patch);
        const touched = Object.keys(after);
        assert.deepEqual(changedPaths(files).sort(), touched.sort());
        for (const rel of touched) {
          const got = applyPatchTo(before[rel] ?? '', files, rel);
          assert.equal(got, after[rel] ?? '', rel);
        }
      } finally {
        rmTemp(dir);
      }
    });
  }

  it('applies a hunk that moved (offset), as patch does', () => {
    const { patch, dir } = gitDiff(
      { 'm.py': lines(50, (i) => `v${i}`) },
      { 'm.py': lines(50, (i) => (i === 40 ? 'new40' : `v${i}`)) },
    );
    rmTemp(dir);
    const [file] = parsePatch(patch);
    const shifted = 'extra1\nextra2\nextra3\n' + lines(50, (i) => `v${i}`);
    assert.equal(
      applyFilePatch(shifted, file!),
      'extra1\nextra2\nextra3\n' + lines(50, (i) => (i === 40 ? 'new40' : `v${i}`)),
    );
  });

  it('refuses a hunk whose context is not there', () => {
    const { patch, dir } = gitDiff(
      { 'n.py': lines(10, (i) => `v${i}`) },
      { 'n.py': lines(10, (i) => (i === 4 ? 'x' : `v${i}`)) },
    );
    rmTemp(dir);
    const [file] = parsePatch(patch);
    assert.throws(
      () =>
        applyFilePatch(
          lines(10, (i) => `w${i}`),
          file!,
        ),
      PatchError,
    );
  });

  it('marks binary changes and reports truncated hunks', () => {
    const bin = 'diff --git a/img.png b/img.png\nindex 1..2 100644\nBinary files a/img.png and b/img.png differ\n';
    const [f] = parsePatch(bin);
    assert.equal(f!.binary, true);
    assert.throws(() => applyFilePatch('', f!), PatchError);
    assert.throws(() => parsePatch('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n'), PatchError);
  });

  it('reads a bare unified diff (no diff --git line) and renames', () => {
    const bare = '--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old\n+new\n';
    assert.equal(applyPatchTo('old\n', parsePatch(bare), 'x.py'), 'new\n');
    const rename =
      'diff --git a/old.py b/new.py\nsimilarity index 90%\nrename from old.py\nrename to new.py\n--- a/old.py\n+++ b/new.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n';
    const [r] = parsePatch(rename);
    assert.equal(r!.oldPath, 'old.py');
    assert.equal(r!.newPath, 'new.py');
    assert.equal(applyFilePatch('a\nb\n', r!), 'a\nc\n');
  });

  it('unquotes C-style git paths', () => {
    assert.equal(unquote('"a/caf\\303\\251.py"'), 'a/café.py');
    assert.equal(unquote('"a/tab\\there"'), 'a/tab\there');
    assert.equal(unquote('plain'), 'plain');
  });
});
