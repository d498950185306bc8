/**
 * A simulated kubelet's metrics endpoints, named and labelled as kubelet 1.31 serves them:
 * `/metrics` (the kubelet's own), `/metrics/cadvisor` (cAdvisor's container_* and machine_* with
 * the kubelet's label set: container, id, image, name, namespace, pod; the pod cgroup with
 * container="", the root cgroup id="/"), `/metrics/resource` (what metrics-server reads) and
 * `/metrics/probes`. cAdvisor and resource samples carry millisecond timestamps, as the real ones do.
 */
import type { ClusterSim, PodInstance, Run } from '../sim/sim';
import type { ContainerSpec, NodeSpec } from '../sim/spec';
import { hexOf, uidOf } from '../sim/hash';
import { round, TextWriter, type SampleLabels } from './text';

const MiB = 1024 ** 2;

/** DISK_DEVICE and ROOT_PARTITION are the nodes' disk (as cAdvisor and node-exporter name it). */
export const DISK_DEVICE = '/dev/nvme0n1';
export const ROOT_PARTITION = '/dev/nvme0n1p1';

/** NodeView is one node at one time: what its kubelet sees. */
export interface NodeView {
  sim: ClusterSim;
  node: NodeSpec;
  s: number;
  /** pods are the pods bound to the node that exist at s. */
  pods: PodInstance[];
}

/** nodeView collects a node's pods at s. */
export function nodeView(sim: ClusterSim, node: NodeSpec, s: number, pods = sim.podsAt(s)): NodeView {
  return { sim, node, s, pods: pods.filter((p) => p.node === node) };
}

function qos(p: PodInstance): 'guaranteed' | 'burstable' | 'besteffort' {
  const cs = p.w.containers;
  if (cs.every((c) => c.cpuRequest === null && c.memRequest === null && c.cpuLimit === null && c.memLimit === null)) return 'besteffort';
  if (cs.every((c) => c.cpuLimit !== null && c.memLimit !== null && c.cpuLimit === c.cpuRequest && c.memLimit === c.memRequest)) return 'guaranteed';
  return 'burstable';
}

/** podCgroup is a pod's cgroup path under the systemd driver (cgroup v2). */
export function podCgroup(p: PodInstance): string {
  const uid = p.uid.replace(/-/g, '_');
  const q = qos(p);
  return q === 'guaranteed' ? `/kubepods.slice/kubepods-pod${uid}.slice` : `/kubepods.slice/kubepods-${q}.slice/kubepods-${q}-pod${uid}.slice`;
}

/** sorted returns labels with their keys in order (as client_golang writes them). */
function sorted(l: SampleLabels): SampleLabels {
  const out: SampleLabels = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k]!;
  return out;
}

/** ContainerRow is one running container the kubelet reports. */
interface ContainerRow {
  p: PodInstance;
  c: ContainerSpec;
  run: Run;
}

function runningContainers(v: NodeView): ContainerRow[] {
  const out: ContainerRow[] = [];
  for (const p of v.pods) {
    if (!v.sim.podRunning(p, v.s)) continue;
    for (const c of p.w.containers) {
      const st = v.sim.containerAt(p, c, v.s);
      if (st.run) out.push({ p, c, run: st.run });
    }
  }
  return out;
}

/** podCpu is the CPU seconds of a pod's cgroup: every run of its containers so far. */
function podCpu(v: NodeView, p: PodInstance): { cpu: number; mem: number } {
  let cpu = 0;
  let mem = 0.6 * MiB; // the pause process
  for (const c of p.w.containers) {
    const st = v.sim.containerAt(p, c, v.s);
    const wave = v.sim.cpuWave(p, c);
    if (st.run) {
      cpu += st.run.cpuBefore + wave.integral(st.run.start, v.s);
      mem += v.sim.usage(p, c, st.run, v.s).mem;
    } else {
      const r = st.terminated ?? st.last;
      if (r) cpu += r.cpuBefore + wave.integral(r.start, r.end);
    }
  }
  return { cpu, mem };
}

