/**
 * Vigil's own /metrics: storage, scrape and process metrics in the Prometheus text format, so a
 * Vigil can scrape itself (the default config does).
 */
import { text, type Route } from '../../common/api/route';

/** processMetrics renders the standard process_* and nodejs heap metrics. */
export function processMetrics(): string {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, v: number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${v}`);
  };
  metric('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', (cpu.user + cpu.system) / 1e6);
  metric('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', mem.rss);
  metric('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', Math.floor((Date.now() - process.uptime() * 1000) / 1000));
  metric('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use.', mem.heapUsed);
  metric('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved (used, garbage not yet collected, and free).', mem.heapTotal);
  metric('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript objects (buffers included).', mem.external);
  metric('nodejs_array_buffers_bytes', 'gauge', 'Memory of ArrayBuffers and Buffers (part of the external memory).', mem.arrayBuffers);
  return lines.join('\n') + '\n';
}

/** selfMetricsRoute serves GET /metrics from the given sources (each a text exposition). */
export function selfMetricsRoute(sources: () => string[]): Route {
  return {
    methods: ['GET'],
    pattern: '/metrics',
    readOnly: true,
    handler: () => {
      const body = [processMetrics(), ...sources()].map((s) => (s.endsWith('\n') || s === '' ? s : s + '\n')).join('');
      return text(200, body, 'text/plain; version=0.0.4; charset=utf-8');
    },
  };
}
