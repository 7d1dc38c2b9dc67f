import assert from 'node:assert/strict';
import { filterString, idsFilter } from '../../../src/core/filter/quote';
import { parseFilter } from '../../../src/core/filter/parser';

describe('filter: quoting values into a filter the parser reads back', () => {
  const hostile = ["it's", 'back\\slash', "\\'", '"double"', "a' or name ~ '*", ''];

  it('a quoted string parses back to the same text, whatever it holds', () => {
    for (const s of hostile) {
      const expr = parseFilter(`name = ${filterString(s)}`);
      assert.ok(expr && expr.kind === 'compare');
      assert.equal(expr.value.text, s);
    }
  });

  it('idsFilter keeps exactly the given ids, one `in` list', () => {
    const expr = parseFilter(idsFilter(hostile));
    assert.ok(expr && expr.kind === 'in');
    assert.deepEqual(
      expr.values.map((v) => v.text),
      hostile,
    );
    assert.equal(idsFilter([]), '');
  });
});
