import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runlens, waitFor } from './helpers';

describe('Review Against Base Branch…', function () {
  this.timeout(120_000);

  it('reviews HEAD against main: the comment in a preview, head vs baseline runs in the compare view', async () => {
    const api = await runlens();
    const result = (await vscode.commands.executeCommand('runlens.reviewAgainstBase', 'main')) as
      { verdict: string; markdown: string; comparedRunIds: string[] } | undefined;
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
    await waitFor('the Markdown preview', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => /Preview/.test(t.label)),
    );
  });
});
