/**
 * nodegen: synthetic node-exporter-like series for the storage benchmarks.
 *
 * Each simulated node exposes about 700 series with the mix a real node_exporter (plus its Go
 * runtime and the scrape's own series) shows on an 8-CPU machine: constant gauges and info series,
 * counters that rarely move, integer counters with irregular increments (bytes, packets, ops),
 * CPU-seconds counters with 2 decimals, byte gauges moving by pages, small-integer gauges, load
 * averages, and float gauges with full precision (durations, clock offsets). Timestamps follow a
 * 15 s grid; 5% of scrapes land a few milliseconds off the grid, as scrapes late beyond
 * Prometheus's 2 ms timestamp tolerance do.
 */
import type { Label, Labels } from '../../src/common/model/labels';
import { SeededRandom as Rng } from '../../src/common/util/random';

export { Rng };

type Kind =
  | 'const'
  | 'rareCounter'
  | 'intCounter'
  | 'cpuCounter'
  | 'pageGauge'
  | 'smallGauge'
  | 'loadGauge'
  | 'floatGauge'
  | 'anyFloat'
  | 'floatCounter'
  | 'tickCounter';

/** GenSeries is one synthetic series: labels and a stateful value generator. */
export interface GenSeries {
  labels: Labels;
  kind: Kind;
  next(rng: Rng): number;
}

function lbls(rec: Record<string, string>): Labels {
  const out: Label[] = Object.keys(rec)
    .sort()
    .map((name) => ({ name, value: rec[name]! }));
  return out;
}

function round(v: number, decimals: number): number {
  const p = 10 ** decimals;
  return Math.round(v * p) / p;
}

function mk(kind: Kind, rec: Record<string, string>, rng: Rng): GenSeries {
  let v = 0;
  let rate = 0;
  switch (kind) {
    case 'const':
      v = rng.next() < 0.5 ? rng.int(3) : rng.int(1e6) * 4096;
      return { labels: lbls(rec), kind, next: () => v };
    case 'rareCounter':
      v = rng.int(50);
      return { labels: lbls(rec), kind, next: (r) => (r.next() < 0.01 ? (v += 1 + r.int(3)) : v) };
    case 'intCounter':
      v = rng.int(1e10);
      rate = 10 ** (1 + rng.next() * 6); // per scrape: 10 .. 10M
      return { labels: lbls(rec), kind, next: (r) => (v += Math.floor(rate * (0.5 + r.next()))) };
    case 'tickCounter':
      // +1 per scrape (promhttp_metric_handler_requests_total{code="200"}, scrapes)
      v = rng.int(1e5);
      return { labels: lbls(rec), kind, next: () => ++v };
    case 'cpuCounter':
      v = round(rng.next() * 1e6, 2);
      rate = rng.next() < 0.3 ? 0 : rng.next() < 0.3 ? 14 : rng.next() * 2; // idle, busy or quiet modes
      return {
        labels: lbls(rec),
        kind,
        next: (r) => (v = rate === 0 ? v : round(v + rate * (0.8 + 0.4 * r.next()), 2)),
      };
    case 'floatCounter':
      // pressure / schedstat seconds: microsecond precision
      v = round(rng.next() * 1e5, 6);
      rate = rng.next() * 3;
      return { labels: lbls(rec), kind, next: (r) => (v = round(v + rate * r.next(), 6)) };
    case 'pageGauge': {
      const base = rng.int(4e6) * 4096;
      v = base;
      return {
        labels: lbls(rec),
        kind,
        next: (r) => (v = r.next() < 0.6 ? Math.max(0, v + (r.int(2001) - 1000) * 4096) : v),
      };
    }
    case 'smallGauge':
      v = rng.int(200);
      return { labels: lbls(rec), kind, next: (r) => (v = r.next() < 0.3 ? Math.max(0, v + r.int(11) - 5) : v) };
    case 'loadGauge':
      v = round(rng.next() * 4, 2);
      return { labels: lbls(rec), kind, next: (r) => (v = round(Math.max(0, v + (r.next() - 0.5) * 0.2), 2)) };
    case 'floatGauge':
      // durations and clock offsets measured in nanoseconds, reported in seconds: new every scrape
      rate = 10 ** (-4 + rng.next() * 3);
      return { labels: lbls(rec), kind, next: (r) => round(rate * (0.5 + r.next()), 9) };
    case 'anyFloat':
      // ratios and derived values with no decimal structure (e.g. timex frequency_adjustment_ratio)
      v = 1 + rng.next() * 1e-4;
      return { labels: lbls(rec), kind, next: (r) => (r.next() < 0.5 ? (v = 1 + r.next() * 1e-4) : v) };
  }
}

