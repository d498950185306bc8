/**
 * Bit-level helpers shared by the chunk encodings: a growable MSB-first bit writer, the signed
 * timestamp bucket code, zigzag varints for int53 values, and float64 <-> 32-bit halves.
 *
 * Everything here is pure (no I/O) and works on plain Uint8Arrays. Integers wider than 32 bits
 * (timestamps, int53 mantissas) are handled with float arithmetic, never with 32-bit operators.
 */

const TWO32 = 4294967296;

/** f64 and u32 alias one float64 so its bits can be read and written as [lo, hi] uint32 halves. */
export const f64 = new Float64Array(1);
/** u32 is the uint32 view of f64: u32[0] is the low half, u32[1] the high half (little-endian host). */
export const u32 = new Uint32Array(f64.buffer);

/** BitWriter appends bits most-significant first into a growable byte buffer. */
export class BitWriter {
  /** buf holds the bits written so far; bytes past the written bits are zero. */
  buf: Uint8Array;
  /** bits is the number of bits written. */
  bits: number;

  constructor(capacity = 64, prefix?: Uint8Array, prefixBits?: number) {
    this.buf = new Uint8Array(Math.max(capacity, prefix ? prefix.length + 16 : 0));
    if (prefix) this.buf.set(prefix);
    this.bits = prefixBits ?? 0;
  }

  /** ensure makes room for n more bits (n <= 128). */
  ensure(n: number): void {
    const need = ((this.bits + n + 7) >>> 3) + 1;
    if (need > this.buf.length) {
      const nb = new Uint8Array(Math.max(need, this.buf.length * 2));
      nb.set(this.buf);
      this.buf = nb;
    }
  }

  /** writeBits writes the low n bits of x (0 <= n <= 32), most significant first. Call ensure first. */
  writeBits(x: number, n: number): void {
    if (n === 0) return;
    if (n < 32) x &= (1 << n) - 1;
    const b = this.buf;
    let pos = this.bits;
    let rem = n;
    for (;;) {
      const bi = pos >>> 3;
      const free = 8 - (pos & 7);
      if (rem <= free) {
        b[bi] = b[bi]! | (x << (free - rem));
        pos += rem;
        break;
      }
      b[bi] = b[bi]! | (x >>> (rem - free));
      rem -= free;
      pos += free;
      x &= (1 << rem) - 1;
    }
    this.bits = pos;
  }

  /** writeBit writes a single bit. Call ensure first. */
  writeBit(bit: number): void {
    if (bit !== 0) {
      const pos = this.bits;
      this.buf[pos >>> 3] = this.buf[pos >>> 3]! | (0x80 >>> (pos & 7));
    }
    this.bits++;
  }

  /** writeInt64 writes an integer-valued float |x| < 2^63 as 64 bits, two's complement. */
  writeInt64(x: number): void {
    let hi = Math.floor(x / TWO32);
    const lo = x - hi * TWO32;
    if (hi < 0) hi += TWO32;
    this.writeBits(hi >>> 0, 32);
    this.writeBits(lo >>> 0, 32);
  }

  /** bytes returns a copy of the written bytes. */
  bytes(): Uint8Array {
    return this.buf.slice(0, (this.bits + 7) >>> 3);
  }
}

/**
 * writeSignedBucket writes the signed integer d (|d| < 2^53) with the timestamp bucket code:
 * '0' for 0; '10'+7 bits for [-63, 64]; '110'+14 bits for [-8191, 8192]; '1110'+20 bits for
 * [-524287, 524288]; '11110'+32 bits for [-2^31+1, 2^31]; '11111'+64 bits otherwise (two's
 * complement in the bucket width). Call w.ensure(69) first.
 */
export function writeSignedBucket(w: BitWriter, d: number): void {
  if (d === 0) {
    w.bits++;
  } else if (d >= -63 && d <= 64) {
    w.writeBits(0b10, 2);
    w.writeBits(d, 7);
  } else if (d >= -8191 && d <= 8192) {
    w.writeBits(0b110, 3);
    w.writeBits(d, 14);
  } else if (d >= -524287 && d <= 524288) {
    w.writeBits(0b1110, 4);
    w.writeBits(d, 20);
  } else if (d >= -2147483647 && d <= 2147483648) {
    w.writeBits(0b11110, 5);
    w.writeBits(d < 0 ? d + TWO32 : d, 32);
  } else {
    w.writeBits(0b11111, 5);
    w.writeInt64(d);
  }
}

/** zigzag maps a signed int53 to an unsigned one (0, -1, 1, -2 ... -> 0, 1, 2, 3 ...). */
export function zigzag(x: number): number {
  return x >= 0 ? x * 2 : -x * 2 - 1;
}

/** unzigzag inverts zigzag. */
export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** uvarintLen returns the number of bytes putUvarint writes for x (an integer 0 <= x < 2^64). */
export function uvarintLen(x: number): number {
  let n = 1;
  while (x >= 128) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/** putUvarint writes x (integer, 0 <= x < 2^64) as LEB128 at off and returns the new offset. */
export function putUvarint(b: Uint8Array, off: number, x: number): number {
  while (x >= 128) {
    b[off++] = (x % 128) | 0x80;
    x = Math.floor(x / 128);
  }
  b[off++] = x;
  return off;
}

/**
 * readUvarint reads a LEB128 value at off. Returns the value and sets cursor.off to the next byte;
 * returns -1 on a truncated or over-long varint.
 */
export function readUvarint(b: Uint8Array, cursor: { off: number }): number {
  let x = 0;
  let mul = 1;
  let off = cursor.off;
  for (let i = 0; i < 10; i++) {
    if (off >= b.length) return -1;
    const c = b[off++]!;
    x += (c & 0x7f) * mul;
    if (c < 0x80) {
      cursor.off = off;
      return x;
    }
    mul *= 128;
  }
  return -1;
}
