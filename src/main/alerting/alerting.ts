/**
 * Alerting is the facade of the subsystem: it owns the alert store, the marker, the notification
 * log, the silences and the dispatcher, takes the rule engine's alerts (as Alertmanager's API
 * takes them) and alertmanager.yml reloads, and answers the routes and the self-metrics.
 */
import * as fs from 'node:fs';
import type { Route } from '../../common/api/route';
import { labelsToRecord } from '../../common/model/labels';
import type { NotifyAlert } from '../rules/group';
import { AlertStore, Marker, fingerprint, realClock, resolvedAt, type AlertStatus, type Clock, type StoredAlert } from './alerts';
import { DispatchMetrics, Dispatcher, LATENCY_BUCKETS, type Backoff, type IntegrationState, type Muting, type Routing } from './dispatch';
import { Nflog } from './nflog';
import { matchRoutes, groupKey } from './route';
import { Inhibitor } from './inhibit';
import { SilenceStore } from './silences';
import { intervalActive, type TimeInterval } from './timeinterval';
import { alertingRoutes, type AlertingApi } from './routes';
import type { Alert, AlertmanagerFile, ConfigProblem, Integration, IntegrationDeps, LabelSet, TemplateSet } from './types';

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** AlertingOptions configure the subsystem. */
export interface AlertingOptions {
  /** dataDir is the alerting data folder (nflog.json, silences.json); null keeps everything in memory. */
  dataDir: string | null;
  clock?: Clock;
  logger?: Log;
  /** externalURL is where Vigil's UI lives (links in notifications; the payloads' externalURL); setExternalURL changes it. */
  externalURL: string;
  /** deps are what integrations get besides the templates (desktop notifier). */
  deps?: Partial<Pick<IntegrationDeps, 'desktop'>>;
  /** loadTemplates builds the TemplateSet of a configuration's template files (the notify helper's loader). */
  loadTemplates?: (files: string[]) => TemplateSet;
  backoff?: Backoff;
  random?: () => number;
  /** gcIntervalMs is how often resolved alerts are dropped (Alertmanager's 30m). */
  gcIntervalMs?: number;
  /** changeCheckMs is how often the firing count is checked for onChange (alerts also resolve by time; 5s). */
  changeCheckMs?: number;
  /** timeoutMs overrides a flush's notification timeout (tests). */
  timeoutMs?: (groupIntervalMs: number) => number;
}

const noTemplates: TemplateSet = {
  execute(): string {
    // host/core.ts passes alerting/template's loadTemplateSet as loadTemplates; this is for tests without it.
    throw new Error('notification templates are not available');
  },
};

/** Alerting is Alertmanager inside Vigil. */
export class Alerting implements AlertingApi {
  readonly clock: Clock;
  readonly marker = new Marker();
  readonly store: AlertStore;
  readonly nflog: Nflog;
  readonly silences: SilenceStore;
  readonly metrics = new DispatchMetrics(['webhook', 'email', 'slack', 'desktop']);
  readonly integrationState = new Map<string, IntegrationState>();
  readonly startedAt: number;
  private dispatcher: Dispatcher | null = null;
  private file: AlertmanagerFile | null = null;
  private inhibitor: Inhibitor | null = null;
  private receivers = new Map<string, Integration[]>();
  private problems: ConfigProblem[] = [];
  private problemFile = '';
  private problemText = '';
  private readonly log: Log;
  private readonly listeners = new Set<(firing: number) => void>();
  private lastFiring = -1;
  private changeTimer: unknown = null;
  private stopped = false;
  private externalURL: string;
  readonly received = { firing: 0, resolved: 0, invalid: 0 };

