/**
 * The per-target scrape cache, after Prometheus's scrapeCache: exposed series text -> storage ref
 * (so a series seen before costs one map look-up), series dropped by relabeling, the series of the
 * current and previous scrape for staleness, and metric metadata.
 *
 * Unlike Prometheus's cache it keeps no label sets: the storage knows a series by its ref, and the
 * rare paths that need the labels again (a series deleted under the cache, an exemplar) relabel
 * the exposed series once more. A label set of JavaScript objects costs more than the series'
 * whole head state, so this halves the memory of a scraped series.
 */
import { flatCopy } from '../../common/util/strings';
import type { MetricType } from '../../common/textparse/types';
import type { SeriesRef } from '../storage/interface';

/** CacheEntry is one series known to the cache. */
export interface CacheEntry {
  ref: SeriesRef;
  lastIter: number;
  /** key is the exposed series text the entry is cached under. */
  key: string;
  /** tracked is the staleness pass in which the series was last seen (see trackStaleness). */
  tracked: number;
}

/** MetricMetadata is the metadata of a metric family, as /api/v1/targets/metadata reports it. */
export interface MetricMetadata {
  metric: string;
  type: MetricType;
  help: string;
  unit: string;
}

interface MetaEntry {
  type: MetricType;
  help: string;
  unit: string;
  lastIter: number;
}

/** ScrapeCache tracks one target's series between scrapes. */
export class ScrapeCache {
  /** iter is the current scrape iteration. */
  iter = 0;
  private successfulCount = 0;
  readonly series = new Map<string, CacheEntry>();
  private readonly dropped = new Map<string, number>();
  // Series seen in the current and the previous append pass, for staleness. Entries carry the
  // pass number they were last seen in (tracked), so membership needs no map.
  private seriesCur: CacheEntry[] = [];
  private seriesPrev: CacheEntry[] = [];
  private pass = 1;
  /** order is the series in the order of the last successful scrape (look-ups try it first). */
  order: CacheEntry[] = [];
  private readonly metadata = new Map<string, MetaEntry>();

  /** iterDone ends a scrape: optionally flushes entries unseen in it, swaps current and previous series. */
  iterDone(flushCache: boolean): void {
    const count = this.series.size + this.dropped.size + this.metadata.size;
    if (flushCache) this.successfulCount = count;
    else if (count > this.successfulCount * 2 + 1000) {
      // Failing scrapes with varying series would grow the cache forever: force a flush.
      flushCache = true;
      this.order = [];
    }
    if (flushCache) {
      for (const [k, e] of this.series) if (e.lastIter !== this.iter) this.series.delete(k);
      for (const [k, it] of this.dropped) if (it !== this.iter) this.dropped.delete(k);
      for (const [k, m] of this.metadata) if (this.iter - m.lastIter > 10) this.metadata.delete(k);
    }
    const prev = this.seriesPrev;
    this.seriesPrev = this.seriesCur;
    this.seriesCur = prev;
    this.seriesCur.length = 0;
    this.pass++;
    this.iter++;
  }

  /** get looks up a series by its exposed text; alreadyScraped means it was seen earlier in this scrape. */
  get(met: string): CacheEntry | undefined {
    return this.series.get(met);
  }

  /** addRef caches a series (only when the storage returned a ref). */
  addRef(met: string, ref: SeriesRef): CacheEntry | null {
    if (ref === 0) return null;
    // The key is copied so the cache does not keep the whole scrape body alive.
    const key = flatCopy(met);
    const e: CacheEntry = { ref, lastIter: this.iter, key, tracked: 0 };
    this.series.set(key, e);
    return e;
  }

  /** addDropped remembers a series dropped by relabeling. */
  addDropped(met: string): void {
    this.dropped.set(flatCopy(met), this.iter);
  }

  /** getDropped reports whether a series was dropped by relabeling (and marks it seen). */
  getDropped(met: string): boolean {
    if (this.dropped.size === 0 || !this.dropped.has(met)) return false;
    this.dropped.set(met, this.iter);
    return true;
  }

  /** trackStaleness records that a series was seen in the current scrape. */
  trackStaleness(e: CacheEntry): void {
    if (e.tracked !== this.pass) {
      e.tracked = this.pass;
      this.seriesCur.push(e);
    }
  }

  /** forEachStale calls fn for series of the previous scrape missing from the current one; fn returns false to stop. */
  forEachStale(fn: (ref: SeriesRef) => boolean): void {
    for (const e of this.seriesPrev) {
      if (e.tracked !== this.pass && !fn(e.ref)) break;
    }
  }

  /** setType, setHelp and setUnit record metadata of a family. */
  setType(family: string, t: MetricType): void {
    this.meta(family).type = t;
  }

  setHelp(family: string, help: string): void {
    const e = this.meta(family);
    // Kept across scrapes: copied, as keys are, so the body is not retained.
    if (e.help !== help) e.help = flatCopy(help);
  }

  setUnit(family: string, unit: string): void {
    const e = this.meta(family);
    if (e.unit !== unit) e.unit = flatCopy(unit);
  }

  private meta(family: string): MetaEntry {
    let e = this.metadata.get(family);
    if (e === undefined) {
      e = { type: 'unknown', help: '', unit: '', lastIter: this.iter };
      this.metadata.set(flatCopy(family), e);
    }
    e.lastIter = this.iter;
    return e;
  }

  /** listMetadata returns the metadata of all families seen recently. */
  listMetadata(): MetricMetadata[] {
    return [...this.metadata].map(([metric, m]) => ({ metric, type: m.type, help: m.help, unit: m.unit }));
  }

  /** getMetadata returns a family's metadata. */
  getMetadata(metric: string): MetricMetadata | null {
    const m = this.metadata.get(metric);
    return m ? { metric, type: m.type, help: m.help, unit: m.unit } : null;
  }
}
