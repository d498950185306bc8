/**
 * One entry point over the six role builders: the source of a primary object's group from its
 * store key, and its group from the object (or the empty group once it is deleted), for a
 * discoverer that handles every role alike.
 */
import type { TargetGroup } from '../../targetgroup';
import type { KubernetesRole } from '../config';
import { endpointsSource, endpointsTargetGroup } from './endpoints';
import { endpointSliceSource, endpointSliceTargetGroup } from './endpointslice';
import { ingressSource, ingressTargetGroup } from './ingress';
import { emptyTargetGroup } from './meta';
import { nodeSource, nodeTargetGroup } from './node';
import { podSource, podTargetGroup } from './pod';
import { serviceSource, serviceTargetGroup } from './service';
import type { EndpointSlice, Endpoints, Ingress, KubeObject, Node, ObjectIndex, Pod, RoleOptions, Service } from './types';

function split(key: string): [string, string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}

/** roleSource returns the group source of the role's primary object with store key `<ns>/<name>` (nodes: the name). */
export function roleSource(role: KubernetesRole, key: string): string {
  if (role === 'node') return nodeSource(key);
  const [ns, name] = split(key);
  switch (role) {
    case 'pod':
      return podSource(ns, name);
    case 'service':
      return serviceSource(ns, name);
    case 'endpoints':
      return endpointsSource(ns, name);
    case 'endpointslice':
      return endpointSliceSource(ns, name);
    case 'ingress':
      return ingressSource(ns, name);
  }
}

/**
 * roleTargetGroup builds the group of a role's primary object, or, when obj is undefined (the
 * object is gone), the empty group of its source. Null only for a node without address, for
 * which Prometheus sends nothing (see nodeTargetGroup).
 */
export function roleTargetGroup(role: KubernetesRole, key: string, obj: KubeObject | undefined, opts: RoleOptions, index: ObjectIndex): TargetGroup | null {
  if (obj === undefined) return emptyTargetGroup(roleSource(role, key));
  switch (role) {
    case 'node':
      return nodeTargetGroup(obj as Node);
    case 'pod':
      return podTargetGroup(obj as Pod, opts, index);
    case 'service':
      return serviceTargetGroup(obj as Service, opts, index);
    case 'endpoints':
      return endpointsTargetGroup(obj as Endpoints, opts, index);
    case 'endpointslice':
      return endpointSliceTargetGroup(obj as EndpointSlice, opts, index);
    case 'ingress':
      return ingressTargetGroup(obj as Ingress, opts, index);
  }
}
