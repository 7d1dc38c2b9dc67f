/**
 * A minimal protobuf wire-format decoder: TensorBoard events and the W&B `.wandb` log are protobuf records, and
 * a generated decoder for their whole schemas would be far larger than the handful of fields Runlens reads.
 * Every read is bounds-checked; malformed input throws ProtobufError, which readers turn into a diagnostic.
 */

export class ProtobufError extends Error {
  override name = 'ProtobufError' as const;
}

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

/** One field as found on the wire. For length-delimited fields `bytes` is a view (no copy). */
export interface Field {
  num: number;
  wire: WireType;
  /** Varint value as a JS number (int64 semantics: exact to ±2^53, negatives included); see helpers below. */
  varint: number;
  bytes: Uint8Array;
  /** Offset of the value in the buffer (for fixed32/fixed64 reads). */
  offset: number;
}

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** Reads the fields of one message. Stops with ProtobufError on a malformed or truncated field. */
export function* fields(buf: Uint8Array, start = 0, end = buf.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = readVarint(buf, pos, end);
    pos = afterKey;
    const num = Math.floor(key / 8);
    const wire = (key % 8) as WireType;
    if (num <= 0) throw new ProtobufError(`bad field number at byte ${pos}`);
    switch (wire) {
      case WireType.Varint: {
        const [v, next] = readVarint(buf, pos, end);
        yield { num, wire, varint: v, bytes: EMPTY, offset: pos };
        pos = next;
        break;
      }
      case WireType.Fixed64:
        if (pos + 8 > end) throw new ProtobufError(`truncated fixed64 at byte ${pos}`);
        yield { num, wire, varint: 0, bytes: EMPTY, offset: pos };
        pos += 8;
        break;
      case WireType.Fixed32:
        if (pos + 4 > end) throw new ProtobufError(`truncated fixed32 at byte ${pos}`);
        yield { num, wire, varint: 0, bytes: EMPTY, offset: pos };
        pos += 4;
        break;
      case WireType.LengthDelimited: {
        const [len, next] = readVarint(buf, pos, end);
        if (len < 0 || next + len > end) throw new ProtobufError(`length ${len} at byte ${pos} runs past the end`);
        yield { num, wire, varint: len, bytes: buf.subarray(next, next + len), offset: next };
        pos = next + len;
        break;
      }
      default:
        // Groups are deprecated and never written by the tools Runlens reads.
        throw new ProtobufError(`unsupported wire type ${wire} at byte ${pos}`);
    }
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Reads a varint; returns [value, next offset]. The low and high 32 bits are gathered separately so that
 * negative int64s (ten bytes, two's complement) come out exact; magnitudes past 2^53 lose precision (never
 * needed for the fields Runlens reads).
 */
export function readVarint(buf: Uint8Array, pos: number, end = buf.length): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new ProtobufError(`truncated varint at byte ${pos}`);
    const b = buf[pos++]!;
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    // Values with the top bit set are read as signed int64 (exact for small negatives); a uint64 that large
    // never occurs in the fields Runlens reads.
    if (b < 0x80) return [(hi | 0) * 2 ** 32 + (lo >>> 0), pos];
  }
  throw new ProtobufError(`varint longer than 10 bytes at byte ${pos}`);
}

/** A varint field read as a signed int64 (two's complement), good to 2^53. */
export function asInt64(f: Field): number {
  return f.varint;
}

export function asDouble(buf: Uint8Array, f: Field): number {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getFloat64(f.offset, true);
}

export function asFloat(buf: Uint8Array, f: Field): number {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getFloat32(f.offset, true);
}

export function asFixed64Int(buf: Uint8Array, f: Field): number {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return Number(dv.getBigInt64(f.offset, true));
}

export function asString(f: Field): string {
  return textDecoder.decode(f.bytes);
}
