import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import { diffRuns } from '../../../src/core/compare/diff';
import { mdCell, textTable } from '../../../src/core/compare/format';
import { runId } from '../../../src/core/ids';
import { diffToMarkdown, diffToText } from '../../../src/core/compare/report';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { writeMlflowStore } from '../../helpers/writers/mlflowFiles';
import { modelRun } from '../../helpers/modelRun';

/** What a hostile repository can put in a run name, a param key and a param value. */
const HOSTILE = {
  name: 'run\u001b]8;;https://evil\u0007x\u001b]8;;\u0007\u0000\u009b31m',
  key: '[open](command:workbench.action.terminal.new)',
  value: '<img src=x onerror=alert(1)> <https://evil.example> ![i](https://evil.example/p.png) \u202eevil',
};
/** Control characters no output may carry: C0 but newline, DEL, C1, bidi overrides. */
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('untrusted run text in Markdown and terminal output', () => {
  it('a Markdown cell has no control characters, no link or image syntax and no HTML', () => {
    for (const s of Object.values(HOSTILE)) {
      const cell = mdCell(s);
      assert.doesNotMatch(cell, CONTROLS, JSON.stringify(cell));
      // Every bracket is escaped, so no [text](target) or ![alt](src) can form; < > are entities.
      assert.doesNotMatch(cell, /(?<!\\)[[\]<>]/, cell);
    }
    assert.equal(mdCell(HOSTILE.key), '\\[open\\](command:workbench.action.terminal.new)');
  });

  it('a terminal table has no control characters', () => {
    const t = textTable(['name', 'value'], [[HOSTILE.name, HOSTILE.value]]);
    assert.doesNotMatch(t, CONTROLS);
    assert.match(t, /^run\]8;;https:\/\/evilx\]8;;31m {2}/m);
  });

  it('the diff as Markdown and as text, and the CLI, pass none of it through', async () => {
    const root = makeTemp();
    try {
      writeMlflowStore(root, 'mlruns', [
        {
          id: '1',
          name: 'e\u001b[2J',
          runs: [
            {
              id: 'a'.repeat(32),
              runName: HOSTILE.name,
              params: { [HOSTILE.key.replace(/[/:]/g, '_')]: HOSTILE.value, lr: '1' },
            },
            { id: 'b'.repeat(32), runName: 'plain', params: { lr: '2' } },
          ],
        },
      ]);
      let out = '';
      const code = await main(
        ['list', root],
        (t) => (out += t + '\n'),
        (t) => (out += t + '\n'),
      );
      assert.equal(code, 0);
      assert.doesNotMatch(out, CONTROLS);
      out = '';
      await main(
        ['show', root, runId('mlflow', `mlruns/1/${'a'.repeat(32)}`)],
        (t) => (out += t + '\n'),
        (t) => (out += t + '\n'),
      );
      assert.doesNotMatch(out, CONTROLS);
      assert.match(out, /\[open\]\(command_workbench/, 'shown, minus the controls');
    } finally {
      rmTemp(root);
    }
  });

  it('diffToMarkdown escapes the baseline title and every cell', () => {
    const run = (id: string, name: string, params: Record<string, string>) => modelRun(id, params, {}, { name });
    const d = diffRuns([
      run('r1', HOSTILE.key, { [HOSTILE.key]: HOSTILE.value }),
      run('r2', HOSTILE.name, { [HOSTILE.key]: 'x' }),
    ]);
    const md = diffToMarkdown(d, { all: true });
    assert.doesNotMatch(md, CONTROLS);
    assert.doesNotMatch(md, /(?<!\\)\]\(/, 'no live link');
    assert.doesNotMatch(md, /<(?!\/?(?:br)>)/, 'no HTML or autolink');
    assert.doesNotMatch(diffToText(d, { all: true }), CONTROLS);
  });
});
