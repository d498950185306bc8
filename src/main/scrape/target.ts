/**
 * Targets, after Prometheus's scrape/target.go: building a target's labels from a target group
 * and the scrape config (job, __scheme__, __metrics_path__, __scrape_interval__,
 * __scrape_timeout__, __param_*), target relabeling, dropping __meta_* labels, defaulting
 * `instance` to the address; the scrape URL; health and last-scrape state; a stable hash that
 * spreads scrape loops over the interval.
 */
import * as os from 'node:os';
import type { ApiDroppedBy } from '../../common/api/types';
import type { Label, Labels } from '../../common/model/labels';
import { labelsKey } from '../../common/model/labels';
import { formatDuration, parseDuration } from '../../common/model/time';
import type { ScrapeConfig } from '../config/types';
import type { TargetGroup, TargetOrigin } from '../discovery/targetgroup';
import { LabelBuilder, Relabeler } from '../relabel/index';

/** TargetHealth is the health of a target after its last scrape. */
export type TargetHealth = 'up' | 'down' | 'unknown';

/** ADDRESS_LABEL holds the target's host:port. */
export const ADDRESS_LABEL = '__address__';
/** SCHEME_LABEL holds the scrape scheme (http or https). */
export const SCHEME_LABEL = '__scheme__';
/** METRICS_PATH_LABEL holds the scrape path. */
export const METRICS_PATH_LABEL = '__metrics_path__';
/** SCRAPE_INTERVAL_LABEL holds the target's scrape interval (relabelable). */
export const SCRAPE_INTERVAL_LABEL = '__scrape_interval__';
/** SCRAPE_TIMEOUT_LABEL holds the target's scrape timeout (relabelable). */
export const SCRAPE_TIMEOUT_LABEL = '__scrape_timeout__';
/** CONVERT_NHCB_LABEL, ALWAYS_CLASSIC_LABEL and SCRAPE_NATIVE_LABEL carry a target's histogram settings. */
export const CONVERT_NHCB_LABEL = '__convert_classic_histograms_to_nhcb__';
export const ALWAYS_CLASSIC_LABEL = '__always_scrape_classic_histograms__';
export const SCRAPE_NATIVE_LABEL = '__scrape_native_histograms__';
/** PARAM_LABEL_PREFIX prefixes labels that become URL query parameters. */
export const PARAM_LABEL_PREFIX = '__param_';
/** META_LABEL_PREFIX prefixes discovery metadata, dropped after relabeling. */
export const META_LABEL_PREFIX = '__meta_';
/** RESERVED_LABEL_PREFIX marks labels that are not attached to samples. */
export const RESERVED_LABEL_PREFIX = '__';
/** JOB_LABEL is set to the job name. */
export const JOB_LABEL = 'job';
/** INSTANCE_LABEL defaults to the address. */
export const INSTANCE_LABEL = 'instance';
/** CLUSTER_LABEL names the Kubernetes context (cluster) a target was discovered in. */
export const CLUSTER_LABEL = 'cluster';

/** Target is one scrape target. */
export class Target {
  /** labels are the target's labels after relabeling, including internal `__` labels. */
  readonly labels: Labels;
  private readonly discovered: Labels | (() => Labels);
  private readonly params: Record<string, string[]>;
  health: TargetHealth = 'unknown';
  lastError = '';
  /** lastScrape is the scrape timestamp (ms) of the last scrape, 0 before the first. */
  lastScrape = 0;
  /** lastScrapeDuration is in seconds. */
  lastScrapeDuration = 0;
  private cachedUrl: string | null = null;
  private cachedPublic: Labels | null = null;

  /** origin is the Kubernetes context the target was discovered through (undefined otherwise). */
  readonly origin: TargetOrigin | undefined;
  /** droppedBy is, for a dropped target, the relabel rule that dropped it (null: invalid, or active). */
  droppedBy: DroppedBy | null = null;
  /** dropReason is, for a target dropped as invalid, why (no address, a bad interval, ...). */
  dropReason = '';

