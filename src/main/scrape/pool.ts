/**
 * A scrape pool: the targets and loops of one scrape config (job), after Prometheus's scrapePool.
 * sync() turns target groups into targets (target relabeling), starts loops for new targets and
 * stops loops of vanished ones (which then mark their series stale); reload() applies a changed
 * scrape config, reusing each target's cache when the change cannot alter series.
 */
import type { ScrapeConfig, ScrapeProtocol } from '../config/types';
import type { TargetGroup } from '../discovery/targetgroup';
import { SCRAPE_PROTOCOL_HEADERS } from '../config/types';
import { Relabeler } from '../relabel/index';
import type { Logger } from '../util/log';
import { ScrapeLoop, type Scraper, type ScrapeLoopOptions } from './loop';
import type { Appendable, ExemplarAppender } from '../storage/interface';
import type { ScrapeTotals } from './loop';
import type { JsonLogFile, JsonLogFiles } from '../util/jsonlog';
import { ScrapeError, TargetScraper, type ScrapeResult } from './scraper';
import { targetsFromGroup } from './target';
import type { Target } from './target';
import { HttpTransport } from './transport';
import type { ScrapeTransport } from './transport';

/** TransportResolver picks the transport of a target; null or undefined means the pool's HTTP transport. */
export type TransportResolver = (t: { scrapePool: string; target: Target; config: ScrapeConfig }) => ScrapeTransport | null | undefined;

/** PoolDeps are what a pool needs from its manager. */
export interface PoolDeps {
  appendable: Appendable;
  logger: Logger;
  now: () => number;
  transportFor?: TransportResolver;
  offsetSeed: number;
  /** skipOffsetting starts loops without their phase offset (tests). */
  skipOffsetting?: boolean;
  /** exemplars stores scraped exemplars (absent: not stored). */
  exemplars?: ExemplarAppender;
  /** totals receives every loop's counter increments. */
  totals?: ScrapeTotals;
  /** failureLogs opens the scrape_failure_log_file files (absent: those settings are ignored). */
  failureLogs?: JsonLogFiles;
}

/** acceptHeader builds the Accept header for the protocols, as Prometheus's acceptHeader (q-weights, escaping, final *\/*). */
export function acceptHeader(protocols: readonly ScrapeProtocol[], escaping: string): string {
  const vals: string[] = [];
  let weight = Object.keys(SCRAPE_PROTOCOL_HEADERS).length + 1;
  for (const p of protocols) {
    let v = SCRAPE_PROTOCOL_HEADERS[p];
    if (p === 'PrometheusText1.0.0' || p === 'OpenMetricsText1.0.0') v += `;escaping=${escaping}`;
    vals.push(`${v};q=0.${weight}`);
    weight--;
  }
  vals.push(`*/*;q=0.${weight}`);
  return vals.join(',');
}

/** fallbackMediaType returns the media type of a fallback_scrape_protocol ('' for none). */
export function fallbackMediaType(p: ScrapeProtocol | ''): string {
  return p === '' ? '' : SCRAPE_PROTOCOL_HEADERS[p].split(';')[0]!;
}

/** reusableCache reports whether two configs produce the same series (so caches can be kept on reload). */
export function reusableCache(a: ScrapeConfig, b: ScrapeConfig): boolean {
  const zero = (c: ScrapeConfig): string => JSON.stringify({ ...c, scrapeInterval: 0, scrapeTimeout: 0, sampleLimit: 0, httpClient: null, staticConfigs: null, sdConfigs: null, unsupportedSDConfigs: null });
  return zero(a) === zero(b);
}

/** ScrapePool scrapes the targets of one job. */
export class ScrapePool {
  cfg: ScrapeConfig;
  private targetRelabeler: Relabeler;
  private metricRelabeler: Relabeler;
  private transport: HttpTransport;
  private readonly loops = new Map<string, ScrapeLoop>();
  private readonly active = new Map<string, Target>();
  private droppedTargets: Target[] = [];
  private droppedCount = 0;
  private groups: TargetGroup[] = [];
  /**
   * made remembers the targets made from each group object: discovery hands the same object for a
   * group that did not change, so a sync after one pod changed relabels that pod only, not the
   * whole cluster. Reset when the config (and so the relabeling) changes.
   */
  private made = new WeakMap<TargetGroup, ReturnType<typeof targetsFromGroup>>();
  private stopped = false;
  /** retiring are stopped loops that may still write end-of-run stale markers. */
  private readonly retiring = new Set<ScrapeLoop>();
  /** ownTransports are the per-target transports (Kubernetes targets), closed with their loop. */
  private readonly ownTransports = new Map<ScrapeLoop, ScrapeTransport>();

