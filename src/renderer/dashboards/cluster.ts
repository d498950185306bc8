/** Cluster overview: capacity and use, pods and nodes, the busiest namespaces, what is failing. */
import type { DashboardDef } from './types';
import { ACTIVE_PODS, C, dash, NEEDS_CADVISOR, NEEDS_KSM, NEEDS_NODE, nodeCpu, nodeMemory, nodeStatus, podCpu, podMemory, resources } from './queries';

const U = { cpu: 'cores', mem: 'bytes' } as const;

export const cluster: DashboardDef = {
  id: 'cluster',
  title: 'Cluster overview',
  description: 'CPU and memory against requests, limits, allocatable and capacity; pods, nodes, namespaces, restarts.',
  variables: [],
  rows: [
    {
      panels: [
        { title: 'CPU used', type: 'stat', width: 2, unit: U.cpu, queries: [{ expr: nodeCpu('cluster'), legend: '{{cluster}}' }], needs: NEEDS_NODE, sources: ['node-exporter', 'kubelet-resource'] },
        { title: 'CPU used / allocatable', type: 'gauge', width: 2, unit: 'percentunit', thresholds: [{ value: 0, color: 'green' }, { value: 0.7, color: 'yellow' }, { value: 0.9, color: 'red' }], queries: [{ expr: `${nodeCpu('cluster')} / ${nodeStatus('allocatable', 'cpu', 'cluster')}`, legend: '{{cluster}}' }], needs: `${NEEDS_NODE} And ${NEEDS_KSM}`, sources: ['node-exporter', 'kubelet-resource', 'kube-state-metrics'] },
        { title: 'Memory used', type: 'stat', width: 2, unit: U.mem, queries: [{ expr: nodeMemory('cluster'), legend: '{{cluster}}' }], needs: NEEDS_NODE, sources: ['node-exporter', 'kubelet-resource'] },
        { title: 'Memory used / allocatable', type: 'gauge', width: 2, unit: 'percentunit', thresholds: [{ value: 0, color: 'green' }, { value: 0.75, color: 'yellow' }, { value: 0.9, color: 'red' }], queries: [{ expr: `${nodeMemory('cluster')} / ${nodeStatus('allocatable', 'memory', 'cluster')}`, legend: '{{cluster}}' }], needs: `${NEEDS_NODE} And ${NEEDS_KSM}`, sources: ['node-exporter', 'kubelet-resource', 'kube-state-metrics'] },
        { title: 'Pods running / capacity', type: 'stat', width: 2, queries: [{ expr: `sum by (cluster) (kube_pod_status_phase{phase="Running",${C}})`, legend: 'running {{cluster}}' }, { expr: nodeStatus('allocatable', 'pods', 'cluster'), legend: 'capacity {{cluster}}' }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
        { title: 'Nodes ready / not ready', type: 'stat', width: 2, queries: [{ expr: `sum by (cluster) (kube_node_status_condition{condition="Ready",status="true",${C}})`, legend: 'ready {{cluster}}' }, { expr: `sum by (cluster) (kube_node_status_condition{condition="Ready",status!="true",${C}})`, legend: 'not ready {{cluster}}' }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
      ],
    },
    {
      title: 'CPU and memory',
      panels: [
        {
          title: 'CPU: usage, requests, limits, allocatable, capacity',
          type: 'timeseries',
          unit: U.cpu,
          queries: [
            { expr: nodeCpu('cluster'), legend: 'usage {{cluster}}' },
            { expr: resources('requests', 'cpu', 'cluster'), legend: 'requests {{cluster}}' },
            { expr: resources('limits', 'cpu', 'cluster'), legend: 'limits {{cluster}}' },
            { expr: nodeStatus('allocatable', 'cpu', 'cluster'), legend: 'allocatable {{cluster}}' },
            { expr: nodeStatus('capacity', 'cpu', 'cluster'), legend: 'capacity {{cluster}}' },
          ],
          needs: `${NEEDS_NODE} ${NEEDS_KSM}`,
          sources: ['node-exporter', 'kubelet-resource', 'kube-state-metrics'],
        },
        {
          title: 'Memory: usage, requests, limits, allocatable, capacity',
          type: 'timeseries',
          unit: U.mem,
          queries: [
            { expr: nodeMemory('cluster'), legend: 'usage {{cluster}}' },
            { expr: resources('requests', 'memory', 'cluster'), legend: 'requests {{cluster}}' },
            { expr: resources('limits', 'memory', 'cluster'), legend: 'limits {{cluster}}' },
            { expr: nodeStatus('allocatable', 'memory', 'cluster'), legend: 'allocatable {{cluster}}' },
            { expr: nodeStatus('capacity', 'memory', 'cluster'), legend: 'capacity {{cluster}}' },
          ],
          needs: `${NEEDS_NODE} ${NEEDS_KSM}`,
          sources: ['node-exporter', 'kubelet-resource', 'kube-state-metrics'],
        },
        { title: 'CPU by namespace', type: 'timeseries', unit: U.cpu, stacked: true, queries: [{ expr: podCpu('cluster, namespace'), legend: '{{namespace}} ({{cluster}})' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        { title: 'Memory by namespace', type: 'timeseries', unit: U.mem, stacked: true, queries: [{ expr: podMemory('cluster, namespace'), legend: '{{namespace}} ({{cluster}})' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
      ],
    },
    {
      title: 'Nodes and namespaces',
      panels: [
        {
          title: 'Nodes',
          type: 'table',
          queries: [
            { expr: nodeCpu('cluster, node') },
            { expr: nodeStatus('allocatable', 'cpu', 'cluster, node') },
            { expr: nodeMemory('cluster, node') },
            { expr: nodeStatus('allocatable', 'memory', 'cluster, node') },
            { expr: `sum by (cluster, node) (kube_node_status_condition{condition="Ready",status="true",${C}})` },
          ],
          table: {
            key: ['cluster', 'node'],
            columns: [
              { title: 'CPU used', query: 0, unit: 'cores' },
              { title: 'CPU allocatable', query: 1, unit: 'cores' },
              { title: 'memory used', query: 2, unit: 'bytes' },
              { title: 'memory allocatable', query: 3, unit: 'bytes' },
              { title: 'ready', query: 4, text: { '1': 'Ready', '0': 'NotReady' }, bad: 'NotReady' },
            ],
          },
          link: (l) => dash('node', l, { node: l.node }),
          needs: `${NEEDS_NODE} ${NEEDS_KSM}`,
          sources: ['node-exporter', 'kubelet-resource', 'kube-state-metrics'],
        },
        {
          title: 'Top namespaces by CPU',
          type: 'table',
          queries: [
            { expr: `topk(10, ${podCpu('cluster, namespace')})` },
            { expr: resources('requests', 'cpu', 'cluster, namespace') },
            { expr: podMemory('cluster, namespace') },
            { expr: resources('requests', 'memory', 'cluster, namespace') },
            { expr: `sum by (cluster, namespace) (${ACTIVE_PODS})` },
          ],
          table: {
            key: ['cluster', 'namespace'],
            rowsFrom: 0,
            sortBy: 0,
            columns: [
              { title: 'CPU used', query: 0, unit: 'cores' },
              { title: 'CPU requests', query: 1, unit: 'cores' },
              { title: 'memory used', query: 2, unit: 'bytes' },
              { title: 'memory requests', query: 3, unit: 'bytes' },
              { title: 'pods', query: 4 },
            ],
          },
          link: (l) => dash('namespace', l, { namespace: l.namespace }),
          needs: NEEDS_CADVISOR,
          sources: ['cadvisor'],
        },
        {
          title: 'Top namespaces by memory',
          type: 'table',
          queries: [{ expr: `topk(10, ${podMemory('cluster, namespace')})` }, { expr: resources('limits', 'memory', 'cluster, namespace') }],
          table: { key: ['cluster', 'namespace'], rowsFrom: 0, sortBy: 0, columns: [{ title: 'memory used', query: 0, unit: 'bytes' }, { title: 'memory limits', query: 1, unit: 'bytes' }] },
          link: (l) => dash('namespace', l, { namespace: l.namespace }),
          needs: NEEDS_CADVISOR,
          sources: ['cadvisor'],
        },
      ],
    },
    {
      title: 'Problems',
      panels: [
        {
          title: 'Restarts in the last hour',
          type: 'table',
          queries: [
            { expr: `round(sum by (cluster, namespace, pod) (increase(kube_pod_container_status_restarts_total{${C}}[1h]))) > 0` },
            { expr: `max by (cluster, namespace, pod, reason) (kube_pod_container_status_last_terminated_reason{${C}} == 1)` },
          ],
          table: { key: ['cluster', 'namespace', 'pod'], rowsFrom: 0, sortBy: 0, columns: [{ title: 'restarts', query: 0, unit: 'short' }, { title: 'last terminated', query: 1, label: 'reason' }] },
          link: (l) => dash('pod', l, { namespace: l.namespace, pod: l.pod }),
          emptyText: 'No container restarted in the last hour.',
          needs: `kube_pod_container_status_restarts_total (${NEEDS_KSM})`,
          sources: ['kube-state-metrics'],
        },
        {
          title: 'Pods not ready',
          type: 'table',
          queries: [
            { expr: `(sum by (cluster, namespace, pod) (kube_pod_status_ready{condition="true",${C}}) == 0) unless on (cluster, namespace, pod) (kube_pod_status_phase{phase="Succeeded",${C}} == 1)` },
            { expr: `kube_pod_status_phase{${C}} == 1` },
            { expr: `max by (cluster, namespace, pod, reason) (kube_pod_container_status_waiting_reason{${C}} == 1)` },
          ],
          table: { key: ['cluster', 'namespace', 'pod'], rowsFrom: 0, columns: [{ title: 'phase', query: 1, label: 'phase' }, { title: 'waiting', query: 2, label: 'reason' }] },
          link: (l) => dash('pod', l, { namespace: l.namespace, pod: l.pod }),
          emptyText: 'Every running pod is ready.',
          needs: `kube_pod_status_ready (${NEEDS_KSM})`,
          sources: ['kube-state-metrics'],
        },
      ],
    },
  ],
};
