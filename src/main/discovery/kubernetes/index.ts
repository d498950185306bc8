/**
 * Kubernetes service discovery (`kubernetes_sd_configs`): the configuration parsed and validated
 * as Prometheus does (config.ts), the role builders (roles/) and the discoverer that watches the
 * API servers of the contexts an entry applies to (discoverer.ts).
 */
import type { DiscoveryKind } from '../discoverer';
import { parseKubernetesSD, type KubernetesSDConfig } from './config';
import { KubernetesDiscoverer } from './discoverer';

export { KUBERNETES_ROLES, checkSelector, parseKubernetesSD } from './config';
export type { KubernetesRole, KubernetesSDConfig } from './config';

/** kubernetesDiscovery is the `kubernetes` kind. */
export const kubernetesDiscovery: DiscoveryKind<KubernetesSDConfig> = {
  kind: 'kubernetes',
  parse: (item, ctx) => parseKubernetesSD(item, ctx),
  files: (c) => (c.kubeconfigFile !== '' ? [{ path: c.kubeconfigFile, what: 'kubeconfig file' }] : []),
  create: (c, opts) => new KubernetesDiscoverer(c, opts),
};
