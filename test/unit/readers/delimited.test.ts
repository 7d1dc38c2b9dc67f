import assert from 'node:assert/strict';
import {
  delimitedParser,
  headerLine,
  splitRecord,
  type DelimitedOptions,
  type DelimitedState,
} from '../../../src/core/readers/delimited';
import type { TailParser } from '../../../src/core/readers/types';
import { f32, lightningMetricsCsv, prng, pyFloat, pyG } from '../../helpers/writers/tabular';

type Point = [key: string, step: number, value: number, time: number];

interface Run {
  points: Point[];
  problems: string[];
  consumed: number;
}

/** Feeds `text` to the parser the way the read context does: in chunks, re-offering what was not consumed. */
function feed(
  parser: TailParser<DelimitedState>,
  input: string | Uint8Array,
  chunk = 1 << 20,
  state = parser.init(),
): Run {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const points: Point[] = [];
  const problems: string[] = [];
  let carry = new Uint8Array(0);
  let consumed = 0;
  for (let pos = 0; pos < bytes.length || (pos === 0 && bytes.length === 0);) {
    const end = Math.min(bytes.length, pos + chunk);
    const data = new Uint8Array(carry.length + end - pos);
    data.set(carry, 0);
    data.set(bytes.subarray(pos, end), carry.length);
    const used = parser.parse(
      data,
      state,
      (k, s, v, t) => points.push([k, s, v, t]),
      end >= bytes.length,
      (m) => problems.push(m),
    );
    assert.ok(used >= 0 && used <= data.length, `consumed ${used} of ${data.length}`);
    consumed += used;
    carry = data.slice(used);
    pos = end;
    if (bytes.length === 0) break;
  }
  return { points, problems, consumed };
}

const lightning = (extra: Partial<DelimitedOptions> = {}): TailParser<DelimitedState> =>
  delimitedParser({
    label: 'lightning',
    delimiter: 44,
    stepColumn: 'step',
    exclude: ['epoch'],
    reportText: true,
    ...extra,
  });

