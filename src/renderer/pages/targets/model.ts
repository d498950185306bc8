/**
 * The targets page's pure logic: grouping targets by cluster, job and scrape pool, the text filter
 * and "unhealthy only", relative times and durations. No DOM, no React (tested in
 * test/renderer/targets-model.test.ts).
 */
import type { ApiTarget } from '../../../common/api/types';

/** splitPool splits a default job's pool name `<job>@<context>` ('vigil' has no context). */
export function splitPool(pool: string): { job: string; context: string } {
  const at = pool.lastIndexOf('@');
  return at > 0 ? { job: pool.slice(0, at), context: pool.slice(at + 1) } : { job: pool, context: '' };
}

/** haystack is the lower-cased text a filter matches: labels (k="v"), URL, error, pool and scrape path. */
export function haystack(t: ApiTarget): string {
  const labels = Object.entries(t.labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return `${labels} ${t.scrapeUrl} ${t.lastError} ${t.scrapePool} ${t.scrapePath ?? ''}`.toLowerCase();
}

/** matcher returns the test of a filter text: every whitespace-separated term must occur. */
export function matcher(filter: string): (hay: string) => boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return () => true;
  return (hay) => terms.every((t) => hay.includes(t));
}

/** PoolGroup is one scrape pool with the targets that pass the filter and its counts over all its targets. */
export interface PoolGroup {
  pool: string;
  job: string;
  targets: ApiTarget[];
  /** up and total count every target of the pool, filtered or not. */
  up: number;
  total: number;
}

/** ClusterGroup is one cluster (a `cluster` label value; '' for targets outside any cluster) and its pools. */
export interface ClusterGroup {
  cluster: string;
  pools: PoolGroup[];
  up: number;
  total: number;
}

/** IndexedTarget is a target with its precomputed filter text. */
export interface IndexedTarget {
  t: ApiTarget;
  hay: string;
}

/** indexTargets precomputes every target's filter text (once per answer, not per keystroke). */
export function indexTargets(ts: readonly ApiTarget[]): IndexedTarget[] {
  return ts.map((t) => ({ t, hay: haystack(t) }));
}

/** clusterOf is a target's cluster: its `cluster` label, else the context of its pool name. */
export function clusterOf(t: ApiTarget): string {
  return t.labels.cluster ?? splitPool(t.scrapePool).context;
}

/**
 * groupTargets groups targets by cluster, then scrape pool (sorted by job, then pool), keeping
 * those that pass the filter (and are not up, with unhealthyOnly). Pools and clusters left
 * without targets are left out; their counts are over all their targets. cluster, when given,
 * keeps only that cluster.
 */
export function groupTargets(ts: readonly IndexedTarget[], opts: { filter?: string; unhealthyOnly?: boolean; cluster?: string } = {}): ClusterGroup[] {
  const test = matcher(opts.filter ?? '');
  const clusters = new Map<string, Map<string, PoolGroup>>();
  for (const { t, hay } of ts) {
    const c = clusterOf(t);
    if (opts.cluster && c !== opts.cluster) continue;
    let pools = clusters.get(c);
    if (!pools) clusters.set(c, (pools = new Map()));
    let g = pools.get(t.scrapePool);
    if (!g) pools.set(t.scrapePool, (g = { pool: t.scrapePool, job: t.labels.job ?? splitPool(t.scrapePool).job, targets: [], up: 0, total: 0 }));
    g.total++;
    if (t.health === 'up') g.up++;
    if ((opts.unhealthyOnly && t.health === 'up') || !test(hay)) continue;
    g.targets.push(t);
  }
  const out: ClusterGroup[] = [];
  for (const [cluster, pools] of clusters) {
    const all = [...pools.values()];
    const kept = all.filter((p) => p.targets.length > 0).sort((a, b) => (a.job === b.job ? cmp(a.pool, b.pool) : cmp(a.job, b.job)));
    if (kept.length === 0) continue;
    out.push({ cluster, pools: kept, up: all.reduce((n, p) => n + p.up, 0), total: all.reduce((n, p) => n + p.total, 0) });
  }
  // Clusters by name; targets outside any cluster (Vigil itself, static configs) last.
  return out.sort((a, b) => (a.cluster === '' ? 1 : b.cluster === '' ? -1 : cmp(a.cluster, b.cluster)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** relativeTime renders an ISO time as an age ("4.2s ago", "3m ago", "2h ago", "never"). */
export function relativeTime(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'never';
  const s = Math.max(0, (nowMs - t) / 1000);
  if (s < 60) return `${s.toFixed(1)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.floor(s % 60)}s ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** formatSeconds renders a scrape duration (seconds) in ms or s. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s <= 0) return '—';
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return `${s.toFixed(2)} s`;
}

/** PATH_TEXT explains each scrape path in a few words. */
export const PATH_TEXT: Record<string, string> = {
  direct: 'direct',
  'api-proxy': 'API server proxy',
  'port-forward': 'port-forward',
  'api-server': 'API server',
  synthesized: 'synthesized',
};
