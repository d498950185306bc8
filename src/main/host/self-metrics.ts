/**
 * Vigil's own /metrics: storage, scrape and process metrics in the Prometheus text format, so a
 * Vigil can scrape itself (the default config does).
 */
import { text, type Route } from '../../common/api/route';

/** processMetrics renders the standard process_* and nodejs heap metrics. */
export function processMetrics(): string {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const lines = [
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${mem.rss}`,
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${Math.floor((Date.now() - process.uptime() * 1000) / 1000)}`,
    '# HELP nodejs_heap_used_bytes V8 heap in use.',
    '# TYPE nodejs_heap_used_bytes gauge',
    `nodejs_heap_used_bytes ${mem.heapUsed}`,
    '# HELP nodejs_heap_size_total_bytes V8 heap reserved (used, garbage not yet collected, and free).',
    '# TYPE nodejs_heap_size_total_bytes gauge',
    `nodejs_heap_size_total_bytes ${mem.heapTotal}`,
    '# HELP nodejs_external_memory_bytes Memory of C++ objects bound to JavaScript objects (buffers included).',
    '# TYPE nodejs_external_memory_bytes gauge',
    `nodejs_external_memory_bytes ${mem.external}`,
    '# HELP nodejs_array_buffers_bytes Memory of ArrayBuffers and Buffers (part of the external memory).',
    '# TYPE nodejs_array_buffers_bytes gauge',
    `nodejs_array_buffers_bytes ${mem.arrayBuffers}`,
  ];
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
