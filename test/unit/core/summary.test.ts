import assert from 'node:assert/strict';
import { addPoint, emptySummary, jsonNumber, mergeSummary, toMetricSummary } from '../../../src/core/summary';

describe('metric summaries', () => {
  it('takes last at the highest step, min/max over finite values, counts every point', () => {
    const s = emptySummary();
    addPoint(s, 0, 1.5);
    addPoint(s, 2, NaN);
    addPoint(s, 1, 0.25);
    addPoint(s, 2, 0.75); // same step as the NaN, logged later: wins the tie
    addPoint(s, 1, Infinity);
    assert.deepEqual(toMetricSummary(s), { last: 0.75, lastStep: 2, min: 0.25, max: 1.5, count: 5 });
  });

  it('uses the last logged value when there are no steps', () => {
    const s = emptySummary();
    addPoint(s, NaN, 3);
    addPoint(s, NaN, 1);
    assert.deepEqual(toMetricSummary(s), { last: 1, lastStep: null, min: 1, max: 3, count: 2 });
  });

  it('keeps a non-finite last value and reports no min/max when nothing is finite', () => {
    const s = emptySummary();
    addPoint(s, 5, -Infinity);
    assert.deepEqual(toMetricSummary(s), { last: -Infinity, lastStep: 5, min: null, max: null, count: 1 });
    assert.equal(jsonNumber(s.last), '-Infinity');
    assert.equal(jsonNumber(NaN), 'NaN');
    assert.equal(jsonNumber(Infinity), 'Infinity');
    assert.equal(jsonNumber(0.5), 0.5);
  });

  it('merges summaries of two files: the later file wins step ties', () => {
    const a = emptySummary();
    addPoint(a, 10, 4);
    addPoint(a, 3, -1);
    const b = emptySummary();
    addPoint(b, 10, 7);
    mergeSummary(a, b);
    assert.deepEqual(toMetricSummary(a), { last: 7, lastStep: 10, min: -1, max: 7, count: 3 });
    const c = emptySummary();
    addPoint(c, 2, 100);
    mergeSummary(a, c);
    assert.equal(a.last, 7, 'a lower step does not replace last');
    assert.equal(a.max, 100);
  });
});

describe('flattenParams', () => {
  it('joins nested keys with ".", keeps scalar types, lists as compact JSON, and treats __proto__ as data', async () => {
    const { flattenParams } = await import('../../../src/core/flatten');
    const out = flattenParams(
      JSON.parse('{"a":{"b":1,"c":[1,2],"d":{"__proto__":"x"}},"e":true,"f":null,"g":"s","h":{}}'),
    );
    assert.deepEqual(Object.entries(out), [
      ['a.b', 1],
      ['a.c', '[1,2]'],
      ['a.d.__proto__', 'x'],
      ['e', true],
      ['f', null],
      ['g', 's'],
    ]);
  });
});
