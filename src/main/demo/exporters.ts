/**
 * Renders the demo cluster in the Prometheus text format, metric for metric as the real exporters
 * name them: node-exporter, kubelet cAdvisor, kubelet, kube-state-metrics and instrumented apps.
 */
import { LATENCY_BUCKETS, type DemoCluster, type DemoNode, type DemoPod } from './model';

/**
 * TextWriter accumulates one exposition, in the Prometheus text format or, with openMetrics, in
 * OpenMetrics 1.0 (counter families named without `_total`, exemplars, `# EOF`).
 */
class TextWriter {
  private out: string[] = [];

  constructor(private readonly openMetrics = false) {}

  family(name: string, type: 'counter' | 'gauge' | 'histogram' | 'untyped', help: string): this {
    if (this.openMetrics) {
      const fam = type === 'counter' ? name.replace(/_total$/, '') : name;
      this.out.push(`# TYPE ${fam} ${type === 'untyped' ? 'unknown' : type}`, `# HELP ${fam} ${help}`);
    } else {
      this.out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    }
    return this;
  }

  /** sample writes one sample; exemplar is written only in OpenMetrics. */
  sample(name: string, labels: Record<string, string | number>, value: number, exemplar?: { labels: Record<string, string>; value: number; ts: number }): this {
    let line = `${name}${labelText(labels)} ${formatValue(value)}`;
    if (exemplar && this.openMetrics) line += ` # ${labelText(exemplar.labels) || '{}'} ${formatValue(exemplar.value)} ${(exemplar.ts / 1000).toFixed(3)}`;
    this.out.push(line);
    return this;
  }

  toString(): string {
    if (this.openMetrics) this.out.push('# EOF');
    return this.out.join('\n') + '\n';
  }
}

function labelText(labels: Record<string, string | number>): string {
  const ls = Object.entries(labels)
    .map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  return ls ? `{${ls}}` : '';
}

/** traceId returns a deterministic 16-hex-digit id for an exemplar (FNV-1a of the key, twice). */
function traceId(key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h1 = Math.imul(h1 ^ key.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ key.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(12)).toString();
}

const MB = 1024 * 1024;

