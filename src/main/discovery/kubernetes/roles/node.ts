/**
 * The `node` role (Prometheus's discovery/kubernetes/node.go): one target per node, at the first
 * address by Kubernetes's priority joined with the kubelet port, `instance` = node name.
 */
import type { TargetGroup } from '../../targetgroup';
import { META_LABEL_PREFIX, addObjectMetaLabels, int, joinHostPort, newLabelSet, sanitizeLabelName, str, toLabels, type LabelSet } from './meta';
import type { Node } from './types';

/** NODE_LEGACY_HOST_IP is the deprecated `LegacyHostIP` address type Prometheus still honours. */
export const NODE_LEGACY_HOST_IP = 'LegacyHostIP';

/** NODE_ADDRESS_PRIORITY is the order in which an address type is chosen for `__address__`. */
export const NODE_ADDRESS_PRIORITY: readonly string[] = ['InternalIP', 'InternalDNS', 'ExternalIP', 'ExternalDNS', NODE_LEGACY_HOST_IP, 'Hostname'];

const PROVIDER_ID = META_LABEL_PREFIX + 'node_provider_id';
const CONDITION_PREFIX = META_LABEL_PREFIX + 'node_condition_';
const ADDRESS_PREFIX = META_LABEL_PREFIX + 'node_address_';

/** nodeSource is the source of a node's group: `node/<name>`. */
export function nodeSource(name: string): string {
  return 'node/' + name;
}

/**
 * nodeLabels are the group labels of a node: `_node_provider_id`, one `_node_condition_<type>` per
 * condition (type and status lowercased), `_node_name`, and the label and annotation labels.
 */
export function nodeLabels(node: Node): LabelSet {
  const ls = newLabelSet();
  ls[PROVIDER_ID] = str(node.spec?.providerID);
  for (const c of node.status?.conditions ?? []) {
    ls[CONDITION_PREFIX + sanitizeLabelName(str(c?.type).toLowerCase())] = str(c?.status).toLowerCase();
  }
  addObjectMetaLabels(ls, node.metadata, 'node');
  return ls;
}

/**
 * nodeAddress returns the node's address by priority (InternalIP, InternalDNS, ExternalIP,
 * ExternalDNS, LegacyHostIP, Hostname), or undefined, and its addresses by type in status order.
 */
export function nodeAddress(node: Node): { address: string | undefined; byType: Map<string, string[]> } {
  const byType = new Map<string, string[]>();
  for (const a of node.status?.addresses ?? []) {
    const t = str(a?.type);
    let list = byType.get(t);
    if (list === undefined) byType.set(t, (list = []));
    list.push(str(a?.address));
  }
  for (const t of NODE_ADDRESS_PRIORITY) {
    const list = byType.get(t);
    if (list !== undefined) return { address: list[0], byType };
  }
  return { address: undefined, byType };
}

/**
 * nodeTargetGroup builds a node's group: one target with `__address__` (address + kubelet port),
 * `instance` and `_node_address_<type>` (first address of each type). A node without any address
 * of a known type yields null: Prometheus sends no update at all then (it logs "No node address
 * found"), so the previous group of the source stays.
 */
export function nodeTargetGroup(node: Node): TargetGroup | null {
  const name = str(node.metadata?.name);
  const { address, byType } = nodeAddress(node);
  if (address === undefined) return null;
  const t = newLabelSet();
  t['__address__'] = joinHostPort(address, int(node.status?.daemonEndpoints?.kubeletEndpoint?.Port));
  t['instance'] = name;
  for (const [ty, list] of byType) t[sanitizeLabelName(ADDRESS_PREFIX + ty)] = list[0]!;
  return { source: nodeSource(name), targets: [toLabels(t)], labels: toLabels(nodeLabels(node)) };
}
