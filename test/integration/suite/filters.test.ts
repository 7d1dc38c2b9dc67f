import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import { allRunNodes, runlens, workspaceDir } from './helpers';

describe('Filter language in the Runs view', function () {
  this.timeout(60_000);

  afterEach(async () => (await runlens()).tree.setFilter(''));

  it('shows the runs an expression selects, the same runs `runlens list --where` lists', async () => {
    const api = await runlens();
    const runs = api.service.index!.runs();
    const withLr = runs.filter((r) => 'lr' in r.params);
    assert.ok(withLr.length >= 2, 'the sample has runs with an lr param');
    const expr = `params.lr < ${Math.max(...withLr.map((r) => Number(r.params.lr)))} or format = dvc`;
    api.tree.setFilter(expr);
    const shown = allRunNodes(api).map((n) => n.run.id).sort();
    assert.ok(shown.length > 0 && shown.length < runs.length, `${shown.length} of ${runs.length} shown`);
    let out = '';
    assert.equal(await main(['list', workspaceDir(), '--where', expr], (t) => (out += t + '\n'), () => undefined), 0);
    const listed = runs.map((r) => r.id).filter((id) => out.includes(id)).sort();
    assert.deepEqual(shown, listed);
  });

  it('keeps matching text that is not an expression as a substring', async () => {
    const api = await runlens();
    const one = api.service.index!.runs()[0]!;
    api.tree.setFilter(one.name.slice(0, 6));
    assert.ok(allRunNodes(api).some((n) => n.run.id === one.id));
    api.tree.setFilter('params.lr <');
    assert.match(String((api.tree.getChildren()[0] as { label?: string }).label), /No runs match/);
  });
});
