/**
 * The DD ("decimal delta") chunk encoding: a dense, write-once encoding for persisted chunks.
 *
 * Most exposition values are decimals in disguise: counters of bytes or packets (integers), CPU
 * seconds with 2 decimals, durations with nanosecond resolution. When every value of a chunk is
 * m / 10^e or m * 2^s for integers |m| < 2^51, DD stores the integers m as one integer column and
 * the timestamps as another. Each column is coded as deltas minus a base (the median delta) or as
 * delta-of-deltas, whichever is smaller, with a variable-width code whose three bucket widths are
 * chosen per chunk, and optional run-length coding of zero entries. Values that are not decimals
 * (NaN, stale markers, infinities, -0, arbitrary binary fractions) make the encoder decline and the
 * caller keeps the XOR encoding. DD chunks are built from complete sample arrays (at compaction);
 * they are not appendable.
 *
 * Layout (bit layout in FORMAT.md):
 *
 *   byte 0   encoding (3 = DD)
 *   uvarint  number of samples n (1 <= n <= 65535)
 *   byte     value scale: 0..22 = decimal exponent e (value = m / 10^e);
 *            0x80|s = binary shift s (value = m * 2^s, s <= 52)
 *   column   timestamps (x = ms timestamps)
 *   column   values (x = mantissas m)
 *
 * Column: uvarint zigzag(x0); descriptor byte (bit 7 = delta-of-delta mode, bit 4 = grid mode,
 * bit 6 = zero runs are run-length coded, bit 5 = all entries are zero and no code follows); uvarint
 * zigzag(base); unless bit 5: widths w1 <= w2 <= w3 (bytes, 1..53); then, byte-aligned, the codes of
 * the n-1 entries e_i, i = 1..n-1:
 *   delta mode: e_i = (x_i - x_{i-1}) - base
 *   dod mode:   e_i = d_i - d_{i-1}, d_i = x_i - x_{i-1}, d_0 = base
 *   grid mode:  e_i = x_i - (g_{i-1} + base), g_0 = x_0, g_i = x_i if |e_i| >= floor(base/2) else
 *               g_{i-1} + base (a late scrape costs one entry; a missed one re-anchors the grid)
 *   '0'         entry 0 (without run-length coding)
 *   '0' gamma(L) a run of L >= 1 zero entries (with run-length coding; Elias gamma code of L)
 *   '10'  + w1  bits, '110' + w2 bits, '111' + w3 bits: the entry in two's complement of that width
 *               (a width w holds [-(2^(w-1))+1, 2^(w-1)])
 * padded with zero bits to a byte boundary.
 */
import { BitWriter, putUvarint, readUvarint, zigzag, unzigzag } from './bits';
import { ChunkError, loadWords } from './xor';

/** EncDD is the encoding byte of DD chunks. */
export const EncDD = 3;

const TWO32 = 4294967296;
const MAX_MANTISSA = 2 ** 51;
const MAX_ENTRY = 2 ** 52;
const MAX_WIDTH = 53;

const POW10: number[] = [];
for (let e = 0; e <= 22; e++) POW10.push(10 ** e);

/** bitLen returns the number of bits of a non-negative integer x < 2^53. */
function bitLen(x: number): number {
  if (x < TWO32) return 32 - Math.clz32(x);
  return 32 + (32 - Math.clz32(Math.floor(x / TWO32)));
}

/** widthOf returns the smallest two's complement bucket width w with d in [-(2^(w-1))+1, 2^(w-1)]. */
function widthOf(d: number): number {
  return d > 0 ? bitLen(d - 1) + 1 : bitLen(-d) + 1;
}

/** Scratch arrays reused across encodes (the encoder is synchronous and not reentrant). */
let mant = new Float64Array(1024);
let ent = new Float64Array(1024);
let dlt = new Float64Array(1024);
let sel = new Float64Array(1024);

/** ColumnPlan is the chosen code for one integer column and its size in bits. */
interface ColumnPlan {
  dod: boolean;
  grid: boolean;
  rle: boolean;
  base: number;
  w1: number;
  w2: number;
  w3: number;
  bits: number;
}

function gammaBits(L: number): number {
  return 2 * (31 - Math.clz32(L)) + 1;
}

