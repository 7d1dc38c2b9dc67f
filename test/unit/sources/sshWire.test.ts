// The host side of the SSH source without a network: `index --json --since` and `series --json` as the CLI prints
// them, and their reading back (every value exact; garbage refused, never thrown past the source).
import assert from 'node:assert/strict';
import { parseDelta, parseSeries, WireError } from '../../../src/core/sources/ssh/wire';
import { parseSshUri } from '../../../src/core/sources/ssh/sshUri';
import { cli } from '../../helpers/runCli';
import { makeTemp, put, rmTemp } from '../../helpers/tmp';
import { lightningMetricsCsv } from '../../helpers/writers/tabular';

describe('SSH source: the CLI contract on the host', () => {
  let root: string;
  const rows = (from: number, n: number): Record<string, bigint | number>[] =>
    Array.from({ length: n }, (_, i) => ({ step: BigInt(from + i), epoch: 0n, loss: 1 / (from + i + 1) }));

  before(() => {
    root = makeTemp();
    put(root, 'lightning_logs/version_0/metrics.csv', lightningMetricsCsv(rows(0, 5)));
    put(
      root,
      'lightning_logs/version_1/metrics.csv',
      lightningMetricsCsv([...rows(0, 3), { step: 3n, epoch: 0n, loss: NaN }]),
    );
  });
  after(() => rmTemp(root));

  it('index --since: every run first, then only what changed, and always every id', async () => {
    const first = await cli(['index', root, '--json', '--since', '']);
    assert.equal(first.code, 0, first.err);
    const a = parseDelta(first.out);
    assert.equal(a.runs.length, 2);
    assert.equal(a.delta.ids.length, 2);
    assert.match(a.delta.token, /^r1\.[A-Za-z0-9_-]{16}$/);

    const same = parseDelta((await cli(['index', root, '--json', '--since', a.delta.token])).out);
    assert.equal(same.runs.length, 0);
    assert.deepEqual(same.delta.ids, a.delta.ids);
    assert.equal(same.delta.token, a.delta.token);

    put(root, 'lightning_logs/version_0/metrics.csv', lightningMetricsCsv(rows(0, 7)));
    const grown = parseDelta((await cli(['index', root, '--json', `--since=${a.delta.token}`])).out);
    assert.deepEqual(
      grown.runs.map((r) => [r.path, r.metrics.loss!.count]),
      [['lightning_logs/version_0', 7]],
    );
    assert.notEqual(grown.delta.token, a.delta.token);

    // A token from elsewhere (cut, edited, another version) is no token: everything is sent.
    assert.equal(parseDelta((await cli(['index', root, '--json', '--since', 'r1.abc'])).out).runs.length, 2);
    assert.equal((await cli(['index', root, '--since', ''])).code, 2, '--since needs --json');
  });

  it('series --json: the points, NaN kept, and from the n-th point with --from', async () => {
    const ids = parseDelta((await cli(['index', root, '--json', '--since', ''])).out).runs;
    const v1 = ids.find((r) => r.path === 'lightning_logs/version_1')!;
    const whole = await cli(['series', root, v1.id, '--metric', 'loss', '--json']);
    assert.equal(whole.code, 0, whole.err);
    const s = parseSeries(whole.out).series[0]!;
    assert.deepEqual([...s.steps], [0, 1, 2, 3]);
    assert.deepEqual([...s.values], [1, 1 / 2, 1 / 3, NaN]);
    assert.equal(s.total, 4);
    const tail = parseSeries((await cli(['series', root, v1.id, '--json', '--from', '2'])).out).series;
    assert.deepEqual(
      tail.map((t) => [t.key, t.from, t.total, [...t.values]]),
      [['loss', 2, 4, [1 / 3, NaN]]],
    );
    assert.equal((await cli(['series', root, v1.id, '--from', '-1'])).code, 2);
    assert.match((await cli(['series', root, v1.id])).out, /loss\s+4\s+0\s+3\s+NaN/);
  });

  it('refuses replies that are not the contract, and leaves out a malformed run with a diagnostic', () => {
    assert.throws(
      () => parseDelta('Welcome!\n'),
      (e: Error) => e instanceof WireError && /not JSON/.test(e.message),
    );
    assert.throws(() => parseDelta('{"format":"other"}'), WireError);
    assert.throws(() => parseDelta('{"format":"runlens-index-delta/1","token":1,"runs":[],"ids":[]}'), WireError);
    const mixed = parseDelta(
      JSON.stringify({
        format: 'runlens-index-delta/1',
        token: 'r1.',
        ids: ['x'],
        runs: [{ id: 'x', format: 'no-such-tool', path: 'p', name: 'n', params: {}, metrics: {} }],
        diagnostics: [{ path: 'a', severity: 'error', message: 'm' }, { bogus: true }],
      }),
    );
    assert.equal(mixed.runs.length, 0);
    assert.match(mixed.problems[0]!.message, /unknown format no-such-tool/);
    assert.deepEqual(mixed.delta.diagnostics, [{ path: 'a', severity: 'error', message: 'm' }]);
    assert.throws(
      () =>
        parseSeries(
          '{"format":"runlens-series/1","runId":"x","series":[{"key":"k","steps":[1],"values":[],"times":[]}]}',
        ),
      /columns of different lengths/,
    );
  });

  it('reads ssh:// URIs: user, port, home-relative folders; refuses hosts that read as options', () => {
    assert.deepEqual(parseSshUri('ssh://alice@gpu-box:2222/data/runs'), {
      host: 'gpu-box',
      user: 'alice',
      port: 2222,
      path: '/data/runs',
      id: 'ssh://alice@gpu-box:2222/data/runs',
    });
    assert.equal(parseSshUri('ssh://gpu-box/~/runs').path, 'runs');
    assert.equal(parseSshUri('ssh://gpu-box').path, '.');
    assert.equal(parseSshUri('ssh://alice:secret@gpu-box/x').id, 'ssh://alice@gpu-box/x');
    assert.throws(() => parseSshUri('ssh://-oProxyCommand=touch%20x/y'), /no usable host/);
    assert.throws(() => parseSshUri('http://gpu-box/x'), /not an ssh:\/\/ URI/);
  });
});
