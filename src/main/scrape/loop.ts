/**
 * The scrape loop of one target, after Prometheus's scrapeLoop (scrape/scrape.go):
 *
 *  - runs at a stable per-target phase of the interval, with Prometheus's 2 ms timestamp alignment;
 *  - one Appender per scrape: samples, staleness markers and the five report series
 *    (up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling,
 *    scrape_series_added; with extra_scrape_metrics also scrape_timeout_seconds,
 *    scrape_sample_limit, scrape_body_size_bytes) are committed together; a failed append is
 *    rolled back and replaced by staleness markers on a fresh appender;
 *  - honor_labels (else conflicting exposed labels become exported_<name>), honor_timestamps,
 *    metric_relabel_configs, sample/label limits with Prometheus's errors;
 *  - staleness: series missing from a successful scrape, every series of a failed or empty scrape,
 *    and (two intervals after the loop stops) every series of a removed target get a stale marker;
 *    series with explicit timestamps do not, unless track_timestamps_staleness;
 *  - duplicate series within a scrape keep the first sample and are reported (a repeated series
 *    text is caught here; other spellings of one series by the storage's duplicate check).
 * Long parses yield to the event loop so other targets keep scraping on time.
 */
import type { Label, Labels } from '../../common/model/labels';
import { EMPTY_LABELS, labelsToString, MetricName } from '../../common/model/labels';
import { isStaleNaN, StaleNaN } from '../../common/model/value';
import { createParser, Entry } from '../../common/textparse/index';
import type { Parser } from '../../common/textparse/index';
import type { Logger } from '../util/log';
import { isValidLabelName, LabelBuilder } from '../relabel/index';
import type { NameValidationScheme, Relabeler } from '../relabel/index';
import { StorageError } from '../storage/interface';
import type { Appendable, Appender, Exemplar, ExemplarAppender, SeriesRef } from '../storage/interface';
import { ScrapeCache } from './cache';
import type { CacheEntry } from './cache';
import type { ScrapeResult } from './scraper';
import { ScrapeError } from './scraper';
import type { Target } from './target';

/** Scraper is what a loop scrapes through (TargetScraper, or a test double). */
export interface Scraper {
  scrape(parent: AbortSignal): Promise<ScrapeResult>;
}

/** ScrapeLoopOptions configure a ScrapeLoop. */
export interface ScrapeLoopOptions {
  target: Target;
  scraper: Scraper;
  appendable: Appendable;
  /** cache to reuse (after a config reload that does not change series); a new one otherwise. */
  cache?: ScrapeCache;
  interval: number;
  timeout: number;
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  honorLabels: boolean;
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  metricRelabeler: Relabeler;
  validationScheme: NameValidationScheme;
  /** fallbackMediaType is the media type of fallback_scrape_protocol ('' for none). */
  fallbackMediaType: string;
  reportExtraMetrics: boolean;
  logger: Logger;
  /** now returns the wall-clock time in ms used for sample timestamps (default Date.now). */
  now?: () => number;
  offsetSeed?: number;
  /** skipOffsetting starts scraping immediately (tests). */
  skipOffsetting?: boolean;
  /** exemplars receives the exemplars of committed scrapes (absent: exemplars are not stored). */
  exemplars?: ExemplarAppender;
  /** totals, when given, also receives every counter increment (the manager's monotonic totals). */
  totals?: ScrapeTotals;
  /** onScrapeFailure receives the error of every failed scrape (scrape_failure_log_file). */
  onScrapeFailure?: (err: Error) => void;
}

/**
 * ScrapeCounter names the scrape counters (Prometheus's prometheus_target_scrapes_* metrics):
 * samples dropped as duplicate, out of order or out of bounds, sample-limit hits, exemplars
 * dropped as out of order, and scrapes.
 */
export type ScrapeCounter = 'duplicates' | 'outOfOrder' | 'outOfBounds' | 'sampleLimitHits' | 'exemplarsOutOfOrder' | 'scrapes';

/** ScrapeTotals are the scrape counters (a loop's own, or the manager's sums over every loop that ran). */
export type ScrapeTotals = Record<ScrapeCounter, number>;

