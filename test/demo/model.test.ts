import { describe, expect, it } from 'vitest';
import { DemoCluster } from '../../src/main/demo/model';
import { renderApp, renderCadvisor, renderKubeState, renderKubelet, renderNodeExporter } from '../../src/main/demo/exporters';

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  if (!line) throw new Error(`series ${series} not found`);
  return Number(line.slice(series.length + 1));
}

describe('demo cluster', () => {
  it('keeps counters monotonic and gauges in range as time passes', () => {
    const t0 = 1_700_000_000_000;
    const c = new DemoCluster(t0);
    const node = c.nodes[0]!;
    const app = c.pods.find((p) => p.http)!;
    let prevCpu = sample(renderNodeExporter(c, node), 'node_cpu_seconds_total{cpu="0",mode="user"}');
    let prevReq = -1;
    for (let i = 1; i <= 50; i++) {
      c.advance(t0 + i * 15_000);
      const ne = renderNodeExporter(c, node);
      const cpu = sample(ne, 'node_cpu_seconds_total{cpu="0",mode="user"}');
      expect(cpu).toBeGreaterThanOrEqual(prevCpu);
      prevCpu = cpu;
      const free = sample(ne, 'node_memory_MemFree_bytes');
      expect(free).toBeGreaterThan(0);
      expect(free).toBeLessThan(sample(ne, 'node_memory_MemTotal_bytes'));
      const a = renderApp(c, app);
      const req = a.split('\n').filter((l) => l.startsWith('http_requests_total{')).reduce((s, l) => s + Number(l.split(' ')[1]), 0);
      expect(req).toBeGreaterThanOrEqual(prevReq);
      prevReq = req;
    }
    expect(prevReq).toBeGreaterThan(0);
  });

  it('renders histograms with monotonic buckets ending at +Inf = count', () => {
    const t0 = 1_700_000_000_000;
    const c = new DemoCluster(t0);
    c.advance(t0 + 600_000);
    const text = renderApp(c, c.pods.find((p) => p.http)!);
    const handler = /handler="([^"]+)"/.exec(text)![1]!;
    const buckets = text
      .split('\n')
      .filter((l) => l.startsWith(`http_request_duration_seconds_bucket{handler="${handler}"`))
      .map((l) => Number(l.split(' ')[1]));
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1]!);
    expect(buckets[buckets.length - 1]).toBe(sample(text, `http_request_duration_seconds_count{handler="${handler}"}`));
  });

  it('exposes the series Lens-style dashboards query', () => {
    const c = new DemoCluster(0);
    c.advance(60_000);
    const all = [renderCadvisor(c, c.nodes[0]!), renderKubelet(c, c.nodes[0]!), renderKubeState(c)].join('');
    for (const name of ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'kubelet_running_pods', 'kube_pod_container_resource_requests', 'kube_node_status_allocatable']) {
      expect(all).toContain(`# TYPE ${name} `);
    }
  });
});
