/**
 * The dispatcher (Alertmanager's dispatch/ and the stages of notify/): every alert the store
 * hears of goes to each route it matches, into the aggregation group of that route and the
 * alert's values of the route's group_by labels. A group flushes first group_wait after it was
 * created (at once when its first alert is older than that), then every group_interval. A flush
 * runs the receiver's pipeline:
 *
 *   active/mute time intervals -> inhibition -> silences -> for each integration, concurrently:
 *   dedup against the notification log -> retry with backoff until the flush's timeout -> log
 *
 * Dedup notifies when the firing set is not a subset of the last notification's, when every alert
 * resolved and the last notification had firing ones, when resolved alerts are new to an
 * integration that sends resolved notifications, or when repeat_interval has passed (DedupStage).
 * After a successful flush, resolved alerts that were not updated meanwhile leave the group.
 */
import { compareAlerts, fingerprint, resolvedAt, type AlertStore, type Clock, type Marker, type StoredAlert } from './alerts';
import { walkRoutes } from './config';
import type { Nflog, NflogEntry, NflogReceiver } from './nflog';
import { groupLabels } from './route';
import type { Alert, Integration, LabelSet, NotifyContext, RouteNode } from './types';

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** MIN_TIMEOUT_MS is the shortest time a flush's notifications get (notify.MinTimeout). */
export const MIN_TIMEOUT_MS = 10_000;

/** Backoff is the retry stage's exponential backoff (cenkalti/backoff's defaults). */
export interface Backoff {
  initialMs: number;
  multiplier: number;
  maxMs: number;
  /** randomization spreads each wait over [1-r, 1+r] times itself. */
  randomization: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, multiplier: 1.5, maxMs: 60_000, randomization: 0.5 };

/** Routing is the route tree and how alerts find their routes and groups. */
export interface Routing {
  root: RouteNode;
  match(labels: LabelSet): RouteNode[];
  groupKey(route: RouteNode, groupLabels: LabelSet): string;
}

/** Muting answers the pipeline's questions about time intervals, inhibition and silences. */
export interface Muting {
  /** activeIntervals returns the names among `names` whose intervals contain t (throws on an unknown name). */
  activeIntervals(names: readonly string[], t: number): string[];
  /** inhibitedBy returns the fingerprints of the firing alerts that inhibit an alert with these labels. */
  inhibitedBy(labels: LabelSet, t: number): string[];
  /** silencedBy returns the ids of the active silences that match these labels. */
  silencedBy(labels: LabelSet, t: number): string[];
}

/** DispatchMetrics are the counters of the notify stages. */
export interface IntegrationCounters {
  notifications: number;
  failed: Map<string, number>;
  requests: number;
  requestsFailed: number;
  latency: { sum: number; count: number; buckets: number[] };
}

/** LATENCY_BUCKETS are alertmanager_notification_latency_seconds's buckets. */
export const LATENCY_BUCKETS = [1, 5, 10, 15, 20];

export class DispatchMetrics {
  readonly byIntegration = new Map<string, IntegrationCounters>();
  constructor(known: readonly string[] = []) {
    for (const k of known) this.of(k);
  }
  of(integration: string): IntegrationCounters {
    let c = this.byIntegration.get(integration);
    if (!c) {
      c = { notifications: 0, failed: new Map(), requests: 0, requestsFailed: 0, latency: { sum: 0, count: 0, buckets: LATENCY_BUCKETS.map(() => 0) } };
      this.byIntegration.set(integration, c);
    }
    return c;
  }
  observeLatency(integration: string, seconds: number): void {
    const l = this.of(integration).latency;
    l.sum += seconds;
    l.count++;
    LATENCY_BUCKETS.forEach((b, i) => {
      if (seconds <= b) l.buckets[i]++;
    });
  }
}

/** IntegrationState is what the UI shows of one integration of a receiver. */
export interface IntegrationState {
  lastAttempt: number;
  lastError: string;
  failures: number;
}

