/**
 * The XOR chunk encoding (Gorilla, Pelkonen et al. VLDB 2015, as in Prometheus's chunkenc/xor.go):
 * delta-of-delta timestamps and XOR-compressed float64 values, appendable sample by sample.
 *
 * Layout (bit layout in FORMAT.md):
 *
 *   byte 0      encoding (1 = XOR)
 *   bytes 1-2   number of samples, uint16 big-endian
 *   bytes 3..   first timestamp, zigzag LEB128
 *   then a bit stream, most significant bit first:
 *     sample 0  value: 64 raw bits
 *     sample 1  timestamp delta, value XOR code
 *     sample i  timestamp delta-of-delta, value XOR code
 *
 * Timestamp code: '0' | '10'+7 | '110'+14 | '1110'+20 | '11110'+32 | '11111'+64 (two's complement).
 * Value code: '0' same value; '10' + meaningful bits within the previous leading/trailing window;
 * '11' + 5 bits leading zeros (capped at 31) + 6 bits meaningful length (0 means 64) + the bits.
 */
import { putUvarint, readUvarint, zigzag, unzigzag } from './bits';

/** EncXOR is the encoding byte of XOR chunks. */
export const EncXOR = 1;

/** XOR_HEADER_FIXED is the size of the fixed header part (encoding byte and sample count). */
export const XOR_HEADER_FIXED = 3;

/** ChunkError reports a chunk whose bytes cannot be decoded. */
export class ChunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChunkError';
  }
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * XorAppender encodes samples into an XOR chunk, one at a time. Timestamps must strictly increase
 * (the caller enforces ordering). The written bits never change as more samples are appended, so a
 * reader that remembers (buf, numSamples) keeps a consistent view while appends continue; the
 * header's sample count is only written by bytes(), so such readers pass numSamples explicitly.
 */
export class XorAppender {
  /** buf holds the chunk bytes; bytes past the written bits are zero. */
  buf: Uint8Array;
  /** bits is the number of bits written (header included). */
  bits = 0;
  /** numSamples is the number of samples appended. */
  numSamples = 0;
  /** minT and maxT are the first and last timestamps. */
  minT = 0;
  maxT = 0;
  private tDelta = 0;
  private hi = 0;
  private lo = 0;
  private leading = 0xff;
  private trailing = 0;

  constructor(capacity = 128) {
    this.buf = new Uint8Array(capacity);
    this.buf[0] = EncXOR;
  }

  /** lastValue returns the last appended value (bit-exact). */
  lastValue(): number {
    U32[0] = this.lo;
    U32[1] = this.hi;
    return F64[0]!;
  }

  /** sizeBytes returns the number of bytes used so far. */
  sizeBytes(): number {
    return (this.bits + 7) >>> 3;
  }

  /** bytes returns a copy of the chunk, its header count set (the count is not kept current while appending). */
  bytes(): Uint8Array {
    const b = this.buf.slice(0, (this.bits + 7) >>> 3);
    b[1] = this.numSamples >>> 8;
    b[2] = this.numSamples & 0xff;
    return b;
  }

  /** append adds a sample. */
  append(t: number, v: number): void {
    F64[0] = v;
    this.appendBits(t, U32[1]!, U32[0]!);
  }

  /** appendBits adds a sample whose value is given as its high and low 32-bit halves. */
  appendBits(t: number, hi: number, lo: number): void {
    const n = this.numSamples;
    // a sample needs at most 5+64 + 2+5+6+64 bits (19 bytes); keep 24 spare bytes
    if ((this.bits >>> 3) + 24 > this.buf.length) this.grow();
    if (n === 0) {
      const z = zigzag(t);
      const off = putUvarint(this.buf, XOR_HEADER_FIXED, z);
      this.bits = off * 8;
      this.put(hi, 32);
      this.put(lo, 32);
      this.minT = t;
    } else {
      const delta = t - this.maxT;
      const dod = n === 1 ? delta : delta - this.tDelta;
      this.tDelta = delta;
      if (dod === 0) {
        this.bits++;
      } else if (dod >= -63 && dod <= 64) {
        this.put((0b10 << 7) | (dod & 0x7f), 9);
      } else if (dod >= -8191 && dod <= 8192) {
        this.put((0b110 << 14) | (dod & 0x3fff), 17);
      } else if (dod >= -524287 && dod <= 524288) {
        this.put((0b1110 << 20) | (dod & 0xfffff), 24);
      } else if (dod >= -2147483647 && dod <= 2147483648) {
        this.put(0b11110, 5);
        this.put(dod < 0 ? dod + 4294967296 : dod, 32);
      } else {
        this.put(0b11111, 5);
        let dh = Math.floor(dod / 4294967296);
        const dl = dod - dh * 4294967296;
        if (dh < 0) dh += 4294967296;
        this.put(dh, 32);
        this.put(dl, 32);
      }
      const xh = (hi ^ this.hi) >>> 0;
      const xl = (lo ^ this.lo) >>> 0;
      if (xh === 0 && xl === 0) {
        this.bits++;
      } else {
        let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
        const trailing = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
        if (leading >= 32) leading = 31;
        if (leading >= this.leading && trailing >= this.trailing) {
          this.put(0b10, 2);
          this.putMeaningful(xh, xl, this.trailing, 64 - this.leading - this.trailing);
        } else {
          this.leading = leading;
          this.trailing = trailing;
          const sig = 64 - leading - trailing;
          // '11' + 5 bits leading + 6 bits length
          this.put((0b11 << 11) | (leading << 6) | (sig & 63), 13);
          this.putMeaningful(xh, xl, trailing, sig);
        }
      }
    }
    this.maxT = t;
    this.hi = hi;
    this.lo = lo;
    this.numSamples = n + 1;
  }

