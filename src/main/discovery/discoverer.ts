/**
 * The contract of a discovery mechanism, after Prometheus's discovery.Discoverer and
 * discovery.Config: a kind parses its configuration section and creates discoverers, and a
 * discoverer runs until its signal aborts, reporting changed target groups.
 */
import type { HTTPClientConfig } from '../config/types';
import type { Fields, Walker, YNode } from '../config/yamlwalk';
import type { Logger } from '../util/log';
import type { KubeContexts } from '../kube/contexts';
import type { SDConfig, TargetGroup } from './targetgroup';

/**
 * Discoverer finds targets. run() reports groups through up() whenever they change: a group
 * replaces the previous group of the same source, and a group without targets removes it. The
 * first call should report everything known at start. run() resolves once signal aborts.
 */
export interface Discoverer {
  run(signal: AbortSignal, up: (groups: TargetGroup[]) => void): Promise<void>;
  /** refreshNow re-reads the source at once where that means something (files; a reload). */
  refreshNow?(): void;
}

/** DiscovererOptions are what every discoverer gets from the discovery manager. */
export interface DiscovererOptions {
  logger: Logger;
  /** env is the environment (kubeconfig paths and the like); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** kube is the user's kubeconfig contexts, for Kubernetes discovery (absent: none loaded). */
  kube?: KubeContexts;
}

/**
 * SDConfigContext is what a kind's parser gets from the configuration loader: the YAML walker
 * (positions, typed readers, errors and warnings), path resolution against the configuration
 * file's folder, and the shared HTTP client section reader.
 */
export interface SDConfigContext {
  readonly w: Walker;
  /** joinDir resolves a relative path against the configuration file's folder. */
  joinDir(p: string): string;
  /** httpClient reads and validates the inline HTTP client fields of a section. */
  httpClient(f: Fields, where: string): HTTPClientConfig;
  /** httpClientFields are the field names httpClient reads (to allow them in a section). */
  readonly httpClientFields: readonly string[];
}

/** ReferencedFile is a file a configuration names, checked by `vigil check config`. */
export interface ReferencedFile {
  path: string;
  what: string;
}

/**
 * DiscoveryKind is one discovery mechanism: the parser of its `<kind>_sd_configs` entries and the
 * factory of its discoverers. Kinds are listed in providers.ts.
 */
export interface DiscoveryKind<C extends SDConfig = SDConfig> {
  /** kind is the section's prefix: `file` for file_sd_configs. */
  readonly kind: string;
  /** parse reads one entry; problems go to ctx.w (err/warn); null when the entry is unusable. */
  parse(item: YNode, ctx: SDConfigContext): C | null;
  /** files lists the files an entry refers to that must exist (patterns excluded). */
  files?(config: C): ReferencedFile[];
  /** key identifies a configuration for sharing: equal keys share one discoverer (default: its JSON). */
  key?(config: C): string;
  /** create returns a discoverer for one entry. */
  create(config: C, opts: DiscovererOptions): Discoverer;
}