  constructor(private readonly opts: AlertingOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? (() => {});
    this.startedAt = this.clock.now();
    this.externalURL = opts.externalURL;
    if (opts.dataDir) fs.mkdirSync(opts.dataDir, { recursive: true });
    this.store = new AlertStore({ clock: this.clock, marker: this.marker, gcIntervalMs: opts.gcIntervalMs });
    this.nflog = new Nflog({ dir: opts.dataDir, clock: this.clock, logger: this.log });
    this.silences = new SilenceStore({ dir: opts.dataDir, now: () => this.clock.now(), logger: (level, msg) => this.log(level, msg, { component: 'silences' }) });
    this.scheduleChangeCheck();
  }

  private scheduleChangeCheck(): void {
    if (this.stopped) return;
    this.changeTimer = this.clock.setTimeout(() => {
      this.checkChange();
      this.scheduleChangeCheck();
    }, this.opts.changeCheckMs ?? 5000);
  }

  /** setExternalURL sets where the UI lives (known once the server listens; takes effect for integrations at the next applyConfig). */
  setExternalURL(url: string): void {
    this.externalURL = url;
  }

  /** config is the configuration running now (null before the first applyConfig). */
  get config(): AlertmanagerFile | null {
    return this.file;
  }

  /** configProblems are the problems of the last configuration that did not load. */
  configView(): { file: string; text: string; problems: ConfigProblem[] } {
    if (this.problems.length > 0) return { file: this.problemFile, text: this.problemText, problems: [...this.problems] };
    return { file: this.file?.file ?? '', text: this.file?.text ?? '', problems: [...(this.file?.warnings ?? [])] };
  }

  /** setProblems records why a configuration file did not load (the running one stays). */
  setProblems(file: string, text: string, problems: ConfigProblem[]): void {
    this.problems = [...problems];
    this.problemFile = file;
    this.problemText = text;
  }

  get resolveTimeoutMs(): number {
    return this.file?.global.resolveTimeoutMs ?? 5 * 60_000;
  }

  private routing(file: AlertmanagerFile): Routing {
    return { root: file.route, match: (l) => matchRoutes(file.route, l), groupKey: (r, gl) => groupKey(r, gl) };
  }

  private muting(file: AlertmanagerFile, inhibitor: Inhibitor): Muting {
    return {
      activeIntervals: (names, t) =>
        names.filter((n) => {
          const list = file.timeIntervals.get(n) as readonly TimeInterval[] | undefined;
          if (!list) throw new Error(`time interval ${n} doesn't exist in config`);
          return intervalActive(list, t);
        }),
      inhibitedBy: (labels) => inhibitor.inhibitedBy(labels),
      silencedBy: (labels, t) => this.silences.mutes(labels, t),
    };
  }

  /** applyConfig switches to a loaded configuration; groups of unchanged routes keep their state. */
  applyConfig(file: AlertmanagerFile): void {
    const templates = this.opts.loadTemplates ? this.opts.loadTemplates(file.templates) : noTemplates;
    const deps: IntegrationDeps = {
      templates,
      desktop: this.opts.deps?.desktop ?? null,
      externalURL: this.externalURL,
      logger: (level, msg, f) => this.log(level, msg, { component: 'notify', ...f }),
    };
    const receivers = new Map<string, Integration[]>();
    for (const [name, r] of file.receivers) receivers.set(name, r.integrations.map((i) => i.type.build(i.config, i.index, deps)));
    const inhibitor = new Inhibitor(file.inhibitRules, () => this.store.list(), () => this.clock.now());
    this.file = file;
    this.receivers = receivers;
    this.inhibitor = inhibitor;
    this.problems = [];
    const routing = this.routing(file);
    const muting = this.muting(file, inhibitor);
    const integrations = (name: string): readonly Integration[] => this.receivers.get(name) ?? [];
    if (!this.dispatcher) {
      this.dispatcher = new Dispatcher({
        store: this.store,
        marker: this.marker,
        nflog: this.nflog,
        clock: this.clock,
        routing,
        muting,
        integrations,
        externalURL: () => this.externalURL,
        logger: (level, msg, f) => this.log(level, msg, { component: 'dispatcher', ...f }),
        metrics: this.metrics,
        backoff: this.opts.backoff,
        random: this.opts.random,
        timeoutMs: this.opts.timeoutMs,
        integrationState: this.integrationState,
      });
      this.dispatcher.start();
    } else {
      this.dispatcher.reload(routing, muting, integrations);
    }
  }

