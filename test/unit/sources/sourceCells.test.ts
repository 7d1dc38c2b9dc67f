import assert from 'node:assert/strict';
import type { SourceStatus } from '../../../src/core/index';
import type { TableColumn } from '../../../src/protocol';
import { sourceCells } from '../../../src/vscode/sourceBadge';
import { cellText, cellTitle } from '../../../webview/table/cells';

/** The runs table's source cell: the badge the tree shows, "as of" while the source cannot be reached. */
describe('runs table: source cells', () => {
  const col: TableColumn = { id: 'source', label: 'source', kind: 'run' };
  const id = 'mlflow+https://mlflow.example.com';
  const status = (over: Partial<SourceStatus>): SourceStatus => ({
    id,
    kind: 'mlflow',
    reachable: true,
    asOf: null,
    error: null,
    runs: 3,
    ...over,
  });
  const cells = (s: SourceStatus): Map<string, ReturnType<typeof sourceCells>[number]> =>
    new Map(sourceCells([s]).map((c) => [c.id, c]));

  it('a reachable source: its host, the URI as the tooltip', () => {
    const m = cells(status({ asOf: Date.now() }));
    assert.equal(cellText(col, id, m), '☁ mlflow.example.com');
    assert.equal(cellTitle(col, id, '', m), id);
  });

  it('an unreachable one: "as of" the last read, and why in the tooltip', () => {
    const asOf = new Date();
    asOf.setHours(9, 5, 0, 0);
    const m = cells(status({ reachable: false, asOf: asOf.getTime(), error: 'cannot connect (ECONNREFUSED)' }));
    assert.equal(cellText(col, id, m), '☁ mlflow.example.com · as of 09:05');
    assert.equal(
      cellTitle(col, id, '', m),
      `${id}\nunreachable: cannot connect (ECONNREFUSED)\nruns as of ${asOf.toLocaleString()}`,
    );
  });

  it('never read: "unreachable"; a source the host did not describe: its host', () => {
    const m = cells(status({ reachable: false, error: '401 Unauthorized' }));
    assert.equal(cellText(col, id, m), '☁ mlflow.example.com · unreachable');
    assert.match(cellTitle(col, id, '', m), /no runs were read from it yet$/);
    assert.equal(cellText(col, 'ssh://gpu-box/runs', m), '☁ gpu-box/runs');
    assert.equal(cellTitle(col, 'ssh://gpu-box/runs', '', m), 'ssh://gpu-box/runs');
    assert.equal(cellText({ ...col, id: 'name' }, 'x', m), 'x', 'other columns as before');
  });
});
