/**
 * Write-ahead log records: one row of the `log` table per committed batch, as Prometheus writes one
 * WAL record per Appender.Commit. Layout (see FORMAT.md):
 *
 *   bytes 0-3   checksum32 (MurmurHash3 x86_32) of bytes 4.. (big-endian)
 *   byte 4      record type (1 = samples, 2 = tombstones)
 *   bytes 5-7   reserved, zero (keeps the arrays below 8-byte aligned)
 *   samples:    uint32 LE n; uint32 LE flags (bit 0: one shared timestamp);
 *               float64 LE values[n]; then either float64 LE t (shared) or float64 LE ts[n];
 *               then uint32 LE refs[n]
 *   tombstones: uint32 LE n; uint32 LE 0; then n x (float64 LE mint, float64 LE maxt, uint32 LE ref,
 *               uint32 LE 0)
 */
import { checksum32 } from './chunkenc/checksum';

/** RecSamples and RecTombstones are the record type bytes. */
export const RecSamples = 1;
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

let scratch = new ArrayBuffer(1 << 16);

/**
 * encodeSamples builds a samples record from refs[0..n), ts[0..n), vals[0..n) (values are copied
 * bit-exactly as bytes). The result is a view into a scratch buffer reused by the next call: write
 * it (SQLite copies bound BLOBs) or copy it before encoding another record.
 */
export function encodeSamples(n: number, refs: Int32Array | Uint32Array, ts: Float64Array, vals: Float64Array): Uint8Array {
  let shared = n > 0;
  const t0 = ts[0];
  for (let i = 1; i < n && shared; i++) if (ts[i] !== t0) shared = false;
  const size = HEADER + 8 * n + (shared ? 8 : 8 * n) + 4 * n;
  if (scratch.byteLength < size) scratch = new ArrayBuffer(Math.max(size, scratch.byteLength * 2));
  const buf = new Uint8Array(scratch, 0, size);
  buf.fill(0, 0, HEADER);
  const u32 = new Uint32Array(scratch, 0, 4);
  buf[4] = RecSamples;
  u32[2] = n;
  u32[3] = shared ? 1 : 0;
  let off = HEADER;
  buf.set(new Uint8Array(vals.buffer, vals.byteOffset, 8 * n), off);
  off += 8 * n;
  if (shared) {
    new Float64Array(buf.buffer, off, 1)[0] = t0!;
    off += 8;
  } else {
    buf.set(new Uint8Array(ts.buffer, ts.byteOffset, 8 * n), off);
    off += 8 * n;
  }
  buf.set(new Uint8Array(refs.buffer, refs.byteOffset, 4 * n), off);
  writeCrc(buf);
  return buf;
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
  const ab = aligned(rec);
  const hdr = new Uint32Array(ab, 0, 4);
  const n = hdr[2]!;
  const shared = (hdr[3]! & 1) === 1;
  const size = HEADER + 8 * n + (shared ? 8 : 8 * n) + 4 * n;
  if (rec[4] !== RecSamples || size !== rec.length) throw new RecordError(`samples record of ${rec.length} bytes does not hold ${n} samples`);
  let off = HEADER;
  const vals = new Float64Array(ab, off, n);
  off += 8 * n;
  const ts = new Float64Array(ab, off, shared ? 1 : n);
  off += shared ? 8 : 8 * n;
  const refs = new Uint32Array(ab, off, n);
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
