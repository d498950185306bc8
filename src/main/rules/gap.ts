/**
 * Gaps Vigil caused itself, on a laptop: the machine slept (the wall clock moved on while the
 * monotonic clock did not), the clock was set, the event loop stalled (a timer fired far later than
 * due), every target of a cluster failed at once (the network went away), or the API server of a
 * cluster stopped answering Vigil (vigil_cluster_up == 0).
 *
 * While a gap lasts, and until fresh scrapes arrive for the cluster it concerns (one scrape
 * interval after it ended, and a successful scrape since), rule evaluation for that cluster is
 * held (`hold()`, given to the rule manager): its alerts neither become pending or firing anew nor
 * resolve. A global gap (sleep, clock, stall) holds every alert. `GET /api/v1/vigil/gaps` lists the
 * gaps, and `vigil_gap{cluster,reason} 1` is exposed while one holds.
 */
import { ok, type Route } from '../../common/api/route';
import type { Logger } from '../util/log';
import { REAL_CLOCK, type Clock } from './manager';
import type { HoldSet } from './rule';

/** MIN_GAP_MS is the shortest clock drift or stall counted as a gap. */
export const MIN_GAP_MS = 10_000;

/** GapReason says what caused a gap. */
export type GapReason = 'sleep' | 'clock_jump' | 'stall' | 'targets_down' | 'apiserver_unreachable';

/** Gap is one gap (ms); to is null while it lasts. cluster null: every cluster. */
export interface Gap {
  cluster: string | null;
  from: number;
  to: number | null;
  reason: GapReason;
}

/** ClusterTargets is the health of one cluster's targets, from the scrape manager. */
export interface ClusterTargets {
  cluster: string;
  targets: number;
  up: number;
  /** lastUpMs is the newest scrape time (ms) of a target whose last scrape succeeded (0: none). */
  lastUpMs: number;
}

/** GapSources are what the detector watches besides the clocks (the host injects them). */
export interface GapSources {
  /** targets is the scrape health per cluster (targets without a `cluster` label left out). */
  targets(): ClusterTargets[];
  /** apiServers says per monitored cluster whether its API server answers Vigil (vigil_cluster_up). */
  apiServers(): { cluster: string; up: boolean }[];
}

/** GapOptions configure a GapDetector. */
export interface GapOptions {
  clock?: Clock;
  sources?: GapSources;
  logger: Logger;
  /** intervalMs is the evaluation interval: a clock drift or a stall longer than twice it (at least MIN_GAP_MS) is a gap. */
  intervalMs: () => number;
  /** settleMs is the scrape interval: evaluation resumes that long after a gap ended (with a fresh scrape). */
  settleMs: () => number;
  /** tickMs is how often the clocks are compared (default 1 s). */
  tickMs?: number;
  /** maxGaps bounds the gaps kept (default 200). */
  maxGaps?: number;
}

/** GapDetector detects the gaps and tells the rule manager what they hold. */
export class GapDetector {
  private readonly clock: Clock;
  private readonly list: Gap[] = [];
  private lastWall: number;
  private lastMono: number;
  private timer: unknown = null;
  private stopped = false;
  /** per cluster: whether a target was ever seen up, and the open gap of each cluster reason. */
  private seenUp = new Set<string>();
  private healthyAt = new Map<string, number>();
  private open = new Map<string, Gap>();
  private readonly counts = new Map<GapReason, number>();

  constructor(private readonly opts: GapOptions) {
    this.clock = opts.clock ?? REAL_CLOCK;
    this.lastWall = this.clock.now();
    this.lastMono = this.mono();
  }

  private mono(): number {
    return this.clock.monotonic ? this.clock.monotonic() : performance.now();
  }