  /** firingAlerts are the held alerts not resolved now. */
  firingAlerts(): StoredAlert[] {
    const now = this.clock.now();
    return this.store.list().filter((a) => !resolvedAt(a, now));
  }

  /** receive takes the rule engine's alerts as Alertmanager's POST /api/v2/alerts would. */
  receive(alerts: readonly NotifyAlert[]): void {
    const errs = this.put(alerts.map((a) => ({ labels: labelsToRecord(a.labels), annotations: labelsToRecord(a.annotations), startsAt: a.startsAt, endsAt: a.endsAt, generatorURL: a.generatorURL })));
    for (const e of errs) this.log('warn', `alert rejected: ${e}`);
  }

  /** put validates and stores alerts (times in ms; 0 unset); returns the validation errors of the ones rejected. */
  put(alerts: readonly { labels: LabelSet; annotations: LabelSet; startsAt: number; endsAt: number; generatorURL: string }[]): string[] {
    const now = this.clock.now();
    const valid: Alert[] = [];
    const errors: string[] = [];
    for (const a0 of alerts) {
      const a: Alert = { labels: {}, annotations: { ...a0.annotations }, startsAt: a0.startsAt, endsAt: a0.endsAt, generatorURL: a0.generatorURL, updatedAt: now, timeout: false };
      for (const [k, v] of Object.entries(a0.labels)) if (v !== '') a.labels[k] = v;
      if (a.startsAt === 0) a.startsAt = a.endsAt === 0 ? now : a.endsAt;
      if (a.endsAt === 0) {
        a.timeout = true;
        a.endsAt = now + this.resolveTimeoutMs;
      }
      if (a.endsAt > now) this.received.firing++;
      else this.received.resolved++;
      const err = validateAlert(a);
      if (err) {
        this.received.invalid++;
        errors.push(err);
        continue;
      }
      valid.push(a);
    }
    this.store.put(valid);
    this.checkChange();
    return errors;
  }

  /** status computes an alert's status now (silences and inhibition looked up afresh, as the API does). */
  status(a: StoredAlert): AlertStatus {
    const now = this.clock.now();
    if (this.file && this.inhibitor) {
      this.marker.setSilenced(a.fingerprint, this.silences.mutes(a.labels, now));
      this.marker.setInhibited(a.fingerprint, this.inhibitor.inhibitedBy(a.labels));
    }
    return this.marker.status(a.fingerprint);
  }

  /** receiversOf are the receivers of the routes an alert matches. */
  receiversOf(labels: LabelSet): string[] {
    return this.dispatcher?.receiversOf(labels) ?? [];
  }

  /** groups are the dispatcher's aggregation groups. */
  groups(): ReturnType<Dispatcher['groupViews']> {
    return this.dispatcher?.groupViews() ?? [];
  }

  receiverNames(): string[] {
    return this.file ? [...this.file.receivers.keys()] : [];
  }

  integrationsOf(receiver: string): readonly Integration[] {
    return this.receivers.get(receiver) ?? [];
  }