/** newScrapeTotals returns zeroed totals. */
export function newScrapeTotals(): ScrapeTotals {
  return { duplicates: 0, outOfOrder: 0, outOfBounds: 0, sampleLimitHits: 0, exemplarsOutOfOrder: 0, scrapes: 0 };
}

/** AppendResult are the counts of one append pass and its error. */
export interface AppendResult {
  total: number;
  added: number;
  seriesAdded: number;
  err: Error | null;
}

/** ScrapeStats are a loop's counters (dropped samples and exemplars, scrapes) and its last warnings. */
export interface ScrapeStats extends ScrapeTotals {
  /** lastWarnings are the warnings of the last scrape (duplicates, out-of-order, ...). */
  lastWarnings: string[];
}

/** ERR_SAMPLE_LIMIT is Prometheus's message for sample_limit. */
export const ERR_SAMPLE_LIMIT = 'sample limit exceeded';
const ERR_NAME_MANDATORY = 'missing metric name (__name__ label)';
const MAX_AHEAD_MS = 10 * 60_000;
const YIELD_EVERY = 4096;
const YIELD_AFTER_MS = 15;

/** REPORT_METRICS are the synthetic series of every scrape, in Prometheus's order. */
export const REPORT_METRICS = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'] as const;
/** EXTRA_REPORT_METRICS are added with extra_scrape_metrics. */
export const EXTRA_REPORT_METRICS = ['scrape_timeout_seconds', 'scrape_sample_limit', 'scrape_body_size_bytes'] as const;

// Entry kinds as module constants: tsx/vitest turn imported enums into getter calls in hot loops.
const E_EOF = Entry.EOF;
const E_TYPE = Entry.Type;
const E_HELP = Entry.Help;
const E_UNIT = Entry.Unit;
const E_COMMENT = Entry.Comment;
const isStaleNaN_ = isStaleNaN;
const METRIC_NAME = MetricName;

function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** ScrapeLoop scrapes one target on its interval. */
export class ScrapeLoop {
  readonly target: Target;
  readonly cache: ScrapeCache;
  readonly stats: ScrapeStats = { ...newScrapeTotals(), lastWarnings: [] };
  private readonly o: ScrapeLoopOptions;
  private readonly now: () => number;
  private stopped = false;
  private parentStopped = false;
  private disabledEndOfRunStaleness = false;
  private forcedErr: Error | null = null;
  private readonly parentAbort = new AbortController();
  private wake: (() => void) | null = null;
  private parentWake: (() => void) | null = null;
  private mainDone: Promise<void> = Promise.resolve();
  private resolveMain: () => void = () => {};
  private runPromise: Promise<void> | null = null;
  /** lastScrapeTime is the timestamp of this loop's last scrape (0 before the first). */
  lastScrapeTime = 0;
  /** inheritedLast is the last scrape of the loop this one replaced (config reload with a kept cache). */
  private inheritedLast = 0;

  constructor(o: ScrapeLoopOptions) {
    this.o = o;
    this.target = o.target;
    this.cache = o.cache ?? new ScrapeCache();
    this.now = o.now ?? Date.now;
  }

  /** interval and timeout of this loop in ms. */
  get interval(): number {
    return this.o.interval;
  }

  get timeout(): number {
    return this.o.timeout;
  }

  /** setForcedError makes every scrape fail with err (target_limit), or clears it. */
  setForcedError(err: Error | null): void {
    this.forcedErr = err;
  }

  /** disableEndOfRunStalenessMarkers keeps a stopping loop from marking its series stale (its cache moves to a new loop). */
  disableEndOfRunStalenessMarkers(): void {
    this.disabledEndOfRunStaleness = true;
    if (this.parentWake) this.parentWake();
  }

  /**
   * inherit makes this loop responsible for the staleness of the series of the loop it replaces
   * (whose cache it took over), should it be stopped before scraping itself.
   */
  inherit(lastScrape: number): void {
    this.inheritedLast = lastScrape;
  }

  /**
   * staleOnly is for a loop stopped before it ever ran: it only writes the end-of-run stale markers
   * for the series it inherited.
   */
  staleOnly(): void {
    if (this.runPromise !== null) return;
    this.stopped = true;
    this.runPromise = this.disabledEndOfRunStaleness || this.parentStopped ? Promise.resolve() : this.endOfRunStaleness(this.inheritedLast).catch(() => {});
  }

