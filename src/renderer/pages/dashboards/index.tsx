/** Dashboards (a first panel set; the dashboards are built on panels/). */
import { useMemo, type ReactElement } from 'react';
import { clusterRegex, useApp } from '../../app/AppState';
import { Panel } from '../../panels/Panel';
import type { PanelDef } from '../../panels/types';

const PANELS: PanelDef[] = [
  { title: 'CPU usage by namespace', type: 'timeseries', unit: 'cores', stacked: true, queries: [{ expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total{job="cadvisor",container!="",cluster=~"$cluster"}[5m]))', legend: '{{namespace}}' }], needs: 'cAdvisor series (job cadvisor): the user needs get nodes/proxy.' },
  { title: 'Memory working set by namespace', type: 'timeseries', unit: 'bytes', stacked: true, queries: [{ expr: 'sum by (namespace) (container_memory_working_set_bytes{job="cadvisor",container!="",cluster=~"$cluster"})', legend: '{{namespace}}' }], needs: 'cAdvisor series (job cadvisor): the user needs get nodes/proxy.' },
  { title: 'Pods', type: 'stat', queries: [{ expr: 'count(kube_pod_info{cluster=~"$cluster"})' }], needs: 'kube_pod_info (kube-state series).' },
];

export function DashboardsPage(): ReactElement {
  const { cluster } = useApp();
  const vars = useMemo(() => ({ cluster: clusterRegex(cluster) }), [cluster]);
  return (
    <div className="page dashboard">
      <h2>Cluster overview</h2>
      <div className="grid">
        {PANELS.map((p) => (
          <Panel key={p.title} def={p} vars={vars} />
        ))}
      </div>
    </div>
  );
}
