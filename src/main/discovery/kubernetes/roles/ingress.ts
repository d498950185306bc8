/**
 * The `ingress` role (Prometheus's discovery/kubernetes/ingress.go, networking.k8s.io/v1): one
 * target per path of every rule, `__address__` = the rule's host, scheme `https` when a TLS entry's
 * host (or `*.` wildcard) covers it.
 */
import type { TargetGroup } from '../../targetgroup';
import { META_LABEL_PREFIX, NAMESPACE_LABEL, addNamespaceLabels, addObjectMetaLabels, newLabelSet, str, toLabels, type LabelSet } from './meta';
import type { Ingress, IngressRule, IngressTLS, ObjectIndex, RoleOptions } from './types';

const SCHEME = META_LABEL_PREFIX + 'ingress_scheme';
const HOST = META_LABEL_PREFIX + 'ingress_host';
const PATH = META_LABEL_PREFIX + 'ingress_path';
const CLASS_NAME = META_LABEL_PREFIX + 'ingress_class_name';

/** ingressSource is the source of an ingress's group: `ingress/<namespace>/<name>`. */
export function ingressSource(namespace: string, name: string): string {
  return 'ingress/' + namespace + '/' + name;
}

/** ingressLabels are the namespace, `_ingress_class_name` (when set), `_ingress_name` and the label and annotation labels. */
export function ingressLabels(ingress: Ingress): LabelSet {
  const ls = newLabelSet();
  ls[NAMESPACE_LABEL] = str(ingress.metadata?.namespace);
  const cls = ingress.spec?.ingressClassName;
  if (typeof cls === 'string') ls[CLASS_NAME] = cls;
  addObjectMetaLabels(ls, ingress.metadata, 'ingress');
  return ls;
}

/**
 * rulePaths are the paths of a rule as Prometheus reads them: `/` when the rule has no `http`
 * (a rule with `http` but no paths yields none), and `/` for each empty path.
 */
export function rulePaths(rule: IngressRule): string[] {
  const http = rule.http;
  if (http === undefined || http === null) return ['/'];
  return (http.paths ?? []).map((p) => (str(p?.path) === '' ? '/' : str(p?.path)));
}

function tlsHosts(tls: IngressTLS[] | undefined): string[] {
  const hosts: string[] = [];
  for (const t of tls ?? []) for (const h of t?.hosts ?? []) hosts.push(str(h));
  return hosts;
}

/** matchesHostnamePattern reports whether host equals pattern or matches its leading `*.` wildcard (one label). */
export function matchesHostnamePattern(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  const pp = pattern.split('.');
  const hp = host.split('.');
  if (pp.length === 0 || pp[0] !== '*') return false;
  if (pp.length !== hp.length) return false;
  for (let i = 1; i < pp.length; i++) if (pp[i] !== hp[i]) return false;
  return true;
}

/** ingressTargetGroup builds an ingress's group: per rule and path, `_ingress_scheme`, `_ingress_host` and `_ingress_path`. */
export function ingressTargetGroup(ingress: Ingress, opts: RoleOptions, index: ObjectIndex): TargetGroup {
  const ns = str(ingress.metadata?.namespace);
  let labels = ingressLabels(ingress);
  if (opts.attachMetadata.namespace) labels = addNamespaceLabels(labels, index, ns);
  const hosts = tlsHosts(ingress.spec?.tls);
  const targets = [];
  for (const rule of ingress.spec?.rules ?? []) {
    const host = str(rule?.host);
    const scheme = hosts.some((pattern) => matchesHostnamePattern(pattern, host)) ? 'https' : 'http';
    for (const path of rulePaths(rule ?? {})) {
      const t = newLabelSet();
      t['__address__'] = host;
      t[SCHEME] = scheme;
      t[HOST] = host;
      t[PATH] = path;
      targets.push(toLabels(t));
    }
  }
  return { source: ingressSource(ns, str(ingress.metadata?.name)), targets, labels: toLabels(labels) };
}
