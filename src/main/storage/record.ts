/**
 * Write-ahead log records: one row of the `log` table per committed batch, as Prometheus writes one
 * WAL record per Appender.Commit. Layout (see FORMAT.md):
 *
 *   bytes 0-3   checksum32 (MurmurHash3 x86_32) of bytes 4.. (big-endian)
 *   byte 4      record type (1 = samples, 2 = tombstones)
 *   bytes 5-7   reserved, zero
 *   bytes 8-11  uint32 LE n
 *   bytes 12-15 uint32 LE flags (samples: bit 0 = all samples share one timestamp)
 *   samples:    timestamps: zigzag uvarint t (shared), or zigzag uvarint t0 then n-1 zigzag uvarint
 *                 deltas;
 *               refs: n zigzag uvarint deltas (first against 0);
 *               kinds: ceil(n/8) bytes, bit (i % 8) of byte i / 8 set = value i is a raw float64;
 *               values: kind 0 = zigzag uvarint of an integer value (|v| < 2^52, not -0),
 *                 kind 1 = 8 bytes little-endian IEEE-754 (bit-exact, NaN payloads kept)
 *   tombstones: n x (float64 LE mint, float64 LE maxt, uint32 LE ref, uint32 LE 0)
 */
import { checksum32 } from './chunkenc/checksum';

/** RecSamples is the type byte of samples records. */
export const RecSamples = 1;
/** RecTombstones is the type byte of tombstones records. */
export const RecTombstones = 2;

const HEADER = 16;
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
if (!LE) throw new Error('vigil storage requires a little-endian host');

/** SampleBatch is a decoded samples record (arrays may be views into a private copy). */
export interface SampleBatch {
  n: number;
  refs: Uint32Array;
  /** ts has n entries, or 1 when all samples share a timestamp. */
  ts: Float64Array;
  vals: Float64Array;
}

/** Tombstone deletes the samples of one series between mint and maxt (inclusive). */
export interface Tombstone {
  ref: number;
  mint: number;
  maxt: number;
}

/** RecordError reports an undecodable record. */
export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

let scratch = new Uint8Array(1 << 16);
const TWO52 = 4503599627370496;

