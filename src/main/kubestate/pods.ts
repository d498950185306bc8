/**
 * The pod families of kube-state-metrics v2.18.0 (internal/store/pod.go) that Vigil writes, in
 * KSM's order. Every series starts with `namespace`, `pod` and `uid`. Containers and init
 * containers have the same families (`kube_pod_container_*`, `kube_pod_init_container_*`):
 * requests and limits of init containers are in the init families, not in
 * `kube_pod_container_resource_requests`.
 */
import type { Container, ContainerStatus, Pod, ResourceList } from '../kube/objects/types';
import { label, type Lines } from './exposition';
import { boolValue, conditionSeries, created, family, gauge, owners, type Family, type Resource } from './family';
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
function reason(name: string, help: string, side: Side, state: (cs: ContainerStatus) => { reason?: string | undefined } | undefined, stable: boolean): Family<Pod> {
  return family<Pod>({
    name,
    help,
    stable,
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

function requests(name: string, help: string, side: Side, which: 'requests' | 'limits', stable: boolean): Family<Pod> {
  return family<Pod>({ name, help, stable, series: (p, w) => resources(p, side, which, w) });
}

const PHASES = ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'];

/** POD_FAMILIES are the pod families, in KSM's order. */
export const POD_FAMILIES: Family<Pod>[] = [
  info('kube_pod_container_info', 'Information about a container in a pod.', 'containers'),
  requests('kube_pod_container_resource_limits', 'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.', 'containers', 'limits', true),
  requests('kube_pod_container_resource_requests', 'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.', 'containers', 'requests', true),
  reason('kube_pod_container_status_last_terminated_reason', 'Describes the last reason the container was in terminated state.', 'containers', (cs) => cs.lastState?.terminated, false),
  perStatus('kube_pod_container_status_ready', 'Describes whether the containers readiness check succeeded.', 'containers', (cs) => boolValue(cs.ready)),
  perStatus('kube_pod_container_status_restarts_total', 'The number of container restarts per container.', 'containers', (cs) => cs.restartCount ?? 0, 'counter'),
  perStatus('kube_pod_container_status_running', 'Describes whether the container is currently in running state.', 'containers', (cs) => boolValue(cs.state?.running !== undefined)),
  perStatus('kube_pod_container_status_terminated', 'Describes whether the container is currently in terminated state.', 'containers', (cs) => boolValue(cs.state?.terminated !== undefined)),
  reason('kube_pod_container_status_terminated_reason', 'Describes the reason the container is currently in terminated state.', 'containers', (cs) => cs.state?.terminated, false),
  perStatus('kube_pod_container_status_waiting', 'Describes whether the container is currently in waiting state.', 'containers', (cs) => boolValue(cs.state?.waiting !== undefined)),
  reason('kube_pod_container_status_waiting_reason', 'Describes the reason the container is currently in waiting state.', 'containers', (cs) => cs.state?.waiting, true),
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
  info('kube_pod_init_container_info', 'Information about an init container in a pod.', 'init'),
  requests('kube_pod_init_container_resource_limits', 'The number of requested limit resource by an init container.', 'init', 'limits', false),
  requests('kube_pod_init_container_resource_requests', 'The number of requested request resource by an init container.', 'init', 'requests', false),
  reason('kube_pod_init_container_status_last_terminated_reason', 'Describes the last reason the init container was in terminated state.', 'init', (cs) => cs.lastState?.terminated, false),
  perStatus('kube_pod_init_container_status_ready', 'Describes whether the init containers readiness check succeeded.', 'init', (cs) => boolValue(cs.ready)),
  perStatus('kube_pod_init_container_status_restarts_total', 'The number of restarts for the init container.', 'init', (cs) => cs.restartCount ?? 0, 'counter'),
  perStatus('kube_pod_init_container_status_running', 'Describes whether the init container is currently in running state.', 'init', (cs) => boolValue(cs.state?.running !== undefined)),
  perStatus('kube_pod_init_container_status_terminated', 'Describes whether the init container is currently in terminated state.', 'init', (cs) => boolValue(cs.state?.terminated !== undefined)),
  reason('kube_pod_init_container_status_terminated_reason', 'Describes the reason the init container is currently in terminated state.', 'init', (cs) => cs.state?.terminated, false),
  perStatus('kube_pod_init_container_status_waiting', 'Describes whether the init container is currently in waiting state.', 'init', (cs) => boolValue(cs.state?.waiting !== undefined)),
  reason('kube_pod_init_container_status_waiting_reason', 'Describes the reason the init container is currently in waiting state.', 'init', (cs) => cs.state?.waiting, false),
  owners<Pod>('kube_pod_owner', "Information about the Pod's owner.", true),
  gauge<Pod>('kube_pod_start_time', 'Start time in unix timestamp for a pod.', (p) => p.status?.startTime),
  family<Pod>({
    name: 'kube_pod_status_phase',
    help: 'The pods current phase.',
    series(p, w) {
      const phase = p.status?.phase;
      if (phase === undefined || phase === '') return;
      for (const ph of PHASES) w.add(`phase="${ph}"`, phase === ph ? 1 : 0);
    },
  }),
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
