/**
 * Query fragments the built-in dashboards share, over the series Vigil's zero-config monitoring
 * provides (jobs kubelet, cadvisor, kubelet-resource, node-exporter, kube-state-metrics). Node CPU
 * and memory prefer node-exporter and fall back per node to the kubelet's resource metrics.
 */
import { pageLink } from '../app/AppState';

/** C selects the chosen cluster(s). */
export const C = 'cluster=~"$cluster"';

/** CONTAINER selects cAdvisor's per-container series (not the pod cgroup, not the pause container, not the kubelet-resource copies, which have no image). */
export const CONTAINER = 'container!="",container!="POD",image!=""';

/** nodeCpu is the nodes' CPU use in cores, summed by `by`; sel narrows the nodes (`node="$node"`). */
export function nodeCpu(by: string, sel = ''): string {
  const s = sel ? `,${sel}` : '';
  return `sum by (${by}) (sum by (cluster, node) (rate(node_cpu_seconds_total{mode!~"idle|iowait|steal",${C}${s}}[5m])) or sum by (cluster, node) (rate(node_cpu_usage_seconds_total{${C}${s}}[5m])))`;
}

/** nodeMemory is the nodes' memory in use (MemTotal - MemAvailable, else the kubelet's working set). */
export function nodeMemory(by: string, sel = ''): string {
  const s = sel ? `,${sel}` : '';
  return `sum by (${by}) (sum by (cluster, node) (node_memory_MemTotal_bytes{${C}${s}} - node_memory_MemAvailable_bytes{${C}${s}}) or sum by (cluster, node) (node_memory_working_set_bytes{${C}${s}}))`;
}

/** ACTIVE_PODS is 1 per pending or running pod (requests of finished pods do not count). */
export const ACTIVE_PODS = `max by (cluster, namespace, pod) (kube_pod_status_phase{phase=~"Pending|Running",${C}} == 1)`;

/** requests sums a resource's container requests (or limits) of active pods by `by`; sel narrows (pod="$pod"). */
export function resources(kind: 'requests' | 'limits', resource: 'cpu' | 'memory', by: string, sel = ''): string {
  const s = sel ? `,${sel}` : '';
  return `sum by (${by}) (kube_pod_container_resource_${kind}{resource="${resource}",${C}${s}} * on (cluster, namespace, pod) group_left() ${ACTIVE_PODS})`;
}

/** nodeStatus sums kube_node_status_{capacity,allocatable} of a resource by `by`. */
export function nodeStatus(kind: 'capacity' | 'allocatable', resource: string, by: string, sel = ''): string {
  const s = sel ? `,${sel}` : '';
  return `sum by (${by}) (kube_node_status_${kind}{resource="${resource}",${C}${s}})`;
}

/** podCpu is cAdvisor CPU use in cores by `by`. */
export function podCpu(by: string, sel = ''): string {
  const s = sel ? `,${sel}` : '';
  return `sum by (${by}) (rate(container_cpu_usage_seconds_total{${CONTAINER},${C}${s}}[5m]))`;
}

/** podMemory is cAdvisor working-set memory by `by`. */
export function podMemory(by: string, sel = ''): string {
  const s = sel ? `,${sel}` : '';
  return `sum by (${by}) (container_memory_working_set_bytes{${CONTAINER},${C}${s}})`;
}

export const NEEDS_CADVISOR = 'container_* series from cAdvisor (job cadvisor), read through the API server\u2019s node proxy: the user needs get nodes/proxy.';
export const NEEDS_KSM = 'kube_* series (job kube-state-metrics: a scraped kube-state-metrics, or the series Vigil writes from the objects it watches; the user needs list and watch on the objects).';
export const NEEDS_NODE = 'node_* series from node-exporter (job node-exporter, pods labelled app.kubernetes.io/name=node-exporter) or, for CPU and memory, the kubelet\u2019s /metrics/resource (job kubelet-resource, needs get nodes/proxy).';

/** dash links to a dashboard; a row's cluster becomes the selection, so a click from "all clusters" lands on the right one. */
export function dash(id: string, labels: Record<string, string>, params: Record<string, string | undefined>): string {
  return pageLink(['dashboards', id], { ...(labels.cluster ? { cluster: labels.cluster } : {}), ...params });
}
