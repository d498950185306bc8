/**
 * The UI across pages, against its own `vigil serve --demo`: targets grouped by cluster and job
 * with their scrape path, the filter and "unhealthy only"; service discovery's labels before and
 * after relabeling and the rule that dropped a target; the storage figures of the status page
 * against /api/v1/status/tsdb; the honest states of alerts and rules; unknown routes; dark mode
 * (toggle and the OS preference); the URL as state (reload, back and forward); keyboard
 * navigation; the settings page saving the default jobs; and the targets page with 2,000 targets.
 * Each page is saved as a screenshot in test-results/ (docs/ with VIGIL_UPDATE_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ApiClusterData, ApiTarget, ApiTargetsData, ApiTsdbStatus } from '../../src/common/api/types';
import { ROOT, getJson, launchChromium, startVigil, waitFor, type VigilProcess, type Envelope } from './helpers';

let vigil: VigilProcess;
let browser: Browser;

const SHOTS = path.join(ROOT, process.env.VIGIL_UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-results');

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function api<T>(p: string): Promise<T> {
  const r = await getJson<Envelope<T>>(`${vigil.url}${p}`);
  if (r.status !== 'success') throw new Error(`${p}: ${r.error}`);
  return r.data;
}

async function open(hash: string, opts: Parameters<Browser['newPage']>[0] = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, ...opts });
  await page.goto(`${vigil.url}/${hash}`);
  return page;
}

/**
 * withoutStarter is a data folder whose settings switch the starter rule pack off: these tests
 * show the empty states of the alerts and rules pages, and a rule file's own alerts alone.
 */
function withoutStarter(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
  fs.writeFileSync(path.join(d, 'settings.json'), JSON.stringify({ rules: { starter: { enabled: false } } }));
  return d;
}