/** planFromHist picks the widths minimizing the size of a column with the given statistics. */
function planFromHist(hist: Int32Array, maxW: number, zeros: number, runBits: number, count: number, dod: boolean, grid: boolean, base: number): ColumnPlan {
  const rle = runBits < zeros;
  const zeroBits = rle ? runBits : zeros;
  if (zeros === count) return { dod: false, grid: false, rle: false, base, w1: 0, w2: 0, w3: 0, bits: 0 };
  const ws: number[] = [];
  const cum: number[] = [];
  let acc = 0;
  for (let w = 1; w <= maxW; w++) {
    const h = hist[w]!;
    if (h === 0) continue;
    acc += h;
    ws.push(w);
    cum.push(acc);
  }
  const k = ws.length;
  const w3 = ws[k - 1]!;
  const nonzero = acc;
  let best: ColumnPlan = { dod, grid, rle, base, w1: w3, w2: w3, w3, bits: zeroBits + nonzero * (2 + w3) };
  for (let i = 0; i < k; i++) {
    const n1 = cum[i]!;
    const c1 = n1 * (2 + ws[i]!);
    for (let j = i; j < k; j++) {
      const bits = zeroBits + c1 + (cum[j]! - n1) * (3 + ws[j]!) + (nonzero - cum[j]!) * (3 + w3);
      if (bits < best.bits) best = { dod, grid, rle, base, w1: ws[i]!, w2: ws[j]!, w3, bits };
    }
  }
  return best;
}

