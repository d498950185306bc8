/**
 * The node families of kube-state-metrics v2.18.0 (internal/store/node.go) that Vigil writes, in
 * KSM's order; every series starts with `node`.
 */
import type { Node, ResourceList } from '../kube/objects/types';
import { label, type Lines } from './exposition';
import { boolValue, conditionSeries, created, family, gauge, type Family, type Resource } from './family';
import { quantity } from './quantity';
import { resourceSeries, resourceValue } from './resources';

function resources(list: ResourceList | undefined, w: Lines): void {
  if (list === undefined) return;
  for (const name of Object.keys(list)) {
    const q = quantity(list[name]!);
    if (q === null) continue;
    for (const s of resourceSeries(name, true)) w.add(s.labels, resourceValue(q, s, true));
  }
}

/** NODE_FAMILIES are the node families, in KSM's order. */
export const NODE_FAMILIES: Family<Node>[] = [
  created<Node>('kube_node_created'),
  family<Node>({
    name: 'kube_node_info',
    help: 'Information about a cluster node.',
    series(n, w) {
      const i = n.status?.nodeInfo;
      // internal_ip is the last InternalIP address (the trim keeps it after the first of each type).
      let internalIP = '';
      for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP') internalIP = a.address ?? '';
      w.add(
        `${label('kernel_version', i?.kernelVersion)},${label('os_image', i?.osImage)},${label('container_runtime_version', i?.containerRuntimeVersion)},${label('kubelet_version', i?.kubeletVersion)},kubeproxy_version="deprecated",${label('provider_id', n.spec?.providerID)},${label('pod_cidr', n.spec?.podCIDR)},${label('system_uuid', i?.systemUUID)},${label('internal_ip', internalIP)}`,
        1,
      );
    },
  }),
  gauge<Node>('kube_node_spec_unschedulable', 'Whether a node can schedule new pods.', (n) => boolValue(n.spec?.unschedulable)),
  family<Node>({ name: 'kube_node_status_allocatable', help: 'The allocatable for different resources of a node that are available for scheduling.', series: (n, w) => resources(n.status?.allocatable, w) }),
  family<Node>({ name: 'kube_node_status_capacity', help: 'The capacity for different resources of a node.', series: (n, w) => resources(n.status?.capacity, w) }),
  family<Node>({
    name: 'kube_node_status_condition',
    help: 'The condition of a cluster node.',
    series(n, w) {
      for (const c of n.status?.conditions ?? []) conditionSeries(w, `${label('condition', c.type)},`, 'status', c.status);
    },
  }),
];

/** NODES is the `nodes` resource. */
export const NODES: Resource<Node> = {
  name: 'nodes',
  kind: 'node',
  base: (n) => label('node', n.metadata?.name),
  families: NODE_FAMILIES,
};
