/** Nodes: every node with its CPU and memory use against allocatable, pods and Ready, with sparklines; a node links to its page. */
import type { DashboardDef } from './types';
import { C, dash, NEEDS_KSM, NEEDS_NODE, nodeCpu, nodeMemory, nodeStatus } from './queries';

export const nodes: DashboardDef = {
  id: 'nodes',
  title: 'Nodes',
  description: 'Every node: CPU and memory use against allocatable, pods against capacity, the Ready condition.',
  variables: [],
  rows: [
    {
      panels: [
        {
          title: 'Nodes',
          type: 'table',
          width: 12,
          queries: [
            { expr: nodeCpu('cluster, node') },
            { expr: nodeStatus('allocatable', 'cpu', 'cluster, node') },
            { expr: nodeMemory('cluster, node') },
            { expr: nodeStatus('allocatable', 'memory', 'cluster, node') },
            { expr: `sum by (cluster, node) (kubelet_running_pods{${C}}) or count by (cluster, node) (kube_pod_info{node!="",${C}} * on (cluster, namespace, pod) group_left() (max by (cluster, namespace, pod) (kube_pod_status_phase{phase="Running",${C}}) == 1))` },
            { expr: nodeStatus('allocatable', 'pods', 'cluster, node') },
            { expr: `sum by (cluster, node) (kube_node_status_condition{condition="Ready",status="true",${C}})` },
            { expr: `max by (cluster, node, kubelet_version) (kube_node_info{${C}})` },
          ],
          table: {
            key: ['cluster', 'node'],
            columns: [
              { title: 'CPU used', query: 0, unit: 'cores', spark: true },
              { title: 'CPU allocatable', query: 1, unit: 'cores' },
              { title: 'memory used', query: 2, unit: 'bytes', spark: true },
              { title: 'memory allocatable', query: 3, unit: 'bytes' },
              { title: 'pods', query: 4, spark: true },
              { title: 'pod capacity', query: 5 },
              { title: 'ready', query: 6, text: { '1': 'Ready', '0': 'NotReady' }, bad: 'NotReady' },
              { title: 'kubelet', query: 7, label: 'kubelet_version' },
            ],
          },
          link: (l) => dash('node', l, { node: l.node }),
          needs: `${NEEDS_NODE} ${NEEDS_KSM}`,
          sources: ['node-exporter', 'kubelet-resource', 'kube-state-metrics'],
        },
        { title: 'CPU used by node', type: 'timeseries', unit: 'cores', queries: [{ expr: nodeCpu('cluster, node'), legend: '{{node}}' }], needs: NEEDS_NODE, sources: ['node-exporter', 'kubelet-resource'] },
        { title: 'Memory used by node', type: 'timeseries', unit: 'bytes', queries: [{ expr: nodeMemory('cluster, node'), legend: '{{node}}' }], needs: NEEDS_NODE, sources: ['node-exporter', 'kubelet-resource'] },
      ],
    },
  ],
};