beforeAll(async () => {
  vigil = await startVigil(['--demo'], { dataDir: withoutStarter() });
  browser = await launchChromium();
  // Every default job of the demo has been discovered and scraped once.
  await waitFor(async () => {
    const t = await api<ApiTargetsData>('/api/v1/targets?state=active');
    const pools = new Set(t.activeTargets.filter((x) => x.health === 'up').map((x) => x.scrapePool));
    return ['kubelet@demo', 'cadvisor@demo', 'kubernetes-pods@demo', 'node-exporter@demo', 'vigil'].every((p) => pools.has(p)) ? true : undefined;
  }, 40_000, 'the demo targets to be up');
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

describe('targets', () => {
  it('lists the demo pools grouped by cluster and job, with counts and the scrape path', async () => {
    const t = await api<ApiTargetsData>('/api/v1/targets?state=active');
    const page = await open('#/targets');
    await page.waitForSelector('[data-testid="targets-cluster-demo"] [data-testid="pool-kubelet@demo"]');
    // The cluster group holds the default jobs' pools; Vigil's own job is outside any cluster.
    const demoPools = await page.$$eval('[data-testid="targets-cluster-demo"] section.pool', (els) => els.map((e) => e.getAttribute('data-testid')));
    const expected = [...new Set(t.activeTargets.filter((x) => x.labels.cluster === 'demo').map((x) => `pool-${x.scrapePool}`))];
    expect([...demoPools].sort()).toEqual(expected.sort());
    expect(await page.$('[data-testid="targets-cluster-none"] [data-testid="pool-vigil"]')).not.toBeNull();
    // Grouped by job: the pool heading shows the job, and pools of one job sit together.
    expect(await page.textContent('[data-testid="pool-kubelet@demo"] .pool-job')).toBe('kubelet');
    const kubelets = t.activeTargets.filter((x) => x.scrapePool === 'kubelet@demo');
    const up = kubelets.filter((x) => x.health === 'up').length;
    expect(await page.textContent('[data-testid="pool-kubelet@demo"] [data-testid="count"]')).toBe(`${up}/${kubelets.length} up`);
    // The kubelets are reached through the API server's node proxy, and the page says so and why.
    const paths = await page.$$eval('[data-testid="pool-kubelet@demo"] [data-testid="scrape-path"]', (els) => els.map((e) => e.textContent ?? ''));
    expect(paths).toHaveLength(kubelets.length);
    for (const p of paths) expect(p).toContain('API server proxy');
    expect(kubelets[0]!.scrapePath).toBe('api-proxy');
    expect(paths[0]).toContain(kubelets[0]!.scrapePathReason!);
    expect(await page.textContent('[data-testid="pool-vigil"] [data-testid="scrape-path"]')).toContain('direct');
    await shot(page, 'targets');
    await page.close();
  });

  it('filters by label text and shows unhealthy only, with the message when all are healthy', async () => {
    const t = await api<ApiTargetsData>('/api/v1/targets?state=active');
    const page = await open('#/targets');
    await page.waitForSelector('[data-testid="target-row"]');
    await page.fill('[data-testid="targets-filter"]', 'node="demo-node-2"');
    const want = t.activeTargets.filter((x) => x.labels.node === 'demo-node-2').length;
    expect(want).toBeGreaterThan(3);
    await waitFor(async () => ((await page.$$('[data-testid="target-row"]')).length === want ? true : undefined), 5_000, 'the filtered rows');
    const labels = await page.$$eval('[data-testid="target-row"] .labels', (els) => els.map((e) => e.textContent ?? ''));
    for (const l of labels) expect(l).toContain('node="demo-node-2"');
    // The filter is in the URL.
    expect(decodeURIComponent(page.url())).toContain('q=node="demo-node-2"');
    // A filter that matches nothing says so.
    await page.fill('[data-testid="targets-filter"]', 'no-such-target-anywhere');
    expect(await page.textContent('[data-testid="targets-empty"]')).toContain('No target matches');

    await page.fill('[data-testid="targets-filter"]', '');
    await page.check('[data-testid="unhealthy-only"]');
    const now = await api<ApiTargetsData>('/api/v1/targets?state=active');
    const unhealthy = now.activeTargets.filter((x) => x.health !== 'up');
    if (unhealthy.length === 0) {
      await page.waitForSelector('[data-testid="targets-empty"]');
      expect(await page.textContent('[data-testid="targets-empty"]')).toBe(`All ${now.activeTargets.length} targets are healthy.`);
      expect(await page.$$('[data-testid="target-row"]')).toHaveLength(0);
    } else {
      const rows = await page.$$eval('[data-testid="target-row"]', (els) => els.map((e) => e.getAttribute('data-health')));
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((h) => h !== 'up')).toBe(true);
    }
    // Collapsing a pool hides its rows.
    await page.uncheck('[data-testid="unhealthy-only"]');
    await page.waitForSelector('[data-testid="pool-kubelet@demo"] [data-testid="target-row"]');
    await page.click('[data-testid="pool-kubelet@demo"] [data-testid="pool-toggle"]');
    expect(await page.$$('[data-testid="pool-kubelet@demo"] [data-testid="target-row"]')).toHaveLength(0);
    expect(await page.getAttribute('[data-testid="pool-kubelet@demo"]', 'data-open')).toBe('false');
    await page.close();
  });

  it('stays fast with 2,000 targets: pools start collapsed, rows render on open, filtering is quick', async () => {
    const many: ApiTarget[] = Array.from({ length: 2000 }, (_, i) => ({
      discoveredLabels: {},
      labels: { job: `app-${i % 20}`, cluster: `c${Math.floor(i / 1000)}`, instance: `10.1.${i >> 8}.${i & 255}:8080`, pod: `pod-${i}` },
      scrapePool: `app-${i % 20}@c${Math.floor(i / 1000)}`,
      scrapeUrl: `http://10.1.${i >> 8}.${i & 255}:8080/metrics`,
      globalUrl: '',
      lastError: i % 97 === 0 ? 'connection refused' : '',
      lastScrape: new Date().toISOString(),
      lastScrapeDuration: 0.004,
      health: i % 97 === 0 ? 'down' : 'up',
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
      scrapePath: 'api-proxy',
    }));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.route('**/api/v1/targets*', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ status: 'success', data: { activeTargets: many, droppedTargets: [] } }) }));
    const t0 = Date.now();
    await page.goto(`${vigil.url}/#/targets`);
    await page.waitForSelector('[data-testid="pool-app-0@c0"]');
    const firstRender = Date.now() - t0;
    expect(await page.$$('section.pool')).toHaveLength(40);
    expect(await page.$$('[data-testid="target-row"]')).toHaveLength(0);
    expect(await page.textContent('[data-testid="targets-summary"]')).toContain(`${2000 - 21}/2000 up`);
    // Filtering opens the matching pools.
    const t1 = Date.now();
    await page.fill('[data-testid="targets-filter"]', 'refused');
    await page.waitForSelector('[data-testid="target-row"]');
    const filterMs = Date.now() - t1;
    expect(await page.$$('[data-testid="target-row"]')).toHaveLength(21);
    await page.fill('[data-testid="targets-filter"]', '');
    await page.click('[data-testid="pool-app-0@c0"] [data-testid="pool-toggle"]');
    expect(await page.$$('[data-testid="target-row"]')).toHaveLength(50);
    console.log(`targets page with 2,000 targets: first render ${firstRender} ms (load included), filter ${filterMs} ms`);
    expect(filterMs).toBeLessThan(3000);
    await page.close();
  });
});

