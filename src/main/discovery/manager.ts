/**
 * The discovery manager, after Prometheus's discovery.Manager: it runs one discoverer per distinct
 * SD configuration (entries that are equal share one, however many scrape pools name them), keeps
 * the latest groups of each by source, and tells its listener the complete target groups of every
 * set (scrape pool) whose groups changed, batched over a short delay.
 */
import type { Logger } from '../util/log';
import type { KubeContexts } from '../kube/contexts';
import { nopLogger } from '../util/log';
import type { Discoverer, DiscoveryKind } from './discoverer';
import { discoveryKind } from './providers';
import { StaticDiscoverer } from './static';
import type { SDConfig, TargetGroup } from './targetgroup';

/** TargetSetsListener receives, per set name, the complete current list of target groups. */
export type TargetSetsListener = (sets: Map<string, TargetGroup[]>) => void;

/** DiscoverySet is what one set (a scrape pool, an alertmanager list) discovers from. */
export interface DiscoverySet {
  /** staticConfigs are the set's static_configs groups. */
  staticConfigs: readonly TargetGroup[];
  /** sdConfigs are its `<kind>_sd_configs` entries. */
  sdConfigs: readonly SDConfig[];
}

/** DiscoveryManagerOptions configure a DiscoveryManager. */
export interface DiscoveryManagerOptions {
  logger?: Logger;
  /** updateDelayMs batches updates from providers before telling the listener (default 100 ms). */
  updateDelayMs?: number;
  env?: NodeJS.ProcessEnv;
  /** kube is the user's kubeconfig contexts, handed to Kubernetes discoverers. */
  kube?: KubeContexts;
  /** kindOf finds the kind of an SD config (default: the kinds in providers.ts; tests pass their own). */
  kindOf?: (kind: string) => DiscoveryKind | undefined;
}

interface Provider {
  readonly key: string;
  readonly discoverer: Discoverer;
  readonly abort: AbortController;
  /** groups are the provider's current groups by source, in the order they first appeared. */
  readonly groups: Map<string, TargetGroup>;
  /** subs are the sets using this provider. */
  readonly subs: Set<string>;
}

/** DiscoveryManager owns the running discoverers. */
export class DiscoveryManager {
  private readonly logger: Logger;
  private readonly delay: number;
  private readonly kindOf: (kind: string) => DiscoveryKind | undefined;
  private providers = new Map<string, Provider>();
  /** sets maps each set name to its providers' keys, in configuration order (static first). */
  private sets = new Map<string, string[]>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly listener: TargetSetsListener,
    private readonly opts: DiscoveryManagerOptions = {},
  ) {
    this.logger = opts.logger ?? nopLogger;
    this.delay = opts.updateDelayMs ?? 100;
    this.kindOf = opts.kindOf ?? discoveryKind;
  }

  /**
   * applyConfig installs the sets: providers whose configuration is unchanged keep running (so a
   * reload does not relist a cluster), new ones start, unused ones stop; every set is then reported
   * at once, with what its providers know so far.
   */
  applyConfig(sets: ReadonlyMap<string, DiscoverySet>): void {
    this.stopped = false;
    const next = new Map<string, Provider>();
    const nextSets = new Map<string, string[]>();
    for (const [name, set] of sets) {
      const keys: string[] = [];
      if (set.staticConfigs.length > 0) {
        // Static groups belong to their set alone: their sources repeat across sets.
        const key = `static\x00${name}\x00${JSON.stringify(set.staticConfigs)}`;
        keys.push(key);
        if (!next.has(key)) next.set(key, this.providers.get(key) ?? this.newProvider(key, new StaticDiscoverer(set.staticConfigs)));
      }
      for (const c of set.sdConfigs) {
        const kind = this.kindOf(c.kind);
        if (kind === undefined) {
          this.logger('error', `no discovery for ${c.kind}_sd_configs`, { set: name });
          continue;
        }
        const key = `${c.kind}\x00${kind.key ? kind.key(c) : JSON.stringify(c)}`;
        if (keys.includes(key)) continue;
        keys.push(key);
        if (!next.has(key)) {
          let p = this.providers.get(key);
          if (p === undefined) {
            try {
              p = this.newProvider(key, kind.create(c, { logger: this.logger, env: this.opts.env, kube: this.opts.kube }));
            } catch (e) {
              this.logger('error', `cannot start ${c.kind} discovery`, { set: name, err: (e as Error).message });
              continue;
            }
          }
          next.set(key, p);
        }
      }
      nextSets.set(name, keys);
    }
    for (const [key, p] of this.providers) if (!next.has(key)) p.abort.abort();
    for (const p of next.values()) p.subs.clear();
    for (const [name, keys] of nextSets) for (const k of keys) next.get(k)!.subs.add(name);
    const started = [...next.values()].filter((p) => !this.providers.has(p.key));
    this.providers = next;
    this.sets = nextSets;
    for (const p of started) this.start(p);
    for (const name of nextSets.keys()) this.dirty.add(name);
    this.flush();
  }

  /** refreshNow asks every discoverer that can to re-read its source now (a reload, and tests). */
  refreshNow(): void {
    for (const p of this.providers.values()) p.discoverer.refreshNow?.();
    this.flush();
  }

  /** stop ends every discoverer. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const p of this.providers.values()) p.abort.abort();
    this.providers.clear();
    this.sets.clear();
    this.dirty.clear();
  }

  /** groups returns a set's current target groups (what the listener was last told, or is about to be). */
  groups(name: string): TargetGroup[] {
    const out: TargetGroup[] = [];
    for (const key of this.sets.get(name) ?? []) {
      const p = this.providers.get(key);
      if (p === undefined) continue;
      for (const g of p.groups.values()) out.push(g);
    }
    return out;
  }

  private newProvider(key: string, discoverer: Discoverer): Provider {
    return { key, discoverer, abort: new AbortController(), groups: new Map(), subs: new Set() };
  }

  private start(p: Provider): void {
    const up = (groups: TargetGroup[]): void => {
      if (p.abort.signal.aborted || this.providers.get(p.key) !== p) return;
      for (const g of groups) {
        if (g.targets.length === 0) p.groups.delete(g.source);
        else p.groups.set(g.source, g);
      }
      for (const s of p.subs) this.dirty.add(s);
      this.schedule();
    };
    p.discoverer.run(p.abort.signal, up).catch((e: unknown) => {
      this.logger('error', 'discoverer stopped with an error', { err: e instanceof Error ? e.message : String(e) });
    });
  }

  private schedule(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.delay);
    this.timer.unref?.();
  }

  private flush(): void {
    if (this.stopped || this.dirty.size === 0) return;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const out = new Map<string, TargetGroup[]>();
    for (const name of this.dirty) if (this.sets.has(name)) out.set(name, this.groups(name));
    this.dirty.clear();
    if (out.size > 0) this.listener(out);
  }
}
