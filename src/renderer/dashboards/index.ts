/**
 * The built-in dashboards, in the order of the list (the cluster overview first: #/dashboards
 * shows it). A dashboard is a file here and a line below.
 */
import type { DashboardDef } from './types';
import { cluster } from './cluster';
import { nodes } from './nodes';
import { node } from './node';
import { namespaces } from './namespaces';
import { namespace } from './namespace';
import { workloads } from './workloads';
import { workload } from './workload';
import { pod } from './pod';

export const DASHBOARDS: DashboardDef[] = [cluster, nodes, namespaces, workloads, node, namespace, workload, pod];

/** dashboardById finds a built-in dashboard. */
export function dashboardById(id: string): DashboardDef | undefined {
  return DASHBOARDS.find((d) => d.id === id);
}