describe('service discovery', () => {
  it("shows a target's labels before and after relabeling, and a dropped target with the rule that dropped it", async () => {
    const t = await api<ApiTargetsData>('/api/v1/targets?state=any');
    const page = await open('#/discovery');
    await page.waitForSelector('[data-testid="sd-pool-kubelet@demo"]');
    await page.click('[data-testid="sd-pool-kubelet@demo"] [data-testid="pool-toggle"]');
    const row = await page.waitForSelector('[data-testid="sd-pool-kubelet@demo"] [data-testid="sd-active"]');
    const before = (await row.$eval('[data-testid="sd-before"]', (e) => e.textContent)) ?? '';
    const after = (await row.$eval('[data-testid="sd-after"]', (e) => e.textContent)) ?? '';
    expect(before).toContain('__meta_kubernetes_node_name="demo-node-');
    expect(before).toContain('job="kubelet@demo"');
    expect(after).toContain('job="kubelet"');
    expect(after).toMatch(/node="demo-node-\d"/);
    expect(after).not.toContain('__meta_');

    const dropped = t.droppedTargets.find((d) => d.scrapePool === 'kubernetes-pods@demo' && d.droppedBy);
    expect(dropped?.droppedBy).toBeDefined();
    await page.selectOption('[data-testid="sd-show"]', 'dropped');
    await page.click('[data-testid="sd-pool-kubernetes-pods@demo"] [data-testid="pool-toggle"]');
    const rule = await page.waitForSelector('[data-testid="sd-pool-kubernetes-pods@demo"] [data-testid="sd-drop-rule"]');
    const text = (await rule.textContent()) ?? '';
    expect(text).toContain(`relabel_configs[${dropped!.droppedBy!.index}]`);
    expect(text).toContain(`action: ${dropped!.droppedBy!.action}`);
    expect(text).toContain(dropped!.droppedBy!.sourceLabels[0]!);
    // No active target is listed with show=dropped.
    expect(await page.$$('[data-testid="sd-pool-kubernetes-pods@demo"] [data-testid="sd-active"]')).toHaveLength(0);
    await shot(page, 'discovery');
    await page.close();
  });
});

describe('status', () => {
  it('shows storage numbers that match /api/v1/status/tsdb, retention, flags, the configuration and the contexts', async () => {
    // Scraping and the history backfill go on while the page loads: its numbers must lie between
    // the API's answers just before and just after it.
    const before = (await api<ApiTsdbStatus>('/api/v1/status/tsdb')).storageStats!;
    const page = await open('#/status');
    await page.waitForSelector('[data-testid="stat-samples"][data-value]:not([data-value=""])');
    const shown = async (id: string): Promise<number> => Number(await page.getAttribute(`[data-testid="${id}"]`, 'data-value'));
    const [series, samples, disk] = [await shown('stat-series'), await shown('stat-samples'), await shown('stat-disk')];
    const after = (await api<ApiTsdbStatus>('/api/v1/status/tsdb')).storageStats!;
    const between = (v: number, a: number, b: number, slack: number): void => {
      expect(v).toBeGreaterThanOrEqual(Math.min(a, b) * (1 - slack));
      expect(v).toBeLessThanOrEqual(Math.max(a, b) * (1 + slack));
    };
    between(series, before.numSeries, after.numSeries, 0.01);
    between(samples, before.numSamples, after.numSamples, 0.01);
    // The file grows and shrinks in steps (checkpoints, compaction): a looser bound.
    between(disk, before.bytesOnDisk, after.bytesOnDisk, 0.25);
    expect(await page.textContent('[data-testid="stat-series"] .stat-value')).toBe(series.toLocaleString('en-US'));
    const bps = Number(await page.getAttribute('[data-testid="stat-bytes-per-sample"]', 'data-value'));
    expect(bps).toBeCloseTo(disk / samples, 6);
    const runtime = await api<Record<string, string>>('/api/v1/status/runtimeinfo');
    expect(await page.textContent('[data-testid="stat-retention"] .stat-value')).toBe(runtime.storageRetention);
    expect(await page.textContent('[data-testid="status-flags"]')).toContain('storage.tsdb.retention.time');
    expect(await page.textContent('[data-testid="config-yaml"]')).toContain('job_name: kubelet@demo');
    await page.waitForSelector('[data-testid="context-demo"] [data-testid="context-jobs"]:has-text("every")');
    expect(await page.textContent('[data-testid="context-demo"]')).toContain('connected');
    await shot(page, 'status');
    await page.close();
  });
});

