/**
 * One pod (optionally one of its containers): status and containers (ready, restarts, waiting and
 * last terminated reasons), CPU and memory per container against requests and limits, network,
 * filesystem, and the usage of its PersistentVolumeClaims.
 */
import { pageLink } from '../app/AppState';
import { escapeRegex, type Vars } from '../panels/types';
import type { DashboardDef } from './types';
import { C, dash, NEEDS_CADVISOR, NEEDS_KSM } from './queries';

const P = 'namespace="$namespace",pod="$pod"';
const CT = 'container=~"$container"';
const CAD = `container!="",container!="POD",image!="",${CT},${P},${C}`;

/** claims is the pod's PVC stats series: through kube_pod_spec_volumes_persistentvolumeclaims_info where it exists, else the StatefulSet naming (<template>-<pod>). */
function claims(metric: string): string {
  return `(max by (cluster, persistentvolumeclaim) (${metric}{namespace="$namespace",${C}} * on (cluster, namespace, persistentvolumeclaim) group_left() max by (cluster, namespace, persistentvolumeclaim) (kube_pod_spec_volumes_persistentvolumeclaims_info{${P},${C}})) or max by (cluster, persistentvolumeclaim) (${metric}{namespace="$namespace",persistentvolumeclaim=~".+-$podRe",${C}}))`;
}