/** renderNodeExporter renders node-exporter metrics for one node. */
export function renderNodeExporter(c: DemoCluster, n: DemoNode): string {
  const w = new TextWriter();
  w.family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
  for (let cpu = 0; cpu < n.cpus; cpu++) {
    for (const [mode, counters] of n.cpuSeconds) w.sample('node_cpu_seconds_total', { cpu, mode }, round(counters[cpu]!, 2));
  }
  w.family('node_load1', 'gauge', '1m load average.').sample('node_load1', {}, round(n.load1, 2));
  w.family('node_load5', 'gauge', '5m load average.').sample('node_load5', {}, round(n.load1 * 0.9, 2));
  w.family('node_load15', 'gauge', '15m load average.').sample('node_load15', {}, round(n.load1 * 0.8, 2));
  const mem: [string, number, string][] = [
    ['MemTotal', n.memBytes, 'Memory information field MemTotal_bytes.'],
    ['MemFree', n.memFree, 'Memory information field MemFree_bytes.'],
    ['MemAvailable', n.memFree + n.cached * 0.8 + n.buffers, 'Memory information field MemAvailable_bytes.'],
    ['Buffers', n.buffers, 'Memory information field Buffers_bytes.'],
    ['Cached', n.cached, 'Memory information field Cached_bytes.'],
    ['SwapTotal', 0, 'Memory information field SwapTotal_bytes.'],
  ];
  for (const [f, v, help] of mem) w.family(`node_memory_${f}_bytes`, 'gauge', help).sample(`node_memory_${f}_bytes`, {}, Math.round(v / 4096) * 4096);
  const fs = [
    { device: '/dev/sda1', fstype: 'ext4', mountpoint: '/', size: n.diskBytes, used: n.fsUsed },
    { device: '/dev/sda15', fstype: 'vfat', mountpoint: '/boot/efi', size: 105 * MB, used: 6 * MB },
    { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run', size: n.memBytes / 10, used: 3 * MB },
  ];
  w.family('node_filesystem_size_bytes', 'gauge', 'Filesystem size in bytes.');
  for (const f of fs) w.sample('node_filesystem_size_bytes', { device: f.device, fstype: f.fstype, mountpoint: f.mountpoint }, f.size);
  w.family('node_filesystem_free_bytes', 'gauge', 'Filesystem free space in bytes.');
  for (const f of fs) w.sample('node_filesystem_free_bytes', { device: f.device, fstype: f.fstype, mountpoint: f.mountpoint }, Math.round((f.size - f.used) / 4096) * 4096);
  w.family('node_filesystem_avail_bytes', 'gauge', 'Filesystem space available to non-root users in bytes.');
  for (const f of fs) w.sample('node_filesystem_avail_bytes', { device: f.device, fstype: f.fstype, mountpoint: f.mountpoint }, Math.max(0, Math.round((f.size * 0.95 - f.used) / 4096) * 4096));
  const nets = [
    { device: 'eth0', rx: n.netRx, tx: n.netTx },
    { device: 'lo', rx: n.netRx * 0.1, tx: n.netRx * 0.1 },
  ];
  w.family('node_network_receive_bytes_total', 'counter', 'Network device statistic receive_bytes.');
  for (const d of nets) w.sample('node_network_receive_bytes_total', { device: d.device }, Math.floor(d.rx));
  w.family('node_network_transmit_bytes_total', 'counter', 'Network device statistic transmit_bytes.');
  for (const d of nets) w.sample('node_network_transmit_bytes_total', { device: d.device }, Math.floor(d.tx));
  w.family('node_disk_read_bytes_total', 'counter', 'The total number of bytes read successfully.');
  w.sample('node_disk_read_bytes_total', { device: 'sda' }, Math.floor(n.diskRead));
  w.family('node_disk_written_bytes_total', 'counter', 'The total number of bytes written successfully.');
  w.sample('node_disk_written_bytes_total', { device: 'sda' }, Math.floor(n.diskWritten));
  w.family('node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.').sample('node_boot_time_seconds', {}, n.bootTime);
  w.family('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.');
  w.sample('node_uname_info', { domainname: '(none)', machine: 'x86_64', nodename: n.name, release: '6.1.0-27-amd64', sysname: 'Linux', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1' }, 1);
  void c;
  return w.toString();
}

/** renderCadvisor renders the kubelet's /metrics/cadvisor for one node. */
export function renderCadvisor(c: DemoCluster, n: DemoNode): string {
  const w = new TextWriter();
  const pods = c.pods.filter((p) => p.node === n.name && p.phase === 'Running');
  const base = (p: DemoPod, container: string, image: string, id: string): Record<string, string> => ({
    container,
    id,
    image,
    name: container ? `k8s_${container}_${p.name}_${p.namespace}_${p.uid}_0` : `k8s_POD_${p.name}_${p.namespace}_${p.uid}_0`,
    namespace: p.namespace,
    pod: p.name,
  });
  const podCgroup = (p: DemoPod): string => `/kubepods/burstable/pod${p.uid}`;
  w.family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.');
  for (const p of pods) {
    for (const ct of p.containers) w.sample('container_cpu_usage_seconds_total', { ...base(p, ct.name, ct.image, `${podCgroup(p)}/${ct.id.slice(13)}`), cpu: 'total' }, round(ct.cpuSeconds, 6));
  }
  w.family('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.');
  for (const p of pods) for (const ct of p.containers) w.sample('container_memory_working_set_bytes', base(p, ct.name, ct.image, `${podCgroup(p)}/${ct.id.slice(13)}`), Math.round(ct.memWorkingSet));
  w.family('container_memory_usage_bytes', 'gauge', 'Current memory usage in bytes, including all memory regardless of when it was accessed.');
  for (const p of pods) for (const ct of p.containers) w.sample('container_memory_usage_bytes', base(p, ct.name, ct.image, `${podCgroup(p)}/${ct.id.slice(13)}`), Math.round(ct.memWorkingSet * 1.15));
  w.family('container_spec_memory_limit_bytes', 'gauge', 'Memory limit for the container.');
  for (const p of pods) for (const ct of p.containers) w.sample('container_spec_memory_limit_bytes', base(p, ct.name, ct.image, `${podCgroup(p)}/${ct.id.slice(13)}`), ct.memLimit);
  w.family('container_fs_usage_bytes', 'gauge', 'Number of bytes that are consumed by the container on this filesystem.');
  for (const p of pods) for (const ct of p.containers) w.sample('container_fs_usage_bytes', { ...base(p, ct.name, ct.image, `${podCgroup(p)}/${ct.id.slice(13)}`), device: '/dev/sda1' }, Math.round(ct.fsUsage));
  w.family('container_fs_reads_bytes_total', 'counter', 'Cumulative count of bytes read');
  for (const p of pods) for (const ct of p.containers) w.sample('container_fs_reads_bytes_total', { ...base(p, ct.name, ct.image, `${podCgroup(p)}/${ct.id.slice(13)}`), device: '/dev/sda' }, Math.floor(ct.fsReads));
  w.family('container_fs_writes_bytes_total', 'counter', 'Cumulative count of bytes written');
  for (const p of pods) for (const ct of p.containers) w.sample('container_fs_writes_bytes_total', { ...base(p, ct.name, ct.image, `${podCgroup(p)}/${ct.id.slice(13)}`), device: '/dev/sda' }, Math.floor(ct.fsWrites));
  // Network counters are per pod (the pause container's network namespace): container="".
  w.family('container_network_receive_bytes_total', 'counter', 'Cumulative count of bytes received');
  for (const p of pods) w.sample('container_network_receive_bytes_total', { ...base(p, '', 'registry.k8s.io/pause:3.9', podCgroup(p)), interface: 'eth0' }, Math.floor(p.netRx));
  w.family('container_network_transmit_bytes_total', 'counter', 'Cumulative count of bytes transmitted');
  for (const p of pods) w.sample('container_network_transmit_bytes_total', { ...base(p, '', 'registry.k8s.io/pause:3.9', podCgroup(p)), interface: 'eth0' }, Math.floor(p.netTx));
  return w.toString();
}

/** renderKubelet renders the kubelet's own /metrics for one node. */
export function renderKubelet(c: DemoCluster, n: DemoNode): string {
  const w = new TextWriter();
  const pods = c.pods.filter((p) => p.node === n.name && p.phase === 'Running');
  w.family('kubelet_running_pods', 'gauge', 'Number of pods that have a running pod sandbox').sample('kubelet_running_pods', {}, pods.length);
  w.family('kubelet_running_containers', 'gauge', 'Number of containers currently running');
  w.sample('kubelet_running_containers', { container_state: 'running' }, pods.reduce((a, p) => a + p.containers.length, 0));
  w.sample('kubelet_running_containers', { container_state: 'exited' }, c.pods.filter((p) => p.node === n.name && p.phase !== 'Running').length);
  w.family('kubelet_node_name', 'gauge', "The node's name. The count is always 1.").sample('kubelet_node_name', { node: n.name }, 1);
  const redis = c.pods.find((p) => p.node === n.name && p.app === 'redis');
  if (redis) {
    const labels = { namespace: redis.namespace, persistentvolumeclaim: `data-${redis.name}` };
    w.family('kubelet_volume_stats_capacity_bytes', 'gauge', 'Capacity in bytes of the volume').sample('kubelet_volume_stats_capacity_bytes', labels, 10 * 1024 ** 3);
    w.family('kubelet_volume_stats_used_bytes', 'gauge', 'Number of used bytes in the volume').sample('kubelet_volume_stats_used_bytes', labels, Math.round(redis.containers[0]!.fsUsage * 20));
  }
  return w.toString();
}

/** renderKubeState renders kube-state-metrics-style object metrics for the cluster. */
export function renderKubeState(c: DemoCluster): string {
  const w = new TextWriter();
  w.family('kube_node_info', 'gauge', 'Information about a cluster node.');
  for (const n of c.nodes) w.sample('kube_node_info', { node: n.name, internal_ip: n.ip, kernel_version: '6.1.0-27-amd64', kubelet_version: 'v1.31.2', os_image: 'Debian GNU/Linux 12 (bookworm)', container_runtime_version: 'containerd://1.7.22' }, 1);
  for (const kind of ['capacity', 'allocatable'] as const) {
    const name = `kube_node_status_${kind}`;
    w.family(name, 'gauge', `The ${kind} for different resources of a node.`);
    for (const n of c.nodes) {
      const f = kind === 'capacity' ? 1 : 0.95;
      w.sample(name, { node: n.name, resource: 'cpu', unit: 'core' }, round(n.cpus * f, 3));
      w.sample(name, { node: n.name, resource: 'memory', unit: 'byte' }, Math.round(n.memBytes * f));
      w.sample(name, { node: n.name, resource: 'pods', unit: 'integer' }, 110);
      w.sample(name, { node: n.name, resource: 'ephemeral_storage', unit: 'byte' }, Math.round(n.diskBytes * f));
    }
  }
  w.family('kube_node_status_condition', 'gauge', 'The condition of a cluster node.');
  for (const n of c.nodes) {
    for (const s of ['true', 'false', 'unknown']) w.sample('kube_node_status_condition', { node: n.name, condition: 'Ready', status: s }, s === 'true' ? 1 : 0);
  }
  w.family('kube_pod_info', 'gauge', 'Information about pod.');
  for (const p of c.pods) {
    w.sample('kube_pod_info', { namespace: p.namespace, pod: p.name, uid: p.uid, host_ip: c.nodes.find((n) => n.name === p.node)!.ip, pod_ip: p.ip, node: p.node, created_by_kind: p.controllerKind, created_by_name: p.controllerName, priority_class: '', host_network: 'false' }, 1);
  }
  w.family('kube_pod_status_phase', 'gauge', 'The pods current phase.');
  for (const p of c.pods) {
    for (const ph of ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']) w.sample('kube_pod_status_phase', { namespace: p.namespace, pod: p.name, uid: p.uid, phase: ph }, ph === p.phase ? 1 : 0);
  }
  for (const kind of ['requests', 'limits'] as const) {
    const name = `kube_pod_container_resource_${kind}`;
    w.family(name, 'gauge', `The number of requested ${kind === 'requests' ? 'request' : 'limit'} resource by a container.`);
    for (const p of c.pods) {
      if (p.phase !== 'Running') continue;
      for (const ct of p.containers) {
        const l = { namespace: p.namespace, pod: p.name, uid: p.uid, container: ct.name, node: p.node };
        w.sample(name, { ...l, resource: 'cpu', unit: 'core' }, kind === 'requests' ? ct.cpuRequest : ct.cpuLimit);
        w.sample(name, { ...l, resource: 'memory', unit: 'byte' }, kind === 'requests' ? ct.memRequest : ct.memLimit);
      }
    }
  }
  w.family('kube_pod_container_status_restarts_total', 'counter', 'The number of container restarts per container.');
  for (const p of c.pods) for (const ct of p.containers) w.sample('kube_pod_container_status_restarts_total', { namespace: p.namespace, pod: p.name, uid: p.uid, container: ct.name }, ct.restarts);
  w.family('kube_deployment_status_replicas_available', 'gauge', 'The number of available replicas per deployment.');
  const deployments = new Map<string, { ns: string; n: number }>();
  for (const p of c.pods) {
    if (p.controllerKind !== 'ReplicaSet') continue;
    const d = deployments.get(p.app) ?? { ns: p.namespace, n: 0 };
    d.n++;
    deployments.set(p.app, d);
  }
  for (const [name, d] of deployments) w.sample('kube_deployment_status_replicas_available', { namespace: d.ns, deployment: name }, d.n);
  return w.toString();
}

/**
 * renderApp renders an instrumented application pod's /metrics. With openMetrics (the scraper asked
 * for it) the body is OpenMetrics and each handler's latency histogram carries an exemplar (a
 * trace id for a request of about the mean latency, timestamped now), as instrumented apps with
 * tracing expose them.
 */
export function renderApp(c: DemoCluster, p: DemoPod, openMetrics: { now: number } | null = null): string {
  const w = new TextWriter(openMetrics !== null);
  const h = p.http;
  if (h) {
    w.family('http_requests_total', 'counter', 'Total HTTP requests processed, by handler, method and status code.');
    for (const [key, v] of h.requests) {
      const [handler, method, code] = key.split('|') as [string, string, string];
      w.sample('http_requests_total', { code, handler, method }, Math.floor(v));
    }
    w.family('http_request_duration_seconds', 'histogram', 'HTTP request latencies in seconds.');
    for (const [handler, lat] of h.latency) {
      const count = Math.floor(lat.count);
      const mean = count > 0 ? round(lat.sum / lat.count, 4) : 0;
      // the exemplar goes on the first bucket that holds a request of the mean latency
      const exIdx = openMetrics !== null && count > 0 ? LATENCY_BUCKETS.findIndex((le) => mean <= le) : -2;
      const exemplar = (i: number) =>
        i === exIdx || (exIdx === -1 && i === LATENCY_BUCKETS.length)
          ? { labels: { trace_id: traceId(`${p.namespace}/${p.name}/${handler}/${Math.floor(openMetrics!.now / 1000)}`) }, value: mean, ts: openMetrics!.now }
          : undefined;
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        w.sample('http_request_duration_seconds_bucket', { handler, le: String(LATENCY_BUCKETS[i]) }, Math.min(count, Math.floor(lat.buckets[i]!)), exemplar(i));
      }
      w.sample('http_request_duration_seconds_bucket', { handler, le: '+Inf' }, count, exemplar(LATENCY_BUCKETS.length));
      w.sample('http_request_duration_seconds_sum', { handler }, round(lat.sum, 4));
      w.sample('http_request_duration_seconds_count', { handler }, count);
    }
  }
  const ct = p.containers[0]!;
  w.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.').sample('process_cpu_seconds_total', {}, round(ct.cpuSeconds * 0.9, 2));
  w.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.').sample('process_resident_memory_bytes', {}, Math.round(ct.memWorkingSet * 0.8));
  w.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.').sample('process_start_time_seconds', {}, Math.floor(ct.startedAt / 1000));
  void c;
  return w.toString();
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
