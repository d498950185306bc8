/** One node: CPU, memory, pods, network and filesystems; its pods, each linking to its page. */
import { pageLink } from '../app/AppState';
import type { DashboardDef } from './types';
import { ACTIVE_PODS, C, CONTAINER, dash, NEEDS_CADVISOR, NEEDS_KSM, NEEDS_NODE, nodeCpu, nodeMemory, nodeStatus, resources } from './queries';

const N = 'node="$node"';
/** POD_ON_NODE is 1 per pod the node runs. */
const POD_ON_NODE = `max by (cluster, namespace, pod) (kube_pod_info{${N},${C}})`;

export const node: DashboardDef = {
  id: 'node',
  title: 'Node',
  detail: true,
  heading: (v) => `Node ${v.node ?? ''}`,
  crumbs: (v) => [{ label: 'Cluster', href: pageLink(['dashboards', 'cluster']) }, { label: 'Nodes', href: pageLink(['dashboards', 'nodes']) }, { label: v.node ?? '' }],
  variables: [{ name: 'node', label: 'Node', required: true, values: { label: 'node', match: `kube_node_info{${C}}` } }],
  rows: [
    {
      panels: [
        { title: 'CPU used', type: 'stat', width: 2, unit: 'cores', queries: [{ expr: nodeCpu('node', N) }], needs: NEEDS_NODE, sources: ['node-exporter', 'kubelet-resource'] },
        { title: 'CPU allocatable', type: 'stat', width: 2, unit: 'cores', queries: [{ expr: nodeStatus('allocatable', 'cpu', 'node', N) }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
        { title: 'Memory used', type: 'stat', width: 2, unit: 'bytes', queries: [{ expr: nodeMemory('node', N) }], needs: NEEDS_NODE, sources: ['node-exporter', 'kubelet-resource'] },
        { title: 'Memory allocatable', type: 'stat', width: 2, unit: 'bytes', queries: [{ expr: nodeStatus('allocatable', 'memory', 'node', N) }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
        { title: 'Pods running / capacity', type: 'stat', width: 2, queries: [{ expr: `sum(kubelet_running_pods{${N},${C}}) or count(${POD_ON_NODE} * on (cluster, namespace, pod) ${ACTIVE_PODS})`, legend: 'running' }, { expr: nodeStatus('allocatable', 'pods', 'node', N), legend: 'capacity' }], needs: NEEDS_KSM, sources: ['kubelet', 'kube-state-metrics'] },
        { title: 'Ready', type: 'stat', width: 2, valueText: { '1': 'Ready', '0': 'NotReady' }, thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }], queries: [{ expr: `sum(kube_node_status_condition{condition="Ready",status="true",${N},${C}})` }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
      ],
    },
    {
      title: 'Resources',
      panels: [
        {
          title: 'CPU',
          type: 'timeseries',
          unit: 'cores',
          queries: [
            { expr: nodeCpu('node', N), legend: 'usage' },
            { expr: resources('requests', 'cpu', 'node', N), legend: 'requests' },
            { expr: resources('limits', 'cpu', 'node', N), legend: 'limits' },
            { expr: nodeStatus('allocatable', 'cpu', 'node', N), legend: 'allocatable' },
            { expr: nodeStatus('capacity', 'cpu', 'node', N), legend: 'capacity' },
          ],
          needs: NEEDS_NODE,
          sources: ['node-exporter', 'kubelet-resource'],
        },
        {
          title: 'Memory',
          type: 'timeseries',
          unit: 'bytes',
          queries: [
            { expr: nodeMemory('node', N), legend: 'usage' },
            { expr: resources('requests', 'memory', 'node', N), legend: 'requests' },
            { expr: resources('limits', 'memory', 'node', N), legend: 'limits' },
            { expr: nodeStatus('allocatable', 'memory', 'node', N), legend: 'allocatable' },
            { expr: nodeStatus('capacity', 'memory', 'node', N), legend: 'capacity' },
          ],
          needs: NEEDS_NODE,
          sources: ['node-exporter', 'kubelet-resource'],
        },
        { title: 'Pods', type: 'timeseries', width: 4, queries: [{ expr: `sum(kubelet_running_pods{${N},${C}})`, legend: 'running pods' }, { expr: `sum(kubelet_running_containers{container_state="running",${N},${C}})`, legend: 'running containers' }], needs: 'kubelet_running_pods (job kubelet, through the node proxy: needs get nodes/proxy).', sources: ['kubelet'] },
        {
          title: 'Network',
          type: 'timeseries',
          width: 4,
          unit: 'Bps',
          queries: [
            { expr: `sum by (device) (rate(node_network_receive_bytes_total{device!~"lo|veth.*|cali.*|cni.*|flannel.*|docker.*|br-.*",${N},${C}}[5m])) or sum by (device) (label_replace(rate(container_network_receive_bytes_total{id="/",${N},${C}}[5m]), "device", "$1", "interface", "(.*)"))`, legend: 'receive {{device}}' },
            { expr: `-sum by (device) (rate(node_network_transmit_bytes_total{device!~"lo|veth.*|cali.*|cni.*|flannel.*|docker.*|br-.*",${N},${C}}[5m])) or -sum by (device) (label_replace(rate(container_network_transmit_bytes_total{id="/",${N},${C}}[5m]), "device", "$1", "interface", "(.*)"))`, legend: 'transmit {{device}}' },
          ],
          description: 'Transmit is drawn below zero.',
          needs: 'node_network_*_bytes_total (node-exporter) or cAdvisor\u2019s root-cgroup container_network_* (job cadvisor).',
          sources: ['node-exporter', 'cadvisor'],
        },
        {
          title: 'Filesystems used',
          type: 'timeseries',
          width: 4,
          unit: 'percentunit',
          queries: [{ expr: `1 - max by (mountpoint) (node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs|vfat",${N},${C}}) / max by (mountpoint) (node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs|vfat",${N},${C}})`, legend: '{{mountpoint}}' }],
          needs: 'node_filesystem_* from node-exporter (job node-exporter): the kubelet does not report node filesystems.',
          sources: ['node-exporter'],
        },
      ],
    },
    {
      title: 'Pods on the node',
      panels: [
        {
          title: 'Pods',
          type: 'table',
          width: 12,
          queries: [
            { expr: POD_ON_NODE },
            { expr: `sum by (cluster, namespace, pod) (rate(container_cpu_usage_seconds_total{${CONTAINER},${N},${C}}[5m]))` },
            { expr: `sum by (cluster, namespace, pod) (container_memory_working_set_bytes{${CONTAINER},${N},${C}})` },
            { expr: `sum by (cluster, namespace, pod) (kube_pod_container_status_restarts_total{${C}}) * on (cluster, namespace, pod) group_left() ${POD_ON_NODE}` },
            { expr: `kube_pod_status_phase{${C}} == 1` },
          ],
          table: {
            key: ['cluster', 'namespace', 'pod'],
            rowsFrom: 0,
            columns: [
              { title: 'CPU', query: 1, unit: 'cores', spark: true },
              { title: 'memory', query: 2, unit: 'bytes', spark: true },
              { title: 'restarts', query: 3, bad: 1 },
              { title: 'phase', query: 4, label: 'phase' },
            ],
          },
          link: (l) => dash('pod', l, { namespace: l.namespace, pod: l.pod }),
          needs: `kube_pod_info (${NEEDS_KSM}) and ${NEEDS_CADVISOR}`,
          sources: ['kube-state-metrics', 'cadvisor'],
        },
      ],
    },
  ],
};