  constructor(
    cfg: ScrapeConfig,
    private readonly deps: PoolDeps,
  ) {
    this.cfg = cfg;
    this.made = new WeakMap();
    this.targetRelabeler = new Relabeler(cfg.relabelConfigs, cfg.metricNameValidationScheme);
    this.metricRelabeler = new Relabeler(cfg.metricRelabelConfigs, cfg.metricNameValidationScheme);
    this.transport = new HttpTransport(cfg.httpClient);
    if (cfg.scrapeNativeHistograms || cfg.convertClassicHistogramsToNHCB) {
      const setting = cfg.scrapeNativeHistograms ? 'scrape_native_histograms' : 'convert_classic_histograms_to_nhcb';
      deps.logger('warn', `${setting} is set, but native histograms are not stored yet: histograms are ingested in their classic form (_bucket, _sum, _count)`, { scrape_pool: cfg.jobName });
    }
  }

  get name(): string {
    return this.cfg.jobName;
  }

  /** failureLogger returns the scrape_failure_log_file writer for a target's loop, if configured. */
  private failureLogger(t: Target): ((err: Error) => void) | undefined {
    const file = this.cfg.scrapeFailureLogFile;
    if (file === '' || this.deps.failureLogs === undefined) return undefined;
    let log: JsonLogFile;
    try {
      log = this.deps.failureLogs.get(file);
    } catch (e) {
      this.deps.logger('error', `scrape_failure_log_file: ${(e as Error).message}`, { scrape_pool: this.cfg.jobName });
      return undefined;
    }
    const jobName = this.cfg.jobName;
    const target = t.url();
    return (err) => log.log('ERROR', 'scrape.go', err.message, { job_name: jobName, target });
  }

  private newLoop(t: Target, cache?: ScrapeLoop['cache']): ScrapeLoop {
    const c = this.cfg;
    const { interval, timeout, error } = t.intervalAndTimeout(c.scrapeInterval, c.scrapeTimeout);
    const own = this.deps.transportFor?.({ scrapePool: c.jobName, target: t, config: c }) ?? null;
    const transport = own ?? this.transport;
    const scraper = new TargetScraper({
      url: t.url(),
      transport,
      timeoutMs: timeout,
      bodySizeLimit: c.bodySizeLimit,
      acceptHeader: acceptHeader(c.scrapeProtocols.length > 0 ? c.scrapeProtocols : ['PrometheusText0.0.4'], c.metricNameEscapingScheme),
      enableCompression: c.enableCompression,
      httpClient: c.httpClient,
    });
    const loop = new ScrapeLoop({ ...this.loopOptions(t, interval, timeout), scraper, appendable: this.deps.appendable, cache, exemplars: this.deps.exemplars, totals: this.deps.totals, onScrapeFailure: this.failureLogger(t) });
    if (error !== null) loop.setForcedError(new Error(error));
    if (own !== null) this.ownTransports.set(loop, own);
    return loop;
  }

  /** sync replaces the pool's target groups. */
  sync(groups: TargetGroup[]): void {
    if (this.stopped) return;
    this.groups = groups;
    const all: Target[] = [];
    this.droppedTargets = [];
    this.droppedCount = 0;
    const keep = this.cfg.keepDroppedTargets;
    for (const tg of groups) {
      let r = this.made.get(tg);
      if (r === undefined) {
        r = targetsFromGroup(tg, this.cfg, this.targetRelabeler);
        this.made.set(tg, r);
        for (const f of r.failures) this.deps.logger('error', 'Creating target failed', { scrape_pool: this.name, err: f });
      }
      all.push(...r.active);
      for (const d of r.dropped) {
        if (keep === 0 || this.droppedTargets.length < keep) this.droppedTargets.push(d);
        this.droppedCount++;
      }
    }
    this.syncTargets(all);
  }

  private syncTargets(targets: Target[]): void {
    const seen = new Set<string>();
    const fresh: ScrapeLoop[] = [];
    for (const t of targets) {
      const key = t.key();
      if (seen.has(key)) continue; // A duplicated target.
      seen.add(key);
      if (!this.active.has(key)) {
        const l = this.newLoop(t);
        this.active.set(key, t);
        this.loops.set(key, l);
        fresh.push(l);
      }
    }
    for (const [key, l] of this.loops) {
      if (!seen.has(key)) {
        this.retire(l);
        this.loops.delete(key);
        this.active.delete(key);
      }
    }
    this.applyTargetLimit();
    for (const l of fresh) l.start();
  }

  /** retire stops a loop and keeps track of it until its end-of-run staleness is done. */
  private retire(l: ScrapeLoop): Promise<void> {
    this.retiring.add(l);
    const stopped = l.stop();
    void stopped
      .then(() => l.finished())
      .then(() => {
        this.retiring.delete(l);
        this.closeOwnTransport(l);
      });
    return stopped;
  }

  private closeOwnTransport(l: ScrapeLoop): void {
    const t = this.ownTransports.get(l);
    if (t === undefined) return;
    this.ownTransports.delete(l);
    t.close();
  }

  /** transportOf returns the transport a loop scrapes through. */
  transportOf(l: ScrapeLoop): ScrapeTransport {
    return this.ownTransports.get(l) ?? this.transport;
  }

