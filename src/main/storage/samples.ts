/**
 * Edits of decoded samples in a SampleBuf, shared by compaction, deletion and backfill: removing a
 * time range, sorting and deduplicating, and encoding the result as block-row chunks.
 */
import { SampleBuf, encodeBest, MAX_CHUNK_SAMPLES } from './chunkenc/index';

/** filterOut removes samples with mint <= t <= maxt from buf in place. */
export function filterOut(buf: SampleBuf, mint: number, maxt: number): void {
  let k = 0;
  for (let i = 0; i < buf.n; i++) {
    const t = buf.t[i]!;
    if (t >= mint && t <= maxt) continue;
    if (k !== i) {
      buf.t[k] = t;
      buf.v32[2 * k] = buf.v32[2 * i]!;
      buf.v32[2 * k + 1] = buf.v32[2 * i + 1]!;
    }
    k++;
  }
  buf.n = k;
}

/** sortDedupe sorts buf by timestamp (stable) and keeps the first sample of each timestamp. */
export function sortDedupe(buf: SampleBuf): void {
  const n = buf.n;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => buf.t[a]! - buf.t[b]! || a - b);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const v32 = new Uint32Array(v.buffer);
  let k = 0;
  for (const i of idx) {
    const ti = buf.t[i]!;
    if (k > 0 && t[k - 1] === ti) continue;
    t[k] = ti;
    v32[2 * k] = buf.v32[2 * i]!;
    v32[2 * k + 1] = buf.v32[2 * i + 1]!;
    k++;
  }
  buf.t = t;
  buf.v = v;
  buf.v32 = v32;
  buf.n = k;
}

/** encodeFrames encodes sorted samples as one or more chunks of at most MAX_CHUNK_SAMPLES. */
export function encodeFrames(buf: SampleBuf): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.n; i += MAX_CHUNK_SAMPLES) out.push(encodeBest(buf.t, buf.v, i, Math.min(buf.n, i + MAX_CHUNK_SAMPLES)));
  return out;
}
