/**
 * Kubernetes service discovery (`kubernetes_sd_configs`). The configuration is parsed and
 * validated as Prometheus does; discovering targets from the API server arrives with the
 * Kubernetes connection (src/main/kube): until then the kind says so wherever it is used.
 */
import type { Discoverer, DiscoveryKind } from '../discoverer';
import type { TargetGroup } from '../targetgroup';
import { parseKubernetesSD, type KubernetesSDConfig } from './config';

export { KUBERNETES_ROLES, checkSelector, parseKubernetesSD } from './config';
export type { KubernetesRole, KubernetesSDConfig } from './config';

/** NOT_AVAILABLE is the warning of every kubernetes_sd_configs entry in this version. */
export const NOT_AVAILABLE = 'kubernetes_sd_configs is validated but Kubernetes discovery is not available in this version: no targets are discovered from it';

/** IdleDiscoverer discovers nothing (Kubernetes discovery is not built yet). */
class IdleDiscoverer implements Discoverer {
  run(signal: AbortSignal, up: (groups: TargetGroup[]) => void): Promise<void> {
    up([]);
    return new Promise((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

/** kubernetesDiscovery is the `kubernetes` kind. */
export const kubernetesDiscovery: DiscoveryKind<KubernetesSDConfig> = {
  kind: 'kubernetes',
  parse(item, ctx) {
    const c = parseKubernetesSD(item, ctx);
    if (c !== null) ctx.w.warn(item, NOT_AVAILABLE);
    return c;
  },
  files: (c) => (c.kubeconfigFile !== '' ? [{ path: c.kubeconfigFile, what: 'kubeconfig file' }] : []),
  create: () => new IdleDiscoverer(),
};