  private applyTargetLimit(): void {
    const limit = this.cfg.targetLimit;
    const n = this.active.size;
    const err = limit > 0 && n > limit ? new Error(`target_limit exceeded (number of targets: ${n}, limit: ${limit})`) : null;
    for (const l of this.loops.values()) l.setForcedError(err);
  }

  /** reload applies a changed scrape config to this pool. */
  async reload(cfg: ScrapeConfig): Promise<void> {
    const reuse = reusableCache(this.cfg, cfg);
    this.cfg = cfg;
    this.made = new WeakMap();
    this.targetRelabeler = new Relabeler(cfg.relabelConfigs, cfg.metricNameValidationScheme);
    this.metricRelabeler = new Relabeler(cfg.metricRelabelConfigs, cfg.metricNameValidationScheme);
    const oldTransport = this.transport;
    this.transport = new HttpTransport(cfg.httpClient);
    // Restart every loop with the new config, keeping caches (and skipping end-of-run staleness)
    // when series cannot change; then re-sync so changed relabeling applies to the targets.
    const restarts: Promise<void>[] = [];
    for (const [key, old] of [...this.loops]) {
      if (reuse) old.disableEndOfRunStalenessMarkers();
      const nl = this.newLoop(old.target, reuse ? old.cache : undefined);
      this.loops.set(key, nl);
      restarts.push(
        this.retire(old).then(() => {
          if (reuse) nl.inherit(old.lastScrapeTime);
          if (this.stopped) return;
          if (this.loops.get(key) === nl) nl.start();
          // Removed by a sync while the old loop was finishing: mark its series stale.
          else {
            this.retiring.add(nl);
            nl.staleOnly();
            void nl.finished().then(() => this.retiring.delete(nl));
          }
        }),
      );
    }
    await Promise.all(restarts);
    oldTransport.close();
    this.applyTargetLimit();
    this.sync(this.groups);
  }

  /** stop shuts every loop down without staleness markers (the job was removed or Vigil stops). */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.loops.values(), ...this.retiring];
    this.loops.clear();
    this.active.clear();
    this.retiring.clear();
    await Promise.all(all.map((l) => l.shutdown()));
    for (const l of [...this.ownTransports.keys()]) this.closeOwnTransport(l);
    this.transport.close();
  }

  /** loopOptions are a loop's options that come from the scrape config (all but scraper, appendable and what they feed). */
  private loopOptions(t: Target, interval: number, timeout: number): Omit<ScrapeLoopOptions, 'scraper' | 'appendable'> {
    const c = this.cfg;
    return {
      target: t,
      interval,
      timeout,
      sampleLimit: c.sampleLimit,
      labelLimit: c.labelLimit,
      labelNameLengthLimit: c.labelNameLengthLimit,
      labelValueLengthLimit: c.labelValueLengthLimit,
      honorLabels: c.honorLabels,
      honorTimestamps: c.honorTimestamps,
      trackTimestampsStaleness: c.trackTimestampsStaleness,
      metricRelabeler: this.metricRelabeler,
      validationScheme: c.metricNameValidationScheme,
      fallbackMediaType: fallbackMediaType(c.fallbackScrapeProtocol),
      reportExtraMetrics: c.extraScrapeMetrics,
      logger: this.deps.logger,
      now: this.deps.now,
      offsetSeed: this.deps.offsetSeed,
      skipOffsetting: this.deps.skipOffsetting,
    };
  }

  /**
   * replay writes into `appendable` what scrapes of an active target at each of `times(interval)`
   * (ascending ms; interval is the target's scrape interval in ms) would have written, through the same parsing, metric relabeling, limits, staleness and
   * report series as a live scrape: `body(t)` is the exposition the target answered at t (null: it
   * did not answer, so `up` is 0 and its series go stale). Backfills history (demo mode); the live
   * loop is not touched. Returns the number of scrapes replayed.
   */
  async replay(target: Target, times: (intervalMs: number) => readonly number[], body: (t: number) => ScrapeResult | null, appendable: Appendable): Promise<number> {
    const { interval, timeout } = target.intervalAndTimeout(this.cfg.scrapeInterval, this.cfg.scrapeTimeout);
    let at = 0;
    const scraper: Scraper = {
      scrape: () => {
        const r = body(at);
        return r === null ? Promise.reject(new ScrapeError('no answer at this time')) : Promise.resolve(r);
      },
    };
    const loop = new ScrapeLoop({ ...this.loopOptions(target, interval, timeout), scraper, appendable, now: () => at, logger: () => {} });
    let n = 0;
    for (const t of times(interval)) {
      at = t;
      await loop.scrapeAndReport(t);
      n++;
      // A replay is background work: live scrapes and queries go between its scrapes.
      await new Promise((r) => setImmediate(r));
    }
    return n;
  }

  /** activeTargets returns the loops of the active targets. */
  activeLoops(): ScrapeLoop[] {
    return [...this.loops.values()];
  }

  /** dropped returns the retained dropped targets and the count of all dropped targets. */
  dropped(): { targets: Target[]; count: number } {
    return { targets: this.droppedTargets, count: this.droppedCount };
  }
}
