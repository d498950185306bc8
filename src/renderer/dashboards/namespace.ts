/** One namespace: CPU, memory and network by pod; its pods (with their owners) and a link to its workloads. */
import { pageLink } from '../app/AppState';
import type { DashboardDef } from './types';
import { C, CONTAINER, dash, NEEDS_CADVISOR, NEEDS_KSM, podCpu, podMemory, resources } from './queries';

const NS = 'namespace="$namespace"';

export const namespace: DashboardDef = {
  id: 'namespace',
  title: 'Namespace',
  detail: true,
  heading: (v) => `Namespace ${v.namespace ?? ''}`,
  crumbs: (v) => [
    { label: 'Cluster', href: pageLink(['dashboards', 'cluster']) },
    { label: 'Namespaces', href: pageLink(['dashboards', 'namespaces']) },
    { label: v.namespace ?? '' },
    { label: 'workloads ↗', href: pageLink(['dashboards', 'workloads'], { namespace: v.namespace }) },
  ],
  variables: [{ name: 'namespace', label: 'Namespace', required: true, values: { label: 'namespace', match: `kube_namespace_status_phase{${C}}` } }],
  rows: [
    {
      panels: [
        { title: 'CPU used', type: 'stat', width: 3, unit: 'cores', queries: [{ expr: podCpu('cluster', NS), legend: '{{cluster}}' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        { title: 'CPU requests', type: 'stat', width: 3, unit: 'cores', queries: [{ expr: resources('requests', 'cpu', 'cluster', NS), legend: '{{cluster}}' }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
        { title: 'Memory used', type: 'stat', width: 3, unit: 'bytes', queries: [{ expr: podMemory('cluster', NS), legend: '{{cluster}}' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        { title: 'Pods by phase', type: 'stat', width: 3, queries: [{ expr: `sum by (phase) (kube_pod_status_phase{${NS},${C}}) > 0`, legend: '{{phase}}' }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
        { title: 'CPU by pod', type: 'timeseries', unit: 'cores', stacked: true, queries: [{ expr: podCpu('cluster, pod', NS), legend: '{{pod}}' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        { title: 'Memory by pod', type: 'timeseries', unit: 'bytes', stacked: true, queries: [{ expr: podMemory('cluster, pod', NS), legend: '{{pod}}' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        {
          title: 'Network by pod',
          type: 'timeseries',
          width: 12,
          unit: 'Bps',
          queries: [
            { expr: `sum by (cluster, pod) (rate(container_network_receive_bytes_total{${NS},${C}}[5m]))`, legend: 'receive {{pod}}' },
            { expr: `-sum by (cluster, pod) (rate(container_network_transmit_bytes_total{${NS},${C}}[5m]))`, legend: 'transmit {{pod}}' },
          ],
          description: 'Transmit is drawn below zero.',
          needs: NEEDS_CADVISOR,
          sources: ['cadvisor'],
        },
        {
          title: 'Pods',
          type: 'table',
          width: 12,
          queries: [
            { expr: `max by (cluster, namespace, pod, node) (kube_pod_info{${NS},${C}})` },
            { expr: `max by (cluster, namespace, pod, owner_kind, owner_name) (kube_pod_owner{${NS},${C}})` },
            { expr: `sum by (cluster, namespace, pod) (rate(container_cpu_usage_seconds_total{${CONTAINER},${NS},${C}}[5m]))` },
            { expr: `sum by (cluster, namespace, pod) (container_memory_working_set_bytes{${CONTAINER},${NS},${C}})` },
            { expr: `sum by (cluster, namespace, pod) (kube_pod_container_status_restarts_total{${NS},${C}})` },
            { expr: `kube_pod_status_phase{${NS},${C}} == 1` },
          ],
          table: {
            key: ['cluster', 'namespace', 'pod'],
            rowsFrom: 0,
            columns: [
              { title: 'node', query: 0, label: 'node' },
              { title: 'owner', query: 1, label: 'owner_name' },
              { title: 'CPU', query: 2, unit: 'cores', spark: true },
              { title: 'memory', query: 3, unit: 'bytes', spark: true },
              { title: 'restarts', query: 4, bad: 1 },
              { title: 'phase', query: 5, label: 'phase' },
            ],
          },
          link: (l) => dash('pod', l, { namespace: l.namespace, pod: l.pod }),
          needs: `kube_pod_info (${NEEDS_KSM})`,
          sources: ['kube-state-metrics', 'cadvisor'],
        },
      ],
    },
  ],
};