  /**
   * discovered is the label set before relabeling, or a function computing it: a dropped target
   * (most discovered targets of a cluster) keeps no copy of its group's labels, only the means to
   * merge them again when the discovery page asks.
   */
  constructor(labels: Labels, discovered: Labels | (() => Labels), params: Record<string, string[]>, origin?: TargetOrigin) {
    this.labels = labels;
    this.discovered = discovered;
    this.params = params;
    this.origin = origin;
  }

  /** discoveredLabels are the labels before relabeling. */
  get discoveredLabels(): Labels {
    const d = this.discovered;
    return typeof d === 'function' ? d() : d;
  }

  /** get returns a label value of the target ('' if absent). */
  get(name: string): string {
    for (const l of this.labels) if (l.name === name) return l.value;
    return '';
  }

  /** publicLabels returns the labels without the reserved `__` prefix (attached to every sample). */
  publicLabels(): Labels {
    if (this.cachedPublic === null) this.cachedPublic = this.labels.filter((l) => !l.name.startsWith(RESERVED_LABEL_PREFIX));
    return this.cachedPublic;
  }

  /** url returns the scrape URL: scheme, address, metrics path and query parameters (config params overridden by __param_*). */
  url(): string {
    if (this.cachedUrl !== null) return this.cachedUrl;
    const params = new Map<string, string[]>();
    for (const [k, v] of Object.entries(this.params)) params.set(k, [...v]);
    for (const l of this.labels) {
      if (!l.name.startsWith(PARAM_LABEL_PREFIX)) continue;
      const k = l.name.slice(PARAM_LABEL_PREFIX.length);
      const cur = params.get(k);
      if (cur && cur.length > 0) cur[0] = l.value;
      else params.set(k, [l.value]);
    }
    // Go's url.Values.Encode sorts keys.
    const q = [...params.keys()]
      .sort()
      .flatMap((k) => params.get(k)!.map((v) => `${queryEscape(k)}=${queryEscape(v)}`))
      .join('&');
    let p = this.get(METRICS_PATH_LABEL);
    if (p !== '' && !p.startsWith('/')) p = '/' + p;
    this.cachedUrl = `${this.get(SCHEME_LABEL)}://${this.get(ADDRESS_LABEL)}${encodePath(p)}${q !== '' ? '?' + q : ''}`;
    return this.cachedUrl;
  }

  /** key identifies the target within its pool (labels and URL, as Prometheus's hash). */
  key(): string {
    return labelsKey(this.labels) + '\x00' + this.url();
  }

  /** hash returns a stable 53-bit hash of the target's key. */
  hash(): number {
    return hash53(this.key());
  }

  /**
   * offset returns how long to wait (ms) before the first scrape, so that the target scrapes at a
   * fixed phase of the interval determined by its hash (and the instance-wide seed).
   */
  offset(interval: number, seed: number, nowMs: number): number {
    const base = interval - (nowMs % interval);
    const off = (this.hash() ^ seed) >>> 0;
    let next = base + (off % interval);
    if (next > interval) next -= interval;
    return next;
  }

  /** intervalAndTimeout reads __scrape_interval__ and __scrape_timeout__ (defaults on error, with the error). */
  intervalAndTimeout(defInterval: number, defTimeout: number): { interval: number; timeout: number; error: string | null } {
    const il = this.get(SCRAPE_INTERVAL_LABEL);
    const tl = this.get(SCRAPE_TIMEOUT_LABEL);
    try {
      return { interval: parseDuration(il), timeout: parseDuration(tl), error: null };
    } catch (e) {
      return { interval: defInterval, timeout: defTimeout, error: `error parsing interval or timeout label: ${(e as Error).message}` };
    }
  }

  /** report records the outcome of a scrape. */
  report(startMs: number, durationSec: number, err: Error | null): void {
    this.health = err === null ? 'up' : 'down';
    this.lastError = err === null ? '' : err.message;
    this.lastScrape = startMs;
    this.lastScrapeDuration = durationSec;
  }
}