export interface DispatcherOptions {
  store: AlertStore;
  marker: Marker;
  nflog: Nflog;
  clock: Clock;
  routing: Routing;
  muting: Muting;
  /** integrations returns a receiver's integrations (empty for an unknown receiver). */
  integrations(receiver: string): readonly Integration[];
  /** externalURL is where Vigil's UI lives (read at each flush). */
  externalURL: () => string;
  logger?: Log;
  metrics?: DispatchMetrics;
  backoff?: Backoff;
  random?: () => number;
  /** timeoutMs gives a flush's notifications their time (default max(group_interval, 10s)). */
  timeoutMs?: (groupIntervalMs: number) => number;
  /** cleanupMs is how often empty groups are dropped (30s). */
  cleanupMs?: number;
  /** integrationState is updated with each attempt's outcome (keyed `receiver/integration/index`). */
  integrationState?: Map<string, IntegrationState>;
}

/** GroupView is an aggregation group as the API lists it. */
export interface GroupView {
  labels: LabelSet;
  receiver: string;
  routeId: string;
  groupKey: string;
  alerts: StoredAlert[];
}

/** routeSignature says whether a reloaded route is the same as before (then its groups keep their state). */
function routeSignature(r: RouteNode): string {
  return JSON.stringify([r.id, r.receiver, r.matchers, r.groupBy, r.groupByAll, r.groupWaitMs, r.groupIntervalMs, r.repeatIntervalMs, r.continue, r.muteTimeIntervals, r.activeTimeIntervals]);
}

class AggrGroup {
  readonly alerts = new Map<string, StoredAlert>();
  hasFlushed = false;
  private timer: unknown = null;
  private flushing = false;
  private pending = false;
  private stopped = false;
  private readonly controllers = new Set<AbortController>();

  constructor(
    private readonly d: Dispatcher,
    public route: RouteNode,
    readonly labels: LabelSet,
    public key: string,
  ) {
    this.arm(route.groupWaitMs);
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== null) this.d.clock.clearTimeout(this.timer);
    this.timer = this.d.clock.setTimeout(() => this.tick(), ms);
  }

  insert(a: StoredAlert): void {
    this.alerts.set(a.fingerprint, a);
    // Flush at once if the alert has waited group_wait already.
    if (!this.hasFlushed && a.startsAt + this.route.groupWaitMs < this.d.clock.now()) this.arm(0);
  }

  empty(): boolean {
    return this.alerts.size === 0;
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    if (this.flushing) {
      // As a Go timer's channel holds one tick: flush again as soon as this flush ends.
      this.pending = true;
      return;
    }
    const now = this.d.clock.now();
    this.arm(this.route.groupIntervalMs);
    this.hasFlushed = true;
    this.flushing = true;
    void this.flush(now).finally(() => {
      this.flushing = false;
      if (this.pending && !this.stopped) {
        this.pending = false;
        if (this.timer !== null) this.d.clock.clearTimeout(this.timer);
        this.tick();
      }
    });
  }

  private async flush(now: number): Promise<void> {
    if (this.empty()) return;
    const batch: StoredAlert[] = [];
    for (const a of this.alerts.values()) {
      // Alerts do not resolve as time moves on during the notification.
      batch.push(resolvedAt(a, now) ? { ...a } : { ...a, endsAt: 0 });
    }
    batch.sort(compareAlerts);
    const ctrl = new AbortController();
    this.controllers.add(ctrl);
    const timeout = this.d.timeoutMs(this.route.groupIntervalMs);
    const deadline = this.d.clock.setTimeout(() => ctrl.abort(new Error('context deadline exceeded')), timeout);
    let ok = false;
    try {
      ok = await this.d.pipeline(this, batch, now, ctrl.signal);
    } catch (e) {
      this.d.log('error', `notify for alerts failed: ${(e as Error).message}`, { aggrGroup: this.key, num_alerts: batch.length });
    } finally {
      this.d.clock.clearTimeout(deadline);
      this.controllers.delete(ctrl);
    }
    if (!ok) return;
    for (const a of batch) {
      const got = this.alerts.get(a.fingerprint);
      if (got && resolvedAt(a, now) && got.updatedAt === a.updatedAt) this.alerts.delete(a.fingerprint);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.d.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const c of this.controllers) c.abort(new Error('context canceled'));
  }
}

