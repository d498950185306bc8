/**
 * The discovery kinds Vigil has. Adding one is a folder (or file) under src/main/discovery and
 * its line here; the configuration loader and the discovery manager find it through this list.
 */
import type { DiscoveryKind } from './discoverer';
import { fileDiscovery } from './file';
import { kubernetesDiscovery } from './kubernetes/index';
import { vigilDiscovery } from './vigil/index';

/** DISCOVERY_KINDS lists every implemented `<kind>_sd_configs`. */
export const DISCOVERY_KINDS: readonly DiscoveryKind[] = [fileDiscovery, kubernetesDiscovery, vigilDiscovery];

/** discoveryKind returns the kind named `kind`, or undefined. */
export function discoveryKind(kind: string): DiscoveryKind | undefined {
  return DISCOVERY_KINDS.find((k) => k.kind === kind);
}
