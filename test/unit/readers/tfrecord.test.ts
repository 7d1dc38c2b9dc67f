import assert from 'node:assert/strict';
import { crc32c, maskCrc, maskedCrc32c } from '../../../src/core/readers/tensorboard/crc32c';
import { newRecordSlot, nextRecord, RecordStatus } from '../../../src/core/readers/tensorboard/tfrecord';
import { crc32cBitwise, DT, encodeEvent, frameRecord, hex } from '../../helpers/writers/tfevents';
import { seededRandom } from '../../helpers/fuzz';

/** The three records of formats/tensorboard.md §2.1, computed with TensorBoard's own masked_crc32c. */
const SPEC_RECORDS = [
  '1800000000000000a37f4b22' + '0900000040fc54d9411a0d627261696e2e4576656e743a32' + 'eced8f9d',
  '1a00000000000000129bd82d' + '0900006040fc54d94110032a0d0a0b0a046c6f737315000080' + '3e' + 'c614c6e7',
  '2d000000000000003c418afb' +
    '0900008040fc54d94110042a200a1e0a0361636342' +
    '0a080112002a040000003f' +
    '4a0b0a090a077363616c617273' +
    '78444b18',
];

function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function bytes(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

/** Deterministic pseudo-random bytes (the fuzz harness's PRNG). */
function randomBytes(n: number, seed: number): Uint8Array {
  const rand = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

describe('CRC-32C', () => {
  it('has the Castagnoli check value', () => {
    assert.equal(crc32c(ascii('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(0)), 0);
  });

  it('agrees with a bit-by-bit CRC for every length and alignment (slicing-by-8 tail handling)', () => {
    const data = randomBytes(300, 7);
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= 300; end += 1 + (end % 7)) {
        assert.equal(crc32c(data, start, end), crc32cBitwise(data.subarray(start, end)), `[${start}, ${end})`);
      }
    }
  });

  it('masks as TensorBoard does (rotate right 15, add 0xA282EAD8)', () => {
    // The length field of spec record 1 (24) and its stored masked CRC bytes a3 7f 4b 22.
    assert.equal(maskedCrc32c(bytes('1800000000000000')), 0x224b7fa3);
    assert.equal(maskCrc(0), 0xa282ead8);
    assert.equal(maskCrc(0xffffffff), (0xffffffff + 0xa282ead8) % 2 ** 32);
  });
});

describe('TFRecord framing', () => {
  it('the test writer reproduces the spec vectors byte for byte', () => {
    assert.equal(
      hex(frameRecord(encodeEvent({ wallTime: 1700000000, fileVersion: 'brain.Event:2' }))),
      SPEC_RECORDS[0],
    );
    assert.equal(
      hex(frameRecord(encodeEvent({ wallTime: 1700000001.5, step: 3, values: [{ tag: 'loss', simpleValue: 0.25 }] }))),
      SPEC_RECORDS[1],
    );
    const tf2 = encodeEvent({
      wallTime: 1700000002,
      step: 4,
      values: [
        {
          tag: 'acc',
          tensor: { dtype: DT.FLOAT, emptyShape: true, floatVal: [0.5] },
          metadata: { plugin: 'scalars', content: new Uint8Array(0) },
        },
      ],
    });
    assert.equal(hex(frameRecord(tf2)), SPEC_RECORDS[2]);
  });

  it('frames consecutive records and reports the data ranges', () => {
    const file = bytes(SPEC_RECORDS.join(''));
    const slot = newRecordSlot();
    const seen: Array<[number, number]> = [];
    let p = 0;
    for (;;) {
      nextRecord(file, p, slot);
      if (slot.status !== RecordStatus.Ok) break;
      seen.push([slot.dataStart, slot.dataEnd]);
      p = slot.next;
    }
    assert.equal(slot.status, RecordStatus.Incomplete);
    assert.equal(p, file.length);
    assert.deepEqual(seen, [
      [12, 36],
      [52, 78],
      [94, 139],
    ]);
  });

  it('calls every cut inside a record incomplete, never an error', () => {
    const rec = bytes(SPEC_RECORDS[1]!);
    const slot = newRecordSlot();
    for (let n = 0; n < rec.length; n++) {
      nextRecord(rec.subarray(0, n), 0, slot);
      assert.equal(slot.status, RecordStatus.Incomplete, `cut at ${n}`);
    }
    nextRecord(rec, 0, slot);
    assert.equal(slot.status, RecordStatus.Ok);
    assert.equal(slot.next, rec.length);
  });

  it('tells a bad length checksum from a bad data checksum', () => {
    const slot = newRecordSlot();
    for (let i = 0; i < 12; i++) {
      const rec = bytes(SPEC_RECORDS[1]!);
      rec[i]! ^= 0x10;
      nextRecord(rec, 0, slot);
      assert.equal(slot.status, RecordStatus.BadLengthCrc, `flip at ${i}`);
    }
    for (let i = 12; i < 42; i++) {
      const rec = bytes(SPEC_RECORDS[1]!);
      rec[i]! ^= 0x01;
      nextRecord(rec, 0, slot);
      assert.equal(slot.status, RecordStatus.BadDataCrc, `flip at ${i}`);
      assert.equal(slot.next, 42);
    }
  });

  it('refuses a checksum-valid but absurd length', () => {
    const head = new Uint8Array(12);
    const dv = new DataView(head.buffer);
    dv.setUint32(0, 0, true);
    dv.setUint32(4, 1, true); // 4 GiB
    dv.setUint32(8, maskedCrc32c(head, 0, 8), true);
    const slot = newRecordSlot();
    nextRecord(head, 0, slot);
    assert.equal(slot.status, RecordStatus.TooLarge);
    assert.equal(slot.length, 2 ** 32);
    nextRecord(bytes(SPEC_RECORDS[0]!), 0, slot, 10);
    assert.equal(slot.status, RecordStatus.TooLarge);
    assert.equal(slot.length, 24);
  });
});