/** putZigzag writes zigzag(x) (x an integer, |x| < 2^52) as a uvarint at off; returns the new offset. */
function putZigzag(b: Uint8Array, off: number, x: number): number {
  if (x >= -0x20000000 && x < 0x20000000) {
    let z = ((x << 1) ^ (x >> 31)) >>> 0;
    while (z >= 0x80) {
      b[off++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    b[off++] = z;
    return off;
  }
  let z = x >= 0 ? x * 2 : -x * 2 - 1;
  while (z >= 0x80) {
    b[off++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  b[off++] = z;
  return off;
}

/**
 * encodeSamples builds a samples record from refs[0..n), ts[0..n), vals[0..n) (values are copied
 * bit-exactly through v32, a Uint32Array view of vals). The result is a view into a scratch buffer
 * reused by the next call: write it (SQLite copies bound BLOBs) or copy it before encoding another.
 */
export function encodeSamples(n: number, refs: Int32Array | Uint32Array, ts: Float64Array, vals: Float64Array, v32: Uint32Array): Uint8Array {
  let shared = n > 0;
  const t0 = ts[0]!;
  for (let i = 1; i < n && shared; i++) if (ts[i] !== t0) shared = false;
  const max = HEADER + 10 * n + 10 * n + ((n + 7) >>> 3) + 9 * n + 10;
  if (scratch.length < max) scratch = new Uint8Array(Math.max(max, scratch.length * 2));
  const b = scratch;
  b.fill(0, 0, HEADER);
  b[4] = RecSamples;
  b[8] = n & 0xff;
  b[9] = (n >>> 8) & 0xff;
  b[10] = (n >>> 16) & 0xff;
  b[11] = n >>> 24;
  b[12] = shared ? 1 : 0;
  let off = HEADER;
  if (shared) {
    off = putZigzag(b, off, t0);
  } else if (n > 0) {
    off = putZigzag(b, off, t0);
    for (let i = 1; i < n; i++) off = putZigzag(b, off, ts[i]! - ts[i - 1]!);
  }
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const r = refs[i]!;
    off = putZigzag(b, off, r - prev);
    prev = r;
  }
  const kinds = off;
  const nk = (n + 7) >>> 3;
  b.fill(0, kinds, kinds + nk);
  off += nk;
  for (let i = 0; i < n; i++) {
    const v = vals[i]!;
    if (v === Math.floor(v) && v < TWO52 && v > -TWO52 && (v !== 0 || 1 / v > 0)) {
      off = putZigzag(b, off, v);
    } else {
      b[kinds + (i >>> 3)] = b[kinds + (i >>> 3)]! | (1 << (i & 7));
      const lo = v32[2 * i]!;
      const hi = v32[2 * i + 1]!;
      b[off] = lo & 0xff;
      b[off + 1] = (lo >>> 8) & 0xff;
      b[off + 2] = (lo >>> 16) & 0xff;
      b[off + 3] = lo >>> 24;
      b[off + 4] = hi & 0xff;
      b[off + 5] = (hi >>> 8) & 0xff;
      b[off + 6] = (hi >>> 16) & 0xff;
      b[off + 7] = hi >>> 24;
      off += 8;
    }
  }
  const rec = b.subarray(0, off);
  writeCrc(rec);
  return rec;
}

/** encodeTombstones builds a tombstones record. */
export function encodeTombstones(stones: readonly Tombstone[]): Uint8Array {
  const n = stones.length;
  const buf = new Uint8Array(HEADER + 24 * n);
  const u32 = new Uint32Array(buf.buffer);
  const f64 = new Float64Array(buf.buffer);
  buf[4] = RecTombstones;
  u32[2] = n;
  for (let i = 0; i < n; i++) {
    const s = stones[i]!;
    f64[2 + 3 * i] = s.mint;
    f64[3 + 3 * i] = s.maxt;
    u32[4 + 6 * i + 4] = s.ref;
  }
  writeCrc(buf);
  return buf;
}

function writeCrc(buf: Uint8Array): void {
  const c = checksum32(buf, 4, buf.length);
  buf[0] = c >>> 24;
  buf[1] = (c >>> 16) & 0xff;
  buf[2] = (c >>> 8) & 0xff;
  buf[3] = c & 0xff;
}

/** verifyRecord returns the type byte of a record after verifying its checksum; throws RecordError. */
export function verifyRecord(rec: Uint8Array): number {
  if (rec.length < HEADER) throw new RecordError(`record too short (${rec.length} bytes)`);
  const want = ((rec[0]! << 24) | (rec[1]! << 16) | (rec[2]! << 8) | rec[3]!) >>> 0;
  const got = checksum32(rec, 4, rec.length);
  if (want !== got) throw new RecordError(`record checksum mismatch (want ${want.toString(16)}, got ${got.toString(16)})`);
  return rec[4]!;
}

function aligned(rec: Uint8Array): ArrayBuffer {
  // copy into a fresh, 8-aligned buffer so typed views can be used
  const ab = new ArrayBuffer(rec.length);
  new Uint8Array(ab).set(rec);
  return ab;
}

/** decodeSamples decodes a verified samples record; throws RecordError on a bad layout. */
export function decodeSamples(rec: Uint8Array): SampleBatch {
  if (rec[4] !== RecSamples || rec.length < HEADER) throw new RecordError('not a samples record');
  const n = (rec[8]! | (rec[9]! << 8) | (rec[10]! << 16) | (rec[11]! << 24)) >>> 0;
  const shared = (rec[12]! & 1) === 1;
  if (n > rec.length) throw new RecordError(`samples record of ${rec.length} bytes cannot hold ${n} samples`);
  const len = rec.length;
  let off = HEADER;
  let x = 0;
  // inline zigzag uvarint reader: sets x, advances off
  const rd = (): void => {
    let z = 0;
    let mul = 1;
    for (let k = 0; ; k++) {
      if (off >= len || k > 8) throw new RecordError('samples record: truncated varint');
      const c = rec[off++]!;
      z += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 128;
    }
    x = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  };
  const ts = new Float64Array(shared || n === 0 ? 1 : n);
  rd();
  ts[0] = x;
  if (!shared) {
    for (let i = 1; i < n; i++) {
      rd();
      ts[i] = ts[i - 1]! + x;
    }
  }
  const refs = new Uint32Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    rd();
    prev += x;
    refs[i] = prev;
  }
  const kinds = off;
  off += (n + 7) >>> 3;
  if (off > len) throw new RecordError('samples record: truncated');
  const vals = new Float64Array(n);
  const v32 = new Uint32Array(vals.buffer);
  for (let i = 0; i < n; i++) {
    if ((rec[kinds + (i >>> 3)]! >>> (i & 7)) & 1) {
      if (off + 8 > len) throw new RecordError('samples record: truncated value');
      v32[2 * i] = (rec[off]! | (rec[off + 1]! << 8) | (rec[off + 2]! << 16) | (rec[off + 3]! << 24)) >>> 0;
      v32[2 * i + 1] = (rec[off + 4]! | (rec[off + 5]! << 8) | (rec[off + 6]! << 16) | (rec[off + 7]! << 24)) >>> 0;
      off += 8;
    } else {
      rd();
      vals[i] = x;
    }
  }
  if (off !== len) throw new RecordError(`samples record: ${len - off} trailing bytes`);
  return { n, refs, ts, vals };
}

/** decodeTombstones decodes a verified tombstones record. */
export function decodeTombstones(rec: Uint8Array): Tombstone[] {
  const ab = aligned(rec);
  const u32 = new Uint32Array(ab);
  const f64 = new Float64Array(ab);
  const n = u32[2]!;
  if (rec[4] !== RecTombstones || rec.length !== HEADER + 24 * n) throw new RecordError('bad tombstones record');
  const out: Tombstone[] = [];
  for (let i = 0; i < n; i++) out.push({ mint: f64[2 + 3 * i]!, maxt: f64[3 + 3 * i]!, ref: u32[4 + 6 * i + 4]! });
  return out;
}
