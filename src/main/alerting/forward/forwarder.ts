/**
 * Forwarding the rule engine's alerts to external Alertmanagers, as Prometheus's notifier does for
 * prometheus.yml's `alerting` section: external labels added (the alert's own win) and
 * alert_relabel_configs applied, a bounded queue (10,000 alerts; the oldest dropped and counted
 * when full), batches of 256 POSTed to every Alertmanager's /api/v2/alerts (each set's own
 * alert_relabel_configs applied), a failed post retried twice, and the prometheus_notifications_*
 * self-metrics. Firing alerts are re-sent by the rule engine every resend delay and resolved ones
 * once with endsAt in the past, through send().
 */
import { ok, type Route } from '../../../common/api/route';
import type { Labels } from '../../../common/model/labels';
import { labelsFromRecord, labelsToRecord } from '../../../common/model/labels';
import type { AlertmanagerConfig, HTTPClientConfig, VigilConfig } from '../../config/types';
import { relabel, type RelabelConfig } from '../../relabel/index';
import type { NotifyAlert } from '../../rules/index';
import { VERSION } from '../../util/version';
import type { HttpClientConfig } from '../notify/parsefields';
import { postJson } from '../notify/postjson';

/** QUEUE_CAPACITY is Prometheus's default --alertmanager.notification-queue-capacity. */
export const QUEUE_CAPACITY = 10000;
/** MAX_BATCH is Prometheus's maxBatchSize. */
export const MAX_BATCH = 256;

/** Target is one discovered Alertmanager of a set. */
interface Target {
  url: string;
  set: number;
}

interface AmSet {
  cfg: AlertmanagerConfig;
  http: HttpClientConfig;
  targets: Target[];
}

/** ForwarderOptions tune a Forwarder (tests shorten the retry backoff). */
export interface ForwarderOptions {
  logger?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  capacity?: number;
  retries?: number;
  retryDelayMs?: number;
}

/** toHttp turns prometheus.yml's http client config into the integrations' client options. */
function toHttp(h: HTTPClientConfig): HttpClientConfig {
  const t = h.tlsConfig;
  return {
    basicAuth: h.basicAuth ? { username: h.basicAuth.username, usernameFile: h.basicAuth.usernameFile, password: h.basicAuth.password, passwordFile: h.basicAuth.passwordFile } : null,
    authorization: h.authorization && (h.authorization.credentials !== '' || h.authorization.credentialsFile !== '') ? { type: h.authorization.type || 'Bearer', credentials: h.authorization.credentials, credentialsFile: h.authorization.credentialsFile } : null,
    tls: { ca: t.ca, cert: t.cert, key: t.key, caFile: t.caFile, certFile: t.certFile, keyFile: t.keyFile, serverName: t.serverName, insecureSkipVerify: t.insecureSkipVerify },
    proxyUrl: h.proxyUrl,
    followRedirects: h.followRedirects,
  };
}

/** alertsPath is Prometheus's postPath: path_prefix joined with /api/v2/alerts. */
export function alertsPath(prefix: string): string {
  const joined = ('/' + prefix + '/api/v2/alerts').replace(/\/+/g, '/');
  return joined;
}

/** discover turns a set's static targets into Alertmanager URLs through its relabel_configs (deduplicated). */
export function discover(cfg: AlertmanagerConfig, set: number): Target[] {
  const out: Target[] = [];
  const seen = new Set<string>();
  for (const g of cfg.staticConfigs) {
    for (const t of g.targets) {
      const base: Record<string, string> = { ...labelsToRecord(g.labels), ...labelsToRecord(t) };
      base.__scheme__ ??= cfg.scheme;
      base.__alerts_path__ ??= alertsPath(cfg.pathPrefix);
      const ls = relabel(labelsFromRecord(base), cfg.relabelConfigs);
      if (ls === null) continue;
      const r = labelsToRecord(ls);
      let addr = r.__address__ ?? '';
      if (addr === '') continue;
      const scheme = r.__scheme__ || 'http';
      if (!/:\d+$/.test(addr)) addr += scheme === 'https' ? ':443' : ':80';
      const url = `${scheme}://${addr}${r.__alerts_path__ ?? alertsPath('')}`;
      if (seen.has(url)) continue;
      seen.add(url);
      out.push({ url, set });
    }
  }
  return out;
}

