/**
 * Asking the API server what the user may do (`kubectl auth can-i`): SelfSubjectAccessReview for
 * one permission, and the namespaces in which a namespaced collection may be listed when listing
 * it cluster-wide is refused. Every answer comes from the API server; nothing is guessed from
 * role names. A review that cannot be made (unreachable, the review API itself refused) rejects,
 * so callers can tell "denied" from "unknown".
 */
import type { KubeClient } from './client';

/** Permission is one question: a resource verb, or a non-resource URL (`get /metrics`). */
export interface Permission {
  verb: string;
  /** resource is the plural (`pods`); empty for a non-resource URL. */
  resource?: string;
  /** group is the API group ('' for core). */
  group?: string;
  subresource?: string;
  /** namespace ('' for the cluster scope). */
  namespace?: string;
  /** path is a non-resource URL (`/metrics`). */
  path?: string;
}

/** permissionText spells a permission as the API server's messages do (`get nodes/proxy`, `get /metrics`). */
export function permissionText(p: Permission): string {
  if (p.path) return `${p.verb} ${p.path}`;
  const res = `${p.resource ?? ''}${p.group ? `.${p.group}` : ''}${p.subresource ? `/${p.subresource}` : ''}`;
  return `${p.verb} ${res}${p.namespace ? ` in namespace ${p.namespace}` : ''}`;
}

/** canIHintFor is the kubectl command that asks the same question. */
export function canIHintFor(p: Permission, context: string): string {
  if (p.path) return `kubectl auth can-i ${p.verb} ${p.path} --context ${context}`;
  const res = `${p.resource ?? ''}${p.group ? `.${p.group}` : ''}`;
  return `kubectl auth can-i ${p.verb} ${res}${p.subresource ? ` --subresource=${p.subresource}` : ''}${p.namespace ? ` -n ${p.namespace}` : ''} --context ${context}`;
}

interface ReviewAnswer {
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

/** canI asks the API server whether the user of client has permission p. */
export async function canI(client: KubeClient, p: Permission, signal?: AbortSignal): Promise<boolean> {
  const spec = p.path
    ? { nonResourceAttributes: { path: p.path, verb: p.verb } }
    : { resourceAttributes: { verb: p.verb, resource: p.resource ?? '', group: p.group ?? '', subresource: p.subresource ?? '', namespace: p.namespace ?? '' } };
  const body = JSON.stringify({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec });
  const answer = await client.json<ReviewAnswer>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json' },
    signal,
    what: `the access review "${permissionText(p)}"`,
  });
  return answer.status?.allowed === true;
}

/** MAX_NAMESPACE_REVIEWS bounds the reviews of one fallback (a cluster of thousands of namespaces). */
export const MAX_NAMESPACE_REVIEWS = 500;

/** NamespaceScope is where a namespaced collection can be listed. */
export interface NamespaceScope {
  /** namespaces are the namespaces to list and watch in ([''] = cluster-wide). */
  namespaces: string[];
  /** how says how they were found, for the user. */
  how: string;
}

interface NamespaceList {
  items?: { metadata?: { name?: string } }[];
}

/**
 * namespacesAllowed finds the namespaces in which the user may list (and watch) a resource, for
 * when listing it cluster-wide is refused: the candidates are the cluster's namespaces when they
 * may be listed, else the context's own namespace (or `default`); each candidate is reviewed.
 */
export async function namespacesAllowed(client: KubeClient, resource: { resource: string; group?: string }, contextNamespace: string, signal?: AbortSignal): Promise<NamespaceScope> {
  let candidates: string[];
  let from: string;
  try {
    const list = await client.json<NamespaceList>('/api/v1/namespaces', { signal, what: 'the list of namespaces' });
    candidates = (list.items ?? []).map((n) => n.metadata?.name ?? '').filter((n) => n !== '');
    from = 'of the cluster';
  } catch {
    candidates = [contextNamespace || 'default'];
    from = contextNamespace ? 'the context namespace' : 'the default namespace';
  }
  const reviewed = candidates.slice(0, MAX_NAMESPACE_REVIEWS);
  const allowed: string[] = [];
  for (const ns of reviewed) {
    const p: Permission = { verb: 'list', resource: resource.resource, group: resource.group, namespace: ns };
    if ((await canI(client, p, signal)) && (await canI(client, { ...p, verb: 'watch' }, signal))) allowed.push(ns);
  }
  const capped = candidates.length > reviewed.length ? ` (the first ${reviewed.length} of ${candidates.length} namespaces reviewed)` : '';
  return { namespaces: allowed, how: `namespaces ${from} where listing is allowed${capped}` };
}
