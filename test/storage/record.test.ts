import { describe, expect, it } from 'vitest';
import { StaleNaN } from '../../src/common/model/value';
import { RecordError, decodeSamples, decodeTombstones, encodeSamples, encodeTombstones, verifyRecord, RecSamples, RecTombstones } from '../../src/main/storage/record';
import { Rng, bits } from './helpers';

describe('log records', () => {
  it('round-trips samples bit-exactly: integers, floats, NaN payloads, -0, shared and distinct timestamps', () => {
    const rng = new Rng(3);
    for (const shared of [true, false]) {
      const n = 1000;
      const refs = new Int32Array(n);
      const ts = new Float64Array(n);
      const vals = new Float64Array(n);
      const v32 = new Uint32Array(vals.buffer);
      for (let i = 0; i < n; i++) {
        refs[i] = rng.next() < 0.8 ? i + 1 : 1 + rng.int(5_000_000);
        ts[i] = shared ? 1_767_225_600_000 : 1_767_225_600_000 + i * 15_000 - rng.int(100);
        const k = i % 9;
        vals[i] = k === 0 ? i : k === 1 ? -i * 4096 : k === 2 ? 2 ** 53 : k === 3 ? -(2 ** 53) : k === 4 ? rng.next() : k === 5 ? -0 : k === 6 ? Infinity : k === 7 ? 1e300 : NaN;
      }
      vals[7] = StaleNaN;
      const rec = encodeSamples(n, refs, ts, vals, v32).slice();
      expect(verifyRecord(rec)).toBe(RecSamples);
      const b = decodeSamples(rec);
      expect(b.n).toBe(n);
      expect(Array.from(b.refs)).toEqual(Array.from(refs));
      expect(b.ts.length).toBe(shared ? 1 : n);
      for (let i = 0; i < n; i++) {
        expect(bits(b.vals[i]!), `value ${i}`).toBe(bits(vals[i]!));
        expect(shared ? b.ts[0] : b.ts[i]).toBe(ts[i]);
      }
      expect(bits(b.vals[7]!)).toBe('7ff0000000000002');
    }
  });

  it('is compact for a typical scrape: sequential refs, one timestamp, mostly integer values', () => {
    const n = 1000;
    const vals = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? i * 0.01 : i * 1000));
    const rec = encodeSamples(n, Int32Array.from({ length: n }, (_, i) => 1000 + i), new Float64Array(n).fill(1_767_225_600_000), vals, new Uint32Array(vals.buffer));
    expect(rec.length / n).toBeLessThan(6); // vs 12 bytes for a raw ref and float64
  });

  it('detects any flipped byte through the checksum', () => {
    const vals = Float64Array.from([1, 2.5, 3]);
    const rec = encodeSamples(3, Int32Array.from([1, 2, 3]), Float64Array.from([10, 10, 10]), vals, new Uint32Array(vals.buffer)).slice();
    for (let i = 0; i < rec.length; i++) {
      const bad = rec.slice();
      bad[i]! ^= 0x10;
      expect(() => verifyRecord(bad), `byte ${i}`).toThrow(RecordError);
    }
    expect(() => verifyRecord(rec.subarray(0, 10))).toThrow(/too short/);
  });

  it('round-trips tombstones', () => {
    const rec = encodeTombstones([
      { ref: 7, mint: -5, maxt: 1e13 },
      { ref: 4_000_000_000, mint: 0, maxt: 0 },
    ]);
    expect(verifyRecord(rec)).toBe(RecTombstones);
    expect(decodeTombstones(rec)).toEqual([
      { ref: 7, mint: -5, maxt: 1e13 },
      { ref: 4_000_000_000, mint: 0, maxt: 0 },
    ]);
  });
});