  private grow(): void {
    let size = Math.max(this.buf.length * 2, 32);
    while ((this.bits >>> 3) + 24 > size) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf);
    this.buf = nb;
  }

  private putMeaningful(xh: number, xl: number, trailing: number, sig: number): void {
    if (trailing >= 32) {
      this.put(xh >>> (trailing - 32), sig);
    } else if (trailing === 0) {
      if (sig > 32) this.put(xh, sig - 32);
      this.put(xl, sig > 32 ? 32 : sig);
    } else {
      const ml = (xl >>> trailing) | (xh << (32 - trailing));
      if (sig > 32) this.put(xh >>> trailing, sig - 32);
      this.put(ml, sig > 32 ? 32 : sig);
    }
  }

  /** put writes the low n bits of x (1 <= n <= 32); capacity is ensured by the caller. */
  private put(x: number, n: number): void {
    if (n < 32) x &= (1 << n) - 1;
    const b = this.buf;
    const pos = this.bits;
    let bi = pos >>> 3;
    const free = 8 - (pos & 7);
    this.bits = pos + n;
    if (n <= free) {
      b[bi] = b[bi]! | (x << (free - n));
      return;
    }
    let rem = n - free;
    b[bi] = b[bi]! | (x >>> rem);
    while (rem >= 8) {
      rem -= 8;
      b[++bi] = x >>> rem;
    }
    if (rem > 0) b[++bi] = x << (8 - rem);
  }

  /**
   * resume rebuilds an appender from the bytes of an XOR chunk (e.g. a head chunk reloaded from
   * disk) so appends can continue where they stopped. Throws ChunkError on a malformed chunk.
   */
  static resume(chunk: Uint8Array): XorAppender {
    const a = new XorAppender(Math.max(128, chunk.length * 2));
    const n = xorNumSamples(chunk);
    if (n === 0) return a;
    const st = new XorState();
    const ts = new Float64Array(n);
    const vs = new Uint32Array(n * 2);
    decodeXor(chunk, n, ts, vs, 0, st);
    const used = (st.bitPos + 7) >>> 3;
    a.buf.set(chunk.subarray(0, used));
    // clear any bits past the last sample in the final byte
    const rem = st.bitPos & 7;
    if (rem !== 0) a.buf[used - 1] = a.buf[used - 1]! & (0xff << (8 - rem));
    a.bits = st.bitPos;
    a.numSamples = n;
    a.minT = ts[0]!;
    a.maxT = ts[n - 1]!;
    a.tDelta = st.tDelta;
    a.hi = vs[2 * n - 1]!;
    a.lo = vs[2 * n - 2]!;
    a.leading = st.leading;
    a.trailing = st.trailing;
    return a;
  }
}

/** xorNumSamples returns the sample count in an XOR chunk's header. */
export function xorNumSamples(chunk: Uint8Array): number {
  if (chunk.length < XOR_HEADER_FIXED) return 0;
  return (chunk[1]! << 8) | chunk[2]!;
}

/** XorState receives the decoder's final state (used to resume appending). */
export class XorState {
  bitPos = 0;
  tDelta = 0;
  leading = 0xff;
  trailing = 0;
}

let words = new Int32Array(1024);

/**
 * loadWords copies chunk bytes [from, len) into the module word buffer as big-endian 32-bit words
 * (zero padded), so bit position p of the stream is bit (p & 31) of words[p >>> 5].
 */
export function loadWords(chunk: Uint8Array, from: number): Int32Array {
  const len = chunk.length;
  const nw = ((len - from + 3) >>> 2) + 3;
  if (words.length < nw) words = new Int32Array(Math.max(nw, words.length * 2));
  const W = words;
  let i = from;
  let k = 0;
  for (; i + 3 < len; i += 4) W[k++] = (chunk[i]! << 24) | (chunk[i + 1]! << 16) | (chunk[i + 2]! << 8) | chunk[i + 3]!;
  let last = 0;
  for (let sh = 24; i < len; i++, sh -= 8) last |= chunk[i]! << sh;
  W[k++] = last;
  W[k++] = 0;
  W[k++] = 0;
  if (k < nw) W[k] = 0;
  return W;
}