describe('alerts and rules', () => {
  for (const kind of ['alerts', 'rules'] as const) {
    it(`#/${kind} says there is nothing to show, and that the configuration names no rule files`, async () => {
      const page = await open(`#/${kind}`);
      await page.waitForSelector(`[data-testid="${kind}-empty"] [data-testid="rule-files-none"]`);
      expect(await page.textContent(`[data-testid="${kind}-empty"]`)).toContain(kind === 'rules' ? 'No rule groups are loaded' : 'No alert is firing or pending');
      expect(await page.textContent(`[data-testid="${kind}-empty"]`)).toContain(`/api/v1/${kind}`);
      // Not blank, and not the query page.
      expect(await page.$('[data-testid="expression"]')).toBeNull();
      expect(await page.$('[data-testid="unknown-page"]')).toBeNull();
      expect(((await page.textContent('main')) ?? '').length).toBeGreaterThan(100);
      await page.close();
    });
  }

  it('lists the rule groups and the firing alert of a rule file, with templated annotations', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-rules-'));
    fs.writeFileSync(
      path.join(dir, 'rules.yml'),
      [
        'groups:',
        '  - name: demo-checks',
        '    interval: 2s',
        '    rules:',
        '      - record: cluster:up:count',
        '        expr: count by (cluster) (up{cluster!=""})',
        '      - alert: DemoTargetsUp',
        '        expr: count by (cluster) (up{cluster!=""} == 1) > 0',
        '        labels: {severity: info}',
        '        annotations: {summary: "{{ $value }} targets up in {{ $labels.cluster }}"}',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global: {scrape_interval: 15s, evaluation_interval: 2s}\nrule_files: [${JSON.stringify(path.join(dir, 'rules.yml'))}]\n`);
    const v = await startVigil(['--demo', '--config', path.join(dir, 'prometheus.yml')], { dataDir: withoutStarter() });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${v.url}/#/alerts`);
      await page.waitForSelector('[data-testid="alert-row"][data-state="firing"]', { timeout: 60_000 });
      const row = (await page.textContent('[data-testid="alert-row"][data-state="firing"]')) ?? '';
      expect(row).toContain('DemoTargetsUp');
      expect(row).toContain('severity="info"');
      // The annotation is the template expanded with the alert's value and labels, as the API gives it.
      const api = (await getJson<{ data: { alerts: { annotations: { summary: string }; value: string }[] } }>(`${v.url}/api/v1/alerts`)).data.alerts[0]!;
      expect(api.annotations.summary).toMatch(/^\d+ targets up in demo$/);
      expect(row).toContain('targets up in demo');
      await page.goto(`${v.url}/#/rules`);
      await page.waitForSelector('[data-testid="rule-group"]');
      expect(await page.textContent('[data-testid="rule-group"]')).toContain('demo-checks');
      const health = await page.$$eval('[data-testid="rule-row"]', (rows) => rows.map((r) => (r as HTMLElement).dataset.health));
      expect(health).toEqual(['ok', 'ok']);
      await shot(page, 'rules');
      await page.close();
    } finally {
      await v.stop();
    }
  });
});

