import assert from 'node:assert/strict';
import { parseDelta } from '../../../src/core/sources/ssh/wire';
import { oneLine } from '../../../src/core/sources/untrusted';

/** What a source sends is data: shown as one printable line, and stored under its own names, `__proto__` too. */
describe('sources: text and names from elsewhere', () => {
  it("makes a server's or host's text one printable line", () => {
    assert.equal(oneLine('\u001b[31mred\u001b[0m\r\nnext\u202eevil\u0085 '), '[31mred [0m next evil');
    assert.equal(oneLine('x'.repeat(10), 4), 'xxxx…');
  });

  it("keeps a metric, param or tag named __proto__ as data (an SSH host's reply)", () => {
    const reply = JSON.stringify({
      format: 'runlens-index-delta/1',
      token: 'r1.',
      ids: ['a'],
      diagnostics: [],
      runs: [
        JSON.parse(
          '{"id":"a","format":"mlflow","path":"p","name":"n","status":"finished","git":{},' +
            '"metrics":{"__proto__":{"last":1,"lastStep":2,"min":0,"max":1,"count":3}},' +
            '"params":{"__proto__":"p"},"tags":{"__proto__":"t"}}',
        ) as unknown,
      ],
    });
    const [run] = parseDelta(reply).runs;
    assert.deepEqual(Object.keys(run!.metrics), ['__proto__']);
    assert.equal(Object.getPrototypeOf(run!.metrics), Object.prototype, 'the prototype is untouched');
    assert.equal(run!.metrics['__proto__']!.count, 3);
    assert.equal(Object.getOwnPropertyDescriptor(run!.params, '__proto__')?.value, 'p');
    assert.equal(Object.getOwnPropertyDescriptor(run!.tags, '__proto__')?.value, 't');
  });
});
