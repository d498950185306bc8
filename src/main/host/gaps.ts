/**
 * What the gap detector (rules/gap.ts) watches besides the clocks: the scrape health of each
 * cluster's targets and whether each monitored API server answers Vigil.
 */
import type { KubeContexts } from '../kube/contexts';
import type { ClusterTargets, GapSources } from '../rules';
import type { ScrapeManager } from '../scrape';

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

