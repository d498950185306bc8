import { describe, expect, it } from 'vitest';
import type { ApiTsdbStatus } from '../../src/common/api/types';
import { formatCount, formatSpan, storageFigures } from '../../src/renderer/pages/status/model';

const BASE: ApiTsdbStatus = { headStats: { numSeries: 10, numLabelPairs: 3, chunkCount: 20, minTime: 1000, maxTime: 61_000 }, seriesCountByMetricName: [], labelValueCountByLabelName: [], memoryInBytesByLabelName: [], seriesCountByLabelValuePair: [] };

describe('status model', () => {
  it("uses Vigil's whole-store figures and computes bytes per sample", () => {
    const f = storageFigures({ ...BASE, storageStats: { numSeries: 12, numSamples: 1000, numChunks: 30, bytesOnDisk: 1500, minTime: 0, maxTime: 3_600_000 } });
    expect(f).toEqual({ series: 12, samples: 1000, chunks: 30, bytesOnDisk: 1500, bytesPerSample: 1.5, minTime: 0, maxTime: 3_600_000 });
  });

  it("falls back to Prometheus's head stats, with no samples or disk size to tell", () => {
    const f = storageFigures(BASE);
    expect(f).toMatchObject({ series: 10, samples: null, chunks: 20, bytesOnDisk: null, bytesPerSample: null, minTime: 1000, maxTime: 61_000 });
  });

  it('an empty store has no time range and no bytes per sample', () => {
    const f = storageFigures({ ...BASE, storageStats: { numSeries: 0, numSamples: 0, numChunks: 0, bytesOnDisk: 4096, minTime: 0, maxTime: 0 } });
    expect([f.bytesPerSample, f.minTime, f.maxTime]).toEqual([null, null, null]);
  });

  it('formats counts and spans', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(null)).toBe('–');
    expect(formatSpan(3_600_000)).toBe('1h 0m');
    expect(formatSpan(90_061_000)).toBe('1d 1h');
    expect(formatSpan(42_000)).toBe('42s');
    expect(formatSpan(125_000)).toBe('2m 5s');
  });
});