function netOf(v: NodeView, p: PodInstance): { rx: number; tx: number; rxp: number; txp: number } {
  const start = p.created + 1;
  const end = p.job && v.s >= p.job.completes ? p.job.completes : v.s;
  const level = p.w.containers[0]?.serves === 'http-app' ? 40_000 : 6_000;
  const rx = v.sim.wave(`rx|${p.uid}`, level, true).integral(start, end);
  const tx = v.sim.wave(`tx|${p.uid}`, level * 1.6, true).integral(start, end);
  return { rx, tx, rxp: rx / 610, txp: tx / 840 };
}

/** renderCadvisor renders a kubelet's /metrics/cadvisor. */
export function renderCadvisor(v: NodeView): string {
  const { sim, node, s } = v;
  const w = new TextWriter({ tsMs: s * 1000 });
  const rows = runningContainers(v);
  const pods = v.pods.filter((p) => sim.podRunning(p, s));
  const nodeCpu = sim.cpuBusySeconds(node, s);
  const mem = sim.nodeMemory(node, s);
  type Cg = { labels: SampleLabels; cpu: number; mem: number; rss: number; cache: number; start: number; spec?: { c: ContainerSpec }; fs?: { usage: number; reads: number; writes: number }; net?: ReturnType<typeof netOf>; throttle?: { periods: number; throttled: number } };
  const boot = sim.bootTime(node, s);
  const sys = (id: string, f: number, memF: number): Cg => ({ labels: { container: '', id, image: '', name: '', namespace: '', pod: '' }, cpu: nodeCpu * f, mem: mem.workingSet * memF, rss: mem.workingSet * memF * 0.7, cache: mem.cached * memF, start: boot + 5 });
  const cgs: Cg[] = [
    { ...sys('/', 1, 1), net: { rx: sim.wave(`node-rx|${node.name}`, 180_000, true).integral(boot, s), tx: sim.wave(`node-tx|${node.name}`, 120_000, true).integral(boot, s), rxp: 0, txp: 0 }, start: boot },
    sys('/kubepods.slice', 0.82, 0.7),
    sys('/kubepods.slice/kubepods-besteffort.slice', 0.03, 0.04),
    sys('/kubepods.slice/kubepods-burstable.slice', 0.62, 0.5),
    sys('/system.slice', 0.14, 0.22),
    sys('/system.slice/containerd.service', 0.05, 0.08),
    sys('/system.slice/kubelet.service', 0.07, 0.06),
  ];
  cgs[0]!.net!.rxp = cgs[0]!.net!.rx / 900;
  cgs[0]!.net!.txp = cgs[0]!.net!.tx / 900;
  for (const p of pods) {
    const u = podCpu(v, p);
    cgs.push({ labels: { container: '', id: podCgroup(p), image: '', name: '', namespace: p.w.namespace, pod: p.name }, cpu: u.cpu, mem: u.mem, rss: u.mem * 0.8, cache: u.mem * 0.15, start: p.created + 1, net: p.w.hostNetwork ? undefined : netOf(v, p) });
  }
  for (const r of rows) {
    const u = sim.usage(r.p, r.c, r.run, s);
    cgs.push({
      labels: { container: r.c.name, id: `${podCgroup(r.p)}/cri-containerd-${r.run.id}.scope`, image: r.c.image, name: r.run.id, namespace: r.p.w.namespace, pod: r.p.name },
      cpu: u.cpu,
      mem: u.mem,
      rss: u.rss,
      cache: u.cache,
      start: r.run.start,
      spec: { c: r.c },
      fs: { usage: u.fsUsage, reads: u.fsReads, writes: u.fsWrites },
      ...(r.c.cpuLimit !== null ? { throttle: { periods: u.periods, throttled: u.throttledPeriods } } : {}),
    });
  }
  w.family('cadvisor_version_info', 'gauge', "A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.");
  w.sample('cadvisor_version_info', { cadvisorRevision: '', cadvisorVersion: '', dockerVersion: '', kernelVersion: '6.1.0-28-cloud-amd64', osVersion: 'Debian GNU/Linux 12 (bookworm)' }, 1);
  const each = (name: string, type: 'counter' | 'gauge', help: string, f: (c: Cg) => number | null, extra: SampleLabels = {}): void => {
    w.family(name, type, help);
    for (const c of cgs) {
      const val = f(c);
      if (val !== null) w.sample(name, sorted({ ...c.labels, ...extra }), val);
    }
  };
  each('container_cpu_system_seconds_total', 'counter', 'Cumulative system cpu time consumed in seconds.', (c) => round(c.cpu * 0.28, 6));
  each('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.', (c) => round(c.cpu, 6), { cpu: 'total' });
  each('container_cpu_user_seconds_total', 'counter', 'Cumulative user cpu time consumed in seconds.', (c) => round(c.cpu * 0.72, 6));
  each('container_cpu_cfs_periods_total', 'counter', 'Number of elapsed enforcement period intervals.', (c) => (c.throttle ? c.throttle.periods : null));
  each('container_cpu_cfs_throttled_periods_total', 'counter', 'Number of throttled period intervals.', (c) => (c.throttle ? c.throttle.throttled : null));
  each('container_cpu_cfs_throttled_seconds_total', 'counter', 'Total time duration the container has been throttled.', (c) => (c.throttle ? round(c.throttle.throttled * 0.021, 6) : null));
  w.family('container_fs_reads_bytes_total', 'counter', 'Cumulative count of bytes read');
  for (const c of cgs) if (c.fs) w.sample('container_fs_reads_bytes_total', sorted({ ...c.labels, device: DISK_DEVICE }), Math.floor(c.fs.reads));
  w.family('container_fs_reads_total', 'counter', 'Cumulative count of reads completed');
  for (const c of cgs) if (c.fs) w.sample('container_fs_reads_total', sorted({ ...c.labels, device: DISK_DEVICE }), Math.floor(c.fs.reads / 24_576));
  w.family('container_fs_usage_bytes', 'gauge', 'Number of bytes that are consumed by the container on this filesystem.');
  for (const c of cgs) if (c.fs) w.sample('container_fs_usage_bytes', sorted({ ...c.labels, device: ROOT_PARTITION }), Math.round(c.fs.usage));
  w.family('container_fs_writes_bytes_total', 'counter', 'Cumulative count of bytes written');
  for (const c of cgs) if (c.fs) w.sample('container_fs_writes_bytes_total', sorted({ ...c.labels, device: DISK_DEVICE }), Math.floor(c.fs.writes));
  w.family('container_fs_writes_total', 'counter', 'Cumulative count of writes completed');
  for (const c of cgs) if (c.fs) w.sample('container_fs_writes_total', sorted({ ...c.labels, device: DISK_DEVICE }), Math.floor(c.fs.writes / 16_384));
  each('container_last_seen', 'gauge', 'Last time a container was seen by the exporter', () => Math.floor(s));
  each('container_memory_cache', 'gauge', 'Number of bytes of page cache memory.', (c) => Math.round(c.cache / 4096) * 4096);
  each('container_memory_failcnt', 'counter', 'Number of memory usage hits limits', () => 0);
  w.family('container_memory_failures_total', 'counter', 'Cumulative count of memory allocation failures.');
  for (const c of cgs) {
    const faults = Math.floor((c.cpu + 1) * 2100);
    for (const [type, scope, v2] of [['pgfault', 'container', faults], ['pgfault', 'hierarchy', faults], ['pgmajfault', 'container', Math.floor(faults / 900)], ['pgmajfault', 'hierarchy', Math.floor(faults / 900)]] as const) {
      w.sample('container_memory_failures_total', sorted({ ...c.labels, failure_type: type, scope }), v2);
    }
  }
  each('container_memory_mapped_file', 'gauge', 'Size of memory mapped files in bytes.', (c) => Math.round(c.cache * 0.3 / 4096) * 4096);
  each('container_memory_max_usage_bytes', 'gauge', 'Maximum memory usage recorded in bytes', (c) => Math.round((c.mem * 1.25) / 4096) * 4096);
  each('container_memory_rss', 'gauge', 'Size of RSS in bytes.', (c) => Math.round(c.rss / 4096) * 4096);
  each('container_memory_swap', 'gauge', 'Container swap usage in bytes.', () => 0);
  each('container_memory_usage_bytes', 'gauge', 'Current memory usage in bytes, including all memory regardless of when it was accessed', (c) => Math.round((c.mem + c.cache * 0.7) / 4096) * 4096);
  each('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.', (c) => Math.round(c.mem / 4096) * 4096);
  const nets = cgs.filter((c) => c.net);
  const netFamily = (name: string, help: string, f: (n: NonNullable<Cg['net']>) => number): void => {
    w.family(name, 'counter', help);
    for (const c of nets) w.sample(name, sorted({ ...c.labels, interface: c.labels.id === '/' ? 'ens5' : 'eth0' }), Math.floor(f(c.net!)));
  };
  netFamily('container_network_receive_bytes_total', 'Cumulative count of bytes received', (n) => n.rx);
  netFamily('container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving', () => 0);
  netFamily('container_network_receive_packets_dropped_total', 'Cumulative count of packets dropped while receiving', (n) => n.rxp / 250_000);
  netFamily('container_network_receive_packets_total', 'Cumulative count of packets received', (n) => n.rxp);
  netFamily('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', (n) => n.tx);
  netFamily('container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting', () => 0);
  netFamily('container_network_transmit_packets_dropped_total', 'Cumulative count of packets dropped while transmitting', () => 0);
  netFamily('container_network_transmit_packets_total', 'Cumulative count of packets transmitted', (n) => n.txp);
  w.family('container_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise').sample('container_scrape_error', {}, 0);
  const specs = cgs.filter((c) => c.spec);
  const specFamily = (name: string, help: string, f: (c: ContainerSpec) => number | null): void => {
    w.family(name, 'gauge', help);
    for (const c of specs) {
      const val = f(c.spec!.c);
      if (val !== null) w.sample(name, sorted(c.labels), val);
    }
  };
  specFamily('container_spec_cpu_period', 'CPU period of the container.', (c) => (c.cpuLimit !== null ? 100_000 : null));
  specFamily('container_spec_cpu_quota', 'CPU quota of the container.', (c) => (c.cpuLimit !== null ? Math.round(c.cpuLimit * 100_000) : null));
  specFamily('container_spec_cpu_shares', 'CPU share of the container.', (c) => (c.cpuRequest !== null ? Math.round(c.cpuRequest * 1024) : 2));
  specFamily('container_spec_memory_limit_bytes', 'Memory limit for the container.', (c) => c.memLimit ?? 0);
  specFamily('container_spec_memory_reservation_limit_bytes', 'Memory reservation limit for the container.', () => 0);
  specFamily('container_spec_memory_swap_limit_bytes', 'Memory swap limit for the container.', (c) => c.memLimit ?? 0);
  each('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds.', (c) => round(c.start, 3));
  const machine = { boot_id: uidOf(sim.spec.key, 'boot', node.name, sim.era(s).index), machine_id: hexOf(32, sim.spec.key, 'machine', node.name), system_uuid: uidOf(sim.spec.key, 'system', node.name) };
  w.family('machine_cpu_cores', 'gauge', 'Number of logical CPU cores.').sample('machine_cpu_cores', machine, node.cpus);
  w.family('machine_cpu_physical_cores', 'gauge', 'Number of physical CPU cores.').sample('machine_cpu_physical_cores', machine, node.cpus / 2);
  w.family('machine_cpu_sockets', 'gauge', 'Number of CPU sockets.').sample('machine_cpu_sockets', machine, 1);
  w.family('machine_memory_bytes', 'gauge', 'Amount of memory installed on the machine.').sample('machine_memory_bytes', machine, mem.total);
  w.family('machine_nvm_avg_power_budget_watts', 'gauge', 'NVM power budget.').sample('machine_nvm_avg_power_budget_watts', machine, 0);
  w.family('machine_swap_bytes', 'gauge', 'Amount of swap memory available on the machine.').sample('machine_swap_bytes', machine, 0);
  return w.toString();
}