  /** start compares the clocks every tickMs. */
  start(): void {
    this.stopped = false;
    const tick = (): void => {
      if (this.stopped) return;
      this.poll();
      this.timer = this.clock.setTimeout(tick, this.opts.tickMs ?? 1000);
    };
    this.timer = this.clock.setTimeout(tick, this.opts.tickMs ?? 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private add(g: Gap): void {
    this.list.push(g);
    this.counts.set(g.reason, (this.counts.get(g.reason) ?? 0) + 1);
    const max = this.opts.maxGaps ?? 200;
    while (this.list.length > max) {
      const i = this.list.findIndex((x) => x.to !== null);
      this.list.splice(i >= 0 ? i : 0, 1);
    }
    const what = g.cluster === null ? 'every cluster' : `cluster ${g.cluster}`;
    const span = g.to !== null ? ` (${Math.round((g.to - g.from) / 1000)} s)` : '';
    this.opts.logger('warn', `gap in the data of ${what}: ${REASON_TEXT[g.reason]}${span}; alerts are held until fresh scrapes arrive`, { component: 'rules', reason: g.reason });
  }

  /** poll compares the clocks and the sources now (also called before every rule evaluation). */
  poll(): void {
    const wall = this.clock.now();
    const mono = this.mono();
    const dWall = wall - this.lastWall;
    const dMono = mono - this.lastMono;
    // Twice the evaluation interval, and no less than 10 s (a busy laptop delays timers by seconds).
    const limit = Math.max(2 * this.opts.intervalMs(), MIN_GAP_MS);
    if (dWall - dMono > limit) {
      // The wall clock went on while the monotonic one stood still: the machine slept.
      this.add({ cluster: null, from: this.lastWall + Math.max(0, dMono), to: wall, reason: 'sleep' });
    } else if (dMono - dWall > limit || dWall < -limit) {
      this.add({ cluster: null, from: Math.min(this.lastWall, wall), to: wall, reason: 'clock_jump' });
    } else if (dMono > limit) {
      // Both clocks agree, but nothing ran for that long: the event loop (or the process) stalled.
      this.add({ cluster: null, from: this.lastWall, to: wall, reason: 'stall' });
    }
    this.lastWall = wall;
    this.lastMono = mono;
    this.pollSources(wall);
  }

  private pollSources(now: number): void {
    const src = this.opts.sources;
    if (!src) return;
    let targets: ClusterTargets[] = [];
    let apis: { cluster: string; up: boolean }[] = [];
    try {
      targets = src.targets();
      apis = src.apiServers();
    } catch (e) {
      this.opts.logger('warn', `gap detection: ${(e as Error).message}`, { component: 'rules' });
      return;
    }
    const down = new Map<string, GapReason>();
    const window = 2 * this.opts.settleMs();
    for (const t of targets) {
      if (t.up > 0) this.seenUp.add(t.cluster);
      if (t.up * 2 >= t.targets && t.up > 0) this.healthyAt.set(t.cluster, now);
      // Every target of a cluster failing at once (at least half were up a scrape interval or two
      // ago): the network went away. Targets failing one by one are real trouble, not a gap.
      const key = `${t.cluster}\xfftargets_down`;
      const atOnce = now - (this.healthyAt.get(t.cluster) ?? -Infinity) <= window;
      if (t.targets >= 2 && t.up === 0 && this.seenUp.has(t.cluster) && (atOnce || this.open.has(key))) down.set(key, 'targets_down');
    }
    for (const a of apis) if (!a.up) down.set(`${a.cluster}\xffapiserver_unreachable`, 'apiserver_unreachable');
    for (const [key, reason] of down) {
      if (this.open.has(key)) continue;
      const g: Gap = { cluster: key.slice(0, key.indexOf('\xff')), from: now, to: null, reason };
      this.open.set(key, g);
      this.add(g);
    }
    for (const [key, g] of this.open) {
      if (down.has(key)) continue;
      g.to = now;
      this.open.delete(key);
      this.opts.logger('info', `the gap in the data of cluster ${g.cluster} (${REASON_TEXT[g.reason]}) ended after ${Math.round((now - g.from) / 1000)} s`, { component: 'rules' });
    }
  }

  /** holding says whether a gap still holds evaluation at now: it lasts, or fresh scrapes have not arrived since. */
  private holding(g: Gap, now: number, targets: ClusterTargets[] | null): boolean {
    if (g.to === null) return true;
    if (now < g.to + this.opts.settleMs()) return true;
    if (!targets) return false;
    if (g.cluster !== null) {
      const t = targets.find((x) => x.cluster === g.cluster);
      return t !== undefined && t.targets > 0 && t.lastUpMs <= g.to;
    }
    // A global gap: every cluster with targets up must have been scraped since.
    return targets.some((t) => t.up > 0 && t.lastUpMs <= g.to!);
  }

  /** hold polls, then returns whose alerts are held now (null: nobody's). */
  hold(): HoldSet | null {
    this.poll();
    const now = this.clock.now();
    let targets: ClusterTargets[] | null = null;
    try {
      targets = this.opts.sources ? this.opts.sources.targets() : null;
    } catch {
      targets = null;
    }
    let all = false;
    const clusters = new Set<string>();
    for (const g of this.list) {
      if (!this.holding(g, now, targets)) continue;
      if (g.cluster === null) all = true;
      else clusters.add(g.cluster);
    }
    return all || clusters.size > 0 ? { all, clusters } : null;
  }

  /** gaps lists the gaps, oldest first. */
  gaps(): Gap[] {
    return this.list.map((g) => ({ ...g }));
  }

  /** selfMetrics renders vigil_gap (1 per cluster and reason while a gap holds) and vigil_gaps_total. */
  selfMetrics(): string {
    const now = this.clock.now();
    let targets: ClusterTargets[] | null = null;
    try {
      targets = this.opts.sources ? this.opts.sources.targets() : null;
    } catch {
      targets = null;
    }
    const lines = ['# HELP vigil_gap Whether a gap Vigil caused itself (sleep, stall, network, API server) holds rule evaluation, by cluster (none: every cluster) and reason.', '# TYPE vigil_gap gauge'];
    const seen = new Set<string>();
    for (const g of this.list) {
      if (!this.holding(g, now, targets)) continue;
      const l = `${g.cluster !== null ? `cluster=${JSON.stringify(g.cluster)},` : ''}reason="${g.reason}"`;
      if (seen.has(l)) continue;
      seen.add(l);
      lines.push(`vigil_gap{${l}} 1`);
    }
    lines.push('# HELP vigil_gaps_total Gaps Vigil caused itself, by reason.', '# TYPE vigil_gaps_total counter');
    for (const r of Object.keys(REASON_TEXT) as GapReason[]) lines.push(`vigil_gaps_total{reason="${r}"} ${this.counts.get(r) ?? 0}`);
    return lines.join('\n') + '\n';
  }

}

const REASON_TEXT: Record<GapReason, string> = {
  sleep: 'the machine slept',
  clock_jump: 'the clock was set',
  stall: 'Vigil stalled',
  targets_down: 'every target failed at once',
  apiserver_unreachable: 'the API server does not answer Vigil',
};

/** gapRoutes serves GET /api/v1/vigil/gaps. */
export function gapRoutes(gaps: () => GapDetector | null): Route[] {
  return [
    {
      methods: ['GET'],
      readOnly: true,
      pattern: '/api/v1/vigil/gaps',
      handler: () => ok(gaps()?.gaps() ?? []),
    },
  ];
}
