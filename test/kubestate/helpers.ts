/**
 * Helpers for the kube-state unit tests: trim raw API objects as the informers do and render them
 * without an API server, and pick one family's series out of the text.
 */
import { TRIMMERS } from '../../src/main/kube/objects/trim';
import { renderObjects, type ResourceName } from '../../src/main/kubestate';

const KIND: Record<ResourceName, keyof typeof TRIMMERS> = {
  daemonsets: 'daemonset',
  deployments: 'deployment',
  jobs: 'job',
  namespaces: 'namespace',
  nodes: 'node',
  persistentvolumeclaims: 'persistentvolumeclaim',
  pods: 'pod',
  replicasets: 'replicaset',
  services: 'service',
  statefulsets: 'statefulset',
};

/** render trims raw objects of one resource (one collection) and renders them. */
export function render(resource: ResourceName, raws: unknown[]): string {
  return renderObjects({ [resource]: [raws.map((r) => TRIMMERS[KIND[resource]](r))] }).toString('utf8');
}

/** series returns the series lines of one family (exactly that name), in written order. */
export function series(text: string, family: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(family + '{') || l.startsWith(family + ' '));
}

/** values maps the series of a family to their values, keyed by the labels after the object's base labels. */
export function values(text: string, family: string, baseLabels: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of series(text, family)) {
    const open = l.indexOf('{');
    const close = l.lastIndexOf('}');
    const labels = l.slice(open + 1, close).match(/[a-z_]+="(?:[^"\\]|\\.)*"/g) ?? [];
    out[labels.slice(baseLabels).join(',')] = l.slice(close + 2);
  }
  return out;
}
