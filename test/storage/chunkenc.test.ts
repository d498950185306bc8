import { describe, expect, it } from 'vitest';
import { StaleNaN } from '../../src/common/model/value';
import { XorArena } from '../../src/main/storage/chunkenc/arena';
import {
  ChunkError,
  EncDD,
  EncXOR,
  SampleBuf,
  XorAppender,
  checksum32,
  chunkNumSamples,
  decodeChunkInto,
  encodeBest,
  encodeDD,
  encodeXor,
} from '../../src/main/storage/chunkenc/index';
import { Rng, bits, fromBits } from './helpers';

/**
 * toF64 copies values into a Float64Array. Note: a JavaScript array of numbers (PACKED_DOUBLE)
 * canonicalizes NaN payloads, so special values are built from bits straight into typed arrays.
 */
function toF64(vs: readonly number[] | Float64Array): Float64Array {
  return vs instanceof Float64Array ? vs : Float64Array.from(vs);
}

function roundTrip(ts: number[], vs: readonly number[] | Float64Array, enc: (t: Float64Array, v: Float64Array) => Uint8Array | null): { t: number[]; v: string[] } | null {
  const t = Float64Array.from(ts);
  const v = toF64(vs);
  const c = enc(t, v);
  if (c === null) return null;
  expect(chunkNumSamples(c)).toBe(ts.length);
  const buf = new SampleBuf(4);
  expect(decodeChunkInto(c, buf)).toBe(ts.length);
  const outV: string[] = [];
  for (let i = 0; i < buf.n; i++) outV.push(bits(buf.v[i]!));
  return { t: Array.from(buf.t.subarray(0, buf.n)), v: outV };
}

const xor = (t: Float64Array, v: Float64Array): Uint8Array => encodeXor(t, v, 0, t.length);
const dd = (t: Float64Array, v: Float64Array): Uint8Array | null => encodeDD(t, v, 0, t.length);
const best = (t: Float64Array, v: Float64Array): Uint8Array => encodeBest(t, v, 0, t.length);

/** SPECIAL holds edge values in a Float64Array (bit-exact, unlike a number[]). */
const SPECIAL = new Float64Array(15);
[NaN, 0, Infinity, -Infinity, -0, 0, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308, 2 ** 53, 0.1, -123.456, 0, 0].forEach((x, i) => (SPECIAL[i] = x));
SPECIAL[1] = StaleNaN;
SPECIAL[13] = fromBits(0x7ff80000, 1); // quiet NaN with a payload
SPECIAL[14] = fromBits(0xfff00000, 7); // signaling NaN, sign bit set

