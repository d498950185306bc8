/**
 * The namespace (`namespace`), PersistentVolumeClaim (`namespace`, `persistentvolumeclaim`) and
 * service (`namespace`, `service`, `uid`) families of kube-state-metrics v2.18.0 that Vigil
 * writes, in KSM's order.
 */
import { BETA_STORAGE_CLASS } from '../kube/objects/trim';
import type { Namespace, PersistentVolumeClaim, Service } from '../kube/objects/types';
import { label } from './exposition';
import { created, family, gauge, phases, type Resource } from './family';
import { quantity } from './quantity';

/** NAMESPACES is the `namespaces` resource. */
export const NAMESPACES: Resource<Namespace> = {
  name: 'namespaces',
  kind: 'namespace',
  base: (n) => label('namespace', n.metadata?.name),
  families: [
    created<Namespace>('kube_namespace_created'),
    phases<Namespace>('kube_namespace_status_phase', 'kubernetes namespace status phase.', ['Active', 'Terminating'], (n) => n.status?.phase, false),
  ],
};

const CLAIM_PHASES = ['Lost', 'Bound', 'Pending'];

/** PERSISTENTVOLUMECLAIMS is the `persistentvolumeclaims` resource. */
export const PERSISTENTVOLUMECLAIMS: Resource<PersistentVolumeClaim> = {
  name: 'persistentvolumeclaims',
  kind: 'persistentvolumeclaim',
  base: (p) => `${label('namespace', p.metadata?.namespace)},${label('persistentvolumeclaim', p.metadata?.name)}`,
  families: [
    family<PersistentVolumeClaim>({
      name: 'kube_persistentvolumeclaim_info',
      help: 'Information about persistent volume claim.',
      series(p, w) {
        // The beta annotation wins over spec.storageClassName, as in KSM's getPersistentVolumeClaimClass.
        const cls = p.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? p.spec?.storageClassName ?? '';
        w.add(`${label('storageclass', cls)},${label('volumename', p.spec?.volumeName)},${label('volumemode', p.spec?.volumeMode ?? '')}`, 1);
      },
    }),
    phases<PersistentVolumeClaim>('kube_persistentvolumeclaim_status_phase', 'The phase the persistent volume claim is currently in.', CLAIM_PHASES, (p) => p.status?.phase, true),
    gauge<PersistentVolumeClaim>('kube_persistentvolumeclaim_resource_requests_storage_bytes', 'The capacity of storage requested by the persistent volume claim.', (p) => {
      const s = p.spec?.resources?.requests?.storage;
      return s === undefined ? undefined : quantity(s)?.value;
    }),
    family<PersistentVolumeClaim>({
      name: 'kube_persistentvolumeclaim_access_mode',
      help: 'The access mode(s) specified by the persistent volume claim.',
      series(p, w) {
        for (const m of p.spec?.accessModes ?? []) w.add(label('access_mode', m), 1);
      },
    }),
  ],
};

/** SERVICES is the `services` resource. */
export const SERVICES: Resource<Service> = {
  name: 'services',
  kind: 'service',
  base: (s) => `${label('namespace', s.metadata?.namespace)},${label('service', s.metadata?.name)},${label('uid', s.metadata?.uid)}`,
  families: [
    family<Service>({
      name: 'kube_service_info',
      help: 'Information about service.',
      series(s, w) {
        const sp = s.spec;
        w.add(`${label('cluster_ip', sp?.clusterIP)},${label('external_name', sp?.externalName)},${label('load_balancer_ip', sp?.loadBalancerIP)},${label('external_traffic_policy', sp?.externalTrafficPolicy)}`, 1);
      },
    }),
    created<Service>('kube_service_created'),
    family<Service>({ name: 'kube_service_spec_type', help: 'Type about service.', series: (s, w) => w.add(label('type', s.spec?.type), 1) }),
  ],
};
