import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventParser, tensorboardReader } from '../../../src/core/readers/tensorboard/tensorboard';
import { TbRunState } from '../../../src/core/readers/tensorboard/tensorboardEvent';
import { scanFolder } from '../../../src/core/index/scan';
import { seededRandom as prng } from '../../helpers/fuzz';
import {
  concat,
  DT,
  encodeEvent,
  eventFileName,
  fileVersionEvent,
  frameRecord,
  hparamsEvents,
  scalarEvent,
  tf2ScalarEvent,
  writeEventFile,
  type EventSpec,
} from '../../helpers/writers/tfevents';
import { f32 } from '../../helpers/protobuf';

const T0 = 1700000000;

function sampleEvents(): EventSpec[] {
  const ev: EventSpec[] = [fileVersionEvent(T0), ...hparamsEvents({ lr: 0.1, name: 'x', deep: { a: [1, 2] } }, T0)];
  for (let s = 0; s < 12; s++) {
    ev.push(scalarEvent('loss', 1 / (s + 1), s, T0 + s));
    ev.push(tf2ScalarEvent('acc', s / 12, s, T0 + s, s === 0, s % 2 ? 'content' : 'float_val'));
    if (s % 5 === 0) {
      ev.push({
        wallTime: T0 + s,
        step: s,
        values: [
          { tag: 'w', histo: { min: 0, max: 1, num: 5 } },
          { tag: 'h', tensor: { dtype: DT.HALF, halfVal: [0x3c00] }, metadata: { plugin: 'scalars' } },
        ],
      });
      ev.push({ wallTime: T0 + s, step: s, values: [{ tag: 'img', image: { height: 2, width: 2, encoded: f32(s) } }] });
    }
  }
  return ev;
}

type Point = [string, number, number, number];

/** Feeds `bytes` through the event parser the way the read context does (carry the unconsumed tail). */
function parseAll(bytes: Uint8Array, splits: readonly number[] = []): { points: Point[]; problems: string[] } {
  const points: Point[] = [];
  const problems: string[] = [];
  const parser = eventParser('events.out.tfevents.fuzz', new TbRunState(), {});
  const st = parser.init();
  const cuts = [...splits.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  let carry = new Uint8Array(0);
  let from = 0;
  for (const cut of cuts) {
    const data = concat([carry, bytes.subarray(from, cut)]);
    from = cut;
    const used = parser.parse(
      data,
      st,
      (k, s, v, t) => points.push([k, s, v, t]),
      cut === bytes.length,
      (m) => problems.push(m),
    );
    assert.ok(used >= 0 && used <= data.length, `consumed ${used} of ${data.length}`);
    carry = data.slice(used);
  }
  return { points, problems };
}

describe('tensorboard reader under fuzzing', function () {
  this.timeout(20_000);
  const records = sampleEvents().map((e) => frameRecord(encodeEvent(e)));
  const file = concat(records);
  const full = parseAll(file);
  const ends: number[] = [];
  records.reduce((o, r) => (ends.push(o + r.length), o + r.length), 0);

  it('the sample parses cleanly', () => {
    assert.deepEqual(full.problems, []);
    assert.equal(full.points.length, 12 + 12 + 3);
  });

  it('any cut reads exactly the whole records before it, silently', () => {
    const started = Date.now();
    for (let cut = 0; cut <= file.length; cut++) {
      const r = parseAll(file.subarray(0, cut));
      assert.deepEqual(r.problems, [], `cut ${cut}`);
      const whole = ends.filter((e) => e <= cut).length;
      const expected = full.points.length === 0 ? 0 : countPoints(records.slice(0, whole));
      assert.equal(r.points.length, expected, `cut ${cut}`);
    }
    assert.ok(Date.now() - started < 10_000);
  });

  it('any chunking gives the same points as one read', () => {
    const rnd = prng(42);
    for (let i = 0; i < 300; i++) {
      const splits = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => Math.floor(rnd() * file.length));
      const r = parseAll(file, splits);
      assert.deepEqual(r.problems, [], `splits ${splits.join(',')}`);
      assert.deepEqual(r.points, full.points, `splits ${splits.join(',')}`);
    }
  });

  it('every flipped byte is caught by a checksum and reported; nothing throws', () => {
    const rnd = prng(7);
    for (let i = 0; i < file.length; i++) {
      const bad = file.slice();
      bad[i]! ^= 1 + Math.floor(rnd() * 255);
      const r = parseAll(bad);
      assert.ok(r.problems.length >= 1, `flip at ${i}`);
      assert.match(r.problems[0]!, /^tensorboard: record (length )?at byte \d+ of events\.out\.tfevents\.fuzz /);
      assert.ok(r.points.length <= full.points.length);
    }
  });

  it('garbage inside valid framing (checksums recomputed) never throws and is reported per record', () => {
    const rnd = prng(99);
    let reported = 0;
    for (let i = 0; i < 3000; i++) {
      const data = encodeEvent(sampleEvents()[Math.floor(rnd() * 30)]!);
      const mutated = data.slice();
      const flips = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < flips; k++) mutated[Math.floor(rnd() * mutated.length)] = Math.floor(rnd() * 256);
      const cutTo = rnd() < 0.3 ? Math.floor(rnd() * mutated.length) : mutated.length;
      const r = parseAll(concat([frameRecord(mutated.subarray(0, cutTo)), records[4]!]));
      // The good record after it (a simple_value, which no metadata can disown) is always read.
      assert.ok(
        r.points.some((p) => p[0] === 'loss' && p[2] === 1),
        `case ${i}`,
      );
      assert.ok(r.problems.length <= 2);
      reported += r.problems.length;
    }
    assert.ok(reported > 100, `only ${reported} problems in 3000 mutated records`);
  });

  it('random bytes and spliced files are survived', () => {
    const rnd = prng(1234);
    for (let i = 0; i < 300; i++) {
      const noise = Uint8Array.from({ length: Math.floor(rnd() * 400) }, () => Math.floor(rnd() * 256));
      parseAll(noise);
      const a = Math.floor(rnd() * file.length);
      const b = Math.floor(rnd() * file.length);
      const r = parseAll(concat([file.subarray(0, a), file.subarray(b)]));
      if (ends.includes(a) && (b === 0 || ends.includes(b)))
        assert.deepEqual(r.problems, [], `aligned splice ${a}/${b}`);
    }
  });

  it('damaged files on disk index without throwing, with diagnostics on the damaged file', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-tbfuzz-'));
    try {
      const rnd = prng(5);
      for (let i = 0; i < 12; i++) {
        const bad = file.slice();
        for (let k = 0; k < 3; k++) bad[Math.floor(rnd() * bad.length)]! ^= 0x5a;
        writeEventFile(
          path.join(root, `run${i}`),
          eventFileName(T0),
          bad.subarray(0, Math.floor(file.length * (0.5 + rnd() / 2))),
        );
      }
      const started = Date.now();
      const r = await scanFolder(root, { readers: [tensorboardReader] });
      assert.ok(Date.now() - started < 5_000);
      assert.equal(r.runs.length, 12);
      assert.ok(r.diagnostics.length >= 1);
      for (const d of r.diagnostics) assert.match(d.path, /^run\d+\/events\.out\.tfevents\./);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

function countPoints(recs: Uint8Array[]): number {
  return parseAll(concat(recs)).points.length;
}