describe('XOR chunks', () => {
  it('round-trips special values bit-exactly, stale markers included', () => {
    const ts = Array.from(SPECIAL, (_, i) => 1000 + i * 15_000);
    const r = roundTrip(ts, SPECIAL, xor)!;
    expect(r.t).toEqual(ts);
    expect(r.v).toEqual(Array.from(SPECIAL, bits));
    expect(r.v[1]).toBe('7ff0000000000002');
    expect(r.v[14]).toBe('fff0000000000007');
  });

  it('round-trips irregular intervals and every timestamp bucket, including 64-bit deltas', () => {
    const deltas = [1, 15_000, 15_001, 14_999, 15_064, 14_937, 23_000, 7_000, 600_000, 1, 86_400_000, 3e9, 5e12, 1, 2, 1];
    const ts = [-1_000_000];
    for (const d of deltas) ts.push(ts[ts.length - 1]! + d);
    const vs = ts.map((_, i) => i * 1.5);
    const r = roundTrip(ts, vs, xor)!;
    expect(r.t).toEqual(ts);
    expect(r.v).toEqual(vs.map(bits));
  });

  it('handles a single sample and a constant series compactly', () => {
    expect(roundTrip([42], [7], xor)!.t).toEqual([42]);
    const ts = Array.from({ length: 120 }, (_, i) => 1_700_000_000_000 + i * 15_000);
    const c = encodeXor(Float64Array.from(ts), new Float64Array(120).fill(3), 0, 120);
    expect(c[0]).toBe(EncXOR);
    expect(c.length).toBeLessThanOrEqual(52); // 2 bits per sample after the first two
  });

  it('keeps the written prefix readable while appending (open chunk snapshots)', () => {
    const a = new XorAppender(16);
    const snaps: { buf: Uint8Array; n: number }[] = [];
    for (let i = 0; i < 300; i++) {
      a.append(i * 1000 + (i % 7), Math.sin(i));
      if (i % 37 === 0) snaps.push({ buf: a.buf, n: a.numSamples });
    }
    for (const s of snaps) {
      const b = new SampleBuf();
      decodeChunkInto(s.buf, b, s.n);
      expect(b.n).toBe(s.n);
      for (let i = 0; i < s.n; i++) {
        expect(b.t[i]).toBe(i * 1000 + (i % 7));
        expect(b.v[i]).toBe(Math.sin(i));
      }
    }
  });

  it('resumes appending from stored bytes with the same encoding as an uninterrupted appender', () => {
    const rng = new Rng(5);
    const a = new XorAppender();
    const b = new XorAppender();
    let t = 0;
    for (let i = 0; i < 200; i++) {
      t += 15_000 + rng.int(3);
      const v = rng.next() < 0.5 ? i : rng.next();
      a.append(t, v);
      if (i < 77) b.append(t, v);
      else if (i === 77) {
        const r = XorAppender.resume(b.bytes());
        r.append(t, v);
        Object.assign(b, { resumed: r });
      } else (b as unknown as { resumed: XorAppender }).resumed.append(t, v);
    }
    expect(Buffer.from((b as unknown as { resumed: XorAppender }).resumed.bytes()).equals(Buffer.from(a.bytes()))).toBe(true);
  });

  it('rejects a truncated chunk with ChunkError instead of reading garbage', () => {
    const ts = Float64Array.from({ length: 100 }, (_, i) => i * 15_000);
    const vs = Float64Array.from({ length: 100 }, () => Math.random());
    const c = encodeXor(ts, vs, 0, 100);
    expect(() => decodeChunkInto(c.subarray(0, c.length - 20), new SampleBuf())).toThrow(ChunkError);
  });
});

describe('XorArena', () => {
  it('writes exactly the bytes XorAppender writes, across slot growth and slot reuse', () => {
    const rng = new Rng(17);
    const arena = new XorArena(4);
    const ids = 40;
    const refs: XorAppender[] = [];
    const t = new Float64Array(ids);
    const tmp = new Float64Array(1);
    const u = new Uint32Array(tmp.buffer);
    for (let round = 0; round < 3; round++) {
      arena.ensureIds(ids);
      for (let id = 0; id < ids; id++) {
        refs[id] = new XorAppender(8);
        t[id] = 1e12 + rng.int(1e6);
        const n = 1 + rng.int(round === 1 ? 900 : 200);
        for (let i = 0; i < n; i++) {
          t[id]! += 1 + rng.int(i % 17 === 0 ? 1e7 : 30_000);
          tmp[0] = rng.next() < 0.3 ? i : rng.next() < 0.5 ? rng.next() * 1e9 : StaleNaN;
          if (i === 0) arena.start(id, t[id]!, u[1]!, u[0]!, 32);
          else arena.append(id, t[id]!, u[1]!, u[0]!);
          refs[id]!.appendBits(t[id]!, u[1]!, u[0]!);
        }
      }
      for (let id = 0; id < ids; id++) {
        expect(arena.numSamples[id]).toBe(refs[id]!.numSamples);
        expect(Buffer.from(arena.snapshot(id)).equals(Buffer.from(refs[id]!.bytes())), `round ${round} id ${id}`).toBe(true);
        expect(Buffer.from(arena.close(id)).equals(Buffer.from(refs[id]!.bytes()))).toBe(true);
        expect(arena.has(id)).toBe(false);
      }
    }
  });
});

