import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NO_GIT, type Run } from '../../../src/core/model';
import { diffBlock, recordedPatch } from '../../../src/core/review/patches';
import { fencedDiff, HOSTILE_PATCH } from '../../helpers/hostilePatch';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { modelRun } from '../../helpers/modelRun';

function run(tags: Record<string, string>, format: Run['format'] = 'mlflow'): Run {
  return modelRun('r1', {}, {}, { format, path: 'run', tags, git: { ...NO_GIT, dirty: true } });
}

describe('review: recorded patches in the comment', () => {
  const temps: string[] = [];
  after(() => temps.forEach(rmTemp));

  it('a fenced diff block: fence longer than any backtick run, control characters dropped, text kept', () => {
    const block = diffBlock(HOSTILE_PATCH, 100);
    const { fence, lines, after } = fencedDiff(block);
    assert.equal(fence, '`````', 'one backtick longer than the longest run inside (four)');
    assert.equal(after, '', 'nothing left out, so no "more lines" note');
    assert.equal(lines.length, HOSTILE_PATCH.split('\n').length);
    assert.ok(!lines.some((l) => /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(l)), 'no controls');
    assert.ok(lines.includes('+</details><details open><summary>x</summary><script>alert(1)</script>'), 'kept as text');
    assert.ok(lines.includes('+    indented'), 'a tab as spaces, the CR dropped');
    assert.ok(lines.includes('+[click](https://evil.example/x) www.evil.example [31mred[0m evil'));
    // Nothing inside can close the block early: every line that looks like a fence is shorter than the fence.
    for (const l of lines) if (/^ {0,3}`{3,}\s*$/.test(l)) assert.ok(l.trim().length < fence.length, l);
  });

  it('caps the block at maxLines with "… N more lines"; plain text keeps the usual three-backtick fence', () => {
    const text = Array.from({ length: 130 }, (_, i) => `+line ${i}`).join('\n') + '\n';
    const block = diffBlock(text, 60);
    const { fence, lines, after } = fencedDiff(block);
    assert.equal(fence, '```');
    assert.deepEqual(
      lines,
      Array.from({ length: 60 }, (_, i) => `+line ${i}`),
    );
    assert.equal(after.trim(), '_… 70 more lines_');
    assert.match(diffBlock('+a\n+b', 1), /_… 1 more line_$/);
  });

  it('reads MLflow’s diff tag and W&B’s files/diff.patch; none for other runs or a missing file', () => {
    assert.equal(
      recordedPatch(run({ 'mlflow.source.git.diff': 'diff --git a/x b/x' }), undefined),
      'diff --git a/x b/x',
    );
    const dir = makeTemp('runlens-patch-');
    temps.push(dir);
    fs.mkdirSync(path.join(dir, 'files'));
    fs.writeFileSync(path.join(dir, 'files', 'diff.patch'), HOSTILE_PATCH);
    assert.equal(recordedPatch(run({}, 'wandb'), dir), HOSTILE_PATCH);
    assert.equal(recordedPatch(run({}, 'wandb'), path.join(dir, 'nowhere')), null);
    assert.equal(recordedPatch(run({}, 'sacred'), dir), null);
  });
});
