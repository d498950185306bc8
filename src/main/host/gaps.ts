/**
 * What the gap detector (rules/gap.ts) watches besides the clocks: the scrape health of each
 * cluster's targets and whether each monitored API server answers Vigil.
 */
import type { VigilConfig } from '../config';
import type { KubeContexts } from '../kube/contexts';
import { GapDetector, type ClusterTargets, type GapSources } from '../rules';
import type { ScrapeManager } from '../scrape';
import type { Logger } from '../util/log';

/**
 * startGapDetector starts the detector: twice the evaluation interval is a gap, and evaluation
 * resumes one scrape interval (the longest of the configuration's, at most 5 minutes) after it.
 */
export function startGapDetector(o: { logger: Logger; config: () => VigilConfig | null; scrape: () => ScrapeManager | null; kube: KubeContexts }): GapDetector {
  const gaps = new GapDetector({
    logger: o.logger,
    intervalMs: () => o.config()?.global.evaluationInterval ?? 15_000,
    settleMs: () => {
      const c = o.config();
      return Math.min(5 * 60_000, Math.max(c?.global.scrapeInterval ?? 15_000, ...(c?.scrapeConfigs.map((sc) => sc.scrapeInterval) ?? [])));
    },
    sources: gapSources(o.scrape, o.kube),
  });
  gaps.start();
  return gaps;
}

/** gapSources give the gap detector the targets' health per cluster and the API servers' state. */
export function gapSources(scrape: () => ScrapeManager | null, kube: KubeContexts): GapSources {
  return {
    targets: () => {
      const by = new Map<string, ClusterTargets>();
      for (const { target } of scrape()?.activeTargets() ?? []) {
        const cluster = target.get('cluster');
        if (cluster === '') continue;
        const c = by.get(cluster) ?? { cluster, targets: 0, up: 0, lastUpMs: 0 };
        c.targets++;
        if (target.health === 'up') {
          c.up++;
          c.lastUpMs = Math.max(c.lastUpMs, target.lastScrape);
        }
        by.set(cluster, c);
      }
      return [...by.values()];
    },
    apiServers: () => kube.list().filter((c) => c.monitored).map((c) => ({ cluster: c.clusterLabel, up: c.state === 'connected' || c.state === 'unknown' })),
  };
}

