import assert from 'node:assert/strict';

/** Patch text a run could record: backtick runs longer than a fence, HTML, links, escapes, bidi overrides. */
export const HOSTILE_PATCH = [
  'diff --git a/train.py b/train.py',
  '--- a/train.py',
  '+++ b/train.py',
  '@@ -1,3 +1,4 @@',
  ' HIDDEN = 64',
  '-ACTIVATION = "relu"',
  '+ACTIVATION = "gelu"  # ```` four backticks ````',
  '+````',
  '+```',
  '+</details><details open><summary>x</summary><script>alert(1)</script>',
  '+[click](https://evil.example/x) www.evil.example \u001b[31mred\u001b[0m \u202eevil\u202c',
  '+\tindented\r',
].join('\n');

/** The lines inside the first fenced diff block of `md`, and its fence. */
export function fencedDiff(md: string): { fence: string; lines: string[]; after: string } {
  const lines = md.split('\n');
  const open = lines.findIndex((l) => /^`{3,}diff$/.test(l));
  assert.ok(open >= 0, 'a fenced diff block');
  const fence = lines[open]!.slice(0, -'diff'.length);
  // CommonMark: the block ends at a line of at least as many backticks (up to 3 spaces of indent), nothing else.
  const close = lines.findIndex((l, i) => i > open && /^ {0,3}`{3,}\s*$/.test(l) && l.trim().length >= fence.length);
  assert.ok(close > open, 'the block is closed');
  return { fence, lines: lines.slice(open + 1, close), after: lines.slice(close + 1).join('\n') };
}
