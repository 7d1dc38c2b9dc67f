import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { getGitApi } from '../../../src/vscode/git/gitApi';
import { mlflowServerPython, runPython, startMlflowServer, type RunningServer } from '../../helpers/mlflowServer';
import { makeTemp, rmTemp } from '../../helpers/tmp';
import { allRunNodes, runlens, waitFor } from './helpers';

/**
 * A REAL MLflow tracking server configured in runlens.sources: its runs appear in the Runs view beside the
 * workspace's, each with the source's badge; switched off, they go. Skipped in one line without Python.
 */
describe('Sources: an MLflow tracking server in runlens.sources', function () {
  this.timeout(10 * 60_000);
  let server: RunningServer | undefined;
  let tmp = '';

  before(async function () {
    const py = mlflowServerPython();
    if ('error' in py) {
      this.test!.parent!.tests[0]!.title = `skipped: no MLflow server environment (${py.error})`;
      return this.skip();
    }
    tmp = makeTemp('runlens-it-mlflow-');
    server = await startMlflowServer(py.python, tmp);
    const writer = path.resolve(
      __dirname,
      '..',
      '..',
      '..',
      '..',
      'test',
      'python',
      'writers',
      'mlflow_server_runs.py',
    );
    await runPython(py.python, [writer, server.url, path.join(tmp, 'expected.json')]);
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('runlens')
      .update('sources', undefined, vscode.ConfigurationTarget.Workspace);
    await server?.stop();
    if (tmp) rmTemp(tmp);
  });

  it("shows the server's runs in the tree with the source badge, next to the workspace's runs", async () => {
    const api = await runlens();
    const local = allRunNodes(api).length;
    assert.ok(local > 0, 'the sample workspace has runs of its own');
    const id = `mlflow+${server!.url}`;
    await vscode.workspace.getConfiguration('runlens').update('sources', [id], vscode.ConfigurationTarget.Workspace);
    const remote = await waitFor(
      'the server runs in the tree',
      () => {
        const nodes = allRunNodes(api).filter((n) => n.run.source === id);
        return nodes.length === 5 ? nodes : undefined;
      },
      120_000,
    );
    const item = api.tree.getTreeItem(remote.find((n) => n.run.name === 'baseline-main')!);
    assert.match(String(item.description), new RegExp(`☁ 127\\.0\\.0\\.1:${server!.port}`));
    assert.equal(allRunNodes(api).length, local + 5, 'the workspace runs are all still there');
    assert.deepEqual(
      api.service.index!.query('SELECT count(*) FROM runs WHERE source IS NULL').rows,
      [[local]],
      'the source column tells them apart',
    );
    // Its recorded commit is looked up in the workspace's clone (the one repository open; with several, only a
    // recorded remote says which, and this run records none).
    const repos = (await getGitApi())?.repositories ?? [];
    const expected = repos.length === 1 ? repos[0]!.rootUri.fsPath : null;
    const serverRun = remote.find((n) => n.run.name === 'baseline-main')!.run;
    await waitFor(
      "the server run's commit looked up in the workspace's repository",
      async () => {
        await api.commits.whenIdle();
        return api.commits.stateOf(serverRun.id)?.repoRoot === expected;
      },
      60_000,
    );

    await vscode.workspace
      .getConfiguration('runlens')
      .update('sources', [{ uri: id, enabled: false }], vscode.ConfigurationTarget.Workspace);
    await waitFor('the server runs gone once switched off', () => allRunNodes(api).every((n) => !n.run.source), 30_000);
  });
});
