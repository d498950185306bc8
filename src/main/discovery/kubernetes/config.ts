/**
 * `kubernetes_sd_configs` entries, validated as Prometheus's discovery/kubernetes SDConfig does:
 * role, api_server or kubeconfig_file (not both), namespaces, per-role selectors with label and
 * field selector syntax, attach_metadata, and the HTTP client settings that go with api_server.
 */
import type { HTTPClientConfig } from '../../config/types';
import type { YNode } from '../../config/yamlwalk';
import type { SDConfigContext } from '../discoverer';
import type { SDConfig } from '../targetgroup';
import { splitSelector } from '../../kube/selector';

/** KubernetesRole is a kubernetes_sd_configs role. */
export type KubernetesRole = 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'node' | 'ingress';

/** KUBERNETES_ROLES are the roles, in Prometheus's order. */
export const KUBERNETES_ROLES: readonly KubernetesRole[] = ['pod', 'service', 'endpoints', 'endpointslice', 'node', 'ingress'];

/** KubernetesSDConfig is one kubernetes_sd_configs entry. */
export interface KubernetesSDConfig extends SDConfig {
  readonly kind: 'kubernetes';
  role: KubernetesRole;
  apiServer: string;
  kubeconfigFile: string;
  namespaces: { ownNamespace: boolean; names: string[] };
  selectors: { role: KubernetesRole; label: string; field: string }[];
  attachMetadata: { node: boolean; namespace: boolean; deployment: boolean; job: boolean; cronjob: boolean };
  httpClient: HTTPClientConfig;
  /**
   * context (Vigil's extension) names the kubeconfig context to discover through; '' with neither
   * api_server nor kubeconfig_file means every context Vigil monitors.
   */
  context: string;
}

/** SELECTOR_ROLES lists, per role, the roles its selectors may name. */
const SELECTOR_ROLES: Record<KubernetesRole, KubernetesRole[]> = {
  pod: ['pod', 'node'],
  service: ['service'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  endpoints: ['pod', 'service', 'endpoints'],
  node: ['node'],
  ingress: ['ingress'],
};

/** parseKubernetesSD reads one kubernetes_sd_configs entry. */
export function parseKubernetesSD(n: YNode, ctx: SDConfigContext): KubernetesSDConfig | null {
  const w = ctx.w;
  const f = w.fields(n, 'kubernetes.SDConfig', ['role', 'api_server', 'kubeconfig_file', 'namespaces', 'selectors', 'attach_metadata', 'context', ...ctx.httpClientFields]);
  if (f === null) return null;
  const v = (k: string): YNode => f.get(k)?.value ?? null;
  const roleStr = w.str(v('role'));
  if (roleStr === '') {
    w.err(n, 'role missing (one of: pod, service, endpoints, endpointslice, node, ingress)');
    return null;
  }
  if (!KUBERNETES_ROLES.includes(roleStr as KubernetesRole)) {
    w.err(v('role'), `unknown Kubernetes SD role ${JSON.stringify(roleStr)}`);
    return null;
  }
  const role = roleStr as KubernetesRole;
  const httpClient = ctx.httpClient(f, 'kubernetes_sd_config');
  const apiServer = w.str(v('api_server'));
  const kubeconfigFile = ctx.joinDir(w.str(v('kubeconfig_file')));
  const nsf = w.fields(v('namespaces'), 'kubernetes.NamespaceDiscovery', ['own_namespace', 'names']);
  const namespaces = { ownNamespace: w.bool(nsf?.get('own_namespace')?.value ?? null, false), names: w.strList(nsf?.get('names')?.value ?? null) };
  const amf = w.fields(v('attach_metadata'), 'kubernetes.AttachMetadataConfig', ['node', 'namespace', 'deployment', 'job', 'cronjob']);
  const am = (k: string): boolean => w.bool(amf?.get(k)?.value ?? null, false);
  const attachMetadata = { node: am('node'), namespace: am('namespace'), deployment: am('deployment'), job: am('job'), cronjob: am('cronjob') };
  const context = w.str(v('context'));
  if (context !== '' && apiServer !== '') w.err(v('context'), "cannot use 'context' and 'api_server' simultaneously");
  const customHTTP = ctx.httpClientFields.some((k) => f.has(k) && k !== 'follow_redirects' && k !== 'enable_http2');
  if (apiServer !== '' && kubeconfigFile !== '') w.err(n, "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  else if (kubeconfigFile !== '' && customHTTP) w.err(n, "cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
  else if (apiServer === '' && customHTTP) w.err(n, "to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  if (apiServer !== '' && namespaces.ownNamespace) w.err(n, "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
  if (kubeconfigFile !== '' && namespaces.ownNamespace) w.err(n, "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
  if (apiServer !== '' && !/^https?:\/\/[^/]/.test(apiServer)) w.err(v('api_server'), `invalid api_server URL ${JSON.stringify(apiServer)}`);
  const selectors: KubernetesSDConfig['selectors'] = [];
  const seenRoles = new Set<string>();
  for (const s of w.seq(v('selectors'), '[]kubernetes.SelectorConfig')) {
    const sf = w.fields(s, 'kubernetes.SelectorConfig', ['role', 'label', 'field']);
    if (sf === null) continue;
    const sr = w.str(sf.get('role')?.value ?? null);
    if (!KUBERNETES_ROLES.includes(sr as KubernetesRole)) {
      w.err(sf.get('role')?.value ?? s, `unknown Kubernetes SD role ${JSON.stringify(sr)}`);
      continue;
    }
    if (seenRoles.has(sr)) {
      w.err(s, `duplicated selector role: ${sr}`);
      continue;
    }
    seenRoles.add(sr);
    if (!SELECTOR_ROLES[role].includes(sr as KubernetesRole)) {
      w.err(s, `${role} role supports only ${SELECTOR_ROLES[role].join(', ')} selectors`);
      continue;
    }
    const label = w.str(sf.get('label')?.value ?? null);
    const field = w.str(sf.get('field')?.value ?? null);
    const bad = checkSelector(label, false) ?? checkSelector(field, true);
    if (bad !== null) w.err(s, bad);
    selectors.push({ role: sr as KubernetesRole, label, field });
  }
  return { kind: 'kubernetes', role, apiServer, kubeconfigFile, namespaces, selectors, attachMetadata, httpClient, context, line: w.position(n).line };
}

/** checkSelector validates a Kubernetes label or field selector's syntax; returns an error or null. */
export function checkSelector(sel: string, field: boolean): string | null {
  if (sel.trim() === '') return null;
  const req = field
    ? /^\s*[A-Za-z0-9_./-]+\s*(==|!=|=)\s*[^,]*\s*$/
    : /^\s*(!?[A-Za-z0-9_./-]+|[A-Za-z0-9_./-]+\s*(==|!=|=)\s*[A-Za-z0-9_.-]*|[A-Za-z0-9_./-]+\s+(in|notin)\s+\(\s*[A-Za-z0-9_.,\s-]*\))\s*$/;
  for (const part of splitSelector(sel)) {
    if (!req.test(part)) return `invalid ${field ? 'field' : 'label'} selector ${JSON.stringify(sel)}`;
  }
  return null;
}
