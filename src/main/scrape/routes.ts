/**
 * What the scrape subsystem answers: /api/v1/targets, /api/v1/targets/metadata,
 * /api/v1/scrape_pools and /api/v1/metadata in Prometheus's shapes, and its self-metrics for
 * Vigil's own /metrics. Registered by the composition root (src/main/host).
 */
import type { ApiMetadataEntry, ApiTargetsData } from '../../common/api/types';
import { ok, type Route } from '../../common/api/route';
import { limitParam, one, selectorParams } from '../../common/api/params';
import type { ScrapeManager } from './manager';

/** scrapeRoutes returns the routes of the scrape subsystem; scrape() is null until scraping starts. */
export function scrapeRoutes(scrape: () => ScrapeManager | null): Route[] {
  const get = { methods: ['GET'], readOnly: true } as const;
  return [
    {
      ...get,
      pattern: '/api/v1/targets',
      handler: (r) => {
        const state = (one(r.params, 'state') ?? 'any') as 'active' | 'dropped' | 'any';
        return ok(targetsData(scrape(), state, one(r.params, 'scrapePool')));
      },
    },
    {
      ...get,
      pattern: '/api/v1/targets/metadata',
      handler: (r) => {
        const [matchTarget] = selectorParams(r.params, 'match_target');
        const metric = one(r.params, 'metric') || undefined;
        return ok(scrape()?.targetMetadata({ metric, matchTarget, limit: limitParam(r.params) }) ?? []);
      },
    },
    { ...get, pattern: '/api/v1/scrape_pools', handler: () => ok({ scrapePools: scrape()?.scrapePools() ?? [] }) },
    { ...get, pattern: '/api/v1/metadata', handler: (r) => ok(metadataData(scrape(), one(r.params, 'metric'), limitParam(r.params))) },
  ];
}

function targetsData(scrape: ScrapeManager | null, state: 'active' | 'dropped' | 'any', pool?: string): ApiTargetsData {
  if (!scrape) return { activeTargets: [], droppedTargets: [] };
  const t = scrape.targets(pool);
  return {
    activeTargets: state === 'dropped' ? [] : t.active,
    droppedTargets: state === 'active' ? [] : t.dropped,
    droppedTargetCounts: t.droppedTargetCounts,
  };
}

/** metadataData groups target metadata by metric name, one entry per distinct (type, help, unit). */
function metadataData(scrape: ScrapeManager | null, metric?: string, limit?: number): Record<string, ApiMetadataEntry[]> {
  const out: Record<string, ApiMetadataEntry[]> = {};
  if (!scrape) return out;
  const seen = new Set<string>();
  let n = 0;
  for (const m of scrape.metadataEntries(metric)) {
    const key = `${m.metric}\xff${m.type}\xff${m.help}\xff${m.unit}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!out[m.metric]) {
      if (limit && limit > 0 && n >= limit) continue;
      out[m.metric] = [];
      n++;
    }
    out[m.metric]!.push({ type: m.type, help: m.help, unit: m.unit });
  }
  return out;
}

/** scrapeSelfMetrics renders the scrape manager's state for Vigil's own /metrics. */
export function scrapeSelfMetrics(scrape: ScrapeManager): string {
  // Every self-scrape: counted from the loops, without the targets view (which merges the
  // discovered labels of every dropped target of a cluster).
  const byPool = [...scrape.healthCounts()].filter(([, c]) => c.up + c.down + c.unknown > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = ['# HELP vigil_scrape_targets Active scrape targets by scrape pool and health.', '# TYPE vigil_scrape_targets gauge'];
  for (const [pool, c] of byPool) {
    for (const h of ['up', 'down', 'unknown'] as const) lines.push(`vigil_scrape_targets{scrape_pool=${JSON.stringify(pool)},health="${h}"} ${c[h]}`);
  }
  const n = scrape.totals;
  const counter = (name: string, help: string, v: number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
  };
  counter('vigil_target_scrapes_total', 'Scrapes performed, over all targets.', n.scrapes);
  counter('prometheus_target_scrapes_sample_duplicate_timestamp_total', 'Total number of samples rejected due to duplicate timestamps but different values.', n.duplicates);
  counter('prometheus_target_scrapes_sample_out_of_order_total', 'Total number of samples rejected due to not being out of the expected order.', n.outOfOrder);
  counter('prometheus_target_scrapes_sample_out_of_bounds_total', 'Total number of samples rejected due to timestamp falling outside of the time bounds.', n.outOfBounds);
  counter('prometheus_target_scrapes_exceeded_sample_limit_total', 'Total number of scrapes that hit the sample limit and were rejected.', n.sampleLimitHits);
  counter('prometheus_target_scrapes_exemplar_out_of_order_total', 'Total number of exemplar rejected due to not being out of the expected order.', n.exemplarsOutOfOrder);
  return lines.join('\n') + '\n';
}
