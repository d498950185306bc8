/** Namespaces: CPU, memory and pods per namespace; a namespace links to its page. */
import type { DashboardDef } from './types';
import { ACTIVE_PODS, C, dash, NEEDS_CADVISOR, NEEDS_KSM, podCpu, podMemory, resources } from './queries';

export const namespaces: DashboardDef = {
  id: 'namespaces',
  title: 'Namespaces',
  description: 'CPU, memory and pods per namespace.',
  variables: [],
  rows: [
    {
      panels: [
        {
          title: 'Namespaces',
          type: 'table',
          width: 12,
          queries: [
            { expr: `max by (cluster, namespace) (kube_namespace_status_phase{phase="Active",${C}} == 1)` },
            { expr: podCpu('cluster, namespace') },
            { expr: resources('requests', 'cpu', 'cluster, namespace') },
            { expr: podMemory('cluster, namespace') },
            { expr: resources('requests', 'memory', 'cluster, namespace') },
            { expr: `sum by (cluster, namespace) (${ACTIVE_PODS})` },
            { expr: `round(sum by (cluster, namespace) (increase(kube_pod_container_status_restarts_total{${C}}[1h])))` },
          ],
          table: {
            key: ['cluster', 'namespace'],
            rowsFrom: 0,
            columns: [
              { title: 'CPU used', query: 1, unit: 'cores', spark: true },
              { title: 'CPU requests', query: 2, unit: 'cores' },
              { title: 'memory used', query: 3, unit: 'bytes', spark: true },
              { title: 'memory requests', query: 4, unit: 'bytes' },
              { title: 'pods', query: 5 },
              { title: 'restarts (1h)', query: 6, bad: 1 },
            ],
          },
          link: (l) => dash('namespace', l, { namespace: l.namespace }),
          needs: `kube_namespace_status_phase (${NEEDS_KSM}); usage: ${NEEDS_CADVISOR}`,
          sources: ['kube-state-metrics', 'cadvisor'],
        },
        { title: 'CPU by namespace', type: 'timeseries', unit: 'cores', stacked: true, queries: [{ expr: podCpu('cluster, namespace'), legend: '{{namespace}} ({{cluster}})' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        { title: 'Memory by namespace', type: 'timeseries', unit: 'bytes', stacked: true, queries: [{ expr: podMemory('cluster, namespace'), legend: '{{namespace}} ({{cluster}})' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
      ],
    },
  ],
};
