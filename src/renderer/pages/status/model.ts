/**
 * The status page's pure logic: the storage figures from /api/v1/status/tsdb (Vigil's
 * storageStats over the whole store, falling back to Prometheus's headStats), bytes per sample,
 * and count formatting (tested in test/renderer/status-model.test.ts).
 */
import type { ApiTsdbStatus } from '../../../common/api/types';

/** StorageFigures are the numbers the Storage card shows (null: the server did not say). */
export interface StorageFigures {
  series: number;
  samples: number | null;
  chunks: number;
  bytesOnDisk: number | null;
  /** bytesPerSample is disk size over samples (null without both, or without samples). */
  bytesPerSample: number | null;
  /** minTime and maxTime are ms (null when the store is empty). */
  minTime: number | null;
  maxTime: number | null;
}

/** storageFigures reads the figures of a tsdb status answer. */
export function storageFigures(t: ApiTsdbStatus): StorageFigures {
  const s = t.storageStats;
  const series = s?.numSeries ?? t.headStats.numSeries;
  const samples = s?.numSamples ?? null;
  const bytes = s?.bytesOnDisk ?? null;
  const minT = s?.minTime ?? t.headStats.minTime;
  const maxT = s?.maxTime ?? t.headStats.maxTime;
  const empty = !Number.isFinite(minT) || !Number.isFinite(maxT) || maxT <= 0 || minT > maxT;
  return {
    series,
    samples,
    chunks: s?.numChunks ?? t.headStats.chunkCount,
    bytesOnDisk: bytes,
    bytesPerSample: samples !== null && bytes !== null && samples > 0 ? bytes / samples : null,
    minTime: empty ? null : minT,
    maxTime: empty ? null : maxT,
  };
}

/** formatCount renders an integer with thousands separators (1,234,567). */
export function formatCount(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** formatSpan renders a span of ms as "2d 3h", "1h 5m", "42s". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
