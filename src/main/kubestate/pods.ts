/**
 * The pod families of kube-state-metrics v2.18.0 (internal/store/pod.go) that Vigil writes, in
 * KSM's order. Every series starts with `namespace`, `pod` and `uid`. Containers and init
 * containers have the same families (`kube_pod_container_*`, `kube_pod_init_container_*`):
 * requests and limits of init containers are in the init families, not in
 * `kube_pod_container_resource_requests`.
 */
import type { Container, ContainerStatus, Pod, ResourceList } from '../kube/objects/types';
import { label, type Lines } from './exposition';
import { boolValue, conditionSeries, created, family, gauge, owners, phases, type Family, type Resource } from './family';
import { quantity } from './quantity';
import { resourceSeries, resourceValue } from './resources';

type Side = 'containers' | 'init';

function specs(p: Pod, side: Side): Container[] {
  return (side === 'containers' ? p.spec?.containers : p.spec?.initContainers) ?? [];
}

function statuses(p: Pod, side: Side): ContainerStatus[] {
  return (side === 'containers' ? p.status?.containerStatuses : p.status?.initContainerStatuses) ?? [];
}

function container(name: string | undefined): string {
  return label('container', name);
}

/** resources writes one series per resource of each container's requests or limits. */
function resources(p: Pod, side: Side, which: 'requests' | 'limits', w: Lines): void {
  const node = label('node', p.spec?.nodeName);
  for (const c of specs(p, side)) {
    const list: ResourceList | undefined = c.resources?.[which];
    if (list === undefined) continue;
    const prefix = `${container(c.name)},${node},`;
    for (const name of Object.keys(list)) {
      const q = quantity(list[name]!);
      if (q === null) continue;
      for (const s of resourceSeries(name, false)) w.add(prefix + s.labels, resourceValue(q, s, false));
    }
  }
}

/** perStatus is a family of one series per container status. */
function perStatus(name: string, help: string, side: Side, value: (cs: ContainerStatus) => number, type: 'gauge' | 'counter' = 'gauge'): Family<Pod> {
  return family<Pod>({
    name,
    help,
    type,
    series(p, w) {
      for (const cs of statuses(p, side)) w.add(container(cs.name), value(cs));
    },
  });
}

/** reason is a family of one series (value 1) per container status in a state, labelled with its reason. */
function reason(name: string, help: string, side: Side, state: (cs: ContainerStatus) => { reason?: string | undefined } | undefined): Family<Pod> {
  return family<Pod>({
    name,
    help,
    series(p, w) {
      for (const cs of statuses(p, side)) {
        const st = state(cs);
        if (st !== undefined) w.add(`${container(cs.name)},${label('reason', st.reason)}`, 1);
      }
    },
  });
}

/** info is `kube_pod_container_info` / `kube_pod_init_container_info`: one series per spec container with a status of its name. */
function info(name: string, help: string, side: Side): Family<Pod> {
  return family<Pod>({
    name,
    help,
    series(p, w) {
      const sts = statuses(p, side);
      for (const c of specs(p, side)) {
        for (const cs of sts) {
          if (cs.name !== c.name) continue;
          const l = `${container(cs.name)},${label('image_spec', c.image)},${label('image', cs.image)},${label('image_id', cs.imageID)},${label('container_id', cs.containerID)}`;
          w.add(side === 'init' ? `${l},${label('restart_policy', c.restartPolicy)}` : l, 1);
        }
      }
    },
  });
}

function requests(name: string, help: string, side: Side, which: 'requests' | 'limits'): Family<Pod> {
  return family<Pod>({ name, help, series: (p, w) => resources(p, side, which, w) });
}

const PHASES = ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'];

/**
 * CONTAINER_HELP is, per container family (after `kube_pod_container_` or
 * `kube_pod_init_container_`), its HELP and stability for containers and for init containers.
 */
