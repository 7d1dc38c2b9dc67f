import assert from 'node:assert/strict';
import {
  chunkCrc,
  fastNumber,
  materialize,
  newLogState,
  WandbLogParser,
} from '../../../src/core/readers/wandb/wandbLog';
import { jsonNumberFromBytes, parseExtJson } from '../../../src/core/readers/wandb/wandbJson';
import { feed } from './wandbFeed';
import { Proto } from '../../helpers/protobuf';
import {
  BLOCK,
  chunkChecksum,
  crc32Bitwise,
  items,
  logOf,
  rec,
  WandbLogWriter,
  type Item,
} from '../../helpers/writers/wandb';

const hist = (step: number, values: Record<string, unknown>, extra: Item[] = []): Uint8Array =>
  rec.history(
    [
      ...items(values, true),
      { nested: ['_step'], json: String(step) },
      { nested: ['_timestamp'], json: String(1714566896 + step) },
      ...extra,
    ],
    step,
  );

describe('wandb transaction log', () => {
  it('matches the spec test vector byte for byte and reads it', () => {
    const record = rec.numbered(
      1,
      rec.history(
        [
          { nested: ['loss'], json: '0.25' },
          { nested: ['_step'], json: '3' },
        ],
        3,
      ),
    );
    const bytes = logOf([record]);
    const hex = Buffer.from(bytes).toString('hex');
    const spec = `3a 57 26 42 e1 be 00  4b ea 24 6e  24 00  01
      08 01 12 20 0a 0d 12 04 6c 6f 73 73 82 01 04 30 2e 32 35 0a 0b 12 05 5f 73 74 65 70 82 01 01 33 12 02 08 03`;
    assert.equal(hex, spec.replace(/\s+/g, ''));
    assert.equal(chunkCrc(1, bytes, 14, bytes.length), 0x6e24ea4b);
    const r = feed(bytes);
    assert.deepEqual(r.points, [['loss', 3, 0.25, NaN]]);
    assert.deepEqual(r.problems, []);
    assert.equal(r.consumed, bytes.length);
    assert.equal(r.state.lastStep, 3);
  });

  it('computes the same CRC as a bitwise CRC-32 (native and table paths)', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 131 + 7) & 0xff);
    for (const type of [1, 2, 3, 4]) {
      assert.equal(chunkCrc(type, data, 10, 990), chunkChecksum(type, data.subarray(10, 990)));
    }
    assert.equal(crc32Bitwise(new TextEncoder().encode('123456789')), 0xcbf43926);
  });

  it('reads records spanning blocks (FIRST/MIDDLE/LAST), padding and a zero-filled block', () => {
    const w = new WandbLogWriter();
    w.append(
      rec.run({ runId: 'abc', project: 'p', startMs: Date.UTC(2024, 4, 1), config: items({ big: 'x'.repeat(70000) }) }),
    );
    // Fewer than 7 bytes left in the block: zero padding, the next record starts in the next block.
    w.fill(5);
    assert.ok(BLOCK - (w.length % BLOCK) < 7, `left ${BLOCK - (w.length % BLOCK)}`);
    w.append(hist(0, { loss: 1 }));
    w.zeroBlock();
    w.append(hist(1, { loss: 0.5 }));
    const bytes = w.bytes();
    for (const piece of [bytes.length, 4096, 1000, 333]) {
      const r = feed(bytes, piece, piece < 5000);
      assert.deepEqual(r.problems, [], `piece ${piece}`);
      assert.deepEqual(
        r.points.map((p) => [p[0], p[1], p[2]]),
        [
          ['loss', 0, 1],
          ['loss', 1, 0.5],
        ],
        `piece ${piece}`,
      );
      assert.equal(r.state.info.runId, 'abc');
      assert.equal((materialize(r.state.config)['big'] as string).length, 70000);
      assert.equal(r.consumed, bytes.length);
    }
  });

  it('a FIRST chunk with an empty payload (record starting 7 bytes before a block end)', () => {
    const w = new WandbLogWriter();
    w.fill(7);
    assert.equal(BLOCK - (w.length % BLOCK), 7);
    w.append(hist(5, { acc: 0.9 }));
    const bytes = w.bytes();
    assert.equal(bytes[BLOCK - 1], 2, 'FIRST chunk type at the block end');
    const r = feed(bytes, 100);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.points.map((p) => p[0] + '@' + p[1]),
      ['acc@5'],
    );
  });

  it('leaves a half-written record for the next read, without a diagnostic', () => {
    const bytes = logOf([hist(0, { loss: 1 }), hist(1, { loss: 2 }), rec.config(items({ lr: 0.1 }, true), [])]);
    const full = feed(bytes);
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = feed(bytes.subarray(0, cut));
      assert.deepEqual(r.problems, [], `cut ${cut}`);
      assert.ok(r.points.length <= 2);
      assert.deepEqual(r.points, full.points.slice(0, r.points.length));
    }
    // A multi-block record whose LAST chunk is not written yet: consumed stops at its FIRST chunk.
    const big = logOf([
      hist(0, { loss: 1 }),
      rec.config([{ key: 'blob', json: JSON.stringify('b'.repeat(40000)) }]),
      hist(1, { loss: 2 }),
    ]);
    const cut = BLOCK + 100;
    const r = feed(big.subarray(0, cut));
    assert.deepEqual(r.problems, []);
    assert.equal(r.points.length, 1);
    assert.ok(r.consumed < BLOCK && r.consumed > 7, `consumed ${r.consumed}`);
  });

  it('resumes from a JSON-serialised state at every split point with the same result', () => {
    const recs = [rec.header(), rec.run({ runId: 'r1', name: 'n', startMs: 1714566896000 })];
    for (let s = 0; s < 300; s++) recs.push(hist(s, { loss: 1 / (s + 1), acc: s / 300, nested: { a: s } }));
    recs.push(rec.summary(items({ best: 0.5 }, true)), rec.exit(0, 12));
    const bytes = logOf(recs);
    const whole = feed(bytes);
    assert.equal(whole.points.length, 900);
    for (const piece of [1, 3, 64, 777, 32768, 40000]) {
      const r = feed(bytes, piece, true);
      assert.deepEqual(r.points, whole.points, `piece ${piece}`);
      assert.deepEqual(r.state, JSON.parse(JSON.stringify(whole.state)), `piece ${piece}`);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(whole.state)), whole.state);
  });

  it('rejects a file with a wrong header once, and waits on a short one', () => {
    const bytes = logOf([hist(0, { loss: 1 })]);
    const bad = bytes.slice();
    bad[6] = 1; // version 1
    const r = feed(bad);
    assert.equal(r.points.length, 0);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!, /not a W&B transaction log/);
    assert.equal(r.state.header, 2);
    const short = feed(bytes.subarray(0, 5));
    assert.equal(short.consumed, 0);
    assert.equal(short.state.header, 0);
    assert.deepEqual(short.problems, []);
  });

  it('resyncs at the next block after a bad checksum, counting the lost bytes', () => {
    const w = new WandbLogWriter();
    for (let s = 0; s < 1500; s++) w.append(hist(s, { loss: s }));
    const bytes = w.bytes();
    assert.ok(bytes.length > 2 * BLOCK);
    const victim = w.offsets[3]!;
    bytes[victim + 10]! ^= 0xff;
    const r = feed(bytes, 5000, true);
    assert.equal(r.problems.length, 1, r.problems.join('\n'));
    assert.match(r.problems[0]!, new RegExp(`checksum mismatch at byte ${victim}; skipped \\d+ bytes`));
    const steps = r.points.map((p) => p[1]);
    assert.deepEqual(steps.slice(0, 3), [0, 1, 2]);
    // Everything from the damaged record to the end of block 0 is lost, then reading goes on.
    const firstAfter = w.offsets.findIndex((o) => o >= BLOCK);
    assert.equal(steps[3], firstAfter, 'reading resumes with the first record that starts in block 1');
    assert.equal(steps[steps.length - 1], 1499);
  });

  it('reports unknown chunk types, lengths past the block end and orphan continuations', () => {
    const good = hist(0, { loss: 1 });
    const mk = (type: number, len: number, payload: Uint8Array): number[] => {
      const h = new Uint8Array(7);
      const dv = new DataView(h.buffer);
      dv.setUint32(0, chunkChecksum(type, payload), true);
      dv.setUint16(4, len, true);
      h[6] = type;
      return [...h, ...payload];
    };
    const cases: Array<[string, number[], RegExp]> = [
      ['type', mk(9, good.length, good), /unknown chunk type 9/],
      ['length', mk(1, 40000, good), /runs past its block end/],
      ['orphan', mk(4, good.length, good), /fragment without its first part/],
    ];
    for (const [name, chunk, re] of cases) {
      const w = new WandbLogWriter().raw(chunk);
      w.zeroBlock();
      w.append(hist(7, { loss: 7 }));
      const r = feed(w.bytes());
      assert.equal(r.problems.length, 1, `${name}: ${r.problems.join('; ')}`);
      assert.match(r.problems[0]!, re, name);
      assert.deepEqual(
        r.points.map((p) => p[1]),
        [7],
        name,
      );
    }
  });

  it('skips a CRC-valid payload that is not a Record, and keeps going', () => {
    const r = feed(logOf([Uint8Array.of(0x0a, 0xff, 0xff), hist(1, { loss: 3 })]));
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!, /record at byte 7 is not a valid Record/);
    assert.deepEqual(
      r.points.map((p) => p[2]),
      [3],
    );
  });

  it('history rows: steps, timestamps, nesting, media, internal keys, duplicates, odd values', () => {
    const T = 1714566896;
    const recs = [
      // wandb-core: nested_key, `_step` wins over the step field.
      rec.history(
        [
          { nested: ['train', 'loss'], json: '0.5' },
          { nested: ['_step'], json: '10' },
          { nested: ['_timestamp'], json: `${T}.25` },
          { nested: ['_runtime'], json: '1.5' },
        ],
        99,
      ),
      // Step field only.
      rec.history([{ nested: ['acc'], json: '0.1' }], 11),
      // Neither: previous + 1.
      rec.history([{ nested: ['acc'], json: '0.2' }]),
      // Legacy key + nested dict and a media object (skipped), NaN/Infinity, strings/bools/null/lists skipped.
      rec.history(
        [
          { key: 'val', json: '{"acc": 0.7, "deep": {"x": 1}, "img": {"_type": "image-file", "width": 10}}' },
          { key: 'chart', json: '{"_type": "histogram", "bins": [1, 2], "values": [3]}' },
          { key: 'bad', json: 'NaN' },
          { key: 'inf', json: '-Infinity' },
          { key: 'str', json: '"0.5"' },
          { key: 'flag', json: 'true' },
          { key: 'none', json: 'null' },
          { key: 'list', json: '[1, 2]' },
          { key: 'big', json: '12345678901234567890' },
          { key: '_private', json: '3' },
          { key: '', json: '4' },
          { key: 'notjson', json: '{oops' },
          { key: '_step', json: '13' },
        ],
        0,
      ),
      // wandb-core media leaves: siblings of a `_type` leaf are not metrics.
      rec.history([
        { nested: ['samples', '_type'], json: '"image-file"' },
        { nested: ['samples', 'width'], json: '64' },
        { nested: ['samples', 'height'], json: '64' },
        { nested: ['samples2'], json: '1' },
        { nested: ['dup'], json: '1' },
        { nested: ['dup'], json: '2' },
        { nested: ['_step'], json: '14' },
      ]),
      // Only internal keys: a row without points.
      rec.history([
        { nested: ['_step'], json: '15' },
        { nested: ['_runtime'], json: '2' },
      ]),
      // A non-integer `_step` falls back to the step field.
      rec.history(
        [
          { nested: ['acc'], json: '0.3' },
          { nested: ['_step'], json: '15.5' },
        ],
        16,
      ),
    ];
    const r = feed(logOf(recs));
    assert.deepEqual(
      r.points.map((p) => [p[0], p[1], p[2]]),
      [
        ['train.loss', 10, 0.5],
        ['acc', 11, 0.1],
        ['acc', 12, 0.2],
        ['val.acc', 13, 0.7],
        ['val.deep.x', 13, 1],
        ['bad', 13, NaN],
        ['inf', 13, -Infinity],
        ['big', 13, 12345678901234567168], // 12345678901234567890 as the nearest double
        ['samples2', 14, 1],
        ['dup', 14, 2],
        ['acc', 16, 0.3],
      ],
    );
    assert.equal(r.points[0]![3], (T + 0.25) * 1000);
    assert.ok(Number.isNaN(r.points[1]![3]));
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!, /history value of "notjson" .* is not JSON/);
    assert.deepEqual(Object.keys(r.state.keys).sort(), [
      'acc',
      'bad',
      'big',
      'dup',
      'inf',
      'samples2',
      'train.loss',
      'val.acc',
      'val.deep.x',
    ]);
    assert.equal(r.state.lastTime, (T + 0.25) * 1000);
  });

  it('keys in changing order, many distinct keys, and an item whose value comes before its key', () => {
    const recs: Uint8Array[] = [];
    for (let s = 0; s < 50; s++) {
      const vals: Record<string, unknown> = { [`k${s % 7}`]: s, [`u${s}`]: -s, always: s / 2 };
      const its = items(vals, s % 2 === 0);
      if (s % 3 === 0) its.reverse();
      recs.push(rec.history([...its, { nested: ['_step'], json: String(s) }]));
    }
    // value_json (16) first, then key (1): valid protobuf in any field order.
    const odd = new Proto().string(16, '42').string(1, 'odd').finish();
    recs.push(new Proto().message(2, new Proto().message(1, odd).message(2, new Proto().varint(1, 60))).finish());
    const r = feed(logOf(recs), 333, true);
    assert.deepEqual(r.problems, []);
    const byKey = new Map<string, Array<[number, number]>>();
    for (const [k, s, v] of r.points) byKey.set(k, [...(byKey.get(k) ?? []), [s, v]]);
    assert.equal(byKey.get('always')!.length, 50);
    assert.deepEqual(
      byKey.get('k3')!.map((x) => x[0]),
      [3, 10, 17, 24, 31, 38, 45],
    );
    assert.deepEqual(byKey.get('u49'), [[49, -49]]);
    assert.deepEqual(byKey.get('odd'), [[60, 42]]);
    assert.equal(byKey.size, 1 + 7 + 50 + 1);
  });

  it('reads value_json numbers exactly as Number() does', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
    const enc = new TextEncoder();
    const samples = [
      '0',
      '-0',
      '1',
      '-17',
      '0.1',
      '0.30000000000000004',
      '123456789012345678',
      '9007199254740993',
      '1e21',
      '1.5e-7',
      '5e-324',
      '1.7976931348623157e+308',
      '0.000001',
      '100.',
      '.5',
      '1.2.3',
      '--1',
      '1e',
      'NaN',
      '-Infinity',
    ];
    for (let i = 0; i < 20000; i++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
      samples.push(String(x), x.toFixed(Math.floor(rnd() * 10)), x.toPrecision(1 + Math.floor(rnd() * 16)));
    }
    for (const s of samples) {
      const b = enc.encode(s);
      const got = fastNumber(b, 0, b.length);
      if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s)) assert.ok(Object.is(got, Number(s)), `${s}: ${got} != ${Number(s)}`);
      else if (s === 'NaN') assert.ok(Number.isNaN(got));
      else if (s === '-Infinity') assert.equal(got, -Infinity);
      // Not JSON numbers: '1.2.3', '--1' and '1e' are rejected; '100.' and '.5' may read leniently.
      else if (['1.2.3', '--1', '1e'].includes(s)) assert.equal(got, undefined, s);
    }
  });

  it('run, config, summary, exit, preempting and environment records', () => {
    const recs = [
      rec.numbered(1, rec.header()),
      rec.run({
        runId: 'r1',
        entity: 'me',
        project: 'proj',
        config: [
          { key: '_wandb', json: '{}' },
          { key: 'lr', json: '0.1' },
          { key: 'opt', json: '{"name": "adam", "betas": [0.9, 0.99]}' },
        ],
        summary: [{ key: 'seed', json: '1' }],
        name: 'first-name',
        tags: ['a', 'b'],
        startMs: Date.UTC(2024, 4, 1, 12, 0, 0, 123),
        git: { remote: 'git@github.com:o/r.git', commit: 'c'.repeat(40) },
      }),
      rec.environment({ startedMs: Date.UTC(2024, 4, 1, 11, 59, 59), git: { commit: 'e'.repeat(40) } }),
      rec.config(
        [
          { nested: ['opt', 'name'], json: '"sgd"' },
          { key: 'epochs', json: '3' },
        ],
        [{ key: 'lr', json: '' }],
      ),
      // A re-sent run record: new name and tags, its config must not undo the update above.
      rec.run({
        runId: 'r1',
        name: 'renamed',
        tags: ['c'],
        config: [{ key: 'lr', json: '0.5' }],
        startMs: Date.UTC(2030, 0, 1),
      }),
      rec.summary(
        [
          { nested: ['loss', 'min'], json: '0.01' },
          { key: 'best', json: 'NaN' },
        ],
        [{ key: 'seed', json: '' }],
      ),
      rec.preempting(),
      rec.exit(-1, 42),
    ];
    const r = feed(logOf(recs), 50, true);
    assert.deepEqual(r.problems, []);
    const i = r.state.info;
    assert.equal(i.runId, 'r1');
    assert.equal(i.entity, 'me');
    assert.equal(i.project, 'proj');
    assert.equal(i.name, 'renamed');
    assert.deepEqual(i.tags, ['c']);
    assert.equal(i.startTime, Date.UTC(2024, 4, 1, 12, 0, 0, 123));
    assert.equal(i.envStartTime, Date.UTC(2024, 4, 1, 11, 59, 59));
    assert.equal(i.gitCommit, 'c'.repeat(40));
    assert.equal(i.gitRemote, 'git@github.com:o/r.git');
    assert.equal(i.hasExit, true);
    assert.equal(i.exitCode, -1, 'negative int32 exit codes survive the 10-byte varint');
    assert.equal(i.exitRuntime, 42);
    assert.equal(i.preempting, true);
    assert.deepEqual(materialize(r.state.config), { _wandb: {}, opt: { name: 'sgd', betas: [0.9, 0.99] }, epochs: 3 });
    const summary = materialize(r.state.summary);
    assert.deepEqual(Object.keys(summary).sort(), ['best', 'loss']);
    assert.ok(Number.isNaN(summary['best']));
    assert.deepEqual(summary['loss'], { min: 0.01 });
  });

  it('config ops: a later parent replaces children; a removal under a parent survives; bad JSON is reported', () => {
    const st = newLogState();
    const parser = new WandbLogParser();
    const bytes = logOf([
      rec.config([
        { nested: ['a', 'b'], json: '1' },
        { nested: ['a', 'c'], json: '2' },
      ]),
      rec.config([{ key: 'a', json: '{"x": 1, "y": 2}' }]),
      rec.config([], [{ nested: ['a', 'y'], json: '' }]),
      rec.config([{ key: 'z', json: '{bad' }]),
    ]);
    parser.parse(
      bytes,
      st,
      () => undefined,
      true,
      () => undefined,
    );
    const bad: string[] = [];
    assert.deepEqual(
      materialize(st.config, (p) => bad.push(p)),
      { a: { x: 1 } },
    );
    assert.deepEqual(bad, ['z']);
  });

  it('summary updated every row stays one value per key; a key named __proto__ is data', () => {
    const recs: Uint8Array[] = [];
    for (let s = 0; s < 100; s++)
      recs.push(
        rec.summary([...items({ loss: 1 / (s + 1), acc: s }, true), { nested: ['m', 'max'], json: String(s) }]),
      );
    recs.push(rec.summary([{ key: '__proto__', json: '{"polluted": true}' }]));
    recs.push(rec.summary([{ key: 'm', json: '{"min": 0}' }]));
    const r = feed(logOf(recs), 500, true);
    assert.deepEqual(Object.keys(r.state.summary.set).length, 4);
    const tree = materialize(r.state.summary);
    assert.equal(tree['loss'], 0.01);
    assert.equal(tree['acc'], 99);
    assert.deepEqual(tree['m'], { min: 0 });
    assert.ok(Object.hasOwn(tree, '__proto__'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf(tree), Object.prototype);
  });
});

