/**
 * `vigil serve --demo` end to end: a simulated cluster behind its own fake API server, monitored
 * through the kubeconfig it writes (default jobs, discovery, API-server proxies, synthesized
 * kube-state series), stored in the demo's own data folder, with an hour of history written in the
 * background; PromQL, the Prometheus API and the UI over it; `--demo=2` for two clusters; and a
 * restart that continues every counter (no rate() spike).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, getJson, launchChromium, startVigil, waitFor, type VigilProcess, type Envelope } from './helpers';

type Vector = { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] };
type Matrix = { resultType: 'matrix'; result: { metric: Record<string, string>; values: [number, string][] }[] };

let vigil: VigilProcess;
let browser: Browser;
/** home is VIGIL_DATA: the user's data folder, which demo mode must leave alone. */
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-home-'));
const userData = path.join(home, 'Vigil');

async function query(url: string, q: string): Promise<Vector> {
  const r = await getJson<Envelope<Vector>>(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  if (r.status !== 'success') throw new Error(`${q}: ${r.error}`);
  return r.data;
}

async function scalar(url: string, q: string): Promise<number> {
  const v = await query(url, q);
  return v.result.length === 0 ? NaN : Number(v.result[0]!.value[1]);
}

beforeAll(async () => {
  vigil = await startVigil(['--demo'], { dataDir: null, env: { ...process.env, VIGIL_DATA: userData } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

describe('vigil serve --demo', () => {
  it('keeps its data in a folder of its own, named in the banner', () => {
    expect(vigil.output()).toContain(`data in ${userData}-demo`);
    expect(fs.existsSync(path.join(`${userData}-demo`, 'vigil.db'))).toBe(true);
    expect(fs.existsSync(path.join(userData, 'vigil.db'))).toBe(false);
  });

  it('finds the simulated cluster through its kubeconfig: every default job up, 3+ nodes, 20+ pods, 4+ deployments', async () => {
    const vec = await waitFor(async () => {
      const v = await query(vigil.url, 'up == 1');
      return v.result.length > 0 ? v : undefined;
    }, 15_000, 'up == 1');
    console.log(`demo: first up == 1 answered ${Date.now() - vigil.startedAt} ms after start`);
    expect(vec.resultType).toBe('vector');
    const jobs = await waitFor(async () => {
      const v = await query(vigil.url, 'up{cluster="demo"} == 1');
      const js = new Set(v.result.map((s) => s.metric.job));
      return ['kubelet', 'cadvisor', 'kubelet-resource', 'kubelet-probes', 'node-exporter', 'kube-state-metrics', 'kubernetes-pods', 'kubernetes-service-endpoints', 'apiserver'].every((j) => js.has(j)) ? js : undefined;
    }, 40_000, 'every default job up');
    expect(jobs.has('kubelet')).toBe(true);
    // Discovery: the targets page lists a kubelet per node, scraped through the node proxy.
    type Targets = { activeTargets: { labels: Record<string, string>; discoveredLabels: Record<string, string>; scrapeUrl: string; health: string }[] };
    const t = await getJson<Envelope<Targets>>(`${vigil.url}/api/v1/targets?state=active`);
    const nodes = new Set(t.data.activeTargets.filter((x) => x.labels.job === 'kubelet').map((x) => x.labels.node));
    expect(nodes.size).toBeGreaterThanOrEqual(3);
    const pods = new Set(t.data.activeTargets.filter((x) => x.labels.job === 'kubernetes-pods').map((x) => x.labels.pod));
    expect(pods.size).toBeGreaterThan(0);
    // The synthesized kube-state series count the objects discovery watches.
    const counts = await waitFor(async () => {
      const c = { nodes: await scalar(vigil.url, 'count(kube_node_info{cluster="demo"})'), pods: await scalar(vigil.url, 'count(kube_pod_info{cluster="demo"})'), deployments: await scalar(vigil.url, 'count(kube_deployment_spec_replicas{cluster="demo"})') };
      return c.nodes >= 3 && c.pods >= 20 && c.deployments >= 4 ? c : undefined;
    }, 40_000, 'kube_node_info, kube_pod_info, kube_deployment_spec_replicas');
    expect(counts.pods).toBeGreaterThanOrEqual(20);
    // kubelet and cAdvisor series carry the labels Lens's queries select on.
    const cpu = await query(vigil.url, 'container_cpu_usage_seconds_total{container!="",pod!=""}');
    expect(cpu.result.length).toBeGreaterThan(0);
    for (const k of ['node', 'namespace', 'pod', 'container', 'cluster']) expect(cpu.result[0]!.metric[k]).toBeTruthy();
  });

  it('writes an hour of history in the background: rate() over the past hour has data from its start', async () => {
    await waitFor(async () => (/demo: wrote \d+ samples of history/.test(vigil.output()) ? true : undefined), 60_000, 'the backfill');
    const m = await waitFor(async () => {
      const end = Date.now() / 1000;
      const r = await getJson<Envelope<Matrix>>(`${vigil.url}/api/v1/query_range?query=${encodeURIComponent('sum(rate(node_cpu_seconds_total{mode!="idle"}[2m]))')}&start=${end - 3600}&end=${end}&step=60`);
      return r.status === 'success' && r.data.result.length === 1 && Number(r.data.result[0]!.values[0]![0]) <= end - 3500 ? r.data : undefined;
    }, 60_000, 'history back to an hour ago');
    const values = m.result[0]!.values.map(([, v]) => Number(v));
    expect(values.length).toBeGreaterThan(55);
    for (const v of values) expect(v).toBeGreaterThan(0);
  });

  it('returns a matrix for a range query of rate() over a demo counter', async () => {
    const m = await waitFor(async () => {
      const end = Date.now() / 1000;
      const r = await getJson<Envelope<Matrix>>(
        `${vigil.url}/api/v1/query_range?query=${encodeURIComponent('sum by (handler) (rate(http_requests_total[30s]))')}&start=${end - 120}&end=${end}&step=5`,
      );
      return r.status === 'success' && r.data.result.length > 0 ? r.data : undefined;
    }, 30_000, 'a non-empty rate() matrix');
    expect(m.resultType).toBe('matrix');
    for (const s of m.result) {
      expect(Object.keys(s.metric)).toEqual(['handler']);
      for (const [, v] of s.values) expect(Number(v)).toBeGreaterThan(0);
    }
  });

  it('serves the demo apps\' exemplars (scraped as OpenMetrics) on /api/v1/query_exemplars', async () => {
    type Ex = { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string; timestamp: number }[] }[];
    const data = await waitFor(async () => {
      const r = await getJson<{ status: string; data: Ex }>(`${vigil.url}/api/v1/query_exemplars?query=${encodeURIComponent('http_request_duration_seconds_bucket')}&start=${Date.now() / 1000 - 600}&end=${Date.now() / 1000 + 60}`);
      return r.status === 'success' && r.data.length > 0 ? r.data : undefined;
    }, 30_000, 'demo exemplars');
    for (const s of data) {
      expect(s.seriesLabels.__name__).toBe('http_request_duration_seconds_bucket');
      expect(s.seriesLabels.job).toBe('kubernetes-pods');
      for (const e of s.exemplars) {
        expect(e.labels.trace_id).toMatch(/^[0-9a-f]{16}$/);
        expect(Math.abs(e.timestamp * 1000 - Date.now())).toBeLessThan(10 * 60_000);
      }
    }
  });

  it('draws the live data as a chart and a table in the UI', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const query = 'sum by (handler) (rate(http_requests_total[30s]))';
    await page.goto(`${vigil.url}/#/explore?q0=${encodeURIComponent(query)}`);
    // Right after start the 30 s rate has too few samples: run again until the chart has series.
    await waitFor(async () => {
      if (await page.$('[data-testid=chart] canvas')) return true;
      await page.click('[data-testid=run]');
      await page.waitForTimeout(1000);
      return undefined;
    }, 30_000, 'the chart');
    // The canvas must have drawn series: count pixels whose colour is one of the series strokes.
    const painted = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid=chart] canvas') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      }
      return coloured;
    });
    expect(painted).toBeGreaterThan(200);
    // The series in the chart's legend are the ones the API returns for the same query (pods come
    // and go in the simulation, so the two are compared at moments when nothing changed between them).
    await waitFor(async () => {
      const api = await getJson<Envelope<Vector>>(`${vigil.url}/api/v1/query?query=${encodeURIComponent(query)}`);
      const expected = api.data.result.map((s) => `{handler="${s.metric.handler}"}`).sort();
      const rows = await page.$$eval('[data-testid=chart-legend] .legend-label', (els) => els.map((el) => el.textContent));
      if (JSON.stringify([...rows].sort()) === JSON.stringify(expected) && expected.length > 0) return true;
      await page.click('[data-testid=run]');
      await page.waitForTimeout(1000);
      return undefined;
    }, 30_000, 'the legend to list the series the API returns');
    // The README's screenshot: refreshed with VIGIL_UPDATE_SCREENSHOTS=1 so a plain test run leaves the tree clean.
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshot.png') });

    // Table view: an instant query whose values move with the live counters.
    await page.goto(`${vigil.url}/#/explore?view=table&unit=none&q0=${encodeURIComponent('sum(http_requests_total)')}`);
    await page.waitForSelector('[data-testid=explore-table] td.value');
    const first = Number(await page.textContent('[data-testid=explore-table] td.value'));
    expect(first).toBeGreaterThan(0);
    const later = await waitFor(async () => {
      await page.click('[data-testid=run]');
      await page.waitForTimeout(500);
      const v = Number(await page.textContent('[data-testid=explore-table] td.value'));
      return v > first ? v : undefined;
    }, 20_000, 'the request counter to grow between scrapes');
    expect(later).toBeGreaterThan(first);
    await page.close();
  });

  it('underlines a query error at its position', async () => {
    const page = await browser.newPage();
    await page.goto(`${vigil.url}/#/explore?view=table&q0=${encodeURIComponent('sum(rate(up[5m])')}`);
    await page.waitForSelector('[data-testid=query-error-0]');
    expect(await page.textContent('[data-testid=query-error-0]')).toMatch(/parse error/);
    // The API places the error at the end of the input (offset 16): the marker sits there.
    expect(await page.getAttribute('[data-testid=editor-0]', 'data-error-from')).toBe('16');
    expect(await page.$('[data-testid=editor-0] [data-testid=editor-error-caret]')).not.toBeNull();
    await page.close();
  });
});

