/**
 * The built-in dashboards on demo data: the cluster, node, workload and pod pages draw non-empty
 * charts with no panel in error; click-through cluster -> node -> pod -> container; the cluster
 * switcher narrows every query (--demo=2); a panel whose series do not exist says what it needs.
 * Screenshots go to test-results/ (and docs/ with VIGIL_UPDATE_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, getJson, launchChromium, startVigil, waitFor, type VigilProcess } from './helpers';

type Vector = { status: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };

let one: VigilProcess;
let two: VigilProcess;
let browser: Browser;
const OUT = path.join(ROOT, 'test-results');

async function vector(url: string, q: string): Promise<Vector['data']['result']> {
  const r = await getJson<Vector>(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  if (r.status !== 'success') throw new Error(`${q}: ${JSON.stringify(r)}`);
  return r.data.result;
}

/** ready waits until the demo has nodes, pods and enough cAdvisor history for rate(). */
async function ready(url: string, clusters: number): Promise<void> {
  await waitFor(async () => {
    const nodes = await vector(url, 'count by (cluster) (kube_node_info)');
    const cpu = await vector(url, 'count by (cluster) (rate(container_cpu_usage_seconds_total{image!=""}[5m]))');
    const hist = await vector(url, 'count_over_time(up{job="cadvisor"}[30m])');
    const owners = await vector(url, 'count_over_time(kube_pod_owner{namespace="shop"}[30m])');
    return nodes.length >= clusters && cpu.length >= clusters && hist.some((s) => Number(s.value[1]) > 20) && owners.some((s) => Number(s.value[1]) > 20) ? true : undefined;
  }, 120_000, 'demo data with history');
}

async function shot(page: Page, name: string, docs?: string): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, name), fullPage: true });
  if (docs && process.env.VIGIL_UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: path.join(ROOT, 'docs', docs), fullPage: true });
}

/** settled waits until every panel of the page has loaded. */
async function settled(page: Page, dashboard: string): Promise<void> {
  await page.waitForSelector(`[data-dashboard="${dashboard}"] [data-testid=panel]`, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=panel]').length > 0 && document.querySelectorAll('.panel-loading').length === 0, undefined, { timeout: 30_000 });
}

interface PanelState {
  title: string;
  series: number;
  rows: number;
  stats: number;
  error: string;
  empty: boolean;
}

async function panels(page: Page): Promise<PanelState[]> {
  return page.$$eval('[data-testid=panel]', (els) =>
    els.map((e) => ({
      title: e.getAttribute('data-title') ?? '',
      series: Number(e.querySelector('[data-testid=chart]')?.getAttribute('data-series') ?? 0),
      rows: e.querySelectorAll('tbody tr').length,
      stats: e.querySelectorAll('[data-testid=stat-value]').length,
      error: e.querySelector('[data-testid=panel-error]')?.textContent ?? '',
      empty: !!e.querySelector('[data-testid=panel-empty]'),
    })),
  );
}

function expectDrawn(ps: PanelState[], charts: string[]): void {
  expect(ps.filter((p) => p.error !== ''), 'no panel in error').toEqual([]);
  for (const t of charts) {
    const p = ps.find((x) => x.title === t);
    expect(p, `panel ${t}`).toBeDefined();
    expect(p!.series, `series of ${t}`).toBeGreaterThan(0);
  }
}