/** renderResource renders a kubelet's /metrics/resource. */
export function renderResource(v: NodeView): string {
  const { sim, node, s } = v;
  const w = new TextWriter({ tsMs: s * 1000 });
  const rows = runningContainers(v);
  const pods = v.pods.filter((p) => sim.podRunning(p, s));
  w.family('container_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the container in core-seconds');
  for (const r of rows) w.sample('container_cpu_usage_seconds_total', { container: r.c.name, namespace: r.p.w.namespace, pod: r.p.name }, round(sim.usage(r.p, r.c, r.run, s).cpu, 9));
  w.family('container_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the container in bytes');
  for (const r of rows) w.sample('container_memory_working_set_bytes', { container: r.c.name, namespace: r.p.w.namespace, pod: r.p.name }, Math.round(sim.usage(r.p, r.c, r.run, s).mem / 4096) * 4096);
  w.family('container_start_time_seconds', 'gauge', '[STABLE] Start time of the container since unix epoch in seconds');
  for (const r of rows) w.sample('container_start_time_seconds', { container: r.c.name, namespace: r.p.w.namespace, pod: r.p.name }, round(r.run.start, 3));
  w.family('container_swap_usage_bytes', 'gauge', '[ALPHA] Current amount of the container swap usage in bytes. Reported only on non-windows systems');
  for (const r of rows) w.sample('container_swap_usage_bytes', { container: r.c.name, namespace: r.p.w.namespace, pod: r.p.name }, 0);
  w.family('node_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the node in core-seconds').sample('node_cpu_usage_seconds_total', {}, round(sim.cpuBusySeconds(node, s), 6));
  w.family('node_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the node in bytes').sample('node_memory_working_set_bytes', {}, sim.nodeMemory(node, s).workingSet);
  w.family('node_swap_usage_bytes', 'gauge', '[ALPHA] Current swap usage of the node in bytes. Reported only on non-windows systems').sample('node_swap_usage_bytes', {}, 0);
  const podUse = pods.map((p) => ({ p, u: podCpu(v, p) }));
  w.family('pod_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the pod in core-seconds');
  for (const { p, u } of podUse) w.sample('pod_cpu_usage_seconds_total', { namespace: p.w.namespace, pod: p.name }, round(u.cpu, 9));
  w.family('pod_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the pod in bytes');
  for (const { p, u } of podUse) w.sample('pod_memory_working_set_bytes', { namespace: p.w.namespace, pod: p.name }, Math.round(u.mem / 4096) * 4096);
  w.family('pod_swap_usage_bytes', 'gauge', '[ALPHA] Current amount of the pod swap usage in bytes. Reported only on non-windows systems');
  for (const { p } of podUse) w.sample('pod_swap_usage_bytes', { namespace: p.w.namespace, pod: p.name }, 0);
  // The error gauges carry no timestamp.
  const tail = new TextWriter();
  tail.one('resource_scrape_error', 'gauge', '[STABLE] 1 if there was an error while getting container metrics, 0 otherwise', 0);
  tail.one('scrape_error', 'gauge', '[ALPHA] (Deprecated since 1.29.0) 1 if there was an error while getting container metrics, 0 otherwise', 0);
  return w.toString() + tail.toString();
}