export const pod: DashboardDef = {
  id: 'pod',
  title: 'Pod',
  detail: true,
  heading: (v) => `Pod ${v.namespace ?? ''}/${v.pod ?? ''}${v.container ? ` · container ${v.container}` : ''}`,
  crumbs: (v) => [
    { label: 'Cluster', href: pageLink(['dashboards', 'cluster']) },
    { label: v.namespace ?? '', href: pageLink(['dashboards', 'namespace'], { namespace: v.namespace }) },
    { label: v.pod ?? '', href: v.container ? pageLink(['dashboards', 'pod'], { namespace: v.namespace, pod: v.pod }) : undefined },
    ...(v.container ? [{ label: v.container }] : []),
  ],
  variables: [
    { name: 'namespace', label: 'Namespace', required: true, values: { label: 'namespace', match: `kube_namespace_status_phase{${C}}` } },
    { name: 'pod', label: 'Pod', required: true, values: { label: 'pod', match: `kube_pod_info{namespace="$namespace",${C}}` } },
    { name: 'container', label: 'Container', regex: true, all: '.+', values: { label: 'container', match: `kube_pod_container_info{${P},${C}}` } },
  ],
  derive: (v: Vars) => ({ podRe: escapeRegex(v.pod ?? '') }),
  rows: [
    {
      panels: [
        {
          title: 'Status',
          type: 'table',
          width: 4,
          queries: [
            { expr: `max by (cluster, namespace, pod, node, pod_ip, created_by_kind, created_by_name) (kube_pod_info{${P},${C}})` },
            { expr: `kube_pod_status_phase{${P},${C}} == 1` },
            { expr: `max by (cluster, namespace, pod) (kube_pod_status_ready{condition="true",${P},${C}})` },
          ],
          table: {
            key: ['cluster', 'pod'],
            rowsFrom: 0,
            linkKey: 'none',
            columns: [
              { title: 'phase', query: 1, label: 'phase' },
              { title: 'ready', query: 2, text: { '1': 'Ready', '0': 'NotReady' }, bad: 'NotReady' },
              { title: 'node', query: 0, label: 'node' },
              { title: 'IP', query: 0, label: 'pod_ip' },
              { title: 'owner', query: 0, label: 'created_by_name' },
            ],
          },
          link: (l) => dash('node', l, { node: l.node }),
          needs: `kube_pod_info, kube_pod_status_phase (${NEEDS_KSM})`,
          sources: ['kube-state-metrics'],
        },
        {
          title: 'Containers',
          type: 'table',
          width: 8,
          queries: [
            { expr: `max by (cluster, namespace, pod, container, image) (kube_pod_container_info{${P},${C}})` },
            { expr: `max by (cluster, namespace, pod, container) (kube_pod_container_status_ready{${P},${C}})` },
            { expr: `max by (cluster, namespace, pod, container) (kube_pod_container_status_restarts_total{${P},${C}})` },
            { expr: `max by (cluster, namespace, pod, container, reason) (kube_pod_container_status_waiting_reason{${P},${C}} == 1)` },
            { expr: `max by (cluster, namespace, pod, container, reason) (kube_pod_container_status_last_terminated_reason{${P},${C}} == 1)` },
            { expr: `sum by (cluster, namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!="",image!="",${P},${C}}[5m]))` },
            { expr: `sum by (cluster, namespace, pod, container) (container_memory_working_set_bytes{container!="",image!="",${P},${C}})` },
          ],
          table: {
            key: ['cluster', 'container'],
            rowsFrom: 0,
            columns: [
              { title: 'ready', query: 1, text: { '1': 'yes', '0': 'no' }, bad: 'no' },
              { title: 'restarts', query: 2, bad: 1 },
              { title: 'waiting', query: 3, label: 'reason' },
              { title: 'last terminated', query: 4, label: 'reason' },
              { title: 'CPU', query: 5, unit: 'cores', spark: true },
              { title: 'memory', query: 6, unit: 'bytes', spark: true },
              { title: 'image', query: 0, label: 'image' },
            ],
          },
          link: (l) => dash('pod', l, { namespace: l.namespace, pod: l.pod, container: l.container }),
          needs: `kube_pod_container_* (${NEEDS_KSM})`,
          sources: ['kube-state-metrics'],
        },
      ],
    },
    {
      title: 'Resources',
      panels: [
        {
          title: 'CPU by container',
          type: 'timeseries',
          unit: 'cores',
          queries: [
            { expr: `sum by (container) (rate(container_cpu_usage_seconds_total{${CAD}}[5m]))`, legend: '{{container}}' },
            { expr: `sum by (container) (kube_pod_container_resource_requests{resource="cpu",${CT},${P},${C}})`, legend: 'request {{container}}' },
            { expr: `sum by (container) (kube_pod_container_resource_limits{resource="cpu",${CT},${P},${C}})`, legend: 'limit {{container}}' },
          ],
          needs: NEEDS_CADVISOR,
          sources: ['cadvisor'],
        },
        {
          title: 'Memory by container',
          type: 'timeseries',
          unit: 'bytes',
          queries: [
            { expr: `sum by (container) (container_memory_working_set_bytes{${CAD}})`, legend: '{{container}}' },
            { expr: `sum by (container) (kube_pod_container_resource_requests{resource="memory",${CT},${P},${C}})`, legend: 'request {{container}}' },
            { expr: `sum by (container) (kube_pod_container_resource_limits{resource="memory",${CT},${P},${C}})`, legend: 'limit {{container}}' },
          ],
          needs: NEEDS_CADVISOR,
          sources: ['cadvisor'],
        },
        { title: 'CPU throttling', type: 'timeseries', width: 4, unit: 'percentunit', queries: [{ expr: `sum by (container) (rate(container_cpu_cfs_throttled_periods_total{${CAD}}[5m])) / sum by (container) (rate(container_cpu_cfs_periods_total{${CAD}}[5m]))`, legend: '{{container}}' }], needs: `${NEEDS_CADVISOR} Only containers with a CPU limit are throttled.`, sources: ['cadvisor'] },
        {
          title: 'Network (pod)',
          type: 'timeseries',
          width: 4,
          unit: 'Bps',
          queries: [
            { expr: `sum by (interface) (rate(container_network_receive_bytes_total{${P},${C}}[5m]))`, legend: 'receive {{interface}}' },
            { expr: `-sum by (interface) (rate(container_network_transmit_bytes_total{${P},${C}}[5m]))`, legend: 'transmit {{interface}}' },
          ],
          description: 'cAdvisor counts network per pod (not per container); transmit is drawn below zero.',
          needs: `${NEEDS_CADVISOR} Pods on the host network have no series of their own.`,
          sources: ['cadvisor'],
        },
        { title: 'Restarts', type: 'timeseries', width: 4, queries: [{ expr: `max by (container) (kube_pod_container_status_restarts_total{${CT},${P},${C}})`, legend: '{{container}}' }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
      ],
    },
    {
      title: 'Storage',
      panels: [
        { title: 'Filesystem usage by container', type: 'timeseries', width: 4, unit: 'bytes', queries: [{ expr: `sum by (container) (container_fs_usage_bytes{${CAD}})`, legend: '{{container}}' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        {
          title: 'Filesystem reads / writes',
          type: 'timeseries',
          width: 4,
          unit: 'Bps',
          queries: [
            { expr: `sum by (container) (rate(container_fs_reads_bytes_total{${CAD}}[5m]))`, legend: 'read {{container}}' },
            { expr: `-sum by (container) (rate(container_fs_writes_bytes_total{${CAD}}[5m]))`, legend: 'write {{container}}' },
          ],
          description: 'Writes are drawn below zero.',
          needs: NEEDS_CADVISOR,
          sources: ['cadvisor'],
        },
        {
          title: 'Volumes (PVC usage)',
          type: 'timeseries',
          width: 4,
          unit: 'bytes',
          queries: [
            { expr: claims('kubelet_volume_stats_used_bytes'), legend: 'used {{persistentvolumeclaim}}' },
            { expr: claims('kubelet_volume_stats_capacity_bytes'), legend: 'capacity {{persistentvolumeclaim}}' },
          ],
          needs: 'kubelet_volume_stats_* (job kubelet) of the pod\u2019s PersistentVolumeClaims: a pod without claims has none. Claims are matched through kube_pod_spec_volumes_persistentvolumeclaims_info or a StatefulSet\u2019s naming (<template>-<pod>).',
          emptyText: 'No PersistentVolumeClaim usage for this pod',
          sources: ['kubelet'],
        },
      ],
    },
  ],
};