/** Dispatcher sorts alerts into aggregation groups and runs their notifications. */
export class Dispatcher {
  readonly clock: Clock;
  readonly metrics: DispatchMetrics;
  readonly integrationState: Map<string, IntegrationState>;
  private routing: Routing;
  private muting: Muting;
  private integrations: (receiver: string) => readonly Integration[];
  private readonly groups = new Map<string, { route: RouteNode; groups: Map<string, AggrGroup> }>();
  private unsubscribe: (() => void) | null = null;
  private cleanupTimer: unknown = null;
  private stopped = false;
  private readonly backoff: Backoff;
  private readonly random: () => number;
  readonly log: Log;
  readonly timeoutMs: (groupIntervalMs: number) => number;

  constructor(private readonly opts: DispatcherOptions) {
    this.clock = opts.clock;
    this.routing = opts.routing;
    this.muting = opts.muting;
    this.integrations = opts.integrations;
    this.metrics = opts.metrics ?? new DispatchMetrics();
    this.integrationState = opts.integrationState ?? new Map();
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.random = opts.random ?? Math.random;
    this.log = opts.logger ?? (() => {});
    this.timeoutMs = opts.timeoutMs ?? ((gi) => Math.max(gi, MIN_TIMEOUT_MS));
  }

  /** start subscribes to the store (the alerts held now are processed first). */
  start(): void {
    this.unsubscribe = this.opts.store.subscribe((a) => this.process(a));
    this.scheduleCleanup();
  }

  private scheduleCleanup(): void {
    if (this.stopped) return;
    this.cleanupTimer = this.clock.setTimeout(() => {
      this.cleanup();
      this.scheduleCleanup();
    }, this.opts.cleanupMs ?? 30_000);
  }

  /** cleanup stops and drops the groups without alerts. */
  cleanup(): void {
    for (const rg of this.groups.values()) {
      for (const [fp, g] of rg.groups) {
        if (g.empty()) {
          g.stop();
          rg.groups.delete(fp);
        }
      }
    }
  }

  private process(a: StoredAlert): void {
    if (this.stopped) return;
    for (const route of this.routing.match(a.labels)) {
      const gl = groupLabels(route, a.labels);
      const gfp = fingerprint(gl);
      let rg = this.groups.get(route.id);
      if (!rg) {
        rg = { route, groups: new Map() };
        this.groups.set(route.id, rg);
      }
      let g = rg.groups.get(gfp);
      if (!g) {
        g = new AggrGroup(this, route, gl, this.routing.groupKey(route, gl));
        rg.groups.set(gfp, g);
      }
      g.insert(a);
    }
  }

  /**
   * reload switches to a new route tree and muting: groups of routes that are unchanged keep their
   * timers and flush state; the others stop. Every held alert is then sorted in again.
   */
  reload(routing: Routing, muting: Muting, integrations: (receiver: string) => readonly Integration[]): void {
    const keep = new Map<string, RouteNode>();
    walkRoutes(routing.root, (r) => keep.set(routeSignature(r), r));
    for (const [id, rg] of [...this.groups]) {
      const next = keep.get(routeSignature(rg.route));
      if (!next) {
        for (const g of rg.groups.values()) g.stop();
        this.groups.delete(id);
        continue;
      }
      rg.route = next;
      for (const g of rg.groups.values()) {
        g.route = next;
        g.key = routing.groupKey(next, g.labels);
        g.alerts.clear();
      }
    }
    this.routing = routing;
    this.muting = muting;
    this.integrations = integrations;
    for (const a of this.opts.store.list()) this.process(a);
  }

  /** receiversOf lists the receivers of the routes an alert matches (in route order). */
  receiversOf(labels: LabelSet): string[] {
    return this.routing.match(labels).map((r) => r.receiver);
  }

  /** groupViews lists the groups with their alerts, sorted as Alertmanager's API sorts them. */
  groupViews(): GroupView[] {
    const out: GroupView[] = [];
    for (const rg of this.groups.values()) {
      for (const g of rg.groups.values()) {
        if (g.empty()) continue;
        out.push({ labels: { ...g.labels }, receiver: g.route.receiver, routeId: g.route.id, groupKey: g.key, alerts: [...g.alerts.values()].sort(compareAlerts) });
      }
    }
    return out;
  }

  get muter(): Muting {
    return this.muting;
  }

