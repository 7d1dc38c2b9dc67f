// The tests' one protobuf encoder (TensorBoard event files, W&B transaction logs): written from the wire-format spec
// (https://protobuf.dev/programming-guides/encoding/), independent of the readers' decoder.

const utf8 = new TextEncoder();

/** A tiny protobuf writer: fields are appended in call order (writers emit them in field-number order). */
export class Proto {
  private readonly parts: number[] = [];

  private key(field: number, wire: number): void {
    this.rawVarint(BigInt(field * 8 + wire));
  }

  private rawVarint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
  }

  /** int32/int64/uint/enum/bool: negative values as 10-byte two's complement, like protobuf. */
  varint(field: number, v: number | bigint | boolean): this {
    this.key(field, 0);
    this.rawVarint(typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v));
    return this;
  }

  double(field: number, v: number): this {
    this.key(field, 1);
    return this.raw(f64(v));
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    return this.raw(f32(v));
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.rawVarint(BigInt(b.length));
    return this.raw(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  message(field: number, m: Proto | Uint8Array): this {
    return this.bytes(field, m instanceof Proto ? m.finish() : m);
  }

  /** Any bytes, e.g. a deliberately malformed field. */
  raw(b: Uint8Array | number[]): this {
    for (const x of b) this.parts.push(x);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A float32, little-endian (protobuf's `fixed32` layout). */
export function f32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return b;
}

/** A float64, little-endian (protobuf's `fixed64` layout). */
export function f64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return b;
}
