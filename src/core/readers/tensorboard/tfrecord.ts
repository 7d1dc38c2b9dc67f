/**
 * TFRecord framing (TensorBoard event files): `u64 length | u32 masked_crc32c(length bytes) | data |
 * u32 masked_crc32c(data)`, all little-endian, no file header. See formats/tensorboard.md §2.
 */
import { maskedCrc32c } from './crc32c';

/** What `nextRecord` found at a position. */
export const enum RecordStatus {
  /** A whole record with valid checksums: data is `[dataStart, dataEnd)`, the next record starts at `next`. */
  Ok = 0,
  /** Fewer bytes than the record needs: the writer is still appending; wait for more. Not an error. */
  Incomplete = 1,
  /** The length field fails its checksum: the length cannot be trusted, so nothing after it can be framed. */
  BadLengthCrc = 2,
  /** The data fails its checksum: skip this record (`next` is valid), keep reading. */
  BadDataCrc = 3,
  /** The (checksum-valid) length is above the limit: refuse it and stop. */
  TooLarge = 4,
}

/** Reused result of `nextRecord`, so framing allocates nothing per record. */
export interface RecordSlot {
  status: RecordStatus;
  /** Declared data length (valid from BadDataCrc, TooLarge and Ok on). */
  length: number;
  dataStart: number;
  dataEnd: number;
  next: number;
}

export function newRecordSlot(): RecordSlot {
  return { status: RecordStatus.Incomplete, length: 0, dataStart: 0, dataEnd: 0, next: 0 };
}

/** Header (length + its CRC) and footer (data CRC) bytes around each record's data. */
export const RECORD_OVERHEAD = 16;

/** TensorBoard's Rust loader refuses giant records too; nothing real comes near this. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** Frames the record starting at `pos` of `buf` into `out`. */
export function nextRecord(buf: Uint8Array, pos: number, out: RecordSlot, maxLength = MAX_RECORD_BYTES): void {
  const avail = buf.length - pos;
  if (avail < 12) {
    out.status = RecordStatus.Incomplete;
    return;
  }
  if (readU32(buf, pos + 8) !== maskedCrc32c(buf, pos, pos + 8)) {
    out.status = RecordStatus.BadLengthCrc;
    return;
  }
  const lo = readU32(buf, pos);
  const hi = readU32(buf, pos + 4);
  const length = hi * 4294967296 + lo;
  out.length = length;
  if (length > maxLength) {
    out.status = RecordStatus.TooLarge;
    return;
  }
  if (avail < length + RECORD_OVERHEAD) {
    out.status = RecordStatus.Incomplete;
    return;
  }
  const dataStart = pos + 12;
  const dataEnd = dataStart + length;
  out.dataStart = dataStart;
  out.dataEnd = dataEnd;
  out.next = dataEnd + 4;
  out.status =
    readU32(buf, dataEnd) === maskedCrc32c(buf, dataStart, dataEnd) ? RecordStatus.Ok : RecordStatus.BadDataCrc;
}

function readU32(buf: Uint8Array, p: number): number {
  return (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
}
