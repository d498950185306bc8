/**
 * The scrape manager, after Prometheus's scrape.Manager: one scrape pool per scrape config, fed
 * with target groups by discovery (src/main/discovery) through sync(), and the
 * targets view of /api/v1/targets.
 */
import type { ApiDroppedTarget, ApiTarget } from '../../common/api/types';
import { labelsToRecord, type Labels } from '../../common/model/labels';
import type { Matcher } from '../../common/model/matcher';
import { formatDuration } from '../../common/model/time';
import type { ScrapeConfig, VigilConfig } from '../config/types';
import type { TargetGroup } from '../discovery/targetgroup';
import type { Logger } from '../util/log';
import { nopLogger } from '../util/log';
import type { MetricMetadata } from './cache';
import type { Appendable, ExemplarAppender } from '../storage/interface';
import type { ScrapeStats, ScrapeTotals } from './loop';
import { newScrapeTotals } from './loop';
import { JsonLogFiles } from '../util/jsonlog';
import { ScrapePool } from './pool';
import type { TransportResolver } from './pool';
import type { ScrapeTransport } from './transport';
import type { ScrapeResult } from './scraper';
import { globalUrl, type Target, type TargetHealth } from './target';

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
export type DroppedTargetInfo = ApiDroppedTarget & { scrapePool: string };

/** TargetsView is the data of /api/v1/targets. */
export interface TargetsView {
  active: TargetInfo[];
  dropped: DroppedTargetInfo[];
  droppedTargetCounts: Record<string, number>;
}

/** TargetMetadataEntry is one entry of /api/v1/targets/metadata (metric is absent when one metric was asked for). */
export interface TargetMetadataEntry {
  target: Record<string, string>;
  metric?: string;
  type: string;
  help: string;
  unit: string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** withoutDiscovery renders a scrape config without its discovery sections (changes there arrive through sync). */
function withoutDiscovery(c: ScrapeConfig): string {
  return JSON.stringify({ ...c, staticConfigs: null, sdConfigs: null, unsupportedSDConfigs: null });
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
          ...scrapePathOf(pool.transportOf(l)),
        });
      }
      const d = pool.dropped();
      for (const t of d.targets) {
        const e: DroppedTargetInfo = { discoveredLabels: labelsToRecord(t.discoveredLabels), scrapePool: name };
        if (t.droppedBy !== null) e.droppedBy = t.droppedBy;
        else if (t.dropReason !== '') e.dropReason = t.dropReason;
        view.dropped.push(e);
      }
      view.droppedTargetCounts[name] = d.count;
    }
    view.active.sort((a, b) => (a.scrapePool === b.scrapePool ? (a.scrapeUrl < b.scrapeUrl ? -1 : a.scrapeUrl > b.scrapeUrl ? 1 : 0) : a.scrapePool < b.scrapePool ? -1 : 1));
    return view;
  }

  /** healthCounts counts the active targets of each pool by health (cheap: no targets view is built). */
  healthCounts(): Map<string, Record<TargetHealth, number>> {
    const out = new Map<string, Record<TargetHealth, number>>();
    for (const [name, pool] of this.pools) {
      const c: Record<TargetHealth, number> = { up: 0, down: 0, unknown: 0 };
      for (const l of pool.activeLoops()) c[l.target.health]++;
      out.set(name, c);
    }
    return out;
  }

  /**
   * findActive returns the first active target (in pool order) that pred accepts, with its pool;
   * a cheap question for other subsystems ("is the cluster's own kube-state-metrics scraped?").
   */
  findActive(pred: (t: Target, pool: string) => boolean): { pool: string; target: Target } | null {
    for (const [name, pool] of this.pools) {
      for (const l of pool.activeLoops()) if (pred(l.target, name)) return { pool: name, target: l.target };
    }
    return null;
  }

  /** activeTargets lists every active target with its pool (in pool order). */
  activeTargets(): { pool: string; target: Target }[] {
    const out: { pool: string; target: Target }[] = [];
    for (const [name, pool] of this.pools) for (const l of pool.activeLoops()) out.push({ pool: name, target: l.target });
    return out;
  }

  /** replay is ScrapePool.replay of a pool's target (0 when the pool is gone). */
  replay(pool: string, target: Target, times: (intervalMs: number) => readonly number[], body: (t: number) => ScrapeResult | null, appendable: Appendable): Promise<number> {
    const p = this.pools.get(pool);
    return p ? p.replay(target, times, body, appendable) : Promise.resolve(0);
  }

  /**
   * targetMetadata answers /api/v1/targets/metadata as Prometheus does: the metadata of active
   * targets whose labels match matchTarget (all when absent), of one metric or all; limit bounds
   * the entries (checked before each target, so one target's list is never cut), 0 for none.
   */
  targetMetadata(filter: { metric?: string; matchTarget?: readonly Matcher[]; limit?: number } = {}): TargetMetadataEntry[] {
    const out: TargetMetadataEntry[] = [];
    const limit = filter.limit ?? 0;
    for (const name of [...this.pools.keys()].sort()) {
      for (const l of this.pools.get(name)!.activeLoops()) {
        if (limit > 0 && out.length >= limit) return out;
        const labels = l.target.publicLabels();
        if (filter.matchTarget && !filter.matchTarget.every((m) => m.matches(getLabel(labels, m.name)))) continue;
        const target = labelsToRecord(labels);
        if (filter.metric === undefined) {
          for (const m of l.cache.listMetadata()) out.push({ target, metric: m.metric, type: m.type, help: m.help, unit: m.unit });
          continue;
        }
        const m = l.cache.getMetadata(filter.metric);
        if (m !== null) out.push({ target, type: m.type, help: m.help, unit: m.unit });
      }
    }
    return out;
  }

  /** metadataEntries returns the metadata of every active target, of one metric or all (/api/v1/metadata). */
  metadataEntries(metric?: string): MetricMetadata[] {
    const out: MetricMetadata[] = [];
    for (const pool of this.pools.values()) {
      for (const l of pool.activeLoops()) {
        if (metric === undefined) out.push(...l.cache.listMetadata());
        else {
          const m = l.cache.getMetadata(metric);
          if (m !== null) out.push(m);
        }
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

function getLabel(ls: Labels, name: string): string {
  for (const l of ls) if (l.name === name) return l.value;
  return '';
}

/** scrapePathOf reports how a target is reached (Vigil's extension of /api/v1/targets). */
function scrapePathOf(t: ScrapeTransport): { scrapePath: string; scrapePathReason: string } {
  const d = t.describe?.();
  return d ? { scrapePath: d.path, scrapePathReason: d.reason } : { scrapePath: 'direct', scrapePathReason: '' };
}