/** hash53 is cyrb53, a fast string hash with 53 useful bits. */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function encodePath(p: string): string {
  return p.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g, (c) => encodeURIComponent(c));
}

/** PopulateResult is the outcome of building one target's labels. */
export interface PopulateResult {
  /** labels after relabeling; null when the target was dropped (or invalid). */
  labels: Labels | null;
  /** discovered are the labels before relabeling. */
  discovered: Labels;
  /** error explains an invalid target (which is then dropped). */
  error: string | null;
  /** droppedBy is the relabel rule that dropped the target (null when kept or invalid). */
  droppedBy: DroppedBy | null;
}

/**
 * DroppedBy names the relabel_configs rule that dropped a target: its index in the scrape
 * config's relabel_configs and the fields that decided; /api/v1/targets serves it as it is.
 */
export type DroppedBy = ApiDroppedBy;

/**
 * populateLabels builds a target's labels from its own and its group's labels and the scrape
 * config, applies target relabeling and checks the result (Prometheus's PopulateLabels).
 */
export function populateLabels(cfg: ScrapeConfig, relabeler: Relabeler, tLabels: Labels, tgLabels: Labels, clusterLabel?: string): PopulateResult {
  const lb = discoveredBuilder(cfg, tLabels, tgLabels);
  const discovered = lb.labels();
  const dropAt = relabeler.dropIndex(lb);
  if (dropAt >= 0) return { labels: null, discovered, error: null, droppedBy: droppedByRule(relabeler, dropAt) };
  const invalid = (error: string): PopulateResult => ({ labels: null, discovered, error, droppedBy: null });
  return populateRest(lb, discovered, invalid, clusterLabel);
}

function discoveredBuilder(cfg: ScrapeConfig, tLabels: Labels, tgLabels: Labels): LabelBuilder {
  const lb = new LabelBuilder();
  for (const l of tgLabels) lb.set(l.name, l.value);
  for (const l of tLabels) lb.set(l.name, l.value);
  const defaults: Label[] = [
    { name: JOB_LABEL, value: cfg.jobName },
    { name: SCRAPE_INTERVAL_LABEL, value: formatDuration(cfg.scrapeInterval) },
    { name: SCRAPE_TIMEOUT_LABEL, value: formatDuration(cfg.scrapeTimeout) },
    { name: METRICS_PATH_LABEL, value: cfg.metricsPath },
    { name: SCHEME_LABEL, value: cfg.scheme },
    // Prometheus 3's per-target histogram settings, relabelable like the others.
    { name: CONVERT_NHCB_LABEL, value: String(cfg.convertClassicHistogramsToNHCB) },
    { name: ALWAYS_CLASSIC_LABEL, value: String(cfg.alwaysScrapeClassicHistograms) },
    { name: SCRAPE_NATIVE_LABEL, value: String(cfg.scrapeNativeHistograms) },
  ];
  for (const d of defaults) if (lb.get(d.name) === '') lb.set(d.name, d.value);
  for (const [k, v] of Object.entries(cfg.params)) {
    const name = PARAM_LABEL_PREFIX + k;
    if (v.length > 0 && lb.get(name) === '') lb.set(name, v[0]!);
  }
  return lb;
}

/** discoveredLabels returns a target's labels before relabeling (its own over its group's, then the config's defaults). */
export function discoveredLabels(cfg: ScrapeConfig, tLabels: Labels, tgLabels: Labels): Labels {
  return discoveredBuilder(cfg, tLabels, tgLabels).labels();
}

// One DroppedBy per rule, shared by every target the rule drops (a cluster has thousands).
const droppedByCache = new WeakMap<Relabeler, Map<number, DroppedBy>>();