beforeAll(async () => {
  [one, two] = await Promise.all([startVigil(['--demo']), startVigil(['--demo=2'])]);
  browser = await launchChromium();
  await Promise.all([ready(one.url, 1), ready(two.url, 2)]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await one?.stop();
  await two?.stop();
});

describe('dashboards on the demo', () => {
  it('the cluster overview is the default and draws every chart, stat and table from demo data', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${one.url}/#/dashboards`);
    await settled(page, 'cluster');
    const ps = await panels(page);
    expectDrawn(ps, ['CPU: usage, requests, limits, allocatable, capacity', 'Memory: usage, requests, limits, allocatable, capacity', 'CPU by namespace', 'Memory by namespace']);
    // usage, requests, limits, allocatable and capacity each have a line.
    expect(ps.find((p) => p.title.startsWith('CPU: usage'))!.series).toBe(5);
    for (const t of ['CPU used', 'Memory used', 'Pods running / capacity', 'Nodes ready / not ready']) expect(ps.find((p) => p.title === t)!.stats, t).toBeGreaterThan(0);
    expect(ps.find((p) => p.title === 'Nodes')!.rows).toBe(3);
    expect(ps.find((p) => p.title === 'Top namespaces by CPU')!.rows).toBe(3);
    expect(await page.textContent('[data-testid=dashboard-list]')).toContain('Nodes');
    await shot(page, 'dashboard-cluster.png', 'dashboard-cluster.png');
    await page.close();
  });

  it("shades the gaps Vigil caused itself on every chart, for the selected cluster only", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const now = Date.now();
    // The gap detector's answer is replaced (a real gap needs a sleep or an outage; the detector is tested in test/rules/gap.test.ts).
    const gaps = [
      { cluster: 'demo', from: now - 30 * 60_000, to: now - 20 * 60_000, reason: 'sleep or resume' },
      { cluster: 'elsewhere', from: now - 10 * 60_000, to: null, reason: 'API server unreachable' },
    ];
    await page.route('**/api/v1/vigil/gaps', (r) => r.fulfill({ contentType: 'application/json', body: JSON.stringify({ status: 'success', data: gaps }) }));
    await page.goto(`${one.url}/#/dashboards?from=now-1h&to=now`);
    await settled(page, 'cluster');
    await page.waitForSelector('[data-testid=chart][data-gaps="2"]', { timeout: 30_000 });
    const counts = await page.$$eval('[data-testid=chart]', (els) => els.map((e) => e.getAttribute('data-gaps')));
    expect(counts.length).toBeGreaterThan(0);
    expect(new Set(counts)).toEqual(new Set(['2']));
    expect(await page.textContent('[data-testid=chart-gaps]')).toContain("2 gaps in Vigil's own collection");
    await shot(page, 'dashboard-gaps.png');
    // Narrowed to the demo cluster, only its own gap is shaded.
    await page.goto(`${one.url}/#/dashboards?from=now-1h&to=now&cluster=demo`);
    await settled(page, 'cluster');
    await page.waitForSelector('[data-testid=chart][data-gaps="1"]', { timeout: 30_000 });
    expect(new Set(await page.$$eval('[data-testid=chart]', (els) => els.map((e) => e.getAttribute('data-gaps'))))).toEqual(new Set(['1']));
    await page.close();
  });

  it('clicks through cluster -> node -> pod -> container', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${one.url}/#/dashboards`);
    await settled(page, 'cluster');
    const node = await page.locator('[data-title="Nodes"] [data-testid=row-link]').first();
    const nodeName = (await node.textContent())!;
    await node.click();
    await page.waitForFunction((n) => window.location.hash.startsWith('#/dashboards/node') && window.location.hash.includes(`node=${n}`), nodeName);
    await settled(page, 'node');
    expect(await page.textContent('[data-testid=dashboard-title]')).toBe(`Node ${nodeName}`);
    const nps = await panels(page);
    expectDrawn(nps, ['CPU', 'Memory', 'Pods', 'Network', 'Filesystems used']);
    expect(nps.find((p) => p.title === 'Pods' && p.rows > 0), 'the node lists its pods').toBeDefined();
    await shot(page, 'dashboard-node.png', 'dashboard-node.png');

    // A pod of the node; its page.
    const pod = page.locator('[data-title="Pods"] [data-testid=row-link]').first();
    const podName = (await pod.textContent())!;
    await pod.click();
    await page.waitForFunction((p) => window.location.hash.startsWith('#/dashboards/pod') && window.location.hash.includes(`pod=${p}`), podName);
    await settled(page, 'pod');
    expect(await page.textContent('[data-testid=dashboard-title]')).toContain(podName);
    const pps = await panels(page);
    expectDrawn(pps, ['CPU by container', 'Memory by container', 'Restarts']);
    expect(pps.find((p) => p.title === 'Containers')!.rows).toBeGreaterThan(0);

    // One of its containers: the charts narrow to it.
    const ct = page.locator('[data-title="Containers"] [data-testid=row-link]').first();
    const ctName = (await ct.textContent())!;
    await ct.click();
    await page.waitForFunction((c) => window.location.hash.includes(`container=${c}`), ctName);
    await settled(page, 'pod');
    await page.waitForFunction(() => document.querySelector('[data-title="CPU by container"] [data-testid=chart]') !== null);
    expect(await page.textContent('[data-testid=dashboard-title]')).toContain(`container ${ctName}`);
    const legend = await page.$$eval('[data-title="CPU by container"] .legend-label', (els) => els.map((e) => e.textContent ?? ''));
    expect(legend.length).toBeGreaterThan(0);
    expect(legend.every((l) => l.endsWith(ctName)), legend.join(', ')).toBe(true);
    await page.close();
  });

  it('draws a workload with its pods through the owner chain', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${one.url}/#/dashboards/workloads?namespace=shop`);
    await settled(page, 'workloads');
    expect((await panels(page)).filter((p) => p.rows > 0).length).toBeGreaterThanOrEqual(3);
    await page.locator('[data-title="Deployments"] [data-testid=row-link]').first().click();
    await page.waitForFunction(() => window.location.hash.startsWith('#/dashboards/workload?') && window.location.hash.includes('kind=deployment'));
    await settled(page, 'workload');
    const ps = await panels(page);
    if (ps.find((p) => p.title === 'CPU by pod')?.series === 0) console.log('CPU by pod empty:', page.url(), await page.getAttribute('[data-title="CPU by pod"] [data-testid=open-in-explore]', 'href'));
    expectDrawn(ps, ['CPU by pod', 'Memory by pod', 'Restarts by pod']);
    const pods = ps.find((p) => p.title === 'Pods')!;
    expect(pods.rows).toBeGreaterThan(0);
    expect(ps.find((p) => p.title === 'CPU by pod')!.series).toBe(pods.rows);
    await shot(page, 'dashboard-workload.png');
    await page.close();
  });

  it('a pod without claims says which series its volume panel needs', async () => {
    const pod = (await vector(one.url, 'kube_pod_info{namespace="shop",created_by_kind="ReplicaSet"}'))[0]!.metric.pod!;
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${one.url}/#/dashboards/pod?namespace=shop&pod=${pod}`);
    await settled(page, 'pod');
    const vol = page.locator('[data-title="Volumes (PVC usage)"]');
    expect(await vol.locator('[data-testid=panel-empty]').count()).toBe(1);
    expect(await vol.locator('[data-testid=panel-needs]').textContent()).toContain('kubelet_volume_stats_');
    expectDrawn(await panels(page), ['CPU by container', 'Memory by container', 'Network (pod)', 'Filesystem usage by container']);
    await shot(page, 'dashboard-pod.png', 'dashboard-pod.png');
    // A statefulset pod has claims: the same panel draws used and capacity.
    await page.goto(`${one.url}/#/dashboards/pod?namespace=shop&pod=postgres-0`);
    await page.waitForFunction(() => (document.querySelector('[data-title="Volumes (PVC usage)"] [data-testid=chart]')?.getAttribute('data-series') ?? '0') === '2', undefined, { timeout: 30_000 });
    await page.close();
  });

  it('the cluster switcher narrows the queries to one cluster (--demo=2)', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${two.url}/#/dashboards`);
    await settled(page, 'cluster');
    const legendOf = (): Promise<string[]> => page.$$eval('[data-title="CPU: usage, requests, limits, allocatable, capacity"] .legend-label', (els) => els.map((e) => e.textContent ?? ''));
    await page.waitForFunction(() => document.querySelectorAll('[data-title="CPU: usage, requests, limits, allocatable, capacity"] .legend-label').length === 10);
    const all = await legendOf();
    expect(all).toContain('usage demo');
    expect(all).toContain('usage demo-2');
    await shot(page, 'dashboard-cluster-all.png');

    await page.selectOption('[aria-label=cluster]', 'demo-2');
    await page.waitForFunction(() => window.location.hash.includes('cluster=demo-2'));
    await page.waitForFunction(() => document.querySelectorAll('[data-title="CPU: usage, requests, limits, allocatable, capacity"] .legend-label').length === 5);
    const one2 = await legendOf();
    expect(one2.every((l) => l.endsWith(' demo-2')), one2.join(', ')).toBe(true);
    // The panel's Explore link carries the narrowed query; run it: only demo-2 series.
    const href = (await page.getAttribute('[data-title="CPU by namespace"] [data-testid=open-in-explore]', 'href'))!;
    const q0 = new URLSearchParams(href.slice(href.indexOf('?') + 1)).get('q0')!;
    expect(q0).toContain('cluster=~"demo-2"');
    const res = await vector(two.url, q0);
    expect(res.length).toBeGreaterThan(0);
    expect(new Set(res.map((s) => s.metric.cluster))).toEqual(new Set(['demo-2']));
    // The node table follows: only demo-2's nodes.
    await page.waitForFunction(() => {
      const names = Array.from(document.querySelectorAll('[data-title="Nodes"] [data-testid=row-link]')).map((e) => e.textContent ?? '');
      return names.length === 3 && names.every((t) => t.startsWith('demo-2-'));
    });
    await page.close();
  });
});
