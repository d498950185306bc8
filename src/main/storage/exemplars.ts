/**
 * Exemplar storage, after Prometheus's tsdb/exemplar.go: one in-memory circular buffer of
 * exemplars shared by all series (the oldest exemplar is overwritten when it is full), with a
 * per-series chain through the buffer so a series' exemplars are read newest-last without a scan.
 * Exemplars are not persisted, as in Prometheus (where the WAL replays them; here a restart starts
 * empty). Appends follow upstream's rules: an exemplar equal to the series' newest is a duplicate,
 * one not newer than it is out of order, and the exemplar's label set is limited to 128 runes.
 */
import type { Labels } from '../../common/model/labels';
import { labelsGet, labelsKey } from '../../common/model/labels';
import type { Matcher } from '../../common/model/matcher';
import type { Exemplar, ExemplarAppender } from './interface';

/** DEFAULT_MAX_EXEMPLARS is Prometheus's storage.exemplars.max_exemplars default. */
export const DEFAULT_MAX_EXEMPLARS = 100_000;

/** EXEMPLAR_MAX_LABEL_SET_LENGTH is OpenMetrics's limit on an exemplar's label names and values, in runes. */
export const EXEMPLAR_MAX_LABEL_SET_LENGTH = 128;

/** StoredExemplar is one exemplar as stored and returned by select (the interface's Exemplar). */
export type StoredExemplar = Exemplar;

/** ExemplarQueryResult is one series with its exemplars in a time range (oldest first). */
export interface ExemplarQueryResult {
  seriesLabels: Labels;
  exemplars: StoredExemplar[];
}

/** ExemplarAppendError says why an exemplar was not stored. */
export class ExemplarAppendError extends Error {
  constructor(
    readonly kind: 'duplicate' | 'out_of_order' | 'label_length' | 'disabled',
    message: string,
  ) {
    super(message);
    this.name = 'ExemplarAppendError';
  }
}

interface Slot {
  ex: StoredExemplar;
  series: SeriesEntry;
  /** next is the buffer index of the series' next (newer) exemplar, or -1. */
  next: number;
}

interface SeriesEntry {
  labels: Labels;
  key: string;
  oldest: number;
  newest: number;
}

function matchesAll(ms: readonly Matcher[], ls: Labels): boolean {
  for (const m of ms) if (!m.matches(labelsGet(ls, m.name))) return false;
  return true;
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++; // count a surrogate pair once
  }
  return n;
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.name !== b[i]!.name || a[i]!.value !== b[i]!.value) return false;
  return true;
}

/** ExemplarStorage is the circular buffer and its per-series index; scrape loops append to it. */
export class ExemplarStorage implements ExemplarAppender {
  private slots: (Slot | null)[];
  private nextIndex = 0;
  private readonly index = new Map<string, SeriesEntry>();
  /** Counters for self-metrics (prometheus_tsdb_exemplar_*). */
  appended = 0;
  outOfOrder = 0;

  constructor(maxExemplars = DEFAULT_MAX_EXEMPLARS) {
    this.slots = new Array<Slot | null>(Math.max(0, maxExemplars)).fill(null);
  }

  /** capacity is the buffer size (0: disabled). */
  get capacity(): number {
    return this.slots.length;
  }

  /** size is the number of exemplars held. */
  get size(): number {
    return this.held;
  }

  private held = 0;

  /** seriesCount is the number of series with exemplars. */
  get seriesCount(): number {
    return this.index.size;
  }

  /**
   * add stores e for the series lset. Throws ExemplarAppendError for a duplicate, an out-of-order
   * exemplar, a label set over 128 runes, or a disabled store.
   */
  add(lset: Labels, e: StoredExemplar): void {
    if (this.slots.length === 0) throw new ExemplarAppendError('disabled', 'exemplar storage is disabled');
    let runes = 0;
    for (const l of e.labels) runes += runeCount(l.name) + runeCount(l.value);
    if (runes > EXEMPLAR_MAX_LABEL_SET_LENGTH) {
      throw new ExemplarAppendError('label_length', `exemplar label set is longer than ${EXEMPLAR_MAX_LABEL_SET_LENGTH} characters`);
    }
    const key = labelsKey(lset);
    let s = this.index.get(key);
    if (s !== undefined) {
      const newest = this.slots[s.newest]!.ex;
      if (newest.ts === e.ts && newest.value === e.value && sameLabels(newest.labels, e.labels)) {
        throw new ExemplarAppendError('duplicate', 'duplicate exemplar');
      }
      if (e.ts <= newest.ts) {
        this.outOfOrder++;
        throw new ExemplarAppendError('out_of_order', 'out of order exemplar');
      }
    }
    const i = this.nextIndex;
    const old = this.slots[i];
    if (old !== null && old !== undefined) {
      // Evict the oldest exemplar of the whole buffer: it is its series' oldest too.
      const os = old.series;
      if (old.next === -1) this.index.delete(os.key);
      else os.oldest = old.next;
      this.held--;
    }
    if (s === undefined || !this.index.has(key)) {
      s = { labels: lset, key, oldest: i, newest: i };
      this.index.set(key, s);
    } else {
      this.slots[s.newest]!.next = i;
      s.newest = i;
    }
    this.slots[i] = { ex: e, series: s, next: -1 };
    this.nextIndex = (i + 1) % this.slots.length;
    this.appended++;
    this.held++;
  }