function droppedByRule(relabeler: Relabeler, index: number): DroppedBy {
  let m = droppedByCache.get(relabeler);
  if (m === undefined) droppedByCache.set(relabeler, (m = new Map()));
  let d = m.get(index);
  if (d === undefined) {
    const c = relabeler.rule(index)!;
    d = Object.freeze({ index, action: c.action, sourceLabels: [...(c.sourceLabels ?? [])], separator: c.separator, regex: c.regex, targetLabel: c.targetLabel });
    m.set(index, d);
  }
  return d;
}

function populateRest(lb: LabelBuilder, discovered: Labels, invalid: (error: string) => PopulateResult, clusterLabel?: string): PopulateResult {
  const addr = lb.get(ADDRESS_LABEL);
  if (addr === '') return invalid('no address');
  if (addr.includes('/')) return invalid(`${JSON.stringify(addr)} is not a valid hostname`);
  const interval = lb.get(SCRAPE_INTERVAL_LABEL);
  const timeout = lb.get(SCRAPE_TIMEOUT_LABEL);
  let iv: number;
  let to: number;
  try {
    iv = parseDuration(interval);
  } catch (e) {
    return invalid(`error parsing scrape interval: ${(e as Error).message}`);
  }
  if (iv === 0) return invalid('scrape interval cannot be 0');
  try {
    to = parseDuration(timeout);
  } catch (e) {
    return invalid(`error parsing scrape timeout: ${(e as Error).message}`);
  }
  if (to === 0) return invalid('scrape timeout cannot be 0');
  if (to > iv) return invalid(`scrape timeout cannot be greater than scrape interval (${JSON.stringify(timeout)} > ${JSON.stringify(interval)})`);
  lb.range((name) => {
    if (name.startsWith(META_LABEL_PREFIX)) lb.del(name);
  });
  if (lb.get(INSTANCE_LABEL) === '') lb.set(INSTANCE_LABEL, addr);
  // Targets found through a Kubernetes context carry its `cluster` label, after relabeling (which
  // may set its own), so discovered labels stay Prometheus's.
  if (clusterLabel && lb.get(CLUSTER_LABEL) === '') lb.set(CLUSTER_LABEL, clusterLabel);
  return { labels: lb.labels(), discovered, error: null, droppedBy: null };
}

/** GroupTargets are the targets built from one target group. */
export interface GroupTargets {
  active: Target[];
  /** dropped holds targets removed by relabeling or invalid (with their discovered labels). */
  dropped: Target[];
  failures: string[];
}

/** targetsFromGroup builds the targets of a target group (Prometheus's TargetsFromGroup). */
export function targetsFromGroup(tg: TargetGroup, cfg: ScrapeConfig, relabeler: Relabeler): GroupTargets {
  const out: GroupTargets = { active: [], dropped: [], failures: [] };
  tg.targets.forEach((tl, i) => {
    const r = populateLabels(cfg, relabeler, tl, tg.labels, tg.origin?.clusterLabel);
    if (r.error !== null) out.failures.push(`instance ${i} in group ${tg.source}: ${r.error}`);
    if (r.labels !== null) out.active.push(new Target(r.labels, r.discovered, cfg.params, tg.origin));
    else {
      const d = new Target([], () => discoveredLabels(cfg, tl, tg.labels), cfg.params, tg.origin);
      d.droppedBy = r.droppedBy;
      d.dropReason = r.error ?? '';
      out.dropped.push(d);
    }
  });
  return out;
}

let hostnameCache: string | null = null;

/** globalUrl replaces a loopback host in url with this machine's hostname, as Prometheus's globalUrl. */
export function globalUrl(url: string): string {
  try {
    const u = new URL(url);
    const h = u.hostname.replace(/^\[|\]$/g, '');
    if (h === 'localhost' || /^127\./.test(h) || h === '::1') {
      if (hostnameCache === null) hostnameCache = os.hostname();
      u.hostname = hostnameCache;
      return u.toString();
    }
  } catch {
    // Not a URL: leave as is.
  }
  return url;
}
