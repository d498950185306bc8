/**
 * Bit-level helpers shared by the chunk encodings: a growable MSB-first bit writer and zigzag
 * LEB128 varints for int53 values.
 *
 * Everything here is pure (no I/O) and works on plain Uint8Arrays. Integers wider than 32 bits
 * (timestamps, int53 mantissas) are handled with float arithmetic, never with 32-bit operators.
 */

/** BitWriter appends bits most-significant first into a growable byte buffer. */
export class BitWriter {
  /** buf holds the bits written so far; bytes past the written bits are zero. */
  buf: Uint8Array;
  /** bits is the number of bits written. */
  bits: number;

  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
    this.bits = 0;
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

  /** bytes returns a copy of the written bytes. */
  bytes(): Uint8Array {
    return this.buf.slice(0, (this.bits + 7) >>> 3);
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
