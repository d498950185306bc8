/**
 * `npm run bench:ui`: the renderer in Debian's Chromium (playwright-core) against `vigil serve`.
 *
 * 1. API response -> chart drawn, for 50 series x 5,760 points (goal <= 100 ms) and 500 series x
 *    1,000 points (goal <= 300 ms): the page #/dashboards/bench turns a query_range body of that
 *    size into columns and a drawn uPlot chart (JSON.parse, toColumns, React commit, draw, next
 *    frame); the median of 5 runs.
 * 2. The cluster dashboard's first full draw from a cold page load in demo mode (a new browser
 *    context, `vigil serve --demo` with its history): navigation start to every panel loaded
 *    (goal <= 1.5 s); the median of 3 loads.
 * 3. Main-thread long tasks (PerformanceObserver 'longtask') during 60 s of auto refresh every 5 s
 *    on the cluster dashboard (goal: none over 50 ms).
 * 4. The renderer's JS heap (after a forced GC) after 10 minutes of auto refresh every 5 s, against
 *    the heap after the first minute (goal: flat, growth < 10%). `--quick` shortens the soak to
 *    2 minutes (the output says so).
 *
 * Prints a table (figure, value, goal, met?) and writes it to bench/results/ui-<date>.md.
 * Run `npm run build` first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startVigil, type VigilProcess } from '../test/peers/vigil';

type BenchFn = (series: number, points: number) => Promise<{ ms: number; parseMs: number; columnsMs: number; bytes: number; drawn: number }>;

const quick = process.argv.includes('--quick');
const SOAK_MIN = quick ? 2 : 10;

interface Figure {
  figure: string;
  value: string;
  goal: string;
  met: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

async function waitDemo(url: string): Promise<void> {
  const end = Date.now() + 180_000;
  for (;;) {
    const q = encodeURIComponent('count_over_time(kube_pod_owner{namespace="shop"}[30m]) > 20 and on () count(rate(container_cpu_usage_seconds_total{image!=""}[5m])) > 0');
    const r = await getJson<{ data?: { result?: unknown[] } }>(`${url}/api/v1/query?query=${q}`).catch(() => ({}) as { data?: { result?: unknown[] } });
    if ((r.data?.result?.length ?? 0) > 0) return;
    if (Date.now() > end) throw new Error('the demo had no history in time');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function settled(page: Page): Promise<number> {
  await page.waitForSelector('[data-dashboard="cluster"] [data-testid=panel]', { timeout: 30_000 });
  // (no named functions inside: tsx would wrap them in a helper the page does not have)
  const h = await page.waitForFunction(() => (document.querySelectorAll('[data-testid=panel]').length > 0 && document.querySelectorAll('.panel-loading').length === 0 ? performance.now() : 0), undefined, { polling: 'raf', timeout: 30_000 });
  return (await h.jsonValue()) as number;
}

async function chartFigures(browser: Browser, url: string, out: Figure[]): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/#/dashboards/bench`);
  await page.waitForFunction(() => typeof (window as unknown as { __vigilBench?: unknown }).__vigilBench === 'function');
  for (const [series, points, goal] of [
    [50, 5760, 100],
    [500, 1000, 300],
  ] as const) {
    const runs: number[] = [];
    let detail = '';
    for (let i = 0; i < 6; i++) {
      const r = await page.evaluate(([s, p]) => (window as unknown as { __vigilBench: BenchFn }).__vigilBench(s, p), [series, points] as const);
      if (r.drawn !== series) throw new Error(`the chart drew ${r.drawn} series, not ${series}`);
      if (i > 0) runs.push(r.ms); // the first run warms the JIT
      detail = `parse ${r.parseMs.toFixed(0)} ms, columns ${r.columnsMs.toFixed(0)} ms, ${(r.bytes / 1e6).toFixed(1)} MB body`;
    }
    const m = median(runs);
    out.push({ figure: `API response -> chart drawn, ${series} series x ${points.toLocaleString('en')} points (median of 5; ${detail})`, value: `${m.toFixed(0)} ms`, goal: `<= ${goal} ms`, met: m <= goal });
  }
  await page.close();
}

async function coldLoad(browser: Browser, url: string, out: Figure[]): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await ctx.newPage();
    await page.goto(`${url}/#/dashboards`);
    const t = await settled(page);
    if (i > 0) times.push(t); // the first load warms the server's caches
    await ctx.close();
  }
  const m = median(times);
  out.push({ figure: 'cluster dashboard, cold page load to every panel drawn (demo, median of 3)', value: `${m.toFixed(0)} ms`, goal: '<= 1500 ms', met: m <= 1500 });
}

async function soak(browser: Browser, url: string, out: Figure[]): Promise<void> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await ctx.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const heap = async (): Promise<number> => {
    await cdp.send('HeapProfiler.collectGarbage');
    const r = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return r.usedSize;
  };
  await page.goto(`${url}/#/dashboards?refresh=5s`);
  await settled(page);
  // Long tasks over 60 s of refreshes, after the first draw.
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
  const refreshes0 = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/query')).length);
  await page.waitForTimeout(60_000);
  const long = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const queries = (await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/query')).length)) - refreshes0;
  const supported = await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask'));
  if (!supported) throw new Error("this Chromium's PerformanceObserver does not report 'longtask'");
  const over = long.filter((d) => d > 50);
  out.push({ figure: `long tasks over 50 ms during 60 s of auto refresh every 5 s (${queries} queries; ${long.length} long tasks, longest ${long.length ? Math.max(...long).toFixed(0) : '-'} ms)`, value: String(over.length), goal: 'none', met: over.length === 0 });
  // Heap: the first minute's against the end of the soak.
  const h0 = await heap();
  await page.evaluate(() => performance.clearResourceTimings());
  await page.waitForTimeout((SOAK_MIN - 1) * 60_000);
  const h1 = await heap();
  const growth = (h1 - h0) / h0;
  out.push({ figure: `renderer JS heap after ${SOAK_MIN} min of auto refresh every 5 s${quick ? ' (--quick: 2 min soak, not 10)' : ''}: ${(h0 / 1e6).toFixed(1)} MB -> ${(h1 / 1e6).toFixed(1)} MB`, value: `${(growth * 100).toFixed(1)}%`, goal: '< 10% growth', met: growth < 0.1 });
  await ctx.close();
}

async function main(): Promise<void> {
  const out: Figure[] = [];
  let vigil: VigilProcess | undefined;
  let browser: Browser | undefined;
  try {
    vigil = await startVigil(['--demo']);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    await chartFigures(browser, vigil.url, out);
    await waitDemo(vigil.url);
    await coldLoad(browser, vigil.url, out);
    await soak(browser, vigil.url, out);
  } finally {
    await browser?.close();
    await vigil?.stop();
  }
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `# bench:ui ${date}${quick ? ' (--quick)' : ''}`,
    '',
    `Chromium ${'(Debian, headless)'} against \`vigil serve --demo\`; ${process.platform} ${process.arch}, Node ${process.version}.`,
    '',
    '| figure | value | goal | met? |',
    '|---|---|---|---|',
    ...out.map((f) => `| ${f.figure} | ${f.value} | ${f.goal} | ${f.met ? 'yes' : 'NO'} |`),
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `ui-${date}.md`), text);
  console.log(`written to bench/results/ui-${date}.md`);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