describe('vigil serve --demo=2, and a restart', () => {
  it('monitors two simulated clusters: sum by (cluster) (up) has two series', async () => {
    const two = await startVigil(['--demo=2']);
    try {
      const v = await waitFor(async () => {
        const r = await query(two.url, 'sum by (cluster) (up{cluster!=""})');
        return r.result.length === 2 ? r : undefined;
      }, 30_000, 'two clusters');
      expect(v.result.map((s) => s.metric.cluster).sort()).toEqual(['demo', 'demo-2']);
      expect(two.output()).toContain('2 simulated clusters (demo, demo-2)');
    } finally {
      await two.stop();
    }
  });

  it('continues every counter after a restart: no rate() spike, only the gap is backfilled', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-restart-'));
    const first = await startVigil(['--demo'], { dataDir: data });
    try {
      await waitFor(async () => (/demo: wrote \d+ samples of history/.test(first.output()) ? true : undefined), 60_000, 'the first backfill');
      await waitFor(async () => ((await scalar(first.url, 'count(up{job="cadvisor"} == 1)')) >= 3 ? true : undefined), 40_000, 'live cAdvisor scrapes');
    } finally {
      await first.stop();
    }
    await new Promise((r) => setTimeout(r, 5_000));
    const second = await startVigil(['--demo'], { dataDir: data });
    try {
      const line = await waitFor(async () => /demo: wrote (\d+) samples of history \((\d+) scrapes of (\d+) targets, (\S+) to (\S+)\)/.exec(second.output()) ?? undefined, 60_000, 'the second backfill');
      // Only the minutes the app was off are written (not another hour).
      const from = Date.parse(line[4]!);
      const to = Date.parse(line[5]!);
      expect(to - from).toBeLessThan(5 * 60_000);
      await waitFor(async () => ((await scalar(second.url, 'count(up{job="cadvisor"} == 1)')) >= 3 ? true : undefined), 40_000, 'live cAdvisor scrapes after the restart');
      await new Promise((r) => setTimeout(r, 20_000));
      // The fastest any container's CPU counter went over the last 20 minutes stays below the nodes' cores.
      const cores = await scalar(second.url, 'max(machine_cpu_cores{cluster="demo"})');
      expect(cores).toBeGreaterThan(0);
      const peak = await scalar(second.url, 'max(max_over_time(rate(container_cpu_usage_seconds_total{job="cadvisor",cluster="demo",container!=""}[1m])[20m:15s]))');
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(cores);
      // And no counter went backwards across the restart (a restarted container is a new cAdvisor series, with a new id).
      expect(await scalar(second.url, 'sum(resets(container_cpu_usage_seconds_total{job="cadvisor",cluster="demo",container!=""}[20m]))')).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