const CONTAINER_HELP: Record<string, [string, boolean, string, boolean]> = {
  info: ['Information about a container in a pod.', true, 'Information about an init container in a pod.', true],
  resource_limits: ['The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.', true, 'The number of requested limit resource by an init container.', false],
  resource_requests: ['The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.', true, 'The number of requested request resource by an init container.', false],
  status_last_terminated_reason: ['Describes the last reason the container was in terminated state.', false, 'Describes the last reason the init container was in terminated state.', false],
  status_ready: ['Describes whether the containers readiness check succeeded.', true, 'Describes whether the init containers readiness check succeeded.', true],
  status_restarts_total: ['The number of container restarts per container.', true, 'The number of restarts for the init container.', true],
  status_running: ['Describes whether the container is currently in running state.', true, 'Describes whether the init container is currently in running state.', true],
  status_terminated: ['Describes whether the container is currently in terminated state.', true, 'Describes whether the init container is currently in terminated state.', true],
  status_terminated_reason: ['Describes the reason the container is currently in terminated state.', false, 'Describes the reason the init container is currently in terminated state.', false],
  status_waiting: ['Describes whether the container is currently in waiting state.', true, 'Describes whether the init container is currently in waiting state.', true],
  status_waiting_reason: ['Describes the reason the container is currently in waiting state.', true, 'Describes the reason the init container is currently in waiting state.', false],
};

/** containerFamilies are the families of containers or init containers, in KSM's order. */
function containerFamilies(side: Side): Family<Pod>[] {
  const prefix = side === 'containers' ? 'kube_pod_container_' : 'kube_pod_init_container_';
  const h = (k: string): [string, string, boolean] => {
    const e = CONTAINER_HELP[k]!;
    return side === 'containers' ? [prefix + k, e[0], e[1]] : [prefix + k, e[2], e[3]];
  };
  const named = <A extends unknown[]>(k: string, f: (name: string, help: string, ...a: A) => Family<Pod>, ...a: A): Family<Pod> => {
    const [name, help, stable] = h(k);
    return { ...f(name, help, ...a), stable };
  };
  return [
    named('info', info, side),
    named('resource_limits', requests, side, 'limits'),
    named('resource_requests', requests, side, 'requests'),
    named('status_last_terminated_reason', reason, side, (cs) => cs.lastState?.terminated),
    named('status_ready', perStatus, side, (cs) => boolValue(cs.ready)),
    named('status_restarts_total', perStatus, side, (cs) => cs.restartCount ?? 0, 'counter'),
    named('status_running', perStatus, side, (cs) => boolValue(cs.state?.running !== undefined)),
    named('status_terminated', perStatus, side, (cs) => boolValue(cs.state?.terminated !== undefined)),
    named('status_terminated_reason', reason, side, (cs) => cs.state?.terminated),
    named('status_waiting', perStatus, side, (cs) => boolValue(cs.state?.waiting !== undefined)),
    named('status_waiting_reason', reason, side, (cs) => cs.state?.waiting),
  ];
}

/** POD_FAMILIES are the pod families, in KSM's order. */
export const POD_FAMILIES: Family<Pod>[] = [
  ...containerFamilies('containers'),
  created<Pod>('kube_pod_created'),
  family<Pod>({
    name: 'kube_pod_info',
    help: 'Information about pod.',
    series(p, w) {
      let ctl: { kind?: string | undefined; name?: string | undefined } | undefined;
      for (const r of p.metadata?.ownerReferences ?? []) {
        if (r.controller === true) {
          ctl = r;
          break;
        }
      }
      w.add(
        `${label('host_ip', p.status?.hostIP)},${label('pod_ip', p.status?.podIP)},${label('node', p.spec?.nodeName)},${label('created_by_kind', ctl?.kind)},${label('created_by_name', ctl?.name)},${label('priority_class', p.spec?.priorityClassName)},host_network="${p.spec?.hostNetwork === true ? 'true' : 'false'}"`,
        1,
      );
    },
  }),
  ...containerFamilies('init'),
  owners<Pod>('kube_pod_owner', "Information about the Pod's owner.", true),
  gauge<Pod>('kube_pod_start_time', 'Start time in unix timestamp for a pod.', (p) => p.status?.startTime),
  phases<Pod>('kube_pod_status_phase', 'The pods current phase.', PHASES, (p) => p.status?.phase, true),
  family<Pod>({
    name: 'kube_pod_status_ready',
    help: 'Describes whether the pod is ready to serve requests.',
    series(p, w) {
      for (const c of p.status?.conditions ?? []) if (c.type === 'Ready') conditionSeries(w, '', 'condition', c.status);
    },
  }),
];

/** PODS is the `pods` resource. */
export const PODS: Resource<Pod> = {
  name: 'pods',
  kind: 'pod',
  base: (p) => `${label('namespace', p.metadata?.namespace)},${label('pod', p.metadata?.name)},${label('uid', p.metadata?.uid)}`,
  families: POD_FAMILIES,
};