/** Forwarder is Prometheus's notifier.Manager for Vigil. */
export class Forwarder {
  private queue: NotifyAlert[] = [];
  private sets: AmSet[] = [];
  private externalLabels: Labels = [];
  private relabelConfigs: RelabelConfig[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly capacity: number;
  private readonly sent = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private dropped = 0;
  private readonly log: NonNullable<ForwarderOptions['logger']>;

  constructor(private readonly o: ForwarderOptions = {}) {
    this.capacity = o.capacity ?? QUEUE_CAPACITY;
    this.log = o.logger ?? (() => {});
  }

  /** applyConfig takes prometheus.yml's alerting section and external labels (the queue is kept). */
  applyConfig(cfg: VigilConfig): void {
    this.externalLabels = cfg.global.externalLabels;
    this.relabelConfigs = cfg.alerting.alertRelabelConfigs;
    this.sets = cfg.alerting.alertmanagers.map((c, i) => {
      for (const u of c.unsupportedSDConfigs) this.log('warn', `alerting.alertmanagers[${i}]: ${u.kind} is not supported; only static_configs are used`);
      if (c.sdConfigs.length > 0) this.log('warn', `alerting.alertmanagers[${i}]: service discovery of Alertmanagers is not supported yet; only static_configs are used`);
      return { cfg: c, http: toHttp(c.httpClient), targets: discover(c, i) };
    });
    for (const t of this.targets()) {
      if (!this.sent.has(t.url)) this.sent.set(t.url, 0);
      if (!this.errors.has(t.url)) this.errors.set(t.url, 0);
    }
  }

  private targets(): Target[] {
    return this.sets.flatMap((s) => s.targets);
  }

  /** send queues alerts (external labels and alert_relabel_configs applied) and starts delivering them. */
  send(alerts: readonly NotifyAlert[]): void {
    if (this.stopped) return;
    const prepared: NotifyAlert[] = [];
    for (const a of alerts) {
      const rec = labelsToRecord(a.labels);
      for (const l of this.externalLabels) if (!rec[l.name]) rec[l.name] = l.value;
      const ls = relabel(labelsFromRecord(rec), this.relabelConfigs);
      if (ls === null || ls.length === 0) continue;
      prepared.push({ ...a, labels: ls });
    }
    if (prepared.length === 0) return;
    // More alerts than fit: the oldest go first (Prometheus drops from the front).
    if (prepared.length > this.capacity) {
      this.dropped += prepared.length - this.capacity;
      prepared.splice(0, prepared.length - this.capacity);
    }
    const overflow = this.queue.length + prepared.length - this.capacity;
    if (overflow > 0) {
      this.dropped += overflow;
      this.queue.splice(0, overflow);
    }
    this.queue.push(...prepared);
    this.kick();
  }

  private kick(): void {
    if (this.draining !== null || this.stopped) return;
    this.draining = (async () => {
      try {
        while (this.queue.length > 0 && !this.stopped) {
          const batch = this.queue.splice(0, MAX_BATCH);
          const ok = await this.sendAll(batch);
          if (!ok) this.dropped += batch.length;
        }
      } finally {
        this.draining = null;
      }
    })();
  }

  /** idle settles when the queue is empty and no batch is in flight (tests). */
  async idle(): Promise<void> {
    while (this.draining !== null) await this.draining;
  }

  /** sendAll posts one batch to every Alertmanager; true when at least one took it. */
  private async sendAll(batch: NotifyAlert[]): Promise<boolean> {
    const targets = this.targets();
    if (targets.length === 0) return true;
    const results = await Promise.all(
      targets.map(async (t) => {
        const set = this.sets[t.set]!;
        const alerts = set.cfg.alertRelabelConfigs.length === 0 ? batch : relabelAlerts(batch, set.cfg.alertRelabelConfigs);
        if (alerts.length === 0) return true;
        const body = JSON.stringify(alerts.map(toV2));
        return this.post(t, set, body, alerts.length);
      }),
    );
    return results.some((r) => r);
  }

  private async post(t: Target, set: AmSet, body: string, n: number): Promise<boolean> {
    const retries = this.o.retries ?? 2;
    for (let attempt = 0; attempt <= retries && !this.stopped; attempt++) {
      if (attempt > 0) await sleep((this.o.retryDelayMs ?? 1000) * attempt, this.abort.signal);
      this.sent.set(t.url, (this.sent.get(t.url) ?? 0) + n);
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(set.cfg.timeout || 10_000)]);
      try {
        const a = await postJson(t.url, body, set.http, signal, { 'User-Agent': `Vigil/${VERSION}` });
        if (a.status >= 200 && a.status < 300) return true;
        this.errors.set(t.url, (this.errors.get(t.url) ?? 0) + n);
        this.log('error', `Error sending alerts: bad response status ${a.status}`, { alertmanager: t.url, count: n });
        if (a.status >= 400 && a.status < 500 && a.status !== 429) return false;
      } catch (e) {
        this.errors.set(t.url, (this.errors.get(t.url) ?? 0) + n);
        this.log('error', `Error sending alerts: ${(e as Error).message}`, { alertmanager: t.url, count: n });
      }
    }
    return false;
  }

  /** alertmanagers lists the discovered Alertmanager URLs (Prometheus's /api/v1/alertmanagers activeAlertmanagers). */
  alertmanagers(): string[] {
    return this.targets().map((t) => t.url);
  }

  /** selfMetrics renders the prometheus_notifications_* metrics. */
  selfMetrics(): string {
    const lines: string[] = [];
    const per = (name: string, help: string, m: Map<string, number>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [u, v] of [...m].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${name}{alertmanager=${JSON.stringify(u)}} ${v}`);
    };
    per('prometheus_notifications_errors_total', 'Total number of sent alerts affected by errors.', this.errors);
    per('prometheus_notifications_sent_total', 'Total number of alerts sent.', this.sent);
    lines.push(
      '# HELP prometheus_notifications_dropped_total Total number of alerts dropped due to errors when sending to Alertmanager.',
      '# TYPE prometheus_notifications_dropped_total counter',
      `prometheus_notifications_dropped_total ${this.dropped}`,
      '# HELP prometheus_notifications_queue_length The number of alert notifications in the queue.',
      '# TYPE prometheus_notifications_queue_length gauge',
      `prometheus_notifications_queue_length ${this.queue.length}`,
      '# HELP prometheus_notifications_queue_capacity The capacity of the alert notifications queue.',
      '# TYPE prometheus_notifications_queue_capacity gauge',
      `prometheus_notifications_queue_capacity ${this.capacity}`,
      '# HELP prometheus_notifications_alertmanagers_discovered The number of alertmanagers discovered and active.',
      '# TYPE prometheus_notifications_alertmanagers_discovered gauge',
      `prometheus_notifications_alertmanagers_discovered ${this.targets().length}`,
    );
    return lines.join('\n') + '\n';
  }

  /** stop abandons the queue and aborts posts in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.queue = [];
    await this.draining?.catch(() => {});
  }
}

function relabelAlerts(batch: NotifyAlert[], cfgs: RelabelConfig[]): NotifyAlert[] {
  const out: NotifyAlert[] = [];
  for (const a of batch) {
    const ls = relabel(a.labels, cfgs);
    if (ls !== null && ls.length > 0) out.push({ ...a, labels: ls });
  }
  return out;
}

function iso(ms: number): string | undefined {
  return ms > 0 ? new Date(ms).toISOString() : undefined;
}

/** toV2 is the Alertmanager v2 API's postable alert. */
function toV2(a: NotifyAlert): Record<string, unknown> {
  const o: Record<string, unknown> = { labels: labelsToRecord(a.labels), annotations: labelsToRecord(a.annotations) };
  const s = iso(a.startsAt);
  const e = iso(a.endsAt);
  if (s) o.startsAt = s;
  if (e) o.endsAt = e;
  if (a.generatorURL) o.generatorURL = a.generatorURL;
  return o;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

/** forwarderRoutes is Prometheus's `GET /api/v1/alertmanagers` (the discovered Alertmanagers; none dropped without service discovery). */
export function forwarderRoutes(get: () => Forwarder | null): Route[] {
  return [
    {
      methods: ['GET'],
      pattern: '/api/v1/alertmanagers',
      readOnly: true,
      handler: () => ok({ activeAlertmanagers: (get()?.alertmanagers() ?? []).map((url) => ({ url })), droppedAlertmanagers: [] }),
    },
  ];
}
