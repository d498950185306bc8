/**
 * ClusterMonitor keeps the default jobs of the monitored contexts current: which contexts are
 * monitored (they follow the user's choice), what the user allows for each (settings: interval,
 * jobs switched off) and what the cluster allows (a permission probe on start, when a context
 * connects after being unreachable, and every 10 minutes). When the generated jobs change, it
 * says so, and the host recomposes the configuration.
 */
import type { KubeClient } from '../kube/client';
import type { KubeContexts } from '../kube/contexts';
import type { Logger } from '../util/log';
import { defaultScrapeConfigs, defaultsDocument, type ContextDefaults } from './defaults';
import { probeContext, type ProbeResult } from './probe';
import { disabledFor, intervalFor, type ClusterSettings } from './settings';

/** ClusterMonitorOptions configure a monitor. */
export interface ClusterMonitorOptions {
  kube: KubeContexts;
  settings(): ClusterSettings;
  logger: Logger;
  /** changed is called when the default jobs change. */
  changed(): void;
  /** reprobeMs is how often permissions are asked again (default 10 minutes). */
  reprobeMs?: number;
}

interface ContextProbe {
  client: KubeClient;
  result: ProbeResult | null;
  running: Promise<void> | null;
  unsubState: () => void;
}

/** ClusterMonitor owns the default jobs. */
export class ClusterMonitor {
  private readonly probes = new Map<string, ContextProbe>();
  private last = '';
  private timer: NodeJS.Timeout | null = null;
  private unsubKube: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly o: ClusterMonitorOptions) {}

  /** start follows the monitored contexts and probes them. */
  start(): void {
    this.unsubKube = this.o.kube.onChange(() => this.sync());
    this.sync();
    this.timer = setInterval(() => {
      for (const name of this.probes.keys()) void this.probe(name);
    }, this.o.reprobeMs ?? 10 * 60_000);
    this.timer.unref();
    this.last = this.scrapeConfigsYaml();
  }

  /** ready resolves when every monitored context has been probed (answered or failed), or after timeoutMs. */
  async ready(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all([...this.probes.values()].map((p) => p.running ?? Promise.resolve()));
    await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  stop(): void {
    this.stopped = true;
    this.unsubKube?.();
    if (this.timer) clearInterval(this.timer);
    for (const p of this.probes.values()) p.unsubState();
    this.probes.clear();
  }

  /** settingsChanged re-generates after the user changed an interval or a job switch. */
  settingsChanged(): void {
    this.check();
  }

  private sync(): void {
    const want = new Set(this.o.kube.monitored());
    for (const [name, p] of [...this.probes]) {
      let client: KubeClient | null = null;
      try {
        client = want.has(name) ? this.o.kube.client(name) : null;
      } catch {
        client = null;
      }
      if (client !== p.client) {
        p.unsubState();
        this.probes.delete(name);
      }
    }
    for (const name of want) {
      if (this.probes.has(name)) continue;
      let client: KubeClient;
      try {
        client = this.o.kube.client(name);
      } catch (e) {
        this.o.logger('error', (e as Error).message, { context: name });
        continue;
      }
      // A context that was unreachable or refused the reviews is asked again once it connects.
      const unsubState = client.onState((s) => {
        const p = this.probes.get(name);
        if (s === 'connected' && p && p.result === null && p.running === null) void this.probe(name);
      });
      this.probes.set(name, { client, result: null, running: null, unsubState });
      void this.probe(name);
    }
    this.check();
  }

  private probe(name: string): Promise<void> {
    const p = this.probes.get(name);
    if (!p) return Promise.resolve();
    if (p.running) return p.running;
    p.running = (async () => {
      try {
        const r = await probeContext(p.client, name);
        if (this.stopped || this.probes.get(name) !== p) return;
        p.result = r;
        this.o.kube.setNote(name, 'kubelet', r.skipped.get('kubelet') ?? '');
        // The refusals join the API server's own 403s (the context's state, vigil_cluster_rbac_denied).
        for (const d of r.checked) {
          if (r.denied.includes(d)) p.client.denied.set(d, r.skipped.get('kubelet') ?? d);
          else p.client.denied.delete(d);
        }
        if (r.denied.length > 0) this.o.logger('warn', `context ${name}: ${r.skipped.get('kubelet') ?? r.denied.join(', ')}`, { component: 'cluster' });
      } catch (e) {
        // Unknown: keep the last answer; nothing new is skipped.
        this.o.logger('debug', `context ${name}: cannot check permissions: ${(e as Error).message}`, { component: 'cluster' });
      } finally {
        p.running = null;
      }
      this.check();
    })();
    return p.running;
  }

  private check(): void {
    if (this.stopped) return;
    const next = this.scrapeConfigsYaml();
    if (next === this.last) return;
    this.last = next;
    this.o.changed();
  }

  /** contextDefaults are the generation inputs of each monitored context. */
  contextDefaults(): ContextDefaults[] {
    const s = this.o.settings();
    return this.o.kube.monitored().map((context) => ({
      context,
      interval: intervalFor(s, context),
      disabled: disabledFor(s, context),
      skipped: this.probes.get(context)?.result?.skipped ?? new Map(),
    }));
  }

  /** scrapeConfigsYaml is every monitored context's default jobs as one YAML list ('' for none). */
  scrapeConfigsYaml(): string {
    return this.contextDefaults()
      .map((c) => defaultScrapeConfigs(c))
      .join('');
  }

  /** document renders the defaults of one context (or all) as a prometheus.yml document. */
  document(context?: string): string {
    return defaultsDocument(this.contextDefaults().filter((c) => context === undefined || c.context === context));
  }
}