/**
 * decodeXor decodes the first n samples of an XOR chunk into ts[off..] and the value halves into
 * vs[2*off..] (low half first, so a Uint32Array view of a Float64Array receives the floats
 * bit-exactly). Returns n. Throws ChunkError if the chunk is shorter than its samples need.
 */
export function decodeXor(chunk: Uint8Array, n: number, ts: Float64Array, vs: Uint32Array, off: number, state?: XorState): number {
  if (n === 0) return 0;
  const len = chunk.length;
  const cur = { off: XOR_HEADER_FIXED };
  const z = readUvarint(chunk, cur);
  if (z < 0) throw new ChunkError('xor chunk: bad first timestamp');
  const W = loadWords(chunk, cur.off);
  let t = unzigzag(z);
  const limit = (len - cur.off) * 8;
  let hi = W[0]! >>> 0;
  let lo = W[1]! >>> 0;
  let p = 64;
  ts[off] = t;
  vs[2 * off] = lo;
  vs[2 * off + 1] = hi;
  let delta = 0;
  let leading = 0xff;
  let trailing = 0;
  for (let i = 1; i < n; i++) {
    let wi = p >>> 5;
    let s = p & 31;
    let word = s === 0 ? W[wi]! : (W[wi]! << s) | (W[wi + 1]! >>> (32 - s));
    if ((word & 0xc0000000) === 0 && i > 1) {
      // '0' '0': same delta, same value
      p += 2;
      t += delta;
      ts[off + i] = t;
      vs[2 * (off + i)] = lo;
      vs[2 * (off + i) + 1] = hi;
      continue;
    }
    // --- timestamp
    let dod: number;
    if (word >= 0) {
      dod = 0;
      p += 1;
    } else if ((word & 0x40000000) === 0) {
      dod = (word >>> 23) & 0x7f;
      if (dod > 64) dod -= 128;
      p += 9;
    } else if ((word & 0x20000000) === 0) {
      dod = (word >>> 15) & 0x3fff;
      if (dod > 8192) dod -= 16384;
      p += 17;
    } else if ((word & 0x10000000) === 0) {
      dod = (word >>> 8) & 0xfffff;
      if (dod > 524288) dod -= 1048576;
      p += 24;
    } else if ((word & 0x08000000) === 0) {
      p += 5;
      dod = readW(W, p, 32);
      if (dod > 2147483648) dod -= 4294967296;
      p += 32;
    } else {
      p += 5;
      const dh = readW(W, p, 32);
      const dl = readW(W, p + 32, 32);
      p += 64;
      dod = (dh >= 0x80000000 ? dh - 4294967296 : dh) * 4294967296 + dl;
    }
    delta = i === 1 ? dod : delta + dod;
    t += delta;
    ts[off + i] = t;
    // --- value
    wi = p >>> 5;
    s = p & 31;
    word = s === 0 ? W[wi]! : (W[wi]! << s) | (W[wi + 1]! >>> (32 - s));
    if (word >= 0) {
      p += 1;
    } else {
      let sig: number;
      if ((word & 0x40000000) === 0) {
        p += 2;
        sig = 64 - leading - trailing;
      } else {
        leading = (word >>> 25) & 31;
        sig = (word >>> 19) & 63;
        if (sig === 0) sig = 64;
        trailing = 64 - leading - sig;
        p += 13;
      }
      if (sig <= 0 || sig > 64 || trailing < 0) throw new ChunkError(`xor chunk: bad value window at sample ${i}`);
      let mh = 0;
      let ml: number;
      if (sig > 32) {
        mh = readW(W, p, sig - 32);
        ml = readW(W, p + sig - 32, 32);
      } else {
        ml = readW(W, p, sig);
      }
      p += sig;
      if (trailing >= 32) {
        hi = (hi ^ (ml << (trailing - 32))) >>> 0;
      } else if (trailing === 0) {
        hi = (hi ^ mh) >>> 0;
        lo = (lo ^ ml) >>> 0;
      } else {
        hi = (hi ^ ((mh << trailing) | (ml >>> (32 - trailing)))) >>> 0;
        lo = (lo ^ (ml << trailing)) >>> 0;
      }
    }
    vs[2 * (off + i)] = lo;
    vs[2 * (off + i) + 1] = hi;
    if (p > limit) break;
  }
  if (p > limit) throw new ChunkError(`xor chunk: ${n} samples need more than the ${len} bytes of the chunk`);
  if (state) {
    state.bitPos = p + cur.off * 8;
    state.tDelta = delta;
    state.leading = leading;
    state.trailing = trailing;
  }
  return n;
}

/** readW reads k bits (1 <= k <= 32) at bit position p of a big-endian word buffer. */
function readW(W: Int32Array, p: number, k: number): number {
  const wi = p >>> 5;
  const s = p & 31;
  const word = s === 0 ? W[wi]! : (W[wi]! << s) | (W[wi + 1]! >>> (32 - s));
  return word >>> (32 - k);
}
