import { describe, expect, it } from 'vitest';
import { DemoCluster } from '../../src/main/demo/model';
import { labelsToString } from '../../src/common/model/labels';
import { createParser, Entry } from '../../src/common/textparse';
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

  it('renders apps in strict OpenMetrics with one exemplar per handler, with the same samples as the text format', () => {
    const t0 = 1_700_000_000_000;
    const c = new DemoCluster(t0);
    const now = t0 + 600_000;
    c.advance(now);
    const pod = c.pods.find((p) => p.http)!;
    const dump = (body: string, contentType: string): { samples: string[]; exemplars: string[] } => {
      const p = createParser(body, contentType, { strict: true });
      const samples: string[] = [];
      const exemplars: string[] = [];
      for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
        if (e !== Entry.Series) continue;
        samples.push(`${labelsToString(p.labels())} ${p.value()}`);
        const ex = p.exemplar();
        if (ex) exemplars.push(`${labelsToString(p.labels())} ${labelsToString(ex.labels)} ${ex.value} ${ex.timestamp}`);
      }
      return { samples, exemplars };
    };
    const om = dump(renderApp(c, pod, { now }), 'application/openmetrics-text; version=1.0.0');
    const text = dump(renderApp(c, pod), 'text/plain; version=0.0.4');
    expect(om.samples).toEqual(text.samples);
    expect(text.exemplars).toEqual([]);
    expect(om.exemplars).toHaveLength(pod.http!.latency.size);
    for (const ex of om.exemplars) {
      expect(ex).toMatch(/^http_request_duration_seconds_bucket\{.*\} \{trace_id="[0-9a-f]{16}"\} [\d.]+ 1700000600000$/);
      // the exemplar's value lies within its bucket
      const m = /le="([^"]+)".* ([\d.]+) \d+$/.exec(ex)!;
      expect(Number(m[2])).toBeLessThanOrEqual(m[1] === '+Inf' ? Infinity : Number(m[1]));
    }
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
