/**
 * The scrape manager, after Prometheus's scrape.Manager: one scrape pool per scrape config, fed
 * with target groups by discovery (static configs now, Kubernetes later) through sync(), and the
 * targets view of /api/v1/targets.
 */
import type { ApiDroppedTarget, ApiTarget } from '../../common/api/types';
import { labelsToRecord } from '../../common/model/labels';
import { formatDuration } from '../../common/model/time';
import type { ScrapeConfig, TargetGroup, VigilConfig } from '../config/types';
import type { Logger } from '../util/log';
import { nopLogger } from '../util/log';
import type { MetricMetadata } from './cache';
import type { Appendable, ExemplarAppender } from '../storage/interface';
import type { ScrapeStats, ScrapeTotals } from './loop';
import { newScrapeTotals } from './loop';
import { JsonLogFiles } from '../util/jsonlog';
import { ScrapePool } from './pool';
import type { TransportResolver } from './pool';
import { globalUrl } from './target';

/** ScrapeManagerOptions configure a ScrapeManager. */
export interface ScrapeManagerOptions {
  /** appendable receives every scrape's samples (the storage). */
  appendable: Appendable;
  logger?: Logger;
  /** now returns the time (ms) used for sample timestamps (default Date.now). */
  now?: () => number;
  /** transportFor routes a target through another transport (Kubernetes API proxy, port-forward). */
  transportFor?: TransportResolver;
  /** offsetSeed shifts every target's phase (Prometheus hashes the external labels and hostname). */
  offsetSeed?: number;
  /** skipOffsetting starts scraping immediately instead of at each target's phase (tests). */
  skipOffsetting?: boolean;
  /** exemplars stores the exemplars of committed scrapes (absent: exemplars are not stored). */
  exemplars?: ExemplarAppender;
}

/** TargetInfo is an active target as /api/v1/targets reports it (the API's own shape). */
export type TargetInfo = ApiTarget;

/** DroppedTargetInfo is a dropped target as /api/v1/targets reports it. */
export type DroppedTargetInfo = Required<ApiDroppedTarget>;

/** TargetsView is the data of /api/v1/targets. */
export interface TargetsView {
  active: TargetInfo[];
  dropped: DroppedTargetInfo[];
  droppedTargetCounts: Record<string, number>;
}

/** TargetMetadata is one entry of /api/v1/targets/metadata. */
export interface TargetMetadata extends MetricMetadata {
  target: Record<string, string>;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** withoutDiscovery renders a scrape config without its discovery sections (changes there arrive through sync). */
function withoutDiscovery(c: ScrapeConfig): string {
  return JSON.stringify({ ...c, staticConfigs: null, fileSDConfigs: null, kubernetesSDConfigs: null, unsupportedSDConfigs: null });
}

/** ScrapeManager owns the scrape pools. */
export class ScrapeManager {
  /** totals are the scrape counters of every loop that ran (Prometheus's prometheus_target_scrapes_* counters). */
  readonly totals: ScrapeTotals = newScrapeTotals();
  /** failureLogs are the open scrape_failure_log_file files, shared by the pools naming them. */
  private readonly failureLogs: JsonLogFiles;
  private readonly pools = new Map<string, ScrapePool>();
  private configs = new Map<string, ScrapeConfig>();
  private readonly targetSets = new Map<string, TargetGroup[]>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private stopped = false;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ScrapeManagerOptions) {
    this.logger = opts.logger ?? nopLogger;
    this.now = opts.now ?? Date.now;
    this.failureLogs = new JsonLogFiles((m) => this.logger('error', `scrape_failure_log_file: ${m}`));
  }

  /**
   * applyConfig installs a configuration: pools of removed jobs stop (without staleness markers, as
   * in Prometheus), pools of changed jobs reload, and target sets are re-synced.
   */
  applyConfig(cfg: VigilConfig): void {
    const next = new Map(cfg.scrapeConfigs.map((s) => [s.jobName, s]));
    const reloads: Promise<void>[] = [];
    for (const [name, pool] of [...this.pools]) {
      const sc = next.get(name);
      if (sc === undefined) {
        this.pools.delete(name);
        reloads.push(pool.stop());
      } else if (withoutDiscovery(sc) !== withoutDiscovery(pool.cfg)) {
        reloads.push(pool.reload(sc).catch((e) => this.logger('error', 'error reloading scrape pool', { scrape_pool: name, err: String(e) })));
      }
    }
    this.configs = next;
    const pending = Promise.all([this.pending, ...reloads]).then(() => undefined);
    // Files no pool names any more are closed once the pools that used them have stopped.
    const keep = new Set([...next.values()].map((c) => c.scrapeFailureLogFile).filter((f) => f !== ''));
    this.pending = pending.then(() => this.failureLogs.retain(keep));
    this.reloadPools();
  }

