/**
 * Statistics: the head and block figures behind /api/v1/status/tsdb (StorageStats) and the
 * store's self-metrics (vigil_tsdb_*, in the Prometheus text format).
 */
import type { StoreCore } from './core';
import type { StatEntry, StorageStats } from './interface';
import { renderFamilies, type MetricFamily } from './metrics';

/** storageStats returns the figures behind /api/v1/status/tsdb (top `limit` entries per list, default 10). */
export function storageStats(core: StoreCore, limit = 10): StorageStats {
  core.checkOpen();
  let numChunks = 0;
  let numSamples = 0;
  let minTime = Infinity;
  let maxTime = -Infinity;
  for (const b of core.blocks.values()) {
    numChunks += b.numSeries;
    numSamples += b.numSamples;
    if (b.minTime < minTime) minTime = b.minTime;
    if (b.maxTime > maxTime) maxTime = b.maxTime;
  }
  const H = core.h;
  const A = H.arena;
  for (const s of core.series) {
    if (s === undefined) continue;
    const slot = s.slot;
    for (let c = H.firstChunk[slot]!; c >= 0; c = H.cNext[c]!) {
      numChunks++;
      numSamples += H.cN[c]!;
    }
    if (A.cls[slot]! >= 0) {
      numChunks++;
      numSamples += A.numSamples[slot]!;
    }
    if (H.hasHeadData(slot)) {
      if (H.minT[slot]! < minTime) minTime = H.minT[slot]!;
      if (H.dataMaxT[slot]! > maxTime) maxTime = H.dataMaxT[slot]!;
    }
  }
  const strs = core.index.syms.strs;
  const byName: StatEntry[] = [];
  const valueCount = new Map<number, number>();
  const memByName = new Map<number, number>();
  const pairs: StatEntry[] = [];
  const nameId = core.index.syms.get('__name__');
  core.index.forEachPosting((n, v, list) => {
    const live = core.index.liveCount(list);
    if (live === 0) return;
    valueCount.set(n, (valueCount.get(n) ?? 0) + 1);
    memByName.set(n, (memByName.get(n) ?? 0) + strs[v]!.length);
    if (n === nameId) byName.push({ name: strs[v]!, value: live });
    pairs.push({ name: `${strs[n]!}=${strs[v]!}`, value: live });
  });
  const top = (l: StatEntry[]): StatEntry[] => l.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1)).slice(0, limit);
  return {
    numSeries: core.index.numSeries,
    numChunks,
    numSamples,
    minTime: Number.isFinite(minTime) ? minTime : 0,
    maxTime: Number.isFinite(maxTime) ? maxTime : 0,
    bytesOnDisk: core.fileBytes(),
    seriesCountByMetricName: top(byName),
    labelValueCountByLabelName: top([...valueCount].map(([n, c]) => ({ name: strs[n]!, value: c }))),
    memoryInBytesByLabelName: top([...memByName].map(([n, c]) => ({ name: strs[n]!, value: c }))),
    seriesCountByLabelValuePair: top(pairs),
  };
}