describe('delimited parser', () => {
  it('reads sparse Lightning rows: one point per non-empty cell, x from the step column, epoch excluded', () => {
    const csv = lightningMetricsCsv([
      { epoch: 0n, step: 49n, train_loss_step: 2.5 },
      { epoch: 0n, step: 99n, train_loss_step: 2.25 },
      { epoch: 0n, step: 99n, val_loss: 1.75 },
      { epoch: 0n, step: 99n, train_loss_epoch: 2.375 },
    ]);
    assert.equal(csv.split('\r\n')[0], 'epoch,step,train_loss_epoch,train_loss_step,val_loss');
    const r = feed(lightning(), csv);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.points, [
      ['train_loss_step', 49, 2.5, NaN],
      ['train_loss_step', 99, 2.25, NaN],
      ['val_loss', 99, 1.75, NaN],
      ['train_loss_epoch', 99, 2.375, NaN],
    ]);
    assert.equal(r.consumed, Buffer.byteLength(csv));
  });

  it('parses numbers exactly as Number() does (Python reprs, float32 reprs, %g, ints, extremes)', () => {
    const rand = prng(7);
    const texts: string[] = [
      '0',
      '-0.0',
      '1e-05',
      '1E+16',
      '5e-324',
      '1.7976931348623157e+308',
      '1e23',
      '9007199254740993',
      '123456789012345678901234',
      '0.000000000000000000000001',
      '.5',
      '5.',
      '+3',
      '  7.25  ',
    ];
    for (let i = 0; i < 4000; i++) {
      const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
      texts.push(pyFloat(x), pyFloat(f32(x)), pyG(x, 6), pyG(x, 5), String(Math.floor(rand() * 1e9)));
    }
    const csv = 'step,v\n' + texts.map((t, i) => `${i},${t}\n`).join('');
    const r = feed(lightning(), csv);
    assert.deepEqual(r.problems, []);
    assert.equal(r.points.length, texts.length);
    r.points.forEach(([, step, v], i) => {
      assert.equal(step, i);
      assert.ok(Object.is(v, Number(texts[i]!.trim())), `${texts[i]} parsed as ${v}`);
    });
  });

  it('maps nan/inf (any case) to numbers and skips NA, booleans and text; reports text where asked', () => {
    const csv = 'step,a\n0,nan\n1,inf\n2,-inf\n3,NaN\n4,-Infinity\n5,+inf\n6,NA\n7,True\n8,"[1, 2]"\n9,\n';
    const quiet = feed(lightning({ reportText: false }), csv);
    assert.deepEqual(quiet.problems, []);
    assert.deepEqual(
      quiet.points.map((p) => [p[1], p[2]]),
      [
        [0, NaN],
        [1, Infinity],
        [2, -Infinity],
        [3, NaN],
        [4, -Infinity],
        [5, Infinity],
      ],
    );
    const strict = feed(lightning(), csv);
    assert.equal(strict.points.length, 6);
    assert.deepEqual(strict.problems, [
      'lightning: line 8: value of "a" is not a number',
      'lightning: line 9: value of "a" is not a number',
      'lightning: line 10: value of "a" is not a number',
    ]);
  });

  it('gives the same points whatever the chunk boundaries (\\r\\r\\n, quotes, BOM)', () => {
    const csv =
      '\ufeff"epoch","step","loss, train","odd""name"\r\r\n0,1,0.5,"1.5"\r\r\n0,2,,2.5\r\r\n1,3,"0.25",\r\r\n';
    const whole = feed(lightning(), csv);
    assert.deepEqual(whole.problems, []);
    assert.deepEqual(whole.points, [
      ['loss, train', 1, 0.5, NaN],
      ['odd"name', 1, 1.5, NaN],
      ['odd"name', 2, 2.5, NaN],
      ['loss, train', 3, 0.25, NaN],
    ]);
    for (let size = 1; size <= 20; size++) {
      const r = feed(lightning(), csv, size);
      assert.deepEqual(r.points, whole.points, `chunk ${size}`);
      assert.deepEqual(r.problems, [], `chunk ${size}`);
    }
  });

  it('leaves a half-written last line for the next read, without a problem', () => {
    const done = 'step,loss\n1,0.5\n2,0.25\n';
    const r = feed(lightning(), done + '3,0.12', 1 << 20);
    assert.deepEqual(r.problems, []);
    assert.equal(r.consumed, Buffer.byteLength(done));
    assert.deepEqual(
      r.points.map((p) => p[1]),
      [1, 2],
    );
    // "\r" at the very end: the "\n" may still come.
    const cr = feed(lightning(), 'step,loss\r\n1,0.5\r');
    assert.equal(cr.consumed, 'step,loss\r\n'.length);
    assert.deepEqual(cr.points, []);
    // The next read resumes with the state and gets the rest.
    const parser = lightning();
    const state = parser.init();
    const first = feed(parser, done + '3,0.1', 1 << 20, state);
    const second = feed(parser, '3,0.125\n4,1\n', 1 << 20, state);
    assert.deepEqual(
      [...first.points, ...second.points].map((p) => [p[1], p[2]]),
      [
        [1, 0.5],
        [2, 0.25],
        [3, 0.125],
        [4, 1],
      ],
    );
  });

  it('reports rows whose field count differs from the header, with their line, and skips them', () => {
    const csv = 'epoch,loss,val_loss\n0,1.5,1.25\n1,1.0\n2,0.5,0.75,9\n3,0.25,0.5\n';
    const r = feed(delimitedParser({ label: 'keras', delimiter: 44, stepColumn: 'epoch' }), csv);
    assert.deepEqual(r.problems, [
      'keras: line 3 has 2 fields where the header has 3; row skipped',
      'keras: line 4 has 4 fields where the header has 3; row skipped',
    ]);
    assert.deepEqual(
      r.points.map((p) => [p[0], p[1], p[2]]),
      [
        ['loss', 0, 1.5],
        ['val_loss', 0, 1.25],
        ['loss', 3, 0.25],
        ['val_loss', 3, 0.5],
      ],
    );
  });

  it('reports an unclosed quote at the end of the file and reads the lines after it', () => {
    const csv = 'step,loss\n1,0.5\n2,"0.25\n3,0.125\n';
    const r = feed(lightning(), csv);
    assert.deepEqual(r.problems, [
      'lightning: line 3: unterminated quoted field or overlong record; skipped to the next line',
    ]);
    assert.deepEqual(
      r.points.map((p) => [p[1], p[2]]),
      [
        [1, 0.5],
        [3, 0.125],
      ],
    );
  });

  it('keeps duplicate columns apart, trims padded names and cells, and skips blank lines', () => {
    const csv =
      '                  epoch,         train/box_loss,         train/box_loss\n\n                      0,                0.09854,                    0.5\n';
    const r = feed(delimitedParser({ label: 'yolo', delimiter: 44, stepColumn: 'epoch' }), csv);
    assert.deepEqual(r.problems, ['yolo: duplicate column "train/box_loss" read as "train/box_loss.1"']);
    assert.deepEqual(r.points, [
      ['train/box_loss', 0, 0.09854, NaN],
      ['train/box_loss.1', 0, 0.5, NaN],
    ]);
  });

  it('reads a wall-time column and custom keys (DVCLive TSV)', () => {
    const tsv = 'timestamp\tstep\tusage (%)\n1700000000000\t0\t12.5\n1700000001000\t1\t13\n';
    const parser = delimitedParser({
      label: 'dvc',
      delimiter: 9,
      stepColumn: 'step',
      timeColumn: 'timestamp',
      keys: (h) => h.map((c) => (c === 'usage (%)' ? 'system/cpu/usage (%)' : null)),
    });
    assert.deepEqual(feed(parser, tsv).points, [
      ['system/cpu/usage (%)', 0, 12.5, 1700000000000],
      ['system/cpu/usage (%)', 1, 13, 1700000001000],
    ]);
  });

  it('sniffs the separator when none is given', () => {
    const r = feed(delimitedParser({ label: 'keras', stepColumn: 'epoch' }), 'epoch;loss;acc\n0;0.5;0.75\n');
    assert.deepEqual(r.points, [
      ['loss', 0, 0.5, NaN],
      ['acc', 0, 0.75, NaN],
    ]);
  });

  it('reads nothing from empty, blank or header-only input and reports nothing', () => {
    for (const text of ['', '\n\n', 'step,loss\r\n', 'step,loss']) {
      const r = feed(lightning(), text);
      assert.deepEqual(r, { points: [], problems: [], consumed: r.consumed }, JSON.stringify(text));
    }
    assert.equal(feed(lightning(), 'step,loss').consumed, 0);
  });

  it('splits header records and finds the header line', () => {
    assert.deepEqual(splitRecord(' a ,"b,c","d""e",', ','), ['a', 'b,c', 'd"e', '']);
    assert.equal(headerLine('\ufeffepoch,loss\r\n0,1', false), 'epoch,loss');
    assert.equal(headerLine('epoch,lo', false), undefined);
    assert.equal(headerLine('epoch,loss', true), 'epoch,loss');
  });

  it('never throws on random or damaged input and stays fast (fuzz, seeded)', function () {
    this.timeout(20_000);
    const rand = prng(20240601);
    const rows: Record<string, number | bigint>[] = [];
    for (let i = 0; i < 300; i++)
      rows.push({ epoch: BigInt(i >> 4), step: BigInt(i * 10), loss: rand(), acc: f32(rand()), lr: rand() * 1e-4 });
    const good = Buffer.from(lightningMetricsCsv(rows));
    const started = Date.now();
    let withProblems = 0;
    for (let round = 0; round < 400; round++) {
      const bytes = Uint8Array.from(good);
      const kind = round % 4;
      let input: Uint8Array;
      if (kind === 0) {
        input = bytes.subarray(0, Math.floor(rand() * bytes.length));
      } else if (kind === 1) {
        for (let k = 0; k < 1 + Math.floor(rand() * 20); k++)
          bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        input = bytes;
      } else if (kind === 2) {
        const cut = Math.floor(rand() * bytes.length);
        input = Buffer.concat([bytes.subarray(0, cut), good.subarray(Math.floor(rand() * good.length))]);
      } else {
        input = Uint8Array.from({ length: 1 + Math.floor(rand() * 4000) }, () => Math.floor(rand() * 256));
      }
      const r = feed(lightning(), input, 1 + Math.floor(rand() * 5000));
      for (const p of r.points) assert.equal(typeof p[2], 'number');
      if (r.problems.length > 0) withProblems++;
    }
    assert.ok(withProblems > 50, `only ${withProblems} damaged inputs were diagnosed`);
    assert.ok(Date.now() - started < 10_000);
  });
});