/** renderProbes renders a kubelet's /metrics/probes. */
export function renderProbes(v: NodeView): string {
  const { sim, s } = v;
  const w = new TextWriter();
  w.family('prober_probe_total', 'counter', '[ALPHA] Cumulative number of a liveness, readiness or startup probe for a container by result.');
  for (const p of v.pods) {
    if (!sim.podRunning(p, s)) continue;
    for (const c of p.w.containers) {
      if (!c.probe) continue;
      const st = sim.containerAt(p, c, s);
      const r = st.run ?? st.last;
      if (!r) continue;
      const up = st.run ? r.upBefore + (s - r.start) : r.upBefore + (r.end - r.start);
      const runs = r.n + 1;
      const errors = sim.runs(p, c, s).filter((x) => x.exit?.reason === 'Error' && x.end <= s).length;
      const base = { container: c.name, namespace: p.w.namespace, pod: p.name, pod_uid: p.uid };
      w.sample('prober_probe_total', { ...base, probe_type: 'Liveness', result: 'successful' }, Math.floor(Math.max(0, up - 10) / 10));
      if (errors > 0) w.sample('prober_probe_total', { ...base, probe_type: 'Liveness', result: 'failed' }, 3 * errors);
      w.sample('prober_probe_total', { ...base, probe_type: 'Readiness', result: 'successful' }, Math.floor(up / 10));
      w.sample('prober_probe_total', { ...base, probe_type: 'Readiness', result: 'failed' }, runs);
    }
  }
  return w.toString();
}