  /** pipeline runs one flush's stages; true when every integration succeeded (or nothing was to be sent). */
  async pipeline(g: AggrGroup, alerts: StoredAlert[], now: number, signal: AbortSignal): Promise<boolean> {
    const route = g.route;
    // Time intervals: outside the active ones, or inside a mute one, nothing is sent.
    if (route.activeTimeIntervals.length > 0) {
      const active = this.muting.activeIntervals(route.activeTimeIntervals, now);
      if (active.length === 0) {
        for (const a of alerts) this.opts.marker.setMuted(a.fingerprint, [...route.activeTimeIntervals]);
        this.log('debug', 'notifications not sent, route is not within active time', { aggrGroup: g.key });
        return true;
      }
    }
    if (route.muteTimeIntervals.length > 0) {
      const muting = this.muting.activeIntervals(route.muteTimeIntervals, now);
      if (muting.length > 0) {
        for (const a of alerts) this.opts.marker.setMuted(a.fingerprint, muting);
        this.log('debug', 'notifications not sent, route is within mute time', { aggrGroup: g.key });
        return true;
      }
    }
    for (const a of alerts) this.opts.marker.setMuted(a.fingerprint, []);
    // Inhibition, then silences.
    let rest = alerts.filter((a) => {
      const by = this.muting.inhibitedBy(a.labels, now);
      this.opts.marker.setInhibited(a.fingerprint, by);
      return by.length === 0;
    });
    rest = rest.filter((a) => {
      const by = this.muting.silencedBy(a.labels, now);
      this.opts.marker.setSilenced(a.fingerprint, by);
      return by.length === 0;
    });
    if (rest.length === 0) return true;
    const ints = this.integrations(route.receiver);
    const results = await Promise.all(ints.map((i) => this.integrationStage(g, i, rest, now, signal)));
    return results.every((r) => r);
  }

  private needsUpdate(entry: NflogEntry | null, firing: Set<string>, resolved: Set<string>, sendResolved: boolean, repeatMs: number, now: number): boolean {
    if (!entry) return firing.size > 0;
    const prevFiring = new Set(entry.firingAlerts);
    for (const f of firing) if (!prevFiring.has(f)) return true;
    if (firing.size === 0) return entry.firingAlerts.length > 0;
    if (sendResolved) {
      const prevResolved = new Set(entry.resolvedAlerts);
      for (const r of resolved) if (!prevResolved.has(r)) return true;
    }
    return entry.timestamp < now - repeatMs;
  }