  /** start runs the loop in the background. */
  start(): void {
    if (this.runPromise !== null) return;
    this.mainDone = new Promise((r) => (this.resolveMain = r));
    this.runPromise = this.run().catch((e) => this.o.logger('error', 'scrape loop crashed', { target: this.target.url(), err: String(e) }));
  }

  /**
   * stop ends the loop after its current scrape; resolves when it no longer scrapes. Two intervals
   * later it writes stale markers for the target's series unless disabled or shut down.
   */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.wake) this.wake();
    return this.mainDone;
  }

  /** shutdown stops at once (aborting an in-flight scrape) without writing stale markers. */
  async shutdown(): Promise<void> {
    this.parentStopped = true;
    this.stopped = true;
    this.parentAbort.abort();
    if (this.wake) this.wake();
    if (this.parentWake) this.parentWake();
    await this.mainDone;
    if (this.runPromise) await this.runPromise;
  }

  /** finished resolves when the loop, including end-of-run staleness, is over. */
  finished(): Promise<void> {
    return this.runPromise ?? Promise.resolve();
  }

  private sleep(ms: number, parentOnly: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        if (parentOnly) this.parentWake = null;
        else this.wake = null;
        resolve(false);
      }, Math.max(0, ms));
      const cancel = (): void => {
        clearTimeout(t);
        resolve(true);
      };
      if (parentOnly) this.parentWake = cancel;
      else this.wake = cancel;
    });
  }

  private async run(): Promise<void> {
    const interval = this.o.interval;
    let last = this.inheritedLast;
    try {
      let stoppedEarly = this.stopped;
      if (!this.o.skipOffsetting && !stoppedEarly) {
        stoppedEarly = await this.sleep(this.target.offset(interval, this.o.offsetSeed ?? 0, Date.now()), false);
      }
      let aligned = this.now();
      let nextTick = Date.now() + interval;
      // Align timestamps within min(1% of the interval, 2 ms) of the schedule, for compression.
      const tolerance = Math.min(interval / 100, 2);
      while (!stoppedEarly && !this.stopped) {
        let scrapeTime = this.now();
        while (scrapeTime - aligned >= interval) aligned += interval;
        if (scrapeTime - aligned <= tolerance) scrapeTime = aligned;
        last = await this.scrapeAndReport(scrapeTime);
        this.lastScrapeTime = last;
        if (this.stopped) break;
        const nowWall = Date.now();
        if (nextTick <= nowWall) {
          // Missed ticks are dropped, as with a Go ticker; the next scrape keeps the phase.
          while (nextTick <= nowWall) nextTick += interval;
        }
        if (await this.sleep(nextTick - nowWall, false)) break;
        nextTick += interval;
      }
      this.resolveMain();
      if (!this.parentStopped && !this.disabledEndOfRunStaleness) await this.endOfRunStaleness(last);
    } finally {
      this.resolveMain();
    }
  }

  /**
   * endOfRunStaleness waits until two more scrapes would have happened (plus 10%), then marks the
   * target's series stale; skipped on shutdown or when the target's cache moved to a new loop.
   */
  private async endOfRunStaleness(last: number): Promise<void> {
    if (last === 0) return;
    const interval = this.o.interval;
    if (await this.sleep(interval, true)) return;
    const staleTime = this.now();
    if (await this.sleep(interval, true)) return;
    if (await this.sleep(interval / 10, true)) return;
    if (this.disabledEndOfRunStaleness || this.parentStopped) return;
    let app = this.o.appendable.appender();
    try {
      const r = await this.append(app, null, '', staleTime);
      if (r.err !== null) {
        app.rollback();
        app = this.o.appendable.appender();
        this.o.logger('warn', 'Stale append failed', { target: this.target.url(), err: r.err.message });
      }
      this.reportStale(app, staleTime);
      app.commit();
    } catch (e) {
      safeRollback(app);
      this.o.logger('warn', 'Stale commit failed', { target: this.target.url(), err: String(e) });
    }
  }

  /**
   * scrapeAndReport performs one scrape at appendTime (ms): fetch, append, report, commit.
   * Returns the start time. Exposed for tests and the end-to-end benchmark.
   */
  async scrapeAndReport(appendTime: number): Promise<number> {
    this.pendingExemplars.length = 0;
    const start = this.now();
    const t0 = performance.now();
    let total = 0;
    let added = 0;
    let seriesAdded = 0;
    let bytesRead = 0;
    let scrapeErr: Error | null = null;
    let app = this.o.appendable.appender();
    const fresh = (): void => {
      safeRollback(app);
      app = this.o.appendable.appender();
      this.pendingExemplars.length = 0;
    };
    this.count('scrapes', 1);
    this.stats.lastWarnings = [];
    try {
      if (this.forcedErr !== null) {
        scrapeErr = this.forcedErr;
        const r = await this.append(app, null, '', appendTime);
        if (r.err !== null) {
          fresh();
          this.o.logger('warn', 'Append failed', { target: this.target.url(), err: r.err.message });
        }
      } else {
        let body: Uint8Array | null = null;
        let contentType = '';
        try {
          const res = await this.o.scraper.scrape(this.parentAbort.signal);
          body = res.body;
          contentType = res.contentType;
          bytesRead = body.length;
        } catch (e) {
          scrapeErr = e instanceof Error ? e : new Error(String(e));
          if (e instanceof ScrapeError && e.bodyLimit) bytesRead = -1;
          this.o.logger('debug', 'Scrape failed', { target: this.target.url(), err: scrapeErr.message });
        }
        if (this.parentStopped) {
          safeRollback(app);
          return start;
        }
        // A failed scrape is an empty scrape: append still runs to write staleness markers.
        const r = await this.append(app, body, contentType, appendTime);
        total = r.total;
        added = r.added;
        seriesAdded = r.seriesAdded;
        if (r.err !== null) {
          fresh();
          this.o.logger('debug', 'Append failed', { target: this.target.url(), err: r.err.message });
          // The append failed (parse error, limit): mark the previous series stale instead.
          const r2 = await this.append(app, null, '', appendTime);
          if (r2.err !== null) {
            fresh();
            this.o.logger('warn', 'Append failed', { target: this.target.url(), err: r2.err.message });
          }
        }
        if (scrapeErr === null) scrapeErr = r.err;
      }
      this.report(app, appendTime, (performance.now() - t0) / 1000, total, added, seriesAdded, bytesRead, scrapeErr);
      if (scrapeErr !== null) this.o.onScrapeFailure?.(scrapeErr);
      app.commit();
      this.flushExemplars();
    } catch (e) {
      this.pendingExemplars.length = 0;
      safeRollback(app);
      this.o.logger('error', 'Scrape commit failed', { target: this.target.url(), err: String(e) });
    }
    return start;
  }

  /**
   * append parses body and appends its samples, then writes stale markers for series that
   * disappeared. A null or empty body is an empty scrape (every previous series goes stale).
   * On error the appender must be rolled back by the caller; counts are still reported.
   */
  async append(app: Appender, body: Uint8Array | null, contentType: string, ts: number): Promise<AppendResult> {
    const cache = this.cache;
    const res: AppendResult = { total: 0, added: 0, seriesAdded: 0, err: null };
    if (body === null || body.length === 0) {
      try {
        this.updateStaleMarkers(app, ts);
      } catch (e) {
        res.err = e as Error;
      }
      cache.iterDone(false);
      return res;
    }
    let p: Parser;
    try {
      p = createParser(body, contentType, {
        fallbackMediaType: this.o.fallbackMediaType,
        onWarning: (m) => this.o.logger('debug', 'Invalid content type on scrape, using fallback setting', { target: this.target.url(), err: m }),
      });
    } catch (e) {
      this.o.logger('error', 'Failed to determine correct type of scrape target', { target: this.target.url(), content_type: contentType, err: (e as Error).message });
      res.err = e as Error;
      return res;
    }
    const o = this.o;
    const sampleLimit = o.sampleLimit;
    const exemplarSink = o.exemplars !== undefined;
    const honorTs = o.honorTimestamps;
    const trackTs = o.trackTimestampsStaleness;
    const maxTime = this.now() + MAX_AHEAD_MS;
    let limitCount = 0;
    let sampleLimitErr: Error | null = null;
    let numDup = 0;
    let numOOO = 0;
    let numOOB = 0;
    const order = cache.order;
    let orderPos = 0;
    const newOrder: CacheEntry[] = [];
    const countOnly = o.metricRelabeler.empty && o.labelLimit === 0 && o.labelNameLengthLimit === 0 && o.labelValueLengthLimit === 0 && o.validationScheme === 'utf8';
    let err: Error | null = null;
    let sinceCheck = 0;
    let sliceStart = performance.now();
    let total = 0;
    let added = 0;
    let seriesAdded = 0;
    try {
      loop: for (;;) {
        if (++sinceCheck >= YIELD_EVERY) {
          sinceCheck = 0;
          if (performance.now() - sliceStart > YIELD_AFTER_MS) {
            await yieldToEventLoop();
            sliceStart = performance.now();
            if (this.parentStopped) {
              err = new Error('scrape loop shut down');
              break;
            }
          }
        }
        const et = p.next();
        switch (et) {
          case E_EOF:
            break loop;
          case E_TYPE:
            cache.setType(p.family(), p.type());
            continue;
          case E_HELP:
            cache.setHelp(p.family(), p.help());
            continue;
          case E_UNIT:
            cache.setUnit(p.family(), p.unit());
            continue;
          case E_COMMENT:
            continue;
        }
        total++;
        const parsedTs = honorTs ? p.timestamp() : null;
        const t = parsedTs !== null ? parsedTs : ts;
        const met = p.series();
        if (cache.getDropped(met)) continue;
        // Targets expose series in a stable order: try the entry at this position of the last
        // scrape before hashing the text for a map look-up.
        const guess = order[orderPos];
        const ce = guess !== undefined && guess.key === met ? guess : cache.get(met);
        orderPos++;
        let ref: SeriesRef = 0;
        let lset: Labels;
        let alreadyScraped = false;
        if (ce !== undefined) {
          alreadyScraped = ce.lastIter === cache.iter;
          ce.lastIter = cache.iter;
          ref = ce.ref;
          lset = EMPTY_LABELS;
        } else if (sampleLimitErr !== null && countOnly) {
          // Over the sample limit the scrape has failed: only the counts are still needed, and
          // without metric relabeling or label limits the labels cannot change them.
          if (!this.namesPresent(p)) {
            err = new Error(`invalid metric name or label names: ${labelsToString(p.labels())}`);
            break;
          }
          added++;
          continue;
        } else {
          const m = this.mutateSampleLabels(p);
          if (m === null) {
            cache.addDropped(met);
            continue;
          }
          lset = m;
          const bad = this.checkLabels(lset);
          if (bad !== null) {
            err = bad;
            break;
          }
        }
        // What happens to the sample: appended, or dropped for one of these reasons.
        let drop: 'dup' | 'ooo' | 'oob' | 'limit' | null = null;
        const v = p.value();
        if (alreadyScraped && parsedTs === null) drop = 'dup';
        if (drop === null && sampleLimit > 0 && (ref === 0 || !isStaleNaN_(v)) && ++limitCount > sampleLimit) drop = 'limit';
        if (drop === null && t > maxTime) drop = 'oob';
        if (drop === null) {
          try {
            try {
              ref = app.append(ref, lset, t, v);
            } catch (e) {
              if (ce === undefined || !(e instanceof StorageError) || e.kind !== 'unknown_ref') throw e;
              // The series was deleted under the cache (retention, the delete API): add it again.
              lset = this.mutateSampleLabels(p) ?? EMPTY_LABELS;
              ref = app.append(0, lset, t, v);
              ce.ref = ref;
            }
          } catch (e) {
            if (e instanceof StorageError && e.kind === 'out_of_order') drop = 'ooo';
            else if (e instanceof StorageError && e.kind === 'duplicate') drop = 'dup';
            else if (e instanceof StorageError && (e.kind === 'out_of_bounds' || e.kind === 'too_old')) drop = 'oob';
            else {
              err = e as Error;
              break;
            }
          }
        }
        if (drop === null && exemplarSink) {
          const ex = p.exemplar();
          // A cached series' labels are not kept: relabel again (exemplars are rare).
          if (ex !== null) this.pendingExemplars.push({ lset: lset.length > 0 ? lset : (this.mutateSampleLabels(p) ?? EMPTY_LABELS), ex: { labels: ex.labels, value: ex.value, ts: ex.timestamp ?? t } });
        }
        if (ce !== undefined) newOrder.push(ce);
        if (drop === null && ce !== undefined && (parsedTs === null || trackTs)) cache.trackStaleness(ce);
        switch (drop) {
          case 'limit':
            if (sampleLimitErr === null) sampleLimitErr = new Error(ERR_SAMPLE_LIMIT);
            break;
          case 'dup':
            numDup++;
            o.logger('debug', 'Duplicate sample for timestamp', { series: met });
            break;
          case 'ooo':
            numOOO++;
            break;
          case 'oob':
            numOOB++;
            break;
        }
        if (ce === undefined && drop === null) {
          const nce = cache.addRef(met, ref);
          if (nce !== null) {
            newOrder.push(nce);
            if (parsedTs === null || trackTs) cache.trackStaleness(nce);
          }
          if (sampleLimitErr === null) seriesAdded++;
        }
        // Counted even when dropped: the number of series exposed after relabeling.
        added++;
      }
    } catch (e) {
      err = e as Error;
    }
    res.total = total;
    res.added = added;
    res.seriesAdded = seriesAdded;
    if (sampleLimitErr !== null) {
      if (err === null) err = sampleLimitErr;
      this.count('sampleLimitHits', 1);
    }
    this.noteDropped(numDup, numOOO, numOOB);
    if (err === null) {
      try {
        this.updateStaleMarkers(app, ts);
      } catch (e) {
        err = e as Error;
      }
    }
    if (err === null) {
      cache.order = newOrder;
      cache.iterDone(true);
    }
    res.err = err;
    return res;
  }

  private noteDropped(dup: number, ooo: number, oob: number): void {
    const t = this.target.url();
    if (ooo > 0) {
      this.count('outOfOrder', ooo);
      this.stats.lastWarnings.push(`Error on ingesting out-of-order samples: ${ooo} dropped`);
      this.o.logger('warn', 'Error on ingesting out-of-order samples', { target: t, num_dropped: ooo });
    }
    if (dup > 0) {
      this.count('duplicates', dup);
      this.stats.lastWarnings.push(`Error on ingesting samples with different value but same timestamp: ${dup} dropped`);
      this.o.logger('warn', 'Error on ingesting samples with different value but same timestamp', { target: t, num_dropped: dup });
    }
    if (oob > 0) {
      this.count('outOfBounds', oob);
      this.stats.lastWarnings.push(`Error on ingesting samples that are too old or are too far into the future: ${oob} dropped`);
      this.o.logger('warn', 'Error on ingesting samples that are too old or are too far into the future', { target: t, num_dropped: oob });
    }
  }

  /** count adds n to a counter of this loop and to the manager's totals. */
  private count(k: ScrapeCounter, n: number): void {
    this.stats[k] += n;
    if (this.o.totals !== undefined) this.o.totals[k] += n;
  }

  /** pendingExemplars are the exemplars of the scrape being appended, stored once it commits. */
  private readonly pendingExemplars: { lset: Labels; ex: Exemplar }[] = [];

  /** flushExemplars hands a committed scrape's exemplars to the exemplar store. */
  private flushExemplars(): void {
    const sink = this.o.exemplars;
    if (sink === undefined) return;
    let outOfOrder = 0;
    for (const { lset, ex } of this.pendingExemplars) {
      try {
        sink.add(lset, ex);
      } catch (e) {
        // Duplicates (the same exemplar exposed again) are normal; out-of-order ones are counted.
        if ((e as { kind?: string }).kind === 'out_of_order') outOfOrder++;
        else if ((e as { kind?: string }).kind !== 'duplicate') this.o.logger('debug', 'Error while adding exemplar', { target: this.target.url(), err: String(e) });
      }
    }
    this.pendingExemplars.length = 0;
    if (outOfOrder > 0) {
      this.count('exemplarsOutOfOrder', outOfOrder);
      this.o.logger('debug', 'Error on ingesting out-of-order exemplars', { target: this.target.url(), num_dropped: outOfOrder });
    }
  }

  /**
   * mutateSampleLabels attaches the target's labels to a scraped series (honor_labels, or
   * exported_ renaming of conflicts) and applies metric relabeling; null means dropped.
   */
  private mutateSampleLabels(p: Parser): Labels | null {
    const scraped = p.labels();
    // A label name exposed twice fails the scrape (checkLabels), as the TSDB rejects it in Prometheus.
    for (let i = 1; i < scraped.length; i++) if (scraped[i]!.name === scraped[i - 1]!.name) return scraped;
    const tl = this.target.publicLabels();
    if (!this.o.honorLabels && this.o.metricRelabeler.empty) {
      const merged = mergeNoConflict(scraped, tl);
      if (merged !== null) return merged;
    }
    const lb = new LabelBuilder(scraped);
    if (this.o.honorLabels) {
      for (const l of tl) if (lb.get(l.name) === '') lb.set(l.name, l.value);
    } else {
      const conflicts: Label[] = [];
      for (const l of tl) {
        const existing = getLabel(scraped, l.name);
        if (existing !== '') conflicts.push({ name: l.name, value: existing });
        lb.set(l.name, l.value);
      }
      // Shorter names first, so exported_exported_x cannot shadow exported_x.
      conflicts.sort((a, b) => a.name.length - b.name.length);
      for (const c of conflicts) {
        let name = c.name;
        do name = 'exported_' + name;
        while (lb.get(name) !== '');
        lb.set(name, c.value);
      }
    }
    if (!this.o.metricRelabeler.processBuilder(lb)) return null;
    const out = lb.labels();
    return out.length === 0 ? null : out;
  }

  /** namesPresent reports whether the current series has a metric name and no empty label name. */
  private namesPresent(p: Parser): boolean {
    if (p.metricName() === '') return false;
    for (let i = 0; i < p.labelCount(); i++) if (p.labelName(i) === '') return false;
    return true;
  }

  /** checkLabels applies the metric-name, validity, uniqueness and label-limit checks of a new series. */
  private checkLabels(lset: Labels): Error | null {
    const scheme = this.o.validationScheme;
    let name = '';
    for (let i = 0; i < lset.length; i++) {
      const l = lset[i]!;
      if (l.name === METRIC_NAME) name = l.value;
      if (i > 0 && lset[i - 1]!.name === l.name) return new Error(`label name ${JSON.stringify(l.name)} is not unique: invalid sample`);
    }
    if (name === '') return new Error(ERR_NAME_MANDATORY);
    let valid = scheme === 'legacy' ? /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name) : true;
    for (const l of lset) if (!isValidLabelName(l.name, scheme)) valid = false;
    if (!valid) return new Error(`invalid metric name or label names: ${labelsToString(lset)}`);
    const o = this.o;
    if (o.labelLimit > 0 && lset.length > o.labelLimit) {
      return new Error(`label_limit exceeded (metric: ${runes(name, 50)}, number of labels: ${lset.length}, limit: ${o.labelLimit})`);
    }
    if (o.labelNameLengthLimit > 0 || o.labelValueLengthLimit > 0) {
      for (const l of lset) {
        const nl = Buffer.byteLength(l.name, 'utf8');
        if (o.labelNameLengthLimit > 0 && nl > o.labelNameLengthLimit) {
          return new Error(`label_name_length_limit exceeded (metric: ${runes(name, 50)}, label name: ${runes(l.name, 50)}, length: ${nl}, limit: ${o.labelNameLengthLimit})`);
        }
        const vl = Buffer.byteLength(l.value, 'utf8');
        if (o.labelValueLengthLimit > 0 && vl > o.labelValueLengthLimit) {
          return new Error(`label_value_length_limit exceeded (metric: ${runes(name, 50)}, label name: ${runes(l.name, 50)}, value: ${JSON.stringify(runes(l.value, 50))}, length: ${vl}, limit: ${o.labelValueLengthLimit})`);
        }
      }
    }
    return null;
  }

  /** updateStaleMarkers appends a stale marker for each series of the previous scrape missing now. */
  private updateStaleMarkers(app: Appender, ts: number): void {
    let failure: Error | null = null;
    this.cache.forEachStale((ref) => {
      try {
        app.append(ref, EMPTY_LABELS, ts, StaleNaN);
      } catch (e) {
        // Expected when a target went away and came back with a new loop; a series deleted under
        // the cache needs no marker.
        if (e instanceof StorageError && (e.kind === 'out_of_order' || e.kind === 'duplicate' || e.kind === 'unknown_ref')) return true;
        failure = e as Error;
        return false;
      }
      return true;
    });
    if (failure !== null) throw failure;
  }

  private reportLabels(name: string): Labels {
    const out: Label[] = [{ name: MetricName, value: name }];
    for (const l of this.target.publicLabels()) if (l.name !== MetricName) out.push(l);
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  private addReportSample(app: Appender, name: string, t: number, v: number): void {
    const key = name + '\xff';
    const ce: CacheEntry | undefined = this.cache.get(key);
    let ref: SeriesRef = 0;
    if (ce !== undefined) {
      ce.lastIter = this.cache.iter;
      ref = ce.ref;
    }
    try {
      try {
        ref = app.append(ref, ce !== undefined ? EMPTY_LABELS : this.reportLabels(name), t, v);
      } catch (e) {
        if (ce === undefined || !(e instanceof StorageError) || e.kind !== 'unknown_ref') throw e;
        ref = ce.ref = app.append(0, this.reportLabels(name), t, v);
      }
    } catch (e) {
      if (e instanceof StorageError && (e.kind === 'out_of_order' || e.kind === 'duplicate')) return;
      throw e;
    }
    if (ce === undefined) this.cache.addRef(key, ref);
  }

  /** report records the scrape on the target and appends the report series. */
  private report(app: Appender, start: number, durationSec: number, scraped: number, added: number, seriesAdded: number, bytes: number, err: Error | null): void {
    this.target.report(start, durationSec, err);
    this.addReportSample(app, 'up', start, err === null ? 1 : 0);
    this.addReportSample(app, 'scrape_duration_seconds', start, durationSec);
    this.addReportSample(app, 'scrape_samples_scraped', start, scraped);
    this.addReportSample(app, 'scrape_samples_post_metric_relabeling', start, added);
    this.addReportSample(app, 'scrape_series_added', start, seriesAdded);
    if (this.o.reportExtraMetrics) {
      this.addReportSample(app, 'scrape_timeout_seconds', start, this.o.timeout / 1000);
      this.addReportSample(app, 'scrape_sample_limit', start, this.o.sampleLimit);
      this.addReportSample(app, 'scrape_body_size_bytes', start, bytes);
    }
  }

  private reportStale(app: Appender, t: number): void {
    for (const n of REPORT_METRICS) this.addReportSample(app, n, t, StaleNaN);
    if (this.o.reportExtraMetrics) for (const n of EXTRA_REPORT_METRICS) this.addReportSample(app, n, t, StaleNaN);
  }
}

function safeRollback(app: Appender): void {
  try {
    app.rollback();
  } catch {
    // Already committed or rolled back.
  }
}

function getLabel(ls: Labels, name: string): string {
  for (let i = 0; i < ls.length; i++) if (ls[i]!.name === name) return ls[i]!.value;
  return '';
}

/**
 * mergeNoConflict merges two sorted label sets when they share no name (the common case of
 * attaching target labels), dropping empty values; null when a name is shared.
 */
function mergeNoConflict(a: Labels, b: Labels): Labels | null {
  const out: Label[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    let l: Label;
    if (j >= b.length) l = a[i++]!;
    else if (i >= a.length) l = b[j++]!;
    else {
      const x = a[i]!;
      const y = b[j]!;
      if (x.name === y.name) return null;
      if (x.name < y.name) {
        l = x;
        i++;
      } else {
        l = y;
        j++;
      }
    }
    if (l.value !== '') out[k++] = l;
  }
  out.length = k;
  return out;
}

/** runes truncates s to n code points, like Go's %.Ns. */
function runes(s: string, n: number): string {
  if (s.length <= n) return s;
  return Array.from(s).slice(0, n).join('');
}
