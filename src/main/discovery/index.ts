/**
 * Service discovery: where scrape targets (and, later, alertmanagers) come from. See README.md.
 */
export type { TargetGroup, SDConfig } from './targetgroup';
export type { Discoverer, DiscovererOptions, DiscoveryKind, SDConfigContext, ReferencedFile } from './discoverer';
export { DiscoveryManager } from './manager';
export type { DiscoveryManagerOptions, DiscoverySet, TargetSetsListener } from './manager';
export { DISCOVERY_KINDS, discoveryKind } from './providers';
export { StaticDiscoverer } from './static';
export { FileDiscoverer, fileDiscovery, readTargetGroupsFile } from './file';
export type { FileSDConfig } from './file';