/** quickselect returns the k-th smallest of a[0..n) (reorders a). */
function quickselect(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** ColumnStats accumulates the statistics of one candidate code while scanning entries. */
class ColumnStats {
  readonly hist = new Int32Array(MAX_WIDTH + 2);
  zeros = 0;
  run = 0;
  runBits = 0;
  maxW = 0;

  reset(): void {
    this.hist.fill(0);
    this.zeros = 0;
    this.run = 0;
    this.runBits = 0;
    this.maxW = 0;
  }

  add(e: number): void {
    if (e === 0) {
      this.zeros++;
      this.run++;
      return;
    }
    if (this.run > 0) {
      this.runBits += 1 + gammaBits(this.run);
      this.run = 0;
    }
    if (e >= MAX_ENTRY || e <= -MAX_ENTRY) {
      this.maxW = 99;
      return;
    }
    const w = widthOf(e);
    this.hist[w]!++;
    if (w > this.maxW) this.maxW = w;
  }

  plan(count: number, dod: boolean, grid: boolean, base: number): ColumnPlan | null {
    if (this.run > 0) this.runBits += 1 + gammaBits(this.run);
    this.run = 0;
    if (this.maxW > MAX_WIDTH) return null;
    return planFromHist(this.hist, this.maxW, this.zeros, this.runBits, count, dod, grid, base);
  }
}

const stA = new ColumnStats();
const stB = new ColumnStats();
const stC = new ColumnStats();

/**
 * chooseColumn plans x[0..n) as deltas minus their median, as delta-of-deltas and (when allowGrid)
 * as offsets from a grid of median steps, in one pass, and leaves the entries of the cheapest code in
 * ent. Returns null when every code has an entry too wide for it.
 */
function chooseColumn(x: Float64Array, n: number, allowGrid: boolean): ColumnPlan | null {
  if (n < 2) return { dod: false, grid: false, rle: false, base: 0, w1: 0, w2: 0, w3: 0, bits: 0 };
  const m = n - 1;
  if (dlt.length < m) {
    dlt = new Float64Array(Math.max(m, dlt.length * 2));
    sel = new Float64Array(dlt.length);
    ent = new Float64Array(dlt.length);
  }
  for (let i = 0; i < m; i++) dlt[i] = x[i + 1]! - x[i]!;
  sel.set(dlt.subarray(0, m));
  const med = quickselect(sel, m, m >>> 1);
  const first = dlt[0]!;
  const half = Math.floor(med / 2);
  const grid = allowGrid && med >= 2;
  stA.reset();
  stB.reset();
  stC.reset();
  let prev = first;
  let g = x[0]!;
  for (let i = 0; i < m; i++) {
    const d = dlt[i]!;
    stA.add(d - med);
    stB.add(d - prev);
    prev = d;
    if (grid) {
      const xi = x[i + 1]!;
      const e = xi - (g + med);
      stC.add(e);
      g = e >= half || e <= -half ? xi : g + med;
    }
  }
  let p = stA.plan(m, false, false, med);
  const b = stB.plan(m, true, false, first);
  if (b !== null && (p === null || b.bits < p.bits)) p = b;
  if (grid) {
    const c = stC.plan(m, false, true, med);
    if (c !== null && (p === null || c.bits < p.bits)) p = c;
  }
  if (p === null) return null;
  if (p.bits === 0) return p;
  if (p.dod) {
    let pd = first;
    for (let i = 0; i < m; i++) {
      const d = dlt[i]!;
      ent[i] = d - pd;
      pd = d;
    }
  } else if (p.grid) {
    g = x[0]!;
    for (let i = 0; i < m; i++) {
      const xi = x[i + 1]!;
      const e = xi - (g + med);
      ent[i] = e;
      g = e >= half || e <= -half ? xi : g + med;
    }
  } else {
    for (let i = 0; i < m; i++) ent[i] = dlt[i]! - med;
  }
  return p;
}

function writeTwos(w: BitWriter, d: number, width: number): void {
  if (width <= 32) {
    w.writeBits(d, width);
    return;
  }
  const u = d < 0 ? d + 2 ** width : d;
  const hi = Math.floor(u / TWO32);
  w.writeBits(hi, width - 32);
  w.writeBits(u - hi * TWO32, 32);
}

/** writeColumn writes a column's descriptor and bit stream (byte-aligned) from the entries in ent. */
function writeColumn(w: BitWriter, x0: number, p: ColumnPlan, count: number): void {
  w.ensure(8 * 40);
  let off = (w.bits + 7) >>> 3;
  const b = w.buf;
  off = putUvarint(b, off, zigzag(x0));
  const allZero = p.bits === 0;
  b[off++] = (p.dod ? 0x80 : 0) | (p.rle ? 0x40 : 0) | (allZero ? 0x20 : 0) | (p.grid ? 0x10 : 0);
  off = putUvarint(b, off, zigzag(p.base));
  if (!allZero) {
    b[off++] = p.w1;
    b[off++] = p.w2;
    b[off++] = p.w3;
  }
  w.bits = off * 8;
  if (allZero) return;
  let run = 0;
  for (let i = 0; i < count; i++) {
    const e = ent[i]!;
    if (e === 0) {
      if (p.rle) {
        run++;
      } else {
        w.ensure(1);
        w.bits++;
      }
      continue;
    }
    if (run > 0) {
      writeGammaRun(w, run);
      run = 0;
    }
    w.ensure(3 + MAX_WIDTH);
    const width = widthOf(e);
    if (width <= p.w1) {
      w.writeBits(0b10, 2);
      writeTwos(w, e, p.w1);
    } else if (width <= p.w2) {
      w.writeBits(0b110, 3);
      writeTwos(w, e, p.w2);
    } else {
      w.writeBits(0b111, 3);
      writeTwos(w, e, p.w3);
    }
  }
  if (run > 0) writeGammaRun(w, run);
}

/** writeGammaRun writes '0' and the Elias gamma code of a zero-run length L >= 1. */
function writeGammaRun(w: BitWriter, L: number): void {
  const nb = 31 - Math.clz32(L);
  w.ensure(2 + 2 * nb);
  w.bits += 1 + nb; // '0' then nb zeros
  w.writeBits(L, nb + 1);
}

/**
 * scaleValues returns the scale byte under which every value in vs[from..to) is an exact integer
 * mantissa (|m| < 2^51), or -1 if there is none; fills the mantissa scratch array.
 */
function scaleValues(vs: Float64Array, from: number, to: number): number {
  const n = to - from;
  if (mant.length < n) mant = new Float64Array(Math.max(n, mant.length * 2));
  // 1. are all values integers?
  let allInt = true;
  for (let i = from; i < to; i++) {
    const v = vs[i]!;
    if (!Number.isInteger(v) || Object.is(v, -0) || Math.abs(v) >= MAX_MANTISSA) {
      allInt = false;
      break;
    }
  }
  if (allInt) {
    // common power-of-two factor of all values (e.g. byte gauges moving by 4096-byte pages)
    let tz = 52;
    for (let i = from; i < to && tz > 0; i++) {
      const v = vs[i]!;
      if (v === 0) continue;
      const a = Math.abs(v);
      const lo = a % TWO32;
      const hi = Math.floor(a / TWO32);
      const t = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 32 + (31 - Math.clz32(hi & -hi));
      if (t < tz) tz = t;
    }
    if (tz === 52) tz = 0; // all zero
    const div = 2 ** tz;
    for (let i = from; i < to; i++) mant[i - from] = vs[i]! / div;
    return tz === 0 ? 0 : 0x80 | tz;
  }
  // 2. decimals: the largest exponent any value needs
  let e = 0;
  for (let i = from; i < to; i++) {
    const v = vs[i]!;
    if (!Number.isFinite(v) || Object.is(v, -0)) return -1;
    while (e <= 22) {
      const p = POW10[e]!;
      if (Math.round(v * p) / p === v) break;
      e++;
    }
    if (e > 22) return -1;
  }
  const p = POW10[e]!;
  for (let i = from; i < to; i++) {
    const v = vs[i]!;
    const m = Math.round(v * p);
    if (m / p !== v || Math.abs(m) >= MAX_MANTISSA) return -1;
    mant[i - from] = m;
  }
  return e;
}

let tsx = new Float64Array(1024);

/**
 * encodeDD encodes samples ts[from..to) / vs[from..to) as a DD chunk, or returns null when a value
 * is not an exact decimal (the caller then keeps XOR). Timestamps must strictly increase.
 */
export function encodeDD(ts: Float64Array, vs: Float64Array, from: number, to: number): Uint8Array | null {
  const n = to - from;
  if (n <= 0 || n > DD_MAX_SAMPLES) return null;
  const scale = scaleValues(vs, from, to);
  if (scale < 0) return null;
  if (tsx.length < n) tsx = new Float64Array(Math.max(n, tsx.length * 2));
  tsx.set(ts.subarray(from, to));
  const w = new BitWriter(64 + n);
  const b = w.buf;
  b[0] = EncDD;
  let off = putUvarint(b, 1, n);
  b[off++] = scale;
  w.bits = off * 8;
  const tp = chooseColumn(tsx, n, true);
  if (tp === null) return null;
  writeColumn(w, tsx[0]!, tp, n - 1);
  const vp = chooseColumn(mant, n, false);
  if (vp === null) return null;
  writeColumn(w, mant[0]!, vp, n - 1);
  return w.bytes();
}

/** ddNumSamples returns the sample count of a DD chunk, or -1 if the header is malformed. */
export function ddNumSamples(chunk: Uint8Array): number {
  return readUvarint(chunk, { off: 1 });
}

/** DD_MAX_SAMPLES is the largest number of samples in one DD chunk. */
export const DD_MAX_SAMPLES = 65535;

/**
 * decodeDD decodes all samples of a DD chunk into ts[off..] and values into vf[off..].
 * Returns the number of samples. Throws ChunkError on a malformed chunk.
 */
export function decodeDD(chunk: Uint8Array, ts: Float64Array, vf: Float64Array, off: number): number {
  const cur = { off: 1 };
  const n = readUvarint(chunk, cur);
  if (n < 1 || n > DD_MAX_SAMPLES || cur.off >= chunk.length) throw new ChunkError('dd chunk: bad header');
  if (off + n > ts.length || off + n > vf.length) throw new ChunkError('dd chunk: output too small');
  const scale = chunk[cur.off++]!;
  let mul = 1;
  let div = 1;
  if (scale & 0x80) {
    const s = scale & 0x7f;
    if (s > 52) throw new ChunkError('dd chunk: bad scale');
    mul = 2 ** s;
  } else {
    if (scale > 22) throw new ChunkError('dd chunk: bad scale');
    div = POW10[scale]!;
  }
  const W = loadWords(chunk, 0);
  cur.off = decodeColumn(chunk, W, cur.off, n, ts, off, 1, 1);
  cur.off = decodeColumn(chunk, W, cur.off, n, vf, off, mul, div);
  return n;
}

/**
 * decodeColumn decodes one integer column starting at byte offset p of chunk into
 * out[off..off+n), storing x * mul / div (1, 1 for timestamps). W holds the chunk's bytes as
 * big-endian words from byte 0 (loadWords(chunk, 0)). Returns the byte offset after the column.
 * Entries are decoded and applied in one pass (no intermediate entry array).
 */
function decodeColumn(chunk: Uint8Array, W: Int32Array, p: number, n: number, out: Float64Array, off: number, mul: number, div: number): number {
  const len = chunk.length;
  const cur = { off: p };
  const z0 = readUvarint(chunk, cur);
  if (z0 < 0 || cur.off >= len) throw new ChunkError('dd chunk: bad column start');
  const desc = chunk[cur.off++]!;
  const zb = readUvarint(chunk, cur);
  if (zb < 0) throw new ChunkError('dd chunk: bad column base');
  let x = unzigzag(z0);
  const base = unzigzag(zb);
  const scaled = mul !== 1 || div !== 1;
  out[off] = scaled ? (x * mul) / div : x;
  if (desc & 0x20) {
    // every entry is zero: constant delta (base)
    for (let i = 1; i < n; i++) {
      x += base;
      out[off + i] = scaled ? (x * mul) / div : x;
    }
    return cur.off;
  }
  const rle = (desc & 0x40) !== 0;
  if (cur.off + 3 > len) throw new ChunkError('dd chunk: bad column widths');
  const w1 = chunk[cur.off]!;
  const w2 = chunk[cur.off + 1]!;
  const w3 = chunk[cur.off + 2]!;
  if (w1 < 1 || w2 < w1 || w3 < w2 || w3 > MAX_WIDTH) throw new ChunkError('dd chunk: bad column widths');
  const start = cur.off + 3;
  const limit = len * 8;
  // mode 0: delta, 1: delta-of-delta, 2: grid
  const mode = desc & 0x80 ? 1 : desc & 0x10 ? 2 : 0;
  const half = Math.floor(base / 2);
  let delta = base;
  let g = x;
  const m = n - 1;
  let pos = start * 8;
  let o = off + 1;
  const end = off + n;
  while (o < end) {
    const wi = pos >>> 5;
    const s = pos & 31;
    const word = s === 0 ? W[wi]! : (W[wi]! << s) | (W[wi + 1]! >>> (32 - s));
    let e = 0;
    let run = 1;
    if (word >= 0) {
      if (rle) {
        // '0' + gamma(L): L entries of zero
        const rest = word << 1;
        const nb = Math.clz32(rest);
        if (nb > 15) throw new ChunkError('dd chunk: bad run length');
        run = (rest >>> (31 - 2 * nb)) & ((1 << (nb + 1)) - 1);
        pos += 2 + 2 * nb;
        if (run < 1 || o - off - 1 + run > m) throw new ChunkError('dd chunk: run overflows the chunk');
      } else {
        pos += 1;
      }
    } else if ((word & 0x40000000) === 0) {
      if (w1 <= 30) {
        // sign-extended read gives [-2^(w-1), 2^(w-1)); the code's range is [-(2^(w-1))+1, 2^(w-1)]
        e = (word << 2) >> (32 - w1);
        if (e === -(1 << (w1 - 1))) e = 1 << (w1 - 1);
      } else {
        e = readTwos(W, pos + 2, w1);
      }
      pos += 2 + w1;
    } else {
      const w = (word & 0x20000000) === 0 ? w2 : w3;
      if (w <= 29) {
        e = (word << 3) >> (32 - w);
        if (e === -(1 << (w - 1))) e = 1 << (w - 1);
      } else {
        e = readTwos(W, pos + 3, w);
      }
      pos += 3 + w;
    }
    if (pos > limit) throw new ChunkError('dd chunk: column overruns the chunk');
    for (let r = 0; r < run; r++) {
      if (mode === 0) {
        x += base + e;
      } else if (mode === 1) {
        delta += e;
        x += delta;
      } else {
        x = g + base + e;
        g = e >= half || e <= -half ? x : g + base;
      }
      out[o++] = scaled ? (x * mul) / div : x;
    }
  }
  return (pos + 7) >>> 3;
}

/** readTwos reads a w-bit two's complement bucket value (1 <= w <= 53) at bit position p. */
function readTwos(W: Int32Array, p: number, w: number): number {
  if (w <= 32) {
    const u = readU(W, p, w);
    const half = w === 32 ? 2147483648 : 1 << (w - 1);
    return u > half ? u - half * 2 : u;
  }
  const hi = readU(W, p, w - 32);
  const lo = readU(W, p + w - 32, 32);
  const u = hi * TWO32 + lo;
  const half = 2 ** (w - 1);
  return u > half ? u - half * 2 : u;
}

function readU(W: Int32Array, p: number, k: number): number {
  const wi = p >>> 5;
  const s = p & 31;
  const word = s === 0 ? W[wi]! : (W[wi]! << s) | (W[wi + 1]! >>> (32 - s));
  return word >>> (32 - k);
}