  /**
   * select returns, for each series matching any of the matcher sets, its exemplars with
   * timestamps in [mint, maxt], oldest first; series sorted by labels.
   */
  select(mint: number, maxt: number, matcherSets: readonly (readonly Matcher[])[]): ExemplarQueryResult[] {
    const found: { key: string; r: ExemplarQueryResult }[] = [];
    for (const s of this.index.values()) {
      if (!matcherSets.some((ms) => matchesAll(ms, s.labels))) continue;
      const exemplars: StoredExemplar[] = [];
      for (let i = s.oldest; i !== -1; ) {
        const slot = this.slots[i]!;
        if (slot.ex.ts > maxt) break;
        if (slot.ex.ts >= mint) exemplars.push(slot.ex);
        i = slot.next;
      }
      if (exemplars.length > 0) found.push({ key: s.key, r: { seriesLabels: s.labels, exemplars } });
    }
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return found.map((f) => f.r);
  }

  /** resize changes the capacity, keeping the newest exemplars that fit. */
  resize(maxExemplars: number): void {
    const n = Math.max(0, maxExemplars);
    if (n === this.slots.length) return;
    const kept: { lset: Labels; ex: StoredExemplar }[] = [];
    const len = this.slots.length;
    for (let k = 0; k < len; k++) {
      const slot = this.slots[(this.nextIndex + k) % len];
      if (slot) kept.push({ lset: slot.series.labels, ex: slot.ex });
    }
    this.slots = new Array<Slot | null>(n).fill(null);
    this.index.clear();
    this.nextIndex = 0;
    this.held = 0;
    if (n === 0) return;
    for (const k of kept.slice(Math.max(0, kept.length - n))) this.add(k.lset, k.ex);
    this.appended -= Math.min(kept.length, n);
  }
}

/** exemplarSelfMetrics renders the exemplar store's metrics with Prometheus's names. */
export function exemplarSelfMetrics(ex: ExemplarStorage): string {
  return [
    '# HELP prometheus_tsdb_exemplar_exemplars_appended_total Total number of appended exemplars.',
    '# TYPE prometheus_tsdb_exemplar_exemplars_appended_total counter',
    `prometheus_tsdb_exemplar_exemplars_appended_total ${ex.appended}`,
    '# HELP prometheus_tsdb_exemplar_exemplars_in_storage Number of exemplars currently in circular storage.',
    '# TYPE prometheus_tsdb_exemplar_exemplars_in_storage gauge',
    `prometheus_tsdb_exemplar_exemplars_in_storage ${ex.size}`,
    '# HELP prometheus_tsdb_exemplar_series_with_exemplars_in_storage Number of series with exemplars currently in circular storage.',
    '# TYPE prometheus_tsdb_exemplar_series_with_exemplars_in_storage gauge',
    `prometheus_tsdb_exemplar_series_with_exemplars_in_storage ${ex.seriesCount}`,
    '# HELP prometheus_tsdb_exemplar_max_exemplars Total number of exemplars the exemplar storage can store, resizeable.',
    '# TYPE prometheus_tsdb_exemplar_max_exemplars gauge',
    `prometheus_tsdb_exemplar_max_exemplars ${ex.capacity}`,
    '# HELP prometheus_tsdb_exemplar_out_of_order_exemplars_total Total number of out of order exemplar ingestion failed attempts.',
    '# TYPE prometheus_tsdb_exemplar_out_of_order_exemplars_total counter',
    `prometheus_tsdb_exemplar_out_of_order_exemplars_total ${ex.outOfOrder}`,
    '',
  ].join('\n');
}
