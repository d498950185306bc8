/**
 * The walking skeleton end to end: `vigil serve --demo` scrapes the simulated cluster over HTTP,
 * stores, evaluates PromQL, serves the Prometheus API and the UI; Chromium runs a query in the UI
 * and the test checks the chart and table show the live data the API returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, getJson, launchChromium, startVigil, waitFor, type VigilProcess } from './helpers';

interface Envelope<T> {
  status: string;
  data: T;
  error?: string;
}
type Vector = { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] };
type Matrix = { resultType: 'matrix'; result: { metric: Record<string, string>; values: [number, string][] }[] };

let vigil: VigilProcess;
let browser: Browser;

beforeAll(async () => {
  vigil = await startVigil(['--demo']);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

describe('vigil serve --demo', () => {
  it('answers up with value 1 within 10 s of start', async () => {
    const vec = await waitFor(async () => {
      const r = await getJson<Envelope<Vector>>(`${vigil.url}/api/v1/query?query=up`);
      return r.status === 'success' && r.data.result.some((s) => s.value[1] === '1') ? r.data : undefined;
    }, 15_000, 'up == 1');
    expect(Date.now() - vigil.startedAt).toBeLessThan(10_000);
    expect(vec.resultType).toBe('vector');
    // Within a scrape interval more, every simulated exporter is up.
    const jobs = await waitFor(async () => {
      const r = await getJson<Envelope<Vector>>(`${vigil.url}/api/v1/query?query=${encodeURIComponent('up == 1')}`);
      const js = new Set(r.data.result.map((s) => s.metric.job));
      return ['node-exporter', 'kubelet', 'cadvisor', 'kube-state-metrics', 'kubernetes-pods', 'vigil'].every((j) => js.has(j)) ? js : undefined;
    }, 15_000, 'every demo job up');
    expect(jobs.size).toBe(6);
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
    await page.goto(`${vigil.url}/#/query?tab=graph&range=3600`);
    await page.fill('[data-testid=expression]', query);
    await page.click('[data-testid=execute]');
    await page.waitForSelector('[data-testid=chart] canvas', { timeout: 20_000 });
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
    // The series listed under the chart are the ones the API returns for the same query now.
    const rows = await page.$$eval('[data-testid=result-table] tbody tr td.series', (tds) => tds.map((td) => td.textContent));
    const api = await getJson<Envelope<Vector>>(`${vigil.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const expected = api.data.result.map((s) => `{handler="${s.metric.handler}"}`).sort();
    expect([...rows].sort()).toEqual(expected);
    // The README's screenshot: refreshed with VIGIL_UPDATE_SCREENSHOTS=1 so a plain test run leaves the tree clean.
    await page.screenshot({ path: path.join(ROOT, process.env.VIGIL_UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-results', 'screenshot.png') });

    // Table view: an instant query whose values move with the live counters.
    await page.click('[data-testid=tab-table]');
    await page.fill('[data-testid=expression]', 'sum(http_requests_total)');
    await page.click('[data-testid=execute]');
    await page.waitForSelector('[data-testid=result-table] td.num');
    const first = Number(await page.textContent('[data-testid=result-table] td.num'));
    expect(first).toBeGreaterThan(0);
    const later = await waitFor(async () => {
      await page.click('[data-testid=execute]');
      await page.waitForTimeout(500);
      const v = Number(await page.textContent('[data-testid=result-table] td.num'));
      return v > first ? v : undefined;
    }, 20_000, 'the request counter to grow between scrapes');
    expect(later).toBeGreaterThan(first);
    await page.close();
  });

  it('underlines a query error at its position', async () => {
    const page = await browser.newPage();
    await page.goto(`${vigil.url}/#/query?tab=table`);
    await page.fill('[data-testid=expression]', 'sum(rate(up[5m])');
    await page.click('[data-testid=execute]');
    await page.waitForSelector('[data-testid=query-error]');
    expect(await page.textContent('[data-testid=query-error]')).toMatch(/parse error/);
    expect(await page.$('[data-testid=query-error] .underline')).not.toBeNull();
    await page.close();
  });
});
