/**
 * The `service` role (Prometheus's discovery/kubernetes/service.go): one target per service port,
 * at `<service>.<namespace>.svc:<port>`. `serviceLabels` are also the service labels the
 * endpoints and endpointslice roles attach to their groups.
 */
import type { TargetGroup } from '../../targetgroup';
import { META_LABEL_PREFIX, NAMESPACE_LABEL, addNamespaceLabels, addObjectMetaLabels, int, joinHostPort, newLabelSet, str, toLabels, type LabelSet } from './meta';
import type { ObjectIndex, RoleOptions, Service } from './types';

const PORT_NAME = META_LABEL_PREFIX + 'service_port_name';
const PORT_NUMBER = META_LABEL_PREFIX + 'service_port_number';
const PORT_PROTOCOL = META_LABEL_PREFIX + 'service_port_protocol';
const CLUSTER_IP = META_LABEL_PREFIX + 'service_cluster_ip';
const LOADBALANCER_IP = META_LABEL_PREFIX + 'service_loadbalancer_ip';
const EXTERNAL_NAME = META_LABEL_PREFIX + 'service_external_name';
const TYPE = META_LABEL_PREFIX + 'service_type';

/** serviceSource is the source of a service's group: `svc/<namespace>/<name>`. */
export function serviceSource(namespace: string, name: string): string {
  return 'svc/' + namespace + '/' + name;
}

/** serviceLabels are `__meta_kubernetes_namespace`, `_service_name` and the service's label and annotation labels. */
export function serviceLabels(svc: Service): LabelSet {
  const ls = newLabelSet();
  ls[NAMESPACE_LABEL] = str(svc.metadata?.namespace);
  addObjectMetaLabels(ls, svc.metadata, 'service');
  return ls;
}

/**
 * serviceTargetGroup builds a service's group: per port, `_service_port_name`, `_port_number`,
 * `_port_protocol` and `_service_type`; `_service_external_name` for ExternalName services, else
 * `_service_cluster_ip`; `_service_loadbalancer_ip` (spec.loadBalancerIP) for LoadBalancer ones.
 */
export function serviceTargetGroup(svc: Service, opts: RoleOptions, index: ObjectIndex): TargetGroup {
  const ns = str(svc.metadata?.namespace);
  const name = str(svc.metadata?.name);
  let labels = serviceLabels(svc);
  if (opts.attachMetadata.namespace) labels = addNamespaceLabels(labels, index, ns);
  const type = str(svc.spec?.type);
  const targets = [];
  for (const port of svc.spec?.ports ?? []) {
    const num = int(port?.port);
    const t = newLabelSet();
    t['__address__'] = joinHostPort(name + '.' + ns + '.svc', num);
    t[PORT_NAME] = str(port?.name);
    t[PORT_NUMBER] = num;
    t[PORT_PROTOCOL] = str(port?.protocol);
    t[TYPE] = type;
    if (type === 'ExternalName') t[EXTERNAL_NAME] = str(svc.spec?.externalName);
    else t[CLUSTER_IP] = str(svc.spec?.clusterIP);
    if (type === 'LoadBalancer') t[LOADBALANCER_IP] = str(svc.spec?.loadBalancerIP);
    targets.push(toLabels(t));
  }
  return { source: serviceSource(ns, name), targets, labels: toLabels(labels) };
}