/** selfMetrics renders the store's metrics in the Prometheus text format. */
export function selfMetrics(core: StoreCore): string {
  const c = core.counters;
  let headSeries = 0;
  let headChunks = 0;
  const H = core.h;
  for (const s of core.series) {
    if (s === undefined || !H.hasHeadData(s.slot)) continue;
    headSeries++;
    for (let ch = H.firstChunk[s.slot]!; ch >= 0; ch = H.cNext[ch]!) headChunks++;
    if (H.hasOpen(s.slot)) headChunks++;
  }
  let blockBytes = 0;
  for (const b of core.blocks.values()) blockBytes += b.bytes;
  const g = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'gauge', samples: [{ value }] });
  const k = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'counter', samples: [{ value }] });
  const fams: MetricFamily[] = [
    g('vigil_tsdb_head_series', 'Number of series with samples in the head.', headSeries),
    g('vigil_tsdb_series', 'Number of series in the index (head and blocks).', core.index.numSeries),
    g('vigil_tsdb_head_chunks', 'Number of chunks in the head (open and closed).', headChunks),
    g('vigil_tsdb_head_min_time', 'Lowest timestamp in the head (ms).', Number.isFinite(core.headMinT) ? core.headMinT : 0),
    g('vigil_tsdb_head_max_time', 'Highest in-order timestamp in the head (ms).', Number.isFinite(core.headMaxT) ? core.headMaxT : 0),
    g('vigil_tsdb_blocks_loaded', 'Number of block ranges with persisted rows.', core.blocks.size),
    g('vigil_tsdb_block_bytes', 'Bytes of persisted block rows.', blockBytes),
    g('vigil_tsdb_storage_bytes', 'Size of the database file and its WAL.', core.fileBytes()),
    g('vigil_tsdb_retention_limit_bytes', 'Size retention limit (0 = off).', core.retentionBytes),
    g('vigil_tsdb_retention_limit_seconds', 'Time retention limit (0 = off).', core.retentionMs / 1000),
    k('vigil_tsdb_head_samples_appended_total', 'Samples appended to the head in order.', c.samplesAppended),
    k('vigil_tsdb_out_of_order_samples_appended_total', 'Out-of-order samples accepted within the out-of-order window.', c.oooSamplesAppended),
    k('vigil_tsdb_out_of_order_samples_total', 'Samples rejected as out of order.', c.outOfOrderSamples),
    k('vigil_tsdb_out_of_bound_samples_total', 'Samples rejected as older than the head can accept.', c.outOfBoundSamples),
    k('vigil_tsdb_too_old_samples_total', 'Samples rejected as older than the out-of-order window.', c.tooOldSamples),
    k('vigil_tsdb_duplicate_samples_total', 'Samples rejected for a timestamp that already has a different value.', c.duplicateSamples),
    k('vigil_tsdb_commits_total', 'Committed appender batches.', c.commits),
    k('vigil_tsdb_commit_failures_total', 'Commits that failed (e.g. disk full); their samples were not stored.', c.commitFailures),
    k('vigil_tsdb_head_series_created_total', 'Series created.', c.seriesCreated),
    k('vigil_tsdb_head_series_removed_total', 'Series removed by retention or deletion.', c.seriesRemoved),
    k('vigil_tsdb_head_chunks_created_total', 'Head chunks closed.', c.chunksCut),
    k('vigil_tsdb_head_chunks_flushed_total', 'Closed head chunks written to the head_chunks table.', c.headChunksFlushed),
    k('vigil_tsdb_head_chunk_flush_failures_total', 'Failed head chunk flushes (retried).', c.flushFailures),
    k('vigil_tsdb_row_cache_hits_total', 'Chunk rows served from the in-memory row cache.', core.rows.hits),
    k('vigil_tsdb_row_cache_misses_total', 'Chunk rows read from the database file.', core.rows.misses),
    g('vigil_tsdb_row_cache_bytes', 'Bytes of chunk rows held by the row cache.', core.rows.bytes),
    k('vigil_tsdb_compactions_total', 'Completed block compactions.', c.compactions),
    k('vigil_tsdb_compactions_failed_total', 'Failed compaction steps (retried).', c.compactionFailures),
    k('vigil_tsdb_compaction_samples_total', 'Samples written by compactions.', c.compactionSamples),
    {
      name: 'vigil_tsdb_compaction_duration_seconds',
      help: 'Time spent compacting blocks, per completed compaction.',
      type: 'summary',
      samples: [
        { suffix: '_sum', value: c.compactionSeconds },
        { suffix: '_count', value: c.compactions },
      ],
    },
    k('vigil_tsdb_log_truncations_total', 'Write-ahead log truncations.', c.logTruncations),
    k('vigil_tsdb_corruptions_total', 'Damaged chunks, records or series found (each is skipped and logged).', c.corruptions),
    k('vigil_tsdb_log_corruptions_total', 'Damaged write-ahead log records dropped at startup.', c.logCorruptions),
    k('vigil_tsdb_time_retentions_total', 'Times blocks were deleted by time retention.', c.timeRetentions),
    k('vigil_tsdb_size_retentions_total', 'Times blocks were deleted by size retention.', c.sizeRetentions),
    k('vigil_tsdb_vacuumed_pages_total', 'Free pages returned to the file system.', c.vacuumedPages),
    k('vigil_tsdb_imported_samples_total', 'Samples written by backfill imports.', c.importedSamples),
    g('vigil_tsdb_data_replay_duration_seconds', 'Time the last startup spent loading the head and replaying the log.', c.replaySeconds),
    g('vigil_tsdb_replayed_samples', 'Samples replayed from the log at startup.', c.replayedSamples),
  ];
  return renderFamilies(fams);
}
