/**
 * One workload (deployment, statefulset, daemonset or job) and its pods, found through the owner
 * chain: pod -> replicaset -> deployment (kube_pod_owner, kube_replicaset_owner), pod ->
 * statefulset / daemonset / job (kube_pod_owner); their CPU, memory and restarts.
 */
import { pageLink } from '../app/AppState';
import type { Vars } from '../panels/types';
import type { DashboardDef } from './types';
import { C, CONTAINER, dash, NEEDS_CADVISOR, NEEDS_KSM } from './queries';

const NS = 'namespace="$namespace"';

/** podsOf is 1 per pod of the workload (cluster, namespace, pod). */
export function podsOf(kind: string): string {
  if (kind === 'deployment') {
    return `max by (cluster, namespace, pod) (kube_pod_owner{owner_kind="ReplicaSet",${NS},${C}} * on (cluster, namespace, owner_name) group_left() max by (cluster, namespace, owner_name) (label_replace(kube_replicaset_owner{owner_kind="Deployment",owner_name="$name",${NS},${C}}, "owner_name", "$1", "replicaset", "(.*)")))`;
  }
  const owner = kind === 'statefulset' ? 'StatefulSet' : kind === 'daemonset' ? 'DaemonSet' : 'Job';
  return `max by (cluster, namespace, pod) (kube_pod_owner{owner_kind="${owner}",owner_name="$name",${NS},${C}})`;
}

const REPLICAS: Record<string, [string, string]> = {
  deployment: ['kube_deployment_spec_replicas{deployment="$name"', 'kube_deployment_status_replicas_available{deployment="$name"'],
  statefulset: ['kube_statefulset_replicas{statefulset="$name"', 'kube_statefulset_status_replicas_ready{statefulset="$name"'],
  daemonset: ['kube_daemonset_status_desired_number_scheduled{daemonset="$name"', 'kube_daemonset_status_number_available{daemonset="$name"'],
  job: ['kube_job_status_active{job_name="$name"', 'kube_job_status_succeeded{job_name="$name"'],
};

function derive(v: Vars): Vars {
  const kind = REPLICAS[v.kind ?? ''] ? v.kind! : 'deployment';
  const [desired, available] = REPLICAS[kind]!;
  return { pods: podsOf(kind), desired: `sum(${desired},${NS},${C}})`, available: `sum(${available},${NS},${C}})` };
}

export const workload: DashboardDef = {
  id: 'workload',
  title: 'Workload',
  detail: true,
  heading: (v) => `${v.kind ?? 'workload'} ${v.namespace ?? ''}/${v.name ?? ''}`,
  crumbs: (v) => [{ label: 'Cluster', href: pageLink(['dashboards', 'cluster']) }, { label: 'Workloads', href: pageLink(['dashboards', 'workloads'], { namespace: v.namespace }) }, { label: `${v.kind ?? ''} ${v.name ?? ''}` }],
  variables: [
    { name: 'namespace', label: 'Namespace', required: true, values: { label: 'namespace', match: `kube_namespace_status_phase{${C}}` } },
    { name: 'kind', label: 'Kind', required: true, values: { options: ['deployment', 'statefulset', 'daemonset', 'job'].map((k) => ({ value: k, label: k })) } },
    { name: 'name', label: 'Name', required: true },
  ],
  derive,
  rows: [
    {
      panels: [
        { title: 'Replicas desired / available (jobs: active / succeeded)', type: 'stat', width: 3, queries: [{ expr: '$desired', legend: 'desired' }, { expr: '$available', legend: 'available' }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
        { title: 'Pod count', type: 'stat', width: 3, queries: [{ expr: 'count($pods)' }], needs: `kube_pod_owner and kube_replicaset_owner (${NEEDS_KSM})`, sources: ['kube-state-metrics'] },
        { title: 'Restarts', type: 'stat', width: 3, thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'orange' }], queries: [{ expr: `sum(kube_pod_container_status_restarts_total{${NS},${C}} * on (cluster, namespace, pod) group_left() $pods)` }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
        { title: 'CPU used', type: 'stat', width: 3, unit: 'cores', queries: [{ expr: `sum(rate(container_cpu_usage_seconds_total{${CONTAINER},${NS},${C}}[5m]) * on (cluster, namespace, pod) group_left() $pods)` }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        { title: 'CPU by pod', type: 'timeseries', unit: 'cores', queries: [{ expr: `sum by (cluster, pod) (rate(container_cpu_usage_seconds_total{${CONTAINER},${NS},${C}}[5m]) * on (cluster, namespace, pod) group_left() $pods)`, legend: '{{pod}}' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        { title: 'Memory by pod', type: 'timeseries', unit: 'bytes', queries: [{ expr: `sum by (cluster, pod) (container_memory_working_set_bytes{${CONTAINER},${NS},${C}} * on (cluster, namespace, pod) group_left() $pods)`, legend: '{{pod}}' }], needs: NEEDS_CADVISOR, sources: ['cadvisor'] },
        { title: 'Restarts by pod', type: 'timeseries', width: 12, height: 160, queries: [{ expr: `sum by (cluster, pod) (kube_pod_container_status_restarts_total{${NS},${C}} * on (cluster, namespace, pod) group_left() $pods)`, legend: '{{pod}}' }], needs: NEEDS_KSM, sources: ['kube-state-metrics'] },
        {
          title: 'Pods',
          type: 'table',
          width: 12,
          queries: [
            { expr: '$pods' },
            { expr: `max by (cluster, namespace, pod, node) (kube_pod_info{${NS},${C}})` },
            { expr: `sum by (cluster, namespace, pod) (rate(container_cpu_usage_seconds_total{${CONTAINER},${NS},${C}}[5m]))` },
            { expr: `sum by (cluster, namespace, pod) (container_memory_working_set_bytes{${CONTAINER},${NS},${C}})` },
            { expr: `sum by (cluster, namespace, pod) (kube_pod_container_status_restarts_total{${NS},${C}})` },
            { expr: `kube_pod_status_phase{${NS},${C}} == 1` },
          ],
          table: {
            key: ['cluster', 'namespace', 'pod'],
            rowsFrom: 0,
            columns: [
              { title: 'node', query: 1, label: 'node' },
              { title: 'CPU', query: 2, unit: 'cores', spark: true },
              { title: 'memory', query: 3, unit: 'bytes', spark: true },
              { title: 'restarts', query: 4, bad: 1 },
              { title: 'phase', query: 5, label: 'phase' },
            ],
          },
          link: (l) => dash('pod', l, { namespace: l.namespace, pod: l.pod }),
          needs: `kube_pod_owner (${NEEDS_KSM})`,
          sources: ['kube-state-metrics'],
        },
      ],
    },
  ],
};