describe('the frame', () => {
  it('an unknown route shows the "No page" message', async () => {
    const page = await open('#/nope');
    await page.waitForSelector('[data-testid="unknown-page"]');
    expect(await page.textContent('[data-testid="unknown-page"]')).toContain('No page at #/nope');
    await page.close();
  });

  it('dark mode: the toggle sets data-theme=dark and changes the background; an OS in dark mode starts dark', async () => {
    const page = await open('#/status', { colorScheme: 'light' });
    await page.waitForSelector('[data-testid="status-page"]');
    const bg = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const light = await bg();
    await page.click('[data-testid="theme-toggle"]');
    await waitFor(async () => ((await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark' ? true : undefined), 3000, 'data-theme=dark');
    const dark = await bg();
    expect(dark).not.toBe(light);
    await page.close();

    const os = await open('#/targets', { colorScheme: 'dark' });
    await os.waitForSelector('[data-testid="targets-page"]');
    expect(await os.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await os.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(dark);
    await os.close();
  });

  it('keeps the time range and cluster in the URL across a reload', async () => {
    const page = await open('#/targets');
    await page.waitForSelector('[data-testid="targets-page"]');
    await page.click('[data-testid="time-range"]');
    await page.click('[data-testid="time-popover"] button:has-text("Last 6 hours")');
    await page.waitForSelector('[data-testid="cluster-switcher"] option[value="demo"]', { state: 'attached' });
    await page.selectOption('[data-testid="cluster-switcher"] select', 'demo');
    await waitFor(async () => (page.url().includes('cluster=demo') && page.url().includes('from=now-6h') ? true : undefined), 3000, 'the URL to hold both');
    await page.reload();
    await page.waitForSelector('[data-testid="targets-page"]');
    expect(await page.textContent('[data-testid="time-range"]')).toBe('Last 6 hours');
    await page.waitForSelector('[data-testid="cluster-switcher"] option[value="demo"]', { state: 'attached' });
    expect(await page.$eval('[data-testid="cluster-switcher"] select', (s) => (s as HTMLSelectElement).value)).toBe('demo');
    // The cluster choice applies to the page: Vigil's own target (no cluster) is not listed.
    await page.waitForSelector('[data-testid="targets-cluster-demo"]');
    expect(await page.$('[data-testid="targets-cluster-none"]')).toBeNull();
    await page.close();
  });

  it('back and forward move between two pages; g t goes to targets', async () => {
    const page = await open('#/targets');
    await page.waitForSelector('[data-testid="targets-page"]');
    await page.click('[data-testid="nav-status"]');
    await page.waitForSelector('[data-testid="status-page"]');
    await page.goBack();
    await page.waitForSelector('[data-testid="targets-page"]');
    await page.goForward();
    await page.waitForSelector('[data-testid="status-page"]');
    expect(await page.$('[data-testid="targets-page"]')).toBeNull();

    await page.click('h2');
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await page.waitForSelector('[data-testid="targets-page"]');
    expect(page.url()).toContain('#/targets');
    await page.close();
  });
});

describe('settings', () => {
  it('lists the contexts to monitor and saves a context default jobs (switching one off and back on)', async () => {
    const page = await open('#/settings');
    await page.waitForSelector('[data-testid="monitor-demo"]');
    expect(await page.isChecked('[data-testid="monitor-demo"]')).toBe(true);
    const jobs = '[data-testid="jobs-demo"]';
    await page.waitForSelector(`${jobs} [data-testid="job-kubelet-probes"]`);
    await shot(page, 'settings');
    await page.uncheck(`${jobs} [data-testid="job-kubelet-probes"]`);
    await page.click(`${jobs} [data-testid="save-jobs"]`);
    await waitFor(async () => {
      const c = await api<ApiClusterData>('/api/v1/vigil/cluster');
      return JSON.stringify(c.contexts.find((x) => x.context === 'demo')?.disabledJobs) === '["kubelet-probes"]' ? true : undefined;
    }, 5000, 'kubelet-probes switched off');
    // Switching the last one back on sends an empty list, which must still count as given.
    await page.waitForSelector(`${jobs} [data-testid="job-kubelet-probes"]:not(:checked)`);
    await page.check(`${jobs} [data-testid="job-kubelet-probes"]`);
    await page.click(`${jobs} [data-testid="save-jobs"]`);
    await waitFor(async () => {
      const c = await api<ApiClusterData>('/api/v1/vigil/cluster');
      return c.contexts.find((x) => x.context === 'demo')?.disabledJobs.length === 0 ? true : undefined;
    }, 5000, 'kubelet-probes switched back on');
    // The theme choice here is the same as the toggle's.
    await page.check('[data-testid="theme-dark"]');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.close();
  });
});
