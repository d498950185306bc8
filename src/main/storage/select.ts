/**
 * Selection: a querier resolves matchers on the in-memory postings, then lists, per series, the
 * chunk sources overlapping its range (block rows, head chunks and a copy of the open chunk, as
 * they were at select time) for the iterators of querier.ts.
 */
import type { Matcher } from '../../common/model/matcher';
import type { StoreCore } from './core';
import { StorageError, type LabelHints, type Querier, type SelectHints, type SeriesSet, type Warnings } from './interface';
import { SourceKind, StoredSeries, type ChunkSource } from './querier';

/** openQuerier opens a Querier over [mint, maxt] (ms, inclusive); row deletions wait until it is closed. */
export function openQuerier(core: StoreCore, mint: number, maxt: number): Querier {
  core.checkOpen();
  const id = ++core.querierSeq;
  core.queriers.set(id, Date.now());
  return new TSDBQuerier(core, id, mint, maxt);
}

/** selectSeries implements Querier.select. */
function selectSeries(core: StoreCore, mint: number, maxt: number, sortSeries: boolean, matchers: readonly Matcher[]): SeriesSet {
  core.checkOpen();
  const H = core.h;
  const A = H.arena;
  const warnings: Warnings = [];
  const refs = core.index.select(matchers);
  const blocks = core.blockList.filter((b) => b * core.range <= maxt && (b + 1) * core.range > mint);
  // Series come in the order Prometheus's TSDB gives for an unsorted select: creation order when
  // only the head is read, label order as soon as a block is involved (series in a block index are
  // sorted, and merging head and blocks sorts). The order reaches results (aggregation and error
  // messages follow it), so matching it keeps answers identical, float rounding included.
  if (sortSeries || blocks.length > 0) core.index.sortByLabels(refs);
  const out: StoredSeries[] = [];
  for (const ref of refs) {
    const s = core.series[ref];
    if (s === undefined) continue;
    const slot = s.slot;
    const sMin = H.minT[slot]!;
    const sMax = H.dataMaxT[slot]!;
    if (sMin > maxt || sMax < mint) continue;
    const sources: ChunkSource[] = [];
    for (const b of blocks) {
      const bs = b * core.range;
      const be = bs + core.range - 1;
      if (bs > sMax || be < sMin) continue;
      sources.push({ kind: SourceKind.BlockRow, minT: bs, maxT: be, key: core.blockKey(b, ref), bytes: null, limit: -1 });
    }
    for (let c = H.firstChunk[slot]!; c >= 0; c = H.cNext[c]!) {
      if (H.cMaxT[c]! < mint || H.cMinT[c]! > maxt) continue;
      sources.push({ kind: SourceKind.HeadChunk, minT: H.cMinT[c]!, maxT: H.cMaxT[c]!, key: H.cId[c]!, bytes: H.cBytes[c] ?? null, limit: -1 });
    }
    if (A.cls[slot]! >= 0 && A.maxT[slot]! >= mint && A.minT[slot]! <= maxt) {
      // the open chunk is copied: later appends and slot reuse cannot change what this querier sees
      sources.push({ kind: SourceKind.Open, minT: A.minT[slot]!, maxT: A.maxT[slot]!, key: 0, bytes: A.snapshot(slot), limit: -1 });
    }
    if (sources.length === 0) continue;
    if (!sortedByMinT(sources)) sources.sort((a, b) => a.minT - b.minT);
    out.push(new StoredSeries(core.index.labels(ref), ref, sources, mint, maxt, core, warnings));
  }
  return { series: out, warnings };
}

/** refsInRange returns the live refs matching matchers with data overlapping [mint, maxt]. */
function refsInRange(core: StoreCore, mint: number, maxt: number, matchers: readonly Matcher[]): number[] {
  const H = core.h;
  const refs = core.index.select(matchers);
  return refs.filter((r) => {
    const s = core.series[r];
    return s !== undefined && H.minT[s.slot]! <= maxt && H.dataMaxT[s.slot]! >= mint;
  });
}

/** labelValuesIn implements Querier.labelValues. */
function labelValuesIn(core: StoreCore, mint: number, maxt: number, name: string, matchers: readonly Matcher[], hints?: LabelHints): string[] {
  core.checkOpen();
  const vals = core.index.labelValues(name, refsInRange(core, mint, maxt, matchers));
  return hints?.limit !== undefined && hints.limit > 0 ? vals.slice(0, hints.limit) : vals;
}

/** labelNamesIn implements Querier.labelNames. */
function labelNamesIn(core: StoreCore, mint: number, maxt: number, matchers: readonly Matcher[], hints?: LabelHints): string[] {
  core.checkOpen();
  const names = core.index.labelNames(refsInRange(core, mint, maxt, matchers));
  return hints?.limit !== undefined && hints.limit > 0 ? names.slice(0, hints.limit) : names;
}

function sortedByMinT(src: readonly ChunkSource[]): boolean {
  for (let i = 1; i < src.length; i++) if (src[i]!.minT < src[i - 1]!.minT) return false;
  return true;
}

/** TSDBQuerier reads a fixed time range of a TSDB. */
class TSDBQuerier implements Querier {
  private closed = false;

  constructor(
    private readonly core: StoreCore,
    private readonly id: number,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  select(sortSeries: boolean, _hints: SelectHints | null, matchers: readonly Matcher[]): SeriesSet {
    this.check();
    return selectSeries(this.core, this.mint, this.maxt, sortSeries, matchers);
  }

  labelValues(name: string, matchers: readonly Matcher[], hints?: LabelHints): string[] {
    this.check();
    return labelValuesIn(this.core, this.mint, this.maxt, name, matchers, hints);
  }

  labelNames(matchers: readonly Matcher[], hints?: LabelHints): string[] {
    this.check();
    return labelNamesIn(this.core, this.mint, this.maxt, matchers, hints);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.core.queriers.delete(this.id);
  }

  private check(): void {
    if (this.closed) throw new StorageError('closed', 'querier is closed');
  }
}
