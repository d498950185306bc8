/**
 * Byte layouts of the BLOB columns (FORMAT.md): series label sets, head-chunk rows and block rows.
 * Both chunk row kinds carry a checksum32 (MurmurHash3) so a flipped byte is detected before decoding.
 */
import { checksum32 } from './chunkenc/checksum';
import { putUvarint, readUvarint, uvarintLen } from './chunkenc/bits';
import type { Label, Labels } from '../../common/model/labels';

/** RowError reports a BLOB that fails its checksum or layout. */
export class RowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowError';
  }
}

function putCrc(b: Uint8Array): void {
  const c = checksum32(b, 4, b.length);
  b[0] = c >>> 24;
  b[1] = (c >>> 16) & 0xff;
  b[2] = (c >>> 8) & 0xff;
  b[3] = c & 0xff;
}

function checkCrc(b: Uint8Array, what: string): void {
  if (b.length < 5) throw new RowError(`${what}: ${b.length} bytes is too short`);
  const want = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const got = checksum32(b, 4, b.length);
  if (want !== got) throw new RowError(`${what}: checksum mismatch`);
}

/** encodeHeadChunkRow wraps one chunk as a head_chunks.data value: checksum32 (BE) then the chunk. */
export function encodeHeadChunkRow(chunk: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + chunk.length);
  b.set(chunk, 4);
  putCrc(b);
  return b;
}

/** decodeHeadChunkRow verifies a head_chunks.data value and returns the chunk (a view). */
export function decodeHeadChunkRow(b: Uint8Array): Uint8Array {
  checkCrc(b, 'head chunk');
  return b.subarray(4);
}

/**
 * encodeBlockRow builds a chunks.data value: checksum32 (BE) of the rest, uvarint number of chunks,
 * then for each chunk its uvarint length and bytes. Chunks are in time order and do not overlap.
 */
export function encodeBlockRow(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 4 + uvarintLen(chunks.length);
  for (const c of chunks) size += uvarintLen(c.length) + c.length;
  const b = new Uint8Array(size);
  let off = putUvarint(b, 4, chunks.length);
  for (const c of chunks) {
    off = putUvarint(b, off, c.length);
    b.set(c, off);
    off += c.length;
  }
  putCrc(b);
  return b;
}

/** decodeBlockRow verifies a chunks.data value and returns its chunks (views). */
export function decodeBlockRow(b: Uint8Array): Uint8Array[] {
  checkCrc(b, 'block chunk row');
  const cur = { off: 4 };
  const n = readUvarint(b, cur);
  if (n < 0 || n > b.length) throw new RowError('block chunk row: bad chunk count');
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const len = readUvarint(b, cur);
    if (len < 1 || cur.off + len > b.length) throw new RowError('block chunk row: bad chunk length');
    out.push(b.subarray(cur.off, cur.off + len));
    cur.off += len;
  }
  return out;
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder('utf-8');

/** encodeLabels serializes a label set as UTF-8 name 0xFF value 0xFF ... (0xFF never occurs in UTF-8). */
export function encodeLabels(ls: Labels): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const l of ls) {
    const n = utf8.encode(l.name);
    const v = utf8.encode(l.value);
    parts.push(n, v);
    size += n.length + v.length + 2;
  }
  const b = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    b.set(p, off);
    off += p.length;
    b[off++] = 0xff;
  }
  return b;
}

/** decodeLabels parses encodeLabels' output; throws RowError on a malformed value. */
export function decodeLabels(b: Uint8Array): Labels {
  const out: Label[] = [];
  let start = 0;
  let name: string | null = null;
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0xff) continue;
    const s = utf8d.decode(b.subarray(start, i));
    start = i + 1;
    if (name === null) name = s;
    else {
      out.push({ name, value: s });
      name = null;
    }
  }
  if (name !== null || start !== b.length) throw new RowError('series labels: truncated label set');
  for (let i = 1; i < out.length; i++) if (out[i - 1]!.name >= out[i]!.name) throw new RowError('series labels: names not sorted and unique');
  for (const l of out) if (l.name === '' || l.value === '') throw new RowError('series labels: empty name or value');
  return out;
}