  /** testReceiver sends a test notification through each integration of a receiver. */
  async testReceiver(receiver: string): Promise<{ name: string; index: number; ok: boolean; error?: string }[]> {
    const ints = this.receivers.get(receiver);
    if (!ints) throw new Error(`receiver ${JSON.stringify(receiver)} not found`);
    const now = this.clock.now();
    const labels: LabelSet = { alertname: 'TestAlert', instance: 'vigil' };
    const alert: Alert = { labels, annotations: { summary: 'A test notification from Vigil', description: `Sent to receiver ${receiver} to check its integrations.` }, startsAt: now, endsAt: 0, generatorURL: this.externalURL, updatedAt: now, timeout: false };
    const out: { name: string; index: number; ok: boolean; error?: string }[] = [];
    for (const i of ints) {
      const ctrl = new AbortController();
      const t = this.clock.setTimeout(() => ctrl.abort(new Error('test notification timed out')), 30_000);
      try {
        const r = await i.notify({ receiver, groupKey: `{}:{alertname="TestAlert"}`, groupLabels: { alertname: 'TestAlert' }, now, repeatIntervalMs: 0, externalURL: this.externalURL, signal: ctrl.signal }, [alert]);
        out.push({ name: i.name, index: i.index, ok: r.ok, ...(r.ok ? {} : { error: r.error ?? 'failed' }) });
      } catch (e) {
        out.push({ name: i.name, index: i.index, ok: false, error: (e as Error).message });
      } finally {
        this.clock.clearTimeout(t);
      }
    }
    return out;
  }

  /** firing is the number of firing alerts that are not silenced or inhibited. */
  firing(): number {
    const now = this.clock.now();
    let n = 0;
    for (const a of this.store.list()) {
      if (resolvedAt(a, now)) continue;
      if (this.file && this.inhibitor && (this.silences.mutes(a.labels, now).length > 0 || this.inhibitor.inhibitedBy(a.labels).length > 0)) continue;
      n++;
    }
    return n;
  }

  private checkChange(): void {
    if (this.listeners.size === 0) return;
    const n = this.firing();
    if (n === this.lastFiring) return;
    this.lastFiring = n;
    for (const l of [...this.listeners]) {
      try {
        l(n);
      } catch (e) {
        this.log('error', `alerting listener failed: ${(e as Error).message}`);
      }
    }
  }