describe('wandb extended JSON', () => {
  it('parses bare NaN/Infinity outside strings only', () => {
    const v = parseExtJson('{"a": NaN, "b": [Infinity, -Infinity], "s": "NaN Infinity", "n": 1}') as Record<
      string,
      unknown
    >;
    assert.ok(Number.isNaN(v['a']));
    assert.deepEqual(v['b'], [Infinity, -Infinity]);
    assert.equal(v['s'], 'NaN Infinity');
    assert.throws(() => parseExtJson('{"a": nan}'));
    assert.throws(() => parseExtJson('NaNa'));
  });

  it('reads numbers straight from value_json bytes', () => {
    const b = (s: string): Uint8Array => new TextEncoder().encode(s);
    assert.equal(jsonNumberFromBytes(b('0.5499954860321081')), 0.5499954860321081);
    assert.equal(jsonNumberFromBytes(b('1.7818540014181175e+09')), 1.7818540014181175e9);
    assert.equal(jsonNumberFromBytes(b('-3')), -3);
    assert.ok(Number.isNaN(jsonNumberFromBytes(b('NaN'))));
    assert.equal(jsonNumberFromBytes(b('Infinity')), Infinity);
    assert.equal(jsonNumberFromBytes(b('-Infinity')), -Infinity);
    for (const s of ['', ' 1', '0x10', '"1"', 'true', 'null', '1 ', 'Inf', '-', '1e', '{}']) {
      assert.equal(jsonNumberFromBytes(b(s)), undefined, JSON.stringify(s));
    }
  });
});
