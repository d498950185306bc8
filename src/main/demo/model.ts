/**
 * LEGACY (remove once host/core.ts runs the demo through startDemoClusters): the old demo's
 * cluster handle, now a thin wrapper over the time-driven simulation of sim/, so that the
 * static-scrape-config path (server.ts, backfill.ts) keeps working until the core is rewired.
 */
import { ClusterSim } from './sim/sim';
import { clusterSpec } from './sim/spec';
import { SimNetwork } from './network';

/** DemoCluster is the simulated cluster `demo` (its state is a function of the time alone). */
export class DemoCluster {
  readonly name: string;
  readonly sim: ClusterSim;
  readonly network: SimNetwork;

  constructor(_createdAt: number, opts: { name?: string; seed?: number } = {}) {
    this.name = opts.name ?? 'demo';
    this.sim = new ClusterSim(clusterSpec(this.name, 0, opts.seed ?? 1));
    this.network = new SimNetwork(this.sim);
  }

  /** advance is kept for the old callers; nothing needs advancing. */
  advance(_now: number): void {}
}
