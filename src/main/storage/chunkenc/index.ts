/**
 * Package chunkenc: the chunk encodings of Vigil's storage, pure functions over byte arrays (no
 * I/O), in the spirit of Prometheus's tsdb/chunkenc.
 *
 * Every chunk starts with an encoding byte:
 *   1  XOR  Gorilla-style, appendable (head chunks)                      see xor.ts
 *   2  reserved for native-histogram chunks
 *   3  DD   decimal mantissas, delta / delta-of-delta with per-chunk
 *           variable-width codes (persisted chunks)                      see dd.ts
 */
import { DD_MAX_SAMPLES, EncDD, ddNumSamples, decodeDD, encodeDD } from './dd';
import { ChunkError, EncXOR, XorAppender, decodeXor, xorNumSamples } from './xor';

export { ChunkError, EncXOR, XorAppender, decodeXor, xorNumSamples } from './xor';
export { EncDD, DD_MAX_SAMPLES, encodeDD, decodeDD, ddNumSamples } from './dd';
export { checksum32 } from './checksum';
export { putUvarint, readUvarint, uvarintLen, zigzag, unzigzag } from './bits';

/** EncHistogram is reserved for native-histogram chunks (a later issue). */
export const EncHistogram = 2;

/** MAX_CHUNK_SAMPLES is the largest sample count of any chunk (XOR's 16-bit counter). */
export const MAX_CHUNK_SAMPLES = 65535;

/**
 * SampleBuf holds decoded float samples: timestamps and values in parallel typed arrays. v32 is a
 * Uint32Array view of v, through which values are written bit-exactly (stale markers survive).
 */
export class SampleBuf {
  t: Float64Array;
  v: Float64Array;
  v32: Uint32Array;
  /** n is the number of valid samples. */
  n = 0;

  constructor(capacity = 256) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.v32 = new Uint32Array(this.v.buffer);
  }

  /** ensure grows the arrays to hold at least cap samples, keeping the first n. */
  ensure(cap: number): void {
    if (cap <= this.t.length) return;
    const size = Math.max(cap, this.t.length * 2);
    const t = new Float64Array(size);
    const v = new Float64Array(size);
    t.set(this.t.subarray(0, this.n));
    v.set(this.v.subarray(0, this.n));
    this.t = t;
    this.v = v;
    this.v32 = new Uint32Array(v.buffer);
  }
}

/** chunkEncoding returns a chunk's encoding byte (0 for an empty array). */
export function chunkEncoding(chunk: Uint8Array): number {
  return chunk.length > 0 ? chunk[0]! : 0;
}

/** chunkNumSamples returns the number of samples in a chunk; throws ChunkError for an unknown encoding. */
export function chunkNumSamples(chunk: Uint8Array): number {
  switch (chunkEncoding(chunk)) {
    case EncXOR:
      return xorNumSamples(chunk);
    case EncDD: {
      const n = ddNumSamples(chunk);
      if (n < 0) throw new ChunkError('dd chunk: bad header');
      return n;
    }
    default:
      throw new ChunkError(`unknown chunk encoding ${chunkEncoding(chunk)}`);
  }
}

/**
 * decodeChunkInto appends the samples of a chunk to buf, growing it as needed. For XOR chunks, limit
 * (when >= 0) is the number of samples to read instead of the header's count (open head chunks). Returns the number of samples added. Throws ChunkError.
 */
export function decodeChunkInto(chunk: Uint8Array, buf: SampleBuf, limit = -1): number {
  const enc = chunkEncoding(chunk);
  if (enc === EncXOR) {
    // an open chunk's header count is written only when it is closed: trust the caller's limit
    const n = limit >= 0 ? limit : xorNumSamples(chunk);
    buf.ensure(buf.n + n);
    decodeXor(chunk, n, buf.t, buf.v32, buf.n);
    buf.n += n;
    return n;
  }
  if (enc === EncDD) {
    const n = ddNumSamples(chunk);
    if (n < 1) throw new ChunkError('dd chunk: bad header');
    buf.ensure(buf.n + n);
    decodeDD(chunk, buf.t, buf.v, buf.n);
    buf.n += n;
    return n;
  }
  throw new ChunkError(`unknown chunk encoding ${enc}`);
}

/** encodeXor encodes ts[from..to) / vs[from..to) as an XOR chunk (values copied bit-exactly). */
export function encodeXor(ts: Float64Array, vs: Float64Array, from: number, to: number): Uint8Array {
  const v32 = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
  const a = new XorAppender(Math.max(64, (to - from) * 2));
  for (let i = from; i < to; i++) a.appendBits(ts[i]!, v32[2 * i + 1]!, v32[2 * i]!);
  return a.bytes();
}

/**
 * encodeBest encodes samples ts[from..to) / vs[from..to) (strictly increasing timestamps, at most
 * MAX_CHUNK_SAMPLES) with the smaller of DD and XOR; DD is used whenever every value is a decimal
 * and it is not larger.
 */
export function encodeBest(ts: Float64Array, vs: Float64Array, from: number, to: number): Uint8Array {
  if (to - from > MAX_CHUNK_SAMPLES) throw new ChunkError(`too many samples for one chunk: ${to - from}`);
  const dd = to - from <= DD_MAX_SAMPLES ? encodeDD(ts, vs, from, to) : null;
  if (dd !== null && dd.length <= 2 * (to - from) + 16) return dd;
  const x = encodeXor(ts, vs, from, to);
  return dd !== null && dd.length <= x.length ? dd : x;
}
