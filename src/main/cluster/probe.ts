/**
 * What the user may do in a context, for the default jobs: the kubelet jobs need `list nodes` (to
 * find them) and `get nodes/proxy` (to reach them through the API server). Asked with access
 * reviews; a review that cannot be made leaves the answer unknown, and nothing is skipped on an
 * unknown answer (the targets then show what goes wrong).
 */
import { canI, canIHintFor, permissionText, type Permission } from '../kube/access';
import type { KubeClient } from '../kube/client';
import { KUBELET_JOBS, type DefaultJob } from './defaults';

/** KUBELET_PERMISSIONS are what the kubelet jobs need. */
export const KUBELET_PERMISSIONS: readonly Permission[] = [
  { verb: 'list', resource: 'nodes' },
  { verb: 'get', resource: 'nodes', subresource: 'proxy' },
];

/** ProbeResult is what a probe found. */
export interface ProbeResult {
  /** skipped maps each job that cannot work to why. */
  skipped: Map<DefaultJob, string>;
  /** denied names the permissions refused (`get nodes/proxy`). */
  denied: string[];
  /** checked names every permission asked about. */
  checked: string[];
}

/** probeContext asks the API server of a context what the default jobs need. Rejects when it cannot ask. */
export async function probeContext(client: KubeClient, context: string, signal?: AbortSignal): Promise<ProbeResult> {
  const denied: Permission[] = [];
  for (const p of KUBELET_PERMISSIONS) if (!(await canI(client, p, signal))) denied.push(p);
  const skipped = new Map<DefaultJob, string>();
  if (denied.length > 0) {
    const why = `the user may not ${denied.map(permissionText).join(' or ')} (check with \`${canIHintFor(denied[denied.length - 1]!, context)}\`): kubelet, cAdvisor and resource metrics are not scraped; the kube-state series still are`;
    for (const j of KUBELET_JOBS) skipped.set(j, why);
  }
  return { skipped, denied: denied.map(permissionText), checked: KUBELET_PERMISSIONS.map(permissionText) };
}