describe('DD chunks', () => {
  it('encodes decimals, integers and page-sized steps and round-trips them exactly', () => {
    const cases: number[][] = [
      [0.01, 0.02, 1234.56, 1234.57, -0.5, 1e-9, 0.123456789],
      [4096, 8192, 4096 * 1000, 0, 4096 * 3],
      [1, 2, 3, 4, 5, 6, 7, 8],
      [0, 0, 0, 0, 0, 0],
      [2 ** 50, -(2 ** 50), 17, 2 ** 50 - 1],
      [1e15, 1e15 + 1, 1e15 + 3],
      [12345.678901, 12345.678902, 99999.999999],
    ];
    for (const vs of cases) {
      const ts = vs.map((_, i) => 1e12 + i * 15_000 + (i % 3));
      const r = roundTrip(ts, vs, dd);
      expect(r, JSON.stringify(vs)).not.toBeNull();
      expect(r!.t).toEqual(ts);
      expect(r!.v).toEqual(vs.map(bits));
    }
  });

  it('declines values that are not exact decimals (NaN, stale markers, infinities, -0, binary fractions)', () => {
    for (const bad of [NaN, StaleNaN, Infinity, -0, 1 / 3, 0.1 + 0.2, 2 ** 53 + 2]) {
      const vs = [1, 2, bad, 4];
      expect(encodeDD(Float64Array.from([1, 2, 3, 4]), Float64Array.from(vs), 0, 4), String(bad)).toBeNull();
    }
  });

  it('uses run-length coding for long zero runs (a constant series costs almost nothing)', () => {
    const n = 480;
    const ts = Float64Array.from({ length: n }, (_, i) => 1e12 + i * 15_000);
    const vs = new Float64Array(n).fill(42);
    const c = encodeDD(ts, vs, 0, n)!;
    expect(c[0]).toBe(EncDD);
    expect(c.length).toBeLessThan(24);
    // sparse jitter and rare counter increments stay small too
    ts[100] += 5;
    ts[300] += 9;
    for (let i = 200; i < n; i++) vs[i] = 43;
    const c2 = encodeDD(ts, vs, 0, n)!;
    expect(c2.length).toBeLessThan(40);
    const b = new SampleBuf();
    decodeChunkInto(c2, b);
    expect(Array.from(b.t.subarray(0, n))).toEqual(Array.from(ts));
    expect(Array.from(b.v.subarray(0, n))).toEqual(Array.from(vs));
  });

  it('codes late and missed scrapes on a timestamp grid with one entry each', () => {
    const n = 480;
    const ts = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n + 1; i++) {
      if (i === 200) continue; // a missed scrape
      if (k < n) ts[k++] = 1e12 + i * 15_000 + (i % 20 === 7 ? 12 : 0); // 5% of scrapes 12 ms late
    }
    const vs = new Float64Array(n).fill(1);
    const c = encodeDD(ts, vs, 0, n)!;
    expect(c.length).toBeLessThan(80); // ~17 bits per late scrape (entry + zero run), 2 bits without grid mode would double it
    const b = new SampleBuf();
    decodeChunkInto(c, b);
    expect(Array.from(b.t.subarray(0, n))).toEqual(Array.from(ts));
  });

  it('encodeBest falls back to XOR when a value is not decimal and never loses a bit', () => {
    const vs = new Float64Array(4);
    vs[0] = 1.5;
    vs[1] = StaleNaN;
    vs[2] = 2.5;
    vs[3] = NaN;
    const r = roundTrip([1, 2, 3, 4], vs, best)!;
    expect(r.v).toEqual(Array.from(vs, bits));
    expect(r.v[1]).toBe('7ff0000000000002');
  });

  it('rejects malformed DD chunks with ChunkError', () => {
    const ts = Float64Array.from({ length: 200 }, (_, i) => i * 15_000 + (i % 5));
    const vs = Float64Array.from({ length: 200 }, (_, i) => i * i * 0.25);
    const c = encodeDD(ts, vs, 0, 200)!;
    expect(() => decodeChunkInto(c.subarray(0, c.length - 10), new SampleBuf())).toThrow(ChunkError);
    const bad = c.slice();
    bad[2] = 99; // impossible scale byte
    expect(() => decodeChunkInto(bad, new SampleBuf())).toThrow(ChunkError);
  });
});