  /** onChange calls fn when the number of firing (unsuppressed) alerts changes; returns the unsubscriber. */
  onChange(fn: (firing: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** routes are the v2 API and Vigil's alerting routes (the silence routes included). */
  routes(): Route[] {
    return alertingRoutes(this);
  }

  /** selfMetrics renders the alertmanager_* metrics. */
  selfMetrics(): string {
    const lines: string[] = [];
    const fam = (name: string, type: string, help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    const now = this.clock.now();
    const states = { active: 0, suppressed: 0, unprocessed: 0 };
    for (const a of this.store.list()) {
      if (resolvedAt(a, now)) continue;
      states[this.marker.status(a.fingerprint).state]++;
    }
    fam('alertmanager_alerts', 'gauge', 'How many alerts by state.');
    for (const s of ['active', 'suppressed', 'unprocessed'] as const) lines.push(`alertmanager_alerts{state="${s}"} ${states[s]}`);
    fam('alertmanager_alerts_received_total', 'counter', 'The total number of received alerts.');
    lines.push(`alertmanager_alerts_received_total{status="firing"} ${this.received.firing}`, `alertmanager_alerts_received_total{status="resolved"} ${this.received.resolved}`);
    fam('alertmanager_alerts_invalid_total', 'counter', 'The total number of received alerts that were invalid.');
    lines.push(`alertmanager_alerts_invalid_total ${this.received.invalid}`);
    const ints = [...this.metrics.byIntegration.keys()].sort();
    fam('alertmanager_notifications_total', 'counter', 'The total number of attempted notifications.');
    for (const i of ints) lines.push(`alertmanager_notifications_total{integration="${i}"} ${this.metrics.of(i).notifications}`);
    fam('alertmanager_notifications_failed_total', 'counter', 'The total number of failed notifications.');
    for (const i of ints) {
      const f = this.metrics.of(i).failed;
      const reasons = new Set(['other', 'clientError', 'serverError', 'contextCanceled', 'contextDeadlineExceeded', ...f.keys()]);
      for (const r of [...reasons].sort()) lines.push(`alertmanager_notifications_failed_total{integration="${i}",reason="${r}"} ${f.get(r) ?? 0}`);
    }
    fam('alertmanager_notification_requests_total', 'counter', 'The total number of attempted notification requests.');
    for (const i of ints) lines.push(`alertmanager_notification_requests_total{integration="${i}"} ${this.metrics.of(i).requests}`);
    fam('alertmanager_notification_requests_failed_total', 'counter', 'The total number of failed notification requests.');
    for (const i of ints) lines.push(`alertmanager_notification_requests_failed_total{integration="${i}"} ${this.metrics.of(i).requestsFailed}`);
    fam('alertmanager_notification_latency_seconds', 'histogram', 'The latency of notifications in seconds.');
    for (const i of ints) {
      const l = this.metrics.of(i).latency;
      LATENCY_BUCKETS.forEach((b, k) => lines.push(`alertmanager_notification_latency_seconds_bucket{integration="${i}",le="${b}"} ${l.buckets[k]}`));
      lines.push(`alertmanager_notification_latency_seconds_bucket{integration="${i}",le="+Inf"} ${l.count}`);
      lines.push(`alertmanager_notification_latency_seconds_sum{integration="${i}"} ${l.sum}`);
      lines.push(`alertmanager_notification_latency_seconds_count{integration="${i}"} ${l.count}`);
    }
    const sil = { active: 0, pending: 0, expired: 0 };
    for (const s of this.silences.list()) sil[s.state]++;
    fam('alertmanager_silences', 'gauge', 'How many silences by state.');
    for (const s of ['active', 'expired', 'pending'] as const) lines.push(`alertmanager_silences{state="${s}"} ${sil[s]}`);
    const st = this.nflog.stats;
    fam('alertmanager_nflog_queries_total', 'counter', 'Number of notification log queries were received.');
    lines.push(`alertmanager_nflog_queries_total ${st.queries}`);
    fam('alertmanager_nflog_query_errors_total', 'counter', 'Number notification log received queries that failed.');
    lines.push(`alertmanager_nflog_query_errors_total ${st.queryErrors}`);
    fam('alertmanager_nflog_snapshot_size_bytes', 'gauge', 'Size of the last notification log snapshot in bytes.');
    lines.push(`alertmanager_nflog_snapshot_size_bytes ${st.snapshotBytes}`);
    fam('alertmanager_nflog_entries', 'gauge', 'Number of entries in the notification log (Vigil).');
    lines.push(`alertmanager_nflog_entries ${this.nflog.size}`);
    fam('alertmanager_config_last_reload_successful', 'gauge', 'Whether the last configuration reload attempt was successful.');
    lines.push(`alertmanager_config_last_reload_successful ${this.problems.length === 0 ? 1 : 0}`);
    fam('alertmanager_dispatcher_aggregation_groups', 'gauge', 'Number of active aggregation groups');
    lines.push(`alertmanager_dispatcher_aggregation_groups ${this.groups().length}`);
    return lines.join('\n') + '\n';
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.changeTimer !== null) this.clock.clearTimeout(this.changeTimer);
    this.dispatcher?.stop();
    this.store.stop();
    this.nflog.stop();
    this.listeners.clear();
    return Promise.resolve();
  }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** validateAlert checks an alert as model.Alert.Validate does; returns the error or ''. */
export function validateAlert(a: Alert): string {
  if (a.startsAt === 0) return 'start time missing';
  if (a.endsAt !== 0 && a.endsAt < a.startsAt) return 'start time must be before end time';
  const names = Object.keys(a.labels);
  if (names.length === 0) return 'at least one label pair required';
  for (const n of names) if (!LABEL_NAME.test(n)) return `invalid label set: invalid name "${n}"`;
  for (const n of Object.keys(a.annotations)) if (!LABEL_NAME.test(n)) return `invalid annotations: invalid name "${n}"`;
  return '';
}

export { fingerprint };