/** renderKubelet renders a kubelet's own /metrics. */
export function renderKubelet(v: NodeView, apiServer: string): string {
  const { sim, node, s } = v;
  const w = new TextWriter();
  const start = sim.bootTime(node, s) + 40;
  const up = s - start;
  const rows = runningContainers(v);
  const sandboxes = v.pods.filter((p) => sim.podRunning(p, s));
  let exited = 0;
  for (const p of sandboxes) for (const c of p.w.containers) if (!sim.containerAt(p, c, s).run) exited++;
  for (const p of v.pods) if (p.job && s >= p.job.completes) exited++;
  w.family('go_goroutines', 'gauge', 'Number of goroutines that currently exist.').sample('go_goroutines', {}, 310 + 9 * sandboxes.length + Math.floor(20 * Math.abs(Math.sin(s / 37))));
  w.family('go_info', 'gauge', 'Information about the Go environment.').sample('go_info', { version: 'go1.22.10' }, 1);
  w.family('go_memstats_alloc_bytes', 'gauge', 'Number of bytes allocated and still in use.').sample('go_memstats_alloc_bytes', {}, Math.round(38 * MiB + 6 * MiB * Math.sin(s / 53)));
  w.family('go_threads', 'gauge', 'Number of OS threads created.').sample('go_threads', {}, 18 + node.cpus);
  w.family('kubelet_node_name', 'gauge', "[ALPHA] The node's name. The count is always 1.").sample('kubelet_node_name', { node: node.name }, 1);
  // PLEG relists once a second; their durations have a fixed distribution, so buckets stay closed-form.
  const relists = Math.floor(up);
  const pleg: [string, number][] = [['0.005', 0.02], ['0.01', 0.31], ['0.025', 0.82], ['0.05', 0.95], ['0.1', 0.985], ['0.25', 0.996], ['0.5', 0.999], ['1', 1], ['2.5', 1], ['5', 1], ['10', 1], ['+Inf', 1]];
  w.family('kubelet_pleg_relist_duration_seconds', 'histogram', '[ALPHA] Duration in seconds for relisting pods in PLEG.');
  for (const [le, f] of pleg) w.sample('kubelet_pleg_relist_duration_seconds_bucket', { le }, Math.floor(relists * f));
  w.sample('kubelet_pleg_relist_duration_seconds_sum', {}, round(relists * 0.0142, 6));
  w.sample('kubelet_pleg_relist_duration_seconds_count', {}, relists);
  w.family('kubelet_running_containers', 'gauge', '[ALPHA] Number of containers currently running');
  w.sample('kubelet_running_containers', { container_state: 'created' }, 0);
  w.sample('kubelet_running_containers', { container_state: 'exited' }, exited);
  w.sample('kubelet_running_containers', { container_state: 'running' }, rows.length);
  w.sample('kubelet_running_containers', { container_state: 'unknown' }, 0);
  w.family('kubelet_running_pods', 'gauge', '[ALPHA] Number of pods that have a running pod sandbox').sample('kubelet_running_pods', {}, sandboxes.length);
  w.family('kubelet_runtime_operations_total', 'counter', '[ALPHA] Cumulative number of runtime operations by operation type.');
  for (const [op, rate] of [['container_status', 0.9], ['exec_sync', 0.05], ['image_status', 0.02], ['list_containers', 2.1], ['list_podsandbox', 1.05], ['podsandbox_status', 0.85], ['version', 0.1]] as const) {
    w.sample('kubelet_runtime_operations_total', { operation_type: op }, Math.floor(up * rate));
  }
  const vols = volumes(v);
  const vol = (name: string, help: string, f: (x: (typeof vols)[number]) => number): void => {
    if (vols.length === 0) return;
    w.family(name, 'gauge', help);
    for (const x of vols) w.sample(name, { namespace: x.namespace, persistentvolumeclaim: x.claim }, Math.round(f(x)));
  };
  vol('kubelet_volume_stats_available_bytes', '[ALPHA] Number of available bytes in the volume', (x) => x.capacity - x.used);
  vol('kubelet_volume_stats_capacity_bytes', '[ALPHA] Capacity in bytes of the volume', (x) => x.capacity);
  vol('kubelet_volume_stats_inodes', '[ALPHA] Maximum number of inodes in the volume', (x) => x.capacity / 16_384);
  vol('kubelet_volume_stats_inodes_free', '[ALPHA] Number of free inodes in the volume', (x) => x.capacity / 16_384 - x.used / 65_536);
  vol('kubelet_volume_stats_inodes_used', '[ALPHA] Number of used inodes in the volume', (x) => x.used / 65_536);
  vol('kubelet_volume_stats_used_bytes', '[ALPHA] Number of used bytes in the volume', (x) => x.used);
  w.family('kubernetes_build_info', 'gauge', "[ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.");
  const minor = /^v1\.(\d+)/.exec(sim.spec.kubeletVersion)?.[1] ?? '31';
  w.sample('kubernetes_build_info', { build_date: '2024-12-10T11:36:04Z', compiler: 'gc', git_commit: 'a78aa47129b8539636eb86a9d00e31b2720fe06b', git_tree_state: 'clean', git_version: sim.spec.kubeletVersion, go_version: 'go1.22.10', major: '1', minor, platform: 'linux/amd64' }, 1);
  w.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.').sample('process_cpu_seconds_total', {}, round(sim.cpuBusySeconds(node, s) * 0.06, 2));
  w.family('process_max_fds', 'gauge', 'Maximum number of open file descriptors.').sample('process_max_fds', {}, 1_048_576);
  w.family('process_open_fds', 'gauge', 'Number of open file descriptors.').sample('process_open_fds', {}, 40 + 3 * sandboxes.length);
  w.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.').sample('process_resident_memory_bytes', {}, Math.round((78 + sandboxes.length * 1.5) * MiB + 4 * MiB * Math.sin(s / 61)));
  w.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.').sample('process_start_time_seconds', {}, round(start, 2));
  w.family('rest_client_requests_total', 'counter', '[ALPHA] Number of HTTP requests, partitioned by status code, method, and host.');
  for (const [code, method, rate] of [['200', 'GET', 0.32], ['200', 'PATCH', 0.11], ['200', 'PUT', 0.1], ['201', 'POST', 0.004], ['404', 'GET', 0.001], ['409', 'PUT', 0.0004]] as const) {
    w.sample('rest_client_requests_total', { code, host: apiServer, method }, Math.floor(up * rate));
  }
  return w.toString();
}

/** volumes are the persistent volumes mounted by the node's running pods. */
function volumes(v: NodeView): { namespace: string; claim: string; capacity: number; used: number }[] {
  const out: { namespace: string; claim: string; capacity: number; used: number }[] = [];
  for (const p of v.pods) {
    const pvc = p.w.pvc;
    if (!pvc || !v.sim.podRunning(p, v.s)) continue;
    const capacity = Math.floor((pvc.bytes * 0.982) / 4096) * 4096;
    // Data grows through the era (a database and a cache fill up), with a daily compaction wave.
    const age = (v.s - v.sim.era(v.s).start) / 86_400;
    const used = capacity * Math.min(0.93, pvc.usedFrac + age * 0.0012 + 0.015 * Math.sin((2 * Math.PI * v.s) / 86_400));
    out.push({ namespace: p.w.namespace, claim: `${pvc.name}-${p.name}`, capacity, used: Math.floor(used / 4096) * 4096 });
  }
  return out;
}