  private async integrationStage(g: AggrGroup, integ: Integration, alerts: StoredAlert[], now: number, signal: AbortSignal): Promise<boolean> {
    const recv: NflogReceiver = { groupName: g.route.receiver, integration: integ.name, idx: integ.index };
    const firing: string[] = [];
    const resolved: string[] = [];
    for (const a of alerts) (resolvedAt(a, now) ? resolved : firing).push(a.fingerprint);
    const entry = this.opts.nflog.query(g.key, recv);
    if (!this.needsUpdate(entry, new Set(firing), new Set(resolved), integ.sendResolved, g.route.repeatIntervalMs, now)) return true;

    const m = this.metrics.of(integ.name);
    m.notifications++;
    const stateKey = `${recv.groupName}/${recv.integration}/${recv.idx}`;
    let sent: Alert[] = alerts;
    let outcome: { ok: boolean; error?: string; attempts: number; reason?: string };
    if (!integ.sendResolved && firing.length === 0) {
      // Only resolved alerts for an integration that does not send them: logged as notified.
      outcome = { ok: true, attempts: 0 };
    } else {
      if (!integ.sendResolved) sent = alerts.filter((a) => !resolvedAt(a, now));
      const ctx: NotifyContext = {
        receiver: g.route.receiver,
        groupKey: g.key,
        groupLabels: { ...g.labels },
        now,
        repeatIntervalMs: g.route.repeatIntervalMs,
        externalURL: this.opts.externalURL(),
        signal,
      };
      outcome = await this.retry(integ, ctx, sent, stateKey);
    }
    const st = this.integrationState.get(stateKey) ?? { lastAttempt: 0, lastError: '', failures: 0 };
    if (outcome.attempts > 0) {
      st.lastAttempt = this.clock.now();
      st.lastError = outcome.ok ? '' : (outcome.error ?? '');
      if (!outcome.ok) st.failures++;
      this.integrationState.set(stateKey, st);
      this.opts.nflog.record({
        time: this.clock.now(),
        receiver: recv.groupName,
        integration: integ.name,
        index: integ.index,
        groupKey: g.key,
        groupLabels: { ...g.labels },
        firing: sent.filter((a) => !resolvedAt(a, now)).length,
        resolved: sent.filter((a) => resolvedAt(a, now)).length,
        ok: outcome.ok,
        ...(outcome.ok ? {} : { error: outcome.error }),
        attempts: outcome.attempts,
      });
    }
    if (!outcome.ok) {
      const reason = outcome.reason ?? 'other';
      m.failed.set(reason, (m.failed.get(reason) ?? 0) + 1);
      this.log(signal.aborted && reason === 'contextCanceled' ? 'debug' : 'error', `notify for alerts failed: ${outcome.error}`, { receiver: recv.groupName, integration: `${integ.name}[${integ.index}]`, attempts: outcome.attempts });
      return false;
    }
    this.opts.nflog.logNotified(recv, g.key, firing, resolved, 2 * g.route.repeatIntervalMs);
    return true;
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const t = this.clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        this.clock.clearTimeout(t);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** retry notifies until success, a non-retryable error, or the flush's deadline. */
  private async retry(integ: Integration, ctx: NotifyContext, alerts: Alert[], stateKey: string): Promise<{ ok: boolean; error?: string; attempts: number; reason?: string }> {
    const signal = ctx.signal;
    const abortReason = (): string => ((signal.reason as Error | undefined)?.message === 'context canceled' ? 'contextCanceled' : 'contextDeadlineExceeded');
    let attempts = 0;
    let lastErr = '';
    let interval = this.backoff.initialMs;
    for (;;) {
      if (signal.aborted) {
        return { ok: false, error: `${ctx.receiver}/${integ.name}[${integ.index}]: notify retry canceled after ${attempts} attempts: ${lastErr || (signal.reason as Error).message}`, attempts, reason: abortReason() };
      }
      attempts++;
      const started = this.clock.now();
      const t0 = performance.now();
      let res: { ok: boolean; retry: boolean; error?: string };
      try {
        res = await Promise.race([
          integ.notify({ ...ctx, now: ctx.now }, alerts),
          new Promise<never>((_, reject) => {
            if (signal.aborted) reject(signal.reason);
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          }),
        ]);
      } catch (e) {
        res = { ok: false, retry: true, error: (e as Error).message };
      }
      const m = this.metrics.of(integ.name);
      const elapsed = Math.max(this.clock.now() - started, 0) / 1000 || (performance.now() - t0) / 1000;
      this.metrics.observeLatency(integ.name, elapsed);
      m.requests++;
      if (res.ok) {
        if (attempts > 1) this.log('info', 'notify success', { receiver: ctx.receiver, integration: `${integ.name}[${integ.index}]`, attempts });
        return { ok: true, attempts };
      }
      m.requestsFailed++;
      const err = res.error ?? 'notification failed';
      if (!res.retry) {
        return { ok: false, error: `${ctx.receiver}/${integ.name}[${integ.index}]: notify retry canceled due to unrecoverable error after ${attempts} attempts: ${err}`, attempts, reason: 'clientError' };
      }
      if (!signal.aborted && err !== lastErr) this.log('warn', 'notify attempt failed, will retry later', { receiver: ctx.receiver, integration: `${integ.name}[${integ.index}]`, attempts, err });
      lastErr = err;
      const st = this.integrationState.get(stateKey);
      if (st) st.lastError = err;
      const r = this.backoff.randomization;
      const wait = interval * (1 - r + 2 * r * this.random());
      interval = Math.min(interval * this.backoff.multiplier, this.backoff.maxMs);
      await this.sleep(wait, signal);
    }
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.cleanupTimer !== null) this.clock.clearTimeout(this.cleanupTimer);
    for (const rg of this.groups.values()) for (const g of rg.groups.values()) g.stop();
    this.groups.clear();
  }
}