describe('codec property test', () => {
  it('round-trips random series of every shape bit-exactly (seeded, time-bounded)', () => {
    const rng = new Rng(20260101);
    const deadline = Date.now() + 3000;
    let cases = 0;
    const tmp = new Float64Array(1);
    const t32 = new Uint32Array(tmp.buffer);
    while (Date.now() < deadline || cases < 200) {
      const n = 1 + rng.int(rng.next() < 0.1 ? 3000 : 300);
      const ts = new Float64Array(n);
      const vs = new Float64Array(n);
      const v32 = new Uint32Array(vs.buffer);
      let t = Math.floor((rng.next() - 0.3) * 4e12);
      const interval = rng.pick([1, 1000, 15_000, 60_000, 3_600_000]);
      const shape = rng.int(8);
      let v = rng.next() * 1e6;
      for (let i = 0; i < n; i++) {
        t += rng.next() < 0.1 ? 1 + rng.int(interval * 3) : interval + (rng.next() < 0.2 ? rng.int(50) - 25 : 0);
        if (i > 0 && t <= ts[i - 1]!) t = ts[i - 1]! + 1;
        ts[i] = t;
        switch (shape) {
          case 0:
            break; // constant
          case 1:
            v = Math.round((v + rng.next() * 100) * 100) / 100; // 2-decimal counter
            break;
          case 2:
            v += rng.int(1e9); // integer counter
            break;
          case 3:
            v = rng.next() * 10 ** (rng.int(40) - 20); // arbitrary floats
            break;
          case 4:
            v = SPECIAL[rng.int(SPECIAL.length)]!; // special values
            break;
          case 5:
            v = rng.next() < 0.9 ? v : -v * 2; // rare changes, sign flips
            break;
          case 6:
            v = Math.round(rng.next() * 1e9) / 1e9; // ns durations
            break;
          default:
            t32[0] = (rng.next() * 4294967296) >>> 0; // random bit patterns (any NaN payload)
            t32[1] = (rng.next() * 4294967296) >>> 0;
            v = tmp[0]!;
        }
        tmp[0] = v;
        v32[2 * i] = t32[0]!;
        v32[2 * i + 1] = t32[1]!;
      }
      const encs = [encodeXor(ts, vs, 0, n), encodeBest(ts, vs, 0, n)];
      const d = encodeDD(ts, vs, 0, n);
      if (d !== null) encs.push(d);
      for (const c of encs) {
        const b = new SampleBuf(8);
        expect(decodeChunkInto(c, b)).toBe(n);
        for (let i = 0; i < n; i++) {
          if (b.t[i] !== ts[i] || b.v32[2 * i] !== v32[2 * i] || b.v32[2 * i + 1] !== v32[2 * i + 1]) {
            throw new Error(`case ${cases} shape ${shape} encoding ${c[0]} sample ${i}: got (${b.t[i]}, ${bits(b.v[i]!)}) want (${ts[i]}, ${bits(vs[i]!)})`);
          }
        }
      }
      cases++;
    }
    expect(cases).toBeGreaterThanOrEqual(200);
  });
});

describe('checksum32', () => {
  it('is MurmurHash3 x86_32 with seed 0, independent of alignment', () => {
    const enc = new TextEncoder();
    expect(checksum32(enc.encode(''))).toBe(0);
    expect(checksum32(enc.encode('hello'))).toBe(0x248bfa47);
    expect(checksum32(enc.encode('The quick brown fox jumps over the lazy dog'))).toBe(0x2e4ff723);
    const big = new Uint8Array(1001).map((_, i) => (i * 31) & 0xff);
    const view = big.subarray(1);
    expect(checksum32(view)).toBe(checksum32(view.slice()));
    const flipped = view.slice();
    flipped[500]! ^= 1;
    expect(checksum32(flipped)).not.toBe(checksum32(view));
  });
});
