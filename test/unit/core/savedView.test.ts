import assert from 'node:assert/strict';
import { isViewName, parseSavedView, viewToJson, viewToQuery } from '../../../src/core/views/savedView';

describe('saved views', () => {
  it('round-trip a table state through the file', () => {
    const state = {
      filter: 'params.lr < 1e-3',
      columns: ['name', 'params.lr', 'metrics.val_loss.min'],
      sort: { column: 'metrics.val_loss.min', desc: false },
      onlyDiffs: false,
      baselineId: 'abc123def456',
    };
    const parsed = parseSavedView(viewToJson(state));
    assert.ok('view' in parsed);
    assert.deepEqual(viewToQuery(parsed.view), state);
  });

  it('fill in what a hand-written view leaves out', () => {
    const parsed = parseSavedView('{"version": 1, "filter": "status = failed"}');
    assert.deepEqual(parsed, {
      view: {
        version: 1,
        kind: 'table',
        filter: 'status = failed',
        columns: [],
        sort: null,
        onlyDiffs: true,
        baseline: null,
      },
    });
  });

  const bad: Array<[string, string]> = [
    ['{"version": 1,', 'not JSON: '],
    ['[]', 'a view is a JSON object'],
    ['{"version": 2}', '"version" must be 1 (got 2)'],
    ['{"version": 1, "filter": "params.lr <"}', `"filter": expected a value after '<' at column 12`],
    ['{"version": 1, "columns": ["name", "lr"]}', `"columns": "lr": unknown field 'lr'`],
    ['{"version": 1, "columns": "name"}', '"columns" must be a list'],
    ['{"version": 1, "sort": {"column": 3}}', '"sort" must be null or'],
    ['{"version": 1, "onlyDiffs": "yes"}', '"onlyDiffs" must be true or false'],
    ['{"version": 1, "baseline": 7}', '"baseline" must be a run id or null'],
  ];
  for (const [text, problem] of bad) {
    it(`say what is wrong with ${text}`, () => {
      const r = parseSavedView(text);
      assert.ok('problem' in r && r.problem.startsWith(problem), JSON.stringify(r));
    });
  }

  it('take names that are safe file names only', () => {
    assert.ok(isViewName('best lr sweep') && isViewName('v1.2_final-b'));
    for (const n of ['', '../x', 'a/b', '.hidden', 'x'.repeat(65), 'con\u0000', 'trailing.'])
      assert.ok(!isViewName(n), n);
  });
});
