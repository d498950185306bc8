/**
 * Synthetic exposition bodies for the scrape benchmarks: node-exporter-style families (CPU seconds
 * per cpu/mode, filesystem and network per device, histograms, gauges) with HELP/TYPE lines.
 */

/** nodeExporterBody returns a text-format body with exactly `series` samples. */
export function nodeExporterBody(series: number, seed = 1, openMetrics = false): string {
  const out: string[] = [];
  let n = 0;
  let x = seed;
  const rnd = (): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
  const modes = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
  const fam = (name: string, type: string, help: string): void => {
    out.push(`# HELP ${name} ${help}`);
    out.push(`# TYPE ${name} ${type}`);
  };
  let round = 0;
  while (n < series) {
    const r = round++;
    fam(`node_cpu_seconds_total_${r}`, 'counter', 'Seconds the CPUs spent in each mode.');
    for (let cpu = 0; cpu < 32 && n < series; cpu++) {
      for (const mode of modes) {
        if (n >= series) break;
        out.push(`node_cpu_seconds_total_${r}{cpu="${cpu}",mode="${mode}"} ${(rnd() * 1e6).toFixed(2)}`);
        n++;
      }
    }
    fam(`node_filesystem_avail_bytes_${r}`, 'gauge', 'Filesystem space available to non-root users in bytes.');
    for (let d = 0; d < 40 && n < series; d++) {
      out.push(`node_filesystem_avail_bytes_${r}{device="/dev/nvme0n1p${d}",fstype="ext4",mountpoint="/mnt/disk${d}"} ${Math.floor(rnd() * 1e12)}`);
      n++;
    }
    fam(`node_network_receive_bytes_total_${r}`, 'counter', 'Network device statistic receive_bytes.');
    for (let d = 0; d < 40 && n < series; d++) {
      out.push(`node_network_receive_bytes_total_${r}{device="veth${(d * 7919).toString(16)}"} ${Math.floor(rnd() * 1e10)}`);
      n++;
    }
    fam(`http_request_duration_seconds_${r}`, 'histogram', 'A histogram of request latencies.');
    for (let h = 0; h < 8 && n < series; h++) {
      let cum = 0;
      for (const le of ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']) {
        if (n >= series) break;
        cum += Math.floor(rnd() * 100);
        out.push(`http_request_duration_seconds_${r}_bucket{handler="/api/v${h}",method="GET",le="${le}"} ${cum}`);
        n++;
      }
      if (n < series) { out.push(`http_request_duration_seconds_${r}_sum{handler="/api/v${h}",method="GET"} ${(rnd() * 1000).toFixed(3)}`); n++; }
      if (n < series) { out.push(`http_request_duration_seconds_${r}_count{handler="/api/v${h}",method="GET"} ${cum}`); n++; }
    }
    fam(`node_load1_${r}`, 'gauge', '1m load average.');
    if (n < series) { out.push(`node_load1_${r} ${(rnd() * 4).toFixed(2)}`); n++; }
  }
  if (openMetrics) {
    // OpenMetrics: counters' families drop _total in TYPE lines and the file ends with # EOF.
    return out.map((l) => l.replace(/^# (HELP|TYPE) (node_(?:cpu_seconds|network_receive_bytes))_total_(\d+)/, '# $1 $2_$3_total')).join('\n').replace(/_total_(\d+)\{/g, '_$1_total{') + '\n# EOF\n';
  }
  return out.join('\n') + '\n';
}
