/**
 * Demo mode's place in the core: the simulated clusters (demo/) are started behind their own fake
 * API servers and monitored through the kubeconfig they write, exactly as a real cluster is (the
 * default jobs, discovery, the API-server proxies, the synthesized kube-state series). What a live
 * app cannot get from a fresh cluster, history, is written in the background: once discovery has
 * found the targets, each target's past scrapes are replayed through its scrape pool (the same
 * parsing, relabeling, staleness and `up`) over the simulation's expositions of those times, into
 * the store's importer. The simulation is a function of wall-clock time, so a restart continues
 * every counter and only the gap since the last stored sample is backfilled.
 */
import { labelsGet } from '../../common/model/labels';
import { Matcher } from '../../common/model/matcher';
import { startDemoClusters, type DemoClusters } from '../demo/clusters';
import { CONTEXT_LABEL, ROLE_LABEL } from '../discovery/vigil/index';
import { COLLECTIONS, trimmer } from '../kube/objects/collections';
import { RESOURCES, renderObjects, type ResourceName } from '../kubestate/index';
import type { ScrapeManager } from '../scrape';
import type { Target } from '../scrape/target';
import type { ScrapeResult } from '../scrape/scraper';
import type { StorageEngine } from '../storage';
import type { Logger } from '../util/log';

/** DEMO_HISTORY_MS is how far back a first start writes history. */
export const DEMO_HISTORY_MS = 3_600_000;

/** DEMO_SCRAPE_INTERVAL is the default jobs' interval in demo mode (the laptop default is 30s). */
export const DEMO_SCRAPE_INTERVAL = '15s';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** startDemo starts `count` simulated clusters with their kubeconfig in `dir`. */
export function startDemo(count: number, dir: string): Promise<DemoClusters> {
  if (!Number.isInteger(count) || count < 1 || count > 2) throw new Error(`--demo takes 1 or 2 clusters, got ${count}`);
  return startDemoClusters({ count: count as 1 | 2, dir });
}

/** BackfillReport says what the history backfill wrote. */
export interface BackfillReport {
  targets: number;
  scrapes: number;
  samples: number;
  fromMs: number;
  toMs: number;
  ms: number;
}

/** BackfillOptions configure backfillDemoHistory. */
export interface BackfillOptions {
  scrape: ScrapeManager;
  clusters: DemoClusters;
  storage: StorageEngine;
  /** endMs is where history ends: when demo mode started, before any live scrape. */
  endMs: number;
  historyMs?: number;
  logger: Logger;
  /** cancelled is polled between targets (the core is stopping). */
  cancelled: () => boolean;
  /** settleMs bounds the wait for discovery's first full target set (default 15 s). */
  settleMs?: number;
}

/** demoTarget returns the demo context of a target discovered through a demo cluster, or ''. */
function demoContext(t: Target, contexts: readonly string[]): string {
  const ctx = t.origin?.kind === 'kubernetes' ? t.origin.context : labelsGet(t.discoveredLabels, CONTEXT_LABEL);
  return contexts.includes(ctx) ? ctx : '';
}

/**
 * backfillDemoHistory waits for discovery to settle, then replays every demo target's scrapes
 * from the last stored sample (or historyMs before endMs) to endMs. A target's history starts at
 * its first answer (a pod created half an hour ago has no earlier samples); after that, a time
 * without an answer is a failed scrape (`up` 0, series stale), as it would have been live.
 */
export async function backfillDemoHistory(o: BackfillOptions): Promise<BackfillReport> {
  const t0 = Date.now();
  const contexts = o.clusters.contexts;
  const targets = await settledTargets(o, contexts);
  const fromMs = Math.max(o.endMs - (o.historyMs ?? DEMO_HISTORY_MS), lastStored(o.storage, contexts, o.endMs) + 1);
  const report: BackfillReport = { targets: 0, scrapes: 0, samples: 0, fromMs, toMs: o.endMs, ms: 0 };
  if (fromMs >= o.endMs) return { ...report, ms: Date.now() - t0 };
  // Small flushes: each is one SQLite transaction that holds the event loop while it writes.
  const imp = o.storage.importer({ maxBufferedSamples: 50_000 });
  try {
    for (const { pool, target } of targets) {
      if (o.cancelled()) break;
      const context = demoContext(target, contexts);
      const body = bodyAt(o.clusters, context, target);
      const times = (interval: number): number[] => {
        const out: number[] = [];
        if (interval <= 0) return out;
        // History starts at the target's first answer.
        let t = Math.ceil(fromMs / interval) * interval;
        while (t < o.endMs && body(t) === null) t += interval;
        for (; t < o.endMs; t += interval) out.push(t);
        return out;
      };
      const n = await o.scrape.replay(pool, target, times, body, imp.appendable());
      report.scrapes += n;
      if (n > 0) report.targets++;
    }
    report.samples = imp.commit().samples;
  } catch (e) {
    imp.abort();
    throw e;
  }
  report.ms = Date.now() - t0;
  return report;
}

/** settledTargets waits until the demo targets stop changing for a second (bounded), and returns them. */
async function settledTargets(o: BackfillOptions, contexts: readonly string[]): Promise<{ pool: string; target: Target }[]> {
  const deadline = Date.now() + (o.settleMs ?? 15_000);
  let last = '';
  let stableSince = Date.now();
  for (;;) {
    const ts = o.scrape.activeTargets().filter((e) => demoContext(e.target, contexts) !== '');
    const key = ts.map((e) => `${e.pool} ${e.target.url()}`).sort().join('\n');
    if (key !== last) {
      last = key;
      stableSince = Date.now();
    } else if (ts.length > 0 && Date.now() - stableSince >= 1000) return ts;
    if (Date.now() >= deadline || o.cancelled()) return ts;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** lastStored is the newest sample of the demo clusters' `up` series before endMs (0: none). */
function lastStored(storage: StorageEngine, contexts: readonly string[], endMs: number): number {
  const q = storage.querier(endMs - DEMO_HISTORY_MS, endMs);
  let last = 0;
  try {
    const set = q.select(false, null, [new Matcher('=', '__name__', 'up'), new Matcher('=~', 'cluster', contexts.map(escapeRe).join('|'))]);
    for (const s of set.series) {
      const it = s.iterator();
      while (it.next() !== 0) if (it.atT() < endMs && it.atT() > last) last = it.atT();
    }
  } finally {
    q.close();
  }
  return last;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** bodyAt returns what a scrape of the target answered at a time: the simulation's exposition, or null. */
function bodyAt(clusters: DemoClusters, context: string, target: Target): (t: number) => ScrapeResult | null {
  if (labelsGet(target.discoveredLabels, ROLE_LABEL) === 'kube-state') {
    const cluster = clusters.clusters.find((c) => c.context === context);
    if (!cluster) return () => null;
    return (t) => ({ body: kubeStateAt(cluster.objectsAt(t)), contentType: TEXT });
  }
  const u = new URL(target.url());
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return (t) => {
    const text = clusters.renderAt(context, host, port, u.pathname, t);
    return text === null ? null : { body: Buffer.from(text), contentType: TEXT };
  };
}

/** kubeStateAt renders the kube-state series of a snapshot's objects, trimmed as the informers trim them. */
function kubeStateAt(objects: Map<string, unknown[]>): Buffer {
  const input: Partial<Record<ResourceName, object[][]>> = {};
  for (const r of RESOURCES) {
    const raw = objects.get(COLLECTIONS[r.kind].resource) ?? [];
    const trim = trimmer(r.kind);
    input[r.name as ResourceName] = [raw.map((o) => trim(o))];
  }
  return renderObjects(input);
}
