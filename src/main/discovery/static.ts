/**
 * Static targets (`static_configs`): the groups written in the configuration, reported once.
 */
import type { Discoverer } from './discoverer';
import type { TargetGroup } from './targetgroup';

/** StaticDiscoverer reports fixed groups once and then waits for its signal. */
export class StaticDiscoverer implements Discoverer {
  constructor(private readonly groups: readonly TargetGroup[]) {}

  run(signal: AbortSignal, up: (groups: TargetGroup[]) => void): Promise<void> {
    up(this.groups.map((g) => ({ ...g, source: `static/${g.source}` })));
    return new Promise((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}