/** nodeSeries returns the series of one simulated node exporter. */
export function nodeSeries(instance: string, rng: Rng): GenSeries[] {
  const out: GenSeries[] = [];
  const base = { instance, job: 'node' };
  const add = (kind: Kind, name: string, extra: Record<string, string> = {}): void => {
    out.push(mk(kind, { __name__: name, ...base, ...extra }, rng));
  };
  const cpus = 8;
  const modes = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
  for (let c = 0; c < cpus; c++) {
    for (const mode of modes) {
      const k: Kind = mode === 'irq' || mode === 'nice' || mode === 'steal' ? 'const' : 'cpuCounter';
      add(k, 'node_cpu_seconds_total', { cpu: String(c), mode });
    }
    add('const', 'node_cpu_guest_seconds_total', { cpu: String(c), mode: 'nice' });
    add('const', 'node_cpu_guest_seconds_total', { cpu: String(c), mode: 'user' });
    add('smallGauge', 'node_cpu_scaling_frequency_hertz', { cpu: String(c) });
    add('const', 'node_cpu_scaling_frequency_max_hertz', { cpu: String(c) });
    add('const', 'node_cpu_scaling_frequency_min_hertz', { cpu: String(c) });
    add('floatCounter', 'node_schedstat_running_seconds_total', { cpu: String(c) });
    add('floatCounter', 'node_schedstat_waiting_seconds_total', { cpu: String(c) });
    add('intCounter', 'node_schedstat_timeslices_total', { cpu: String(c) });
    add('intCounter', 'node_softnet_processed_total', { cpu: String(c) });
    add('rareCounter', 'node_softnet_dropped_total', { cpu: String(c) });
    add('rareCounter', 'node_softnet_times_squeezed_total', { cpu: String(c) });
  }
  const memChanging = ['MemFree', 'MemAvailable', 'Buffers', 'Cached', 'Active', 'Inactive', 'Active_anon', 'Inactive_anon', 'Active_file', 'Inactive_file', 'Dirty', 'Writeback', 'AnonPages', 'Mapped', 'Shmem', 'Slab', 'SReclaimable', 'SUnreclaim', 'KernelStack', 'PageTables', 'Committed_AS', 'VmallocUsed', 'Percpu', 'AnonHugePages'];
  const memConst = ['MemTotal', 'SwapTotal', 'SwapFree', 'SwapCached', 'Unevictable', 'Mlocked', 'NFS_Unstable', 'Bounce', 'WritebackTmp', 'CommitLimit', 'VmallocTotal', 'VmallocChunk', 'HardwareCorrupted', 'ShmemHugePages', 'ShmemPmdMapped', 'FileHugePages', 'FilePmdMapped', 'HugePages_Total', 'HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp', 'Hugepagesize', 'Hugetlb', 'DirectMap4k', 'DirectMap2M', 'DirectMap1G'];
  for (const m of memChanging) add('pageGauge', `node_memory_${m}_bytes`);
  for (const m of memConst) add('const', `node_memory_${m}_bytes`);
  for (const v of ['pgfault', 'pgmajfault', 'pgpgin', 'pgpgout', 'pswpin', 'pswpout', 'oom_kill']) {
    add(v.startsWith('ps') || v === 'oom_kill' ? 'rareCounter' : 'intCounter', `node_vmstat_${v}`);
  }
  for (const dev of ['lo', 'eth0', 'docker0', 'veth1a2b3c']) {
    for (const d of ['receive', 'transmit']) {
      add('intCounter', `node_network_${d}_bytes_total`, { device: dev });
      add('intCounter', `node_network_${d}_packets_total`, { device: dev });
      for (const e of ['errs', 'drop', 'fifo', 'compressed']) add('rareCounter', `node_network_${d}_${e}_total`, { device: dev });
      add(d === 'receive' ? 'rareCounter' : 'const', `node_network_${d}_${d === 'receive' ? 'multicast' : 'colls'}_total`, { device: dev });
    }
    for (const g of ['mtu_bytes', 'speed_bytes', 'up', 'carrier', 'iface_id', 'iface_link', 'flags', 'address_assign_type', 'dormant', 'protocol_type', 'transmit_queue_length', 'net_dev_group']) {
      add('const', `node_network_${g}`, { device: dev });
    }
    add('const', 'node_network_info', { device: dev, address: '02:42:ac:11:00:02', broadcast: 'ff:ff:ff:ff:ff:ff', duplex: 'full', operstate: 'up' });
  }
  for (const dev of ['nvme0n1', 'sda', 'dm-0']) {
    for (const c of ['reads_completed_total', 'reads_merged_total', 'read_bytes_total', 'writes_completed_total', 'writes_merged_total', 'written_bytes_total', 'flush_requests_total']) add('intCounter', `node_disk_${c}`, { device: dev });
    for (const c of ['read_time_seconds_total', 'write_time_seconds_total', 'io_time_seconds_total', 'io_time_weighted_seconds_total', 'flush_requests_time_seconds_total']) add('cpuCounter', `node_disk_${c}`, { device: dev });
    for (const c of ['discards_completed_total', 'discards_merged_total', 'discarded_sectors_total', 'discard_time_seconds_total']) add('const', `node_disk_${c}`, { device: dev });
    add('smallGauge', 'node_disk_io_now', { device: dev });
    add('const', 'node_disk_info', { device: dev, major: '259', minor: '0', model: 'Samsung SSD', revision: '1B2QEXM7' });
  }
  const mounts = ['/', '/boot', '/boot/efi', '/home', '/var/lib/docker', '/run', '/run/lock', '/run/user/1000'];
  for (const mp of mounts) {
    const l = { device: '/dev/nvme0n1p2', fstype: 'ext4', mountpoint: mp };
    add('pageGauge', 'node_filesystem_avail_bytes', l);
    add('pageGauge', 'node_filesystem_free_bytes', l);
    add('const', 'node_filesystem_size_bytes', l);
    add('const', 'node_filesystem_files', l);
    add('smallGauge', 'node_filesystem_files_free', l);
    add('const', 'node_filesystem_readonly', l);
    add('const', 'node_filesystem_device_error', l);
  }
  for (const n of ['load1', 'load5', 'load15']) add('loadGauge', `node_${n}`);
  for (const n of ['node_context_switches_total', 'node_intr_total', 'node_forks_total']) add('intCounter', n);
  add('const', 'node_boot_time_seconds');
  add('cpuCounter', 'node_time_seconds');
  add('smallGauge', 'node_procs_running');
  add('smallGauge', 'node_procs_blocked');
  const netstat = ['Icmp_InErrors', 'Icmp_InMsgs', 'Icmp_OutMsgs', 'Icmp6_InErrors', 'Icmp6_InMsgs', 'Icmp6_OutMsgs', 'Ip_Forwarding', 'Ip6_InOctets', 'Ip6_OutOctets', 'IpExt_InOctets', 'IpExt_OutOctets', 'Tcp_ActiveOpens', 'Tcp_CurrEstab', 'Tcp_InErrs', 'Tcp_InSegs', 'Tcp_OutRsts', 'Tcp_OutSegs', 'Tcp_PassiveOpens', 'Tcp_RetransSegs', 'TcpExt_ListenDrops', 'TcpExt_ListenOverflows', 'TcpExt_SyncookiesFailed', 'TcpExt_SyncookiesRecv', 'TcpExt_SyncookiesSent', 'TcpExt_TCPSynRetrans', 'TcpExt_TCPTimeouts', 'Udp_InDatagrams', 'Udp_InErrors', 'Udp_NoPorts', 'Udp_OutDatagrams', 'Udp_RcvbufErrors', 'Udp_SndbufErrors', 'Udp6_InDatagrams', 'Udp6_OutDatagrams', 'UdpLite_InErrors'];
  for (const n of netstat) {
    const k: Kind = /Errors|Errs|Drops|Overflows|Syncookies|Lite|Forwarding|Rsts|Retrans|Timeouts/.test(n) ? 'rareCounter' : 'intCounter';
    add(k, `node_netstat_${n}`);
  }
  for (const n of ['sockets_used', 'TCP_alloc', 'TCP_inuse', 'TCP_mem', 'TCP_mem_bytes', 'TCP_orphan', 'TCP_tw', 'UDP_inuse', 'UDP_mem', 'UDP_mem_bytes', 'FRAG_inuse', 'RAW_inuse', 'TCP6_inuse', 'UDP6_inuse']) add('smallGauge', `node_sockstat_${n}`);
  for (const r of ['cpu', 'io', 'memory']) {
    add('floatCounter', 'node_pressure_' + r + '_waiting_seconds_total');
    if (r !== 'cpu') add('floatCounter', 'node_pressure_' + r + '_stalled_seconds_total');
  }
  for (const n of ['offset_seconds', 'maxerror_seconds', 'estimated_error_seconds']) add('floatGauge', `node_timex_${n}`);
  add('anyFloat', 'node_timex_frequency_adjustment_ratio');
  for (const n of ['status', 'tai_offset_seconds', 'sync_status', 'tick_seconds', 'loop_time_constant', 'pps_calibration_total', 'pps_error_total', 'pps_frequency_hertz', 'pps_jitter_seconds', 'pps_jitter_total', 'pps_shift_seconds', 'pps_stability_exceeded_total', 'pps_stability_hertz']) add('const', `node_timex_${n}`);
  const collectors = ['arp', 'bcache', 'bonding', 'btrfs', 'conntrack', 'cpu', 'cpufreq', 'diskstats', 'dmi', 'edac', 'entropy', 'fibrechannel', 'filefd', 'filesystem', 'hwmon', 'infiniband', 'ipvs', 'loadavg', 'mdadm', 'meminfo', 'netclass', 'netdev', 'netstat', 'nfs', 'nfsd', 'nvme', 'os', 'powersupplyclass', 'pressure', 'rapl', 'schedstat', 'selinux', 'sockstat', 'softnet', 'stat', 'tapestats', 'textfile', 'thermal_zone', 'time', 'timex', 'udp_queues', 'uname', 'vmstat', 'xfs', 'zfs'];
  for (const c of collectors) {
    add('floatGauge', 'node_scrape_collector_duration_seconds', { collector: c });
    add('const', 'node_scrape_collector_success', { collector: c });
  }
  for (let i = 0; i < 6; i++) add('loadGauge', 'node_hwmon_temp_celsius', { chip: 'platform_coretemp_0', sensor: `temp${i + 1}` });
  for (const q of ['0', '0.25', '0.5', '0.75', '1']) add('floatGauge', 'go_gc_duration_seconds', { quantile: q });
  add('floatGauge', 'go_gc_duration_seconds_sum');
  add('tickCounter', 'go_gc_duration_seconds_count');
  add('smallGauge', 'go_goroutines');
  add('const', 'go_info', { version: 'go1.22.5' });
  for (const n of ['alloc_bytes', 'heap_alloc_bytes', 'heap_inuse_bytes', 'heap_idle_bytes', 'heap_released_bytes', 'stack_inuse_bytes', 'mspan_inuse_bytes', 'next_gc_bytes', 'heap_objects']) add('pageGauge', `go_memstats_${n}`);
  for (const n of ['alloc_bytes_total', 'mallocs_total', 'frees_total', 'lookups_total']) add('intCounter', `go_memstats_${n}`);
  for (const n of ['sys_bytes', 'heap_sys_bytes', 'stack_sys_bytes', 'mspan_sys_bytes', 'mcache_inuse_bytes', 'mcache_sys_bytes', 'buck_hash_sys_bytes', 'gc_sys_bytes', 'other_sys_bytes']) add('const', `go_memstats_${n}`);
  add('anyFloat', 'go_memstats_last_gc_time_seconds');
  add('const', 'go_threads');
  add('cpuCounter', 'process_cpu_seconds_total');
  add('pageGauge', 'process_resident_memory_bytes');
  add('pageGauge', 'process_virtual_memory_bytes');
  add('smallGauge', 'process_open_fds');
  add('const', 'process_max_fds');
  add('const', 'process_start_time_seconds');
  add('tickCounter', 'promhttp_metric_handler_requests_total', { code: '200' });
  add('const', 'promhttp_metric_handler_requests_total', { code: '500' });
  add('const', 'promhttp_metric_handler_requests_total', { code: '503' });
  add('const', 'promhttp_metric_handler_requests_in_flight');
  add('const', 'node_uname_info', { domainname: '(none)', machine: 'x86_64', nodename: instance, release: '6.1.0-18-amd64', sysname: 'Linux', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1' });
  add('const', 'node_os_info', { id: 'debian', name: 'Debian GNU/Linux', pretty_name: 'Debian GNU/Linux 12 (bookworm)', version: '12 (bookworm)', version_id: '12' });
  add('const', 'node_exporter_build_info', { branch: 'HEAD', goversion: 'go1.22.5', revision: 'abc', version: '1.8.2' });
  add('const', 'node_filefd_maximum');
  add('smallGauge', 'node_filefd_allocated');
  add('smallGauge', 'node_entropy_available_bits');
  add('const', 'node_entropy_pool_size_bits');
  add('const', 'up');
  add('floatGauge', 'scrape_duration_seconds');
  add('const', 'scrape_samples_scraped');
  add('const', 'scrape_samples_post_metric_relabeling');
  add('const', 'scrape_series_added');
  return out;
}

/**
 * scrapeTimes returns the scrape timestamps of one target: a 15 s grid from start, with 5% of the
 * scrapes landing 3-30 ms late (beyond the 2 ms alignment tolerance).
 */
export function scrapeTimes(start: number, count: number, intervalMs: number, rng: Rng): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = start + i * intervalMs + (rng.next() < 0.05 ? 3 + rng.int(28) : 0);
  }
  return out;
}
