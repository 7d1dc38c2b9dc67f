import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReviewHeader } from '../../../src/protocol';
import { removeFromWorkspace, runlens, waitFor, writeInWorkspace } from './helpers';

describe('Review Against Base Branch…', function () {
  this.timeout(120_000);

  it('reviews HEAD against main: head vs baseline runs in the compare view, the verdict and groups in its header', async () => {
    const api = await runlens();
    const result = (await vscode.commands.executeCommand('runlens.reviewAgainstBase', 'main')) as
      { verdict: string; markdown: string; header: ReviewHeader; comparedRunIds: string[] } | undefined;
    assert.ok(result, 'the command returned its review');
    assert.equal(result.verdict, 'pass', 'nothing gated in the sample workspace');
    assert.match(
      result.markdown,
      /^<!-- runlens-review -->\n### ✅ Runlens review: nothing gated · base `[0-9a-f]{7}` → head `[0-9a-f]{7}`/,
    );
    // On main itself the baseline is the newest ancestor with runs: the 'batch' commit's MLflow and W&B runs.
    const byId = new Map(api.service.index!.runs().map((r) => [r.id, r]));
    const compared = result.comparedRunIds.map((id) => byId.get(id)!);
    assert.ok(
      compared.some((r) => r.format === 'mlflow' && r.name === 'hp-sweep'),
      'a baseline run is compared',
    );
    assert.ok(
      compared.some((r) => r.format === 'dvc'),
      'the head run (dvclive results committed at HEAD) is compared',
    );
    await waitFor('the compare panel', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .some((t) => t.input instanceof vscode.TabInputWebview && /compare/i.test(t.input.viewType)),
    );
    // The panel holds the review it was opened with: the verdict and the groups its page renders (see
    // test/e2e/review.e2e.js for the page itself), and Copy as Markdown starts with the comment's summary.
    const panels = api.compare()!;
    const shown = panels.activeReview;
    assert.ok(shown, 'the active compare panel shows a review');
    assert.deepEqual(shown.header, result.header);
    assert.equal(shown.header.verdict, 'pass');
    assert.equal(shown.header.title, 'nothing gated');
    // HEAD's one DVCLive run against the 'batch' commit's five runs (MLflow, W&B): no metric name in common.
    assert.deepEqual([shown.header.base?.runs, shown.header.head.runs], [5, 1]);
    assert.equal(shown.header.head.commit?.slice(0, 7), /→ head `([0-9a-f]{7})`/.exec(result.markdown)?.[1]);
    assert.equal(shown.header.base?.commit?.slice(0, 7), /· base `([0-9a-f]{7})`/.exec(result.markdown)?.[1]);
    assert.deepEqual(shown.header.rows, []);
    assert.ok(
      shown.header.notes.some((n) => /baseline group\(s\) had no head runs/.test(n)),
      shown.header.notes.join(),
    );
    const md = panels.activeMarkdown(true)!;
    assert.ok(md.startsWith(shown.markdown), 'Copy as Markdown: the review summary first');
    assert.ok(
      result.markdown.startsWith(`<!-- runlens-review -->\n${shown.markdown.split('\n_Runlens ·')[0]}`),
      'the same summary as the comment (one renderer)',
    );
    assert.match(md, /### Runlens: \d+ runs compared/, 'then the comparison’s own tables');
    assert.ok(
      !vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => /Preview/.test(t.label)),
      'no separate Markdown preview when the compare view shows the review',
    );
  });

  it('no baseline runs: the head’s runs in the compare view, the verdict saying where the review looked', async () => {
    const api = await runlens();
    // No ancestor searched: the merge-base (HEAD on main itself) has no runs but HEAD's own.
    writeInWorkspace('.runlens.yml', 'review:\n  maxDepth: 0\n');
    try {
      const result = (await vscode.commands.executeCommand('runlens.reviewAgainstBase', 'main')) as
        { verdict: string; header: ReviewHeader; comparedRunIds: string[] } | undefined;
      assert.ok(result);
      assert.equal(result.verdict, 'no-baseline');
      const byId = new Map(api.service.index!.runs().map((r) => [r.id, r]));
      assert.deepEqual(
        result.comparedRunIds.map((id) => byId.get(id)?.format),
        ['dvc'],
        'the head’s run (dvclive results committed at HEAD)',
      );
      const shown = api.compare()!.activeReview!;
      assert.deepEqual(shown.header, result.header);
      assert.deepEqual(
        [shown.header.verdict, shown.header.title, shown.header.base],
        ['no-baseline', 'no baseline runs', null],
      );
      assert.match(shown.header.notes[0]!, /^no baseline runs: no runs at the merge-base [0-9a-f]{7} of main or its 0/);
      assert.match(
        api.compare()!.activeMarkdown(true)!,
        /^### ⚠️ Runlens review: no baseline runs · head `[0-9a-f]{7}`/,
      );
    } finally {
      removeFromWorkspace('.runlens.yml');
    }
  });
});
