/** Workloads: deployments, statefulsets, daemonsets and jobs with their replicas desired and available; each links to its page. */
import type { PanelDef } from '../panels/types';
import type { DashboardDef } from './types';
import { C, dash, NEEDS_KSM } from './queries';

const NS = 'namespace=~"$namespace"';

function table(title: string, kind: string, nameLabel: string, cols: { title: string; expr: string; bad?: number }[]): PanelDef {
  return {
    title,
    type: 'table',
    queries: cols.map((c) => ({ expr: c.expr })),
    table: { key: ['cluster', 'namespace', nameLabel], rowsFrom: 0, columns: cols.map((c, i) => ({ title: c.title, query: i, bad: c.bad })) },
    link: (l) => dash('workload', l, { namespace: l.namespace, kind, name: l[nameLabel] }),
    needs: `kube_${kind}_* (${NEEDS_KSM})`,
    emptyText: `No ${title.toLowerCase()} in the selection.`,
    sources: ['kube-state-metrics'],
  };
}

export const workloads: DashboardDef = {
  id: 'workloads',
  title: 'Workloads',
  description: 'Deployments, statefulsets, daemonsets and jobs: replicas desired and available.',
  variables: [{ name: 'namespace', label: 'Namespace', regex: true, all: '.*', values: { label: 'namespace', match: `kube_namespace_status_phase{${C}}` } }],
  rows: [
    {
      panels: [
        table('Deployments', 'deployment', 'deployment', [
          { title: 'desired', expr: `kube_deployment_spec_replicas{${NS},${C}}` },
          { title: 'available', expr: `kube_deployment_status_replicas_available{${NS},${C}}` },
          { title: 'unavailable', expr: `kube_deployment_status_replicas_unavailable{${NS},${C}}`, bad: 1 },
          { title: 'updated', expr: `kube_deployment_status_replicas_updated{${NS},${C}}` },
        ]),
        table('StatefulSets', 'statefulset', 'statefulset', [
          { title: 'desired', expr: `kube_statefulset_replicas{${NS},${C}}` },
          { title: 'ready', expr: `kube_statefulset_status_replicas_ready{${NS},${C}}` },
          { title: 'available', expr: `kube_statefulset_status_replicas_available{${NS},${C}}` },
          { title: 'updated', expr: `kube_statefulset_status_replicas_updated{${NS},${C}}` },
        ]),
        table('DaemonSets', 'daemonset', 'daemonset', [
          { title: 'desired', expr: `kube_daemonset_status_desired_number_scheduled{${NS},${C}}` },
          { title: 'ready', expr: `kube_daemonset_status_number_ready{${NS},${C}}` },
          { title: 'available', expr: `kube_daemonset_status_number_available{${NS},${C}}` },
          { title: 'unavailable', expr: `kube_daemonset_status_number_unavailable{${NS},${C}}`, bad: 1 },
        ]),
        table('Jobs', 'job', 'job_name', [
          { title: 'active', expr: `kube_job_status_active{${NS},${C}}` },
          { title: 'succeeded', expr: `kube_job_status_succeeded{${NS},${C}}` },
          { title: 'failed', expr: `kube_job_status_failed{${NS},${C}}`, bad: 1 },
        ]),
      ],
    },
  ],
};