  /** settled resolves when pending reloads and pool stops are done (tests, shutdown). */
  settled(): Promise<void> {
    return this.pending;
  }

  /**
   * sync updates the target groups of the named scrape pools (each value replaces the pool's
   * previous groups; pools not named keep theirs).
   */
  sync(targetSets: Map<string, TargetGroup[]>): void {
    for (const [name, groups] of targetSets) this.targetSets.set(name, groups);
    this.reloadPools();
  }

  private reloadPools(): void {
    if (this.stopped) return;
    for (const [name, groups] of this.targetSets) {
      let pool = this.pools.get(name);
      if (pool === undefined) {
        const sc = this.configs.get(name);
        if (sc === undefined) {
          this.logger('error', 'error reloading target set', { err: `invalid config id: ${name}` });
          continue;
        }
        pool = new ScrapePool(sc, {
          appendable: this.opts.appendable,
          logger: this.logger,
          now: this.now,
          transportFor: this.opts.transportFor,
          offsetSeed: this.opts.offsetSeed ?? 0,
          skipOffsetting: this.opts.skipOffsetting,
          exemplars: this.opts.exemplars,
          totals: this.totals,
          failureLogs: this.failureLogs,
        });
        this.pools.set(name, pool);
      }
      pool.sync(groups);
    }
  }

  /** stop stops every pool; in-flight scrapes are aborted and no stale markers are written. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all([this.pending, ...all.map((p) => p.stop())]);
    this.failureLogs.closeAll();
  }

  /** scrapePools returns the configured scrape pool (job) names, sorted. */
  scrapePools(): string[] {
    return [...this.configs.keys()].sort();
  }

  /** targets returns the targets view (optionally of one pool), sorted by pool and URL. */
  targets(scrapePool?: string): TargetsView {
    const view: TargetsView = { active: [], dropped: [], droppedTargetCounts: {} };
    for (const name of [...this.pools.keys()].sort()) {
      if (scrapePool !== undefined && name !== scrapePool) continue;
      const pool = this.pools.get(name)!;
      for (const l of pool.activeLoops()) {
        const t = l.target;
        view.active.push({
          discoveredLabels: labelsToRecord(t.discoveredLabels),
          labels: labelsToRecord(t.publicLabels()),
          scrapePool: name,
          scrapeUrl: t.url(),
          globalUrl: globalUrl(t.url()),
          lastError: t.lastError,
          lastScrape: t.lastScrape === 0 ? ZERO_TIME : new Date(t.lastScrape).toISOString(),
          lastScrapeDuration: t.lastScrapeDuration,
          health: t.health,
          scrapeInterval: formatDuration(l.interval),
          scrapeTimeout: formatDuration(l.timeout),
        });
      }
      const d = pool.dropped();
      for (const t of d.targets) view.dropped.push({ discoveredLabels: labelsToRecord(t.discoveredLabels), scrapePool: name });
      view.droppedTargetCounts[name] = d.count;
    }
    view.active.sort((a, b) => (a.scrapePool === b.scrapePool ? (a.scrapeUrl < b.scrapeUrl ? -1 : a.scrapeUrl > b.scrapeUrl ? 1 : 0) : a.scrapePool < b.scrapePool ? -1 : 1));
    return view;
  }

  /** targetMetadata returns the metric metadata seen on targets (/api/v1/targets/metadata). */
  targetMetadata(filter: { metric?: string; scrapePool?: string } = {}): TargetMetadata[] {
    const out: TargetMetadata[] = [];
    for (const [name, pool] of this.pools) {
      if (filter.scrapePool !== undefined && filter.scrapePool !== name) continue;
      for (const l of pool.activeLoops()) {
        const target = labelsToRecord(l.target.publicLabels());
        const list = filter.metric !== undefined ? [l.cache.getMetadata(filter.metric)].filter((m): m is MetricMetadata => m !== null) : l.cache.listMetadata();
        for (const m of list) out.push({ target, ...m });
      }
    }
    return out;
  }

  /** scrapeStats returns each active target's counters of dropped samples and last warnings. */
  scrapeStats(): { scrapePool: string; scrapeUrl: string; stats: ScrapeStats }[] {
    const out: { scrapePool: string; scrapeUrl: string; stats: ScrapeStats }[] = [];
    for (const [name, pool] of this.pools) for (const l of pool.activeLoops()) out.push({ scrapePool: name, scrapeUrl: l.target.url(), stats: l.stats });
    return out;
  }
}
