/**
 * A simulated node-exporter (v1.8) on one node: CPU, memory, filesystems, network, disks, load,
 * processes, uname and OS info, with node-exporter's metric names, HELP texts and labels. Counters
 * count from the node's boot, whatever restarts the node-exporter pod has had.
 */
import type { ClusterSim } from '../sim/sim';
import type { NodeSpec } from '../sim/spec';
import { Wave } from '../sim/wave';
import { round, TextWriter } from './text';

const MiB = 1024 ** 2;

const MODES: [string, number][] = [
  ['iowait', 0.05],
  ['irq', 0.01],
  ['nice', 0.015],
  ['softirq', 0.035],
  ['steal', 0.02],
  ['system', 0.25],
  ['user', 0.62],
];

/** renderNodeExporter renders node-exporter's /metrics for a node at s. */
export function renderNodeExporter(sim: ClusterSim, node: NodeSpec, s: number): string {
  const w = new TextWriter();
  const boot = sim.bootTime(node, s);
  const up = s - boot;
  const busy = sim.nodeBusy(node);
  // Per-CPU jitter around the node's busy fraction; the jitters of all CPUs sum to zero.
  const perCpu = Array.from({ length: node.cpus }, (_, i) => busy.times(Wave.of(1, [[0.1, 313, (2 * Math.PI * i) / node.cpus]])).integral(boot, s));
  w.family('node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.').sample('node_boot_time_seconds', {}, Math.floor(boot));
  w.family('node_context_switches_total', 'counter', 'Total number of context switches.').sample('node_context_switches_total', {}, Math.floor(up * 1800 + sim.cpuBusySeconds(node, s) * 9000));
  w.family('node_cpu_guest_seconds_total', 'counter', 'Seconds the CPUs spent in guests (VMs) for each mode.');
  for (let cpu = 0; cpu < node.cpus; cpu++) for (const mode of ['nice', 'user']) w.sample('node_cpu_guest_seconds_total', { cpu, mode }, 0);
  w.family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
  for (let cpu = 0; cpu < node.cpus; cpu++) {
    const b = perCpu[cpu]!;
    w.sample('node_cpu_seconds_total', { cpu, mode: 'idle' }, round(up - b, 2));
    for (const [mode, share] of MODES) w.sample('node_cpu_seconds_total', { cpu, mode }, round(b * share, 2));
  }
  const fs = [
    { device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/', size: node.diskBytes, used: node.diskBytes * (0.24 + 0.05 * node.index) + 2.2e4 * ((s - boot) % 86_400) + (1.5e8 * (s - sim.era(s).start)) / 86_400 },
    { device: '/dev/nvme0n1p15', fstype: 'vfat', mountpoint: '/boot/efi', size: 124 * MiB, used: 11 * MiB },
    { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run', size: Math.floor(node.memBytes / 5 / 4096) * 4096, used: 3.4 * MiB },
  ];
  const fsLabels = (f: (typeof fs)[number]): Record<string, string> => ({ device: f.device, device_error: '', fstype: f.fstype, mountpoint: f.mountpoint });
  const page = (v: number): number => Math.max(0, Math.floor(v / 4096) * 4096);
  w.family('node_filefd_allocated', 'gauge', 'File descriptor statistics: allocated.').sample('node_filefd_allocated', {}, 2100 + Math.floor(400 * busy.at(s)));
  w.family('node_filefd_maximum', 'gauge', 'File descriptor statistics: maximum.').sample('node_filefd_maximum', {}, 9.223372036854776e18);
  w.family('node_filesystem_avail_bytes', 'gauge', 'Filesystem space available to non-root users in bytes.');
  for (const f of fs) w.sample('node_filesystem_avail_bytes', fsLabels(f), page(f.size * (f.fstype === 'ext4' ? 0.95 : 1) - f.used));
  w.family('node_filesystem_device_error', 'gauge', 'Whether an error occurred while getting statistics for the given device.');
  for (const f of fs) w.sample('node_filesystem_device_error', fsLabels(f), 0);
  w.family('node_filesystem_files', 'gauge', 'Filesystem total file nodes.');
  for (const f of fs) w.sample('node_filesystem_files', fsLabels(f), Math.floor(f.size / 16_384));
  w.family('node_filesystem_files_free', 'gauge', 'Filesystem total free file nodes.');
  for (const f of fs) w.sample('node_filesystem_files_free', fsLabels(f), Math.floor((f.size - f.used) / 16_384));
  w.family('node_filesystem_free_bytes', 'gauge', 'Filesystem free space in bytes.');
  for (const f of fs) w.sample('node_filesystem_free_bytes', fsLabels(f), page(f.size - f.used));
  w.family('node_filesystem_readonly', 'gauge', 'Filesystem read-only status.');
  for (const f of fs) w.sample('node_filesystem_readonly', fsLabels(f), 0);
  w.family('node_filesystem_size_bytes', 'gauge', 'Filesystem size in bytes.');
  for (const f of fs) w.sample('node_filesystem_size_bytes', fsLabels(f), f.size);
  w.family('node_forks_total', 'counter', 'Total number of forks.').sample('node_forks_total', {}, Math.floor(up * 3.1));
  w.family('node_intr_total', 'counter', 'Total number of interrupts serviced.').sample('node_intr_total', {}, Math.floor(up * 2400 + sim.cpuBusySeconds(node, s) * 5200));
  const load = (lag: number): number => round(node.cpus * busy.at(s - lag) * 1.15, 2);
  w.family('node_load1', 'gauge', '1m load average.').sample('node_load1', {}, load(30));
  w.family('node_load15', 'gauge', '15m load average.').sample('node_load15', {}, load(450));
  w.family('node_load5', 'gauge', '5m load average.').sample('node_load5', {}, load(150));
  const m = sim.nodeMemory(node, s);
  const mem: [string, number][] = [
    ['Active', m.active],
    ['Active_anon', page(m.active * 0.7)],
    ['Active_file', page(m.active * 0.3)],
    ['Buffers', m.buffers],
    ['Cached', m.cached],
    ['CommitLimit', page(m.total / 2)],
    ['Committed_AS', page((m.total - m.free) * 1.4)],
    ['Dirty', page(180_000 + 90_000 * Math.sin(s / 17))],
    ['Inactive', m.inactive],
    ['Inactive_anon', page(m.inactive * 0.1)],
    ['Inactive_file', page(m.inactive * 0.9)],
    ['MemAvailable', m.available],
    ['MemFree', m.free],
    ['MemTotal', m.total],
    ['Mapped', page(m.cached * 0.28)],
    ['PageTables', page(m.total * 0.004)],
    ['SReclaimable', page(m.total * 0.018)],
    ['SUnreclaim', page(m.total * 0.007)],
    ['Shmem', page(m.total * 0.003)],
    ['Slab', page(m.total * 0.025)],
    ['SwapCached', 0],
    ['SwapFree', 0],
    ['SwapTotal', 0],
    ['Writeback', 0],
  ];
  for (const [f, v] of mem) w.family(`node_memory_${f}_bytes`, 'gauge', `Memory information field ${f}_bytes.`).sample(`node_memory_${f}_bytes`, {}, v);
  const rx = sim.wave(`node-rx|${node.name}`, 180_000, true).integral(boot, s);
  const tx = sim.wave(`node-tx|${node.name}`, 120_000, true).integral(boot, s);
  const nets = [
    { device: 'cni0', rx: rx * 0.55, tx: tx * 0.6 },
    { device: 'ens5', rx, tx },
    { device: 'lo', rx: rx * 0.12, tx: rx * 0.12 },
  ];
  const net = (name: string, help: string, f: (d: (typeof nets)[number]) => number): void => {
    w.family(name, 'counter', help);
    for (const d of nets) w.sample(name, { device: d.device }, Math.floor(f(d)));
  };
  net('node_network_receive_bytes_total', 'Network device statistic receive_bytes.', (d) => d.rx);
  net('node_network_receive_drop_total', 'Network device statistic receive_drop.', (d) => (d.device === 'ens5' ? d.rx / 4e8 : 0));
  net('node_network_receive_errs_total', 'Network device statistic receive_errs.', () => 0);
  net('node_network_receive_packets_total', 'Network device statistic receive_packets.', (d) => d.rx / 780);
  net('node_network_transmit_bytes_total', 'Network device statistic transmit_bytes.', (d) => d.tx);
  net('node_network_transmit_drop_total', 'Network device statistic transmit_drop.', () => 0);
  net('node_network_transmit_errs_total', 'Network device statistic transmit_errs.', () => 0);
  net('node_network_transmit_packets_total', 'Network device statistic transmit_packets.', (d) => d.tx / 910);
  w.family('node_network_up', 'gauge', "Value is 1 if operstate is 'up', 0 otherwise.");
  for (const d of nets) w.sample('node_network_up', { device: d.device }, d.device === 'lo' ? 0 : 1);
  const disk = sim.wave(`disk|${node.name}`, 1, true);
  const written = disk.integral(boot, s) * 650_000;
  const read = disk.integral(boot, s) * 210_000 + 2.1e9;
  w.family('node_disk_io_time_seconds_total', 'counter', 'Total seconds spent doing I/Os.').sample('node_disk_io_time_seconds_total', { device: 'nvme0n1' }, round(disk.integral(boot, s) * 0.021, 3));
  w.family('node_disk_read_bytes_total', 'counter', 'The total number of bytes read successfully.').sample('node_disk_read_bytes_total', { device: 'nvme0n1' }, Math.floor(read / 512) * 512);
  w.family('node_disk_reads_completed_total', 'counter', 'The total number of reads completed successfully.').sample('node_disk_reads_completed_total', { device: 'nvme0n1' }, Math.floor(read / 24_576));
  w.family('node_disk_writes_completed_total', 'counter', 'The total number of writes completed successfully.').sample('node_disk_writes_completed_total', { device: 'nvme0n1' }, Math.floor(written / 16_384));
  w.family('node_disk_written_bytes_total', 'counter', 'The total number of bytes written successfully.').sample('node_disk_written_bytes_total', { device: 'nvme0n1' }, Math.floor(written / 512) * 512);
  w.family('node_exporter_build_info', 'gauge', "A metric with a constant '1' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.");
  w.sample('node_exporter_build_info', { branch: 'HEAD', goarch: 'amd64', goos: 'linux', goversion: 'go1.22.5', revision: 'f1e0e8360aa60b6cb5e5cc1560bed348fc2c1895', tags: 'unknown', version: '1.8.2' }, 1);
  w.family('node_os_info', 'gauge', "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.");
  w.sample('node_os_info', { build_id: '', id: 'debian', id_like: '', image_id: '', image_version: '', name: 'Debian GNU/Linux', pretty_name: 'Debian GNU/Linux 12 (bookworm)', variant: '', variant_id: '', version: '12 (bookworm)', version_codename: 'bookworm', version_id: '12' }, 1);
  w.family('node_procs_blocked', 'gauge', 'Number of processes blocked waiting for I/O to complete.').sample('node_procs_blocked', {}, Math.floor(busy.at(s) * 3) % 2);
  w.family('node_procs_running', 'gauge', 'Number of processes in runnable state.').sample('node_procs_running', {}, 1 + Math.floor(node.cpus * busy.at(s)));
  w.family('node_time_seconds', 'gauge', 'System time in seconds since epoch (1970).').sample('node_time_seconds', {}, round(s, 3));
  w.family('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.');
  w.sample('node_uname_info', { domainname: '(none)', machine: 'x86_64', nodename: node.name, release: '6.1.0-28-cloud-amd64', sysname: 'Linux', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)' }, 1);
  w.family('node_vmstat_pgfault', 'untyped', '/proc/vmstat information field pgfault.').sample('node_vmstat_pgfault', {}, Math.floor(up * 900 + sim.cpuBusySeconds(node, s) * 40_000));
  w.family('node_vmstat_pgmajfault', 'untyped', '/proc/vmstat information field pgmajfault.').sample('node_vmstat_pgmajfault', {}, Math.floor(up * 0.4));
  w.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.').sample('process_cpu_seconds_total', {}, round(up * 0.004, 2));
  w.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.').sample('process_resident_memory_bytes', {}, Math.round(19 * MiB + MiB * Math.sin(s / 41)));
  w.family('promhttp_metric_handler_errors_total', 'counter', 'Total number of internal errors encountered by the promhttp metric handler.');
  w.sample('promhttp_metric_handler_errors_total', { cause: 'encoding' }, 0).sample('promhttp_metric_handler_errors_total', { cause: 'gathering' }, 0);
  return w.toString();
}
