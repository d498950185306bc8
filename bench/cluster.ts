/**
 * `npm run bench:cluster`: Vigil monitoring a big cluster and the laptop case, with Vigil as real
 * processes (the built CLI, `node bin/vigil.js serve`) against the fake API servers of
 * bench/cluster/fake.ts (a process of its own). Memory is VmRSS and CPU utime + stime from /proc,
 * summed over each Vigil's process tree.
 *
 *  1. Empty app: `vigil serve` monitoring no context (an empty kubeconfig); its steady RSS.
 *  2. One cluster of 500 nodes and 15,000 pods (750 annotated for prometheus.io/scrape), all the
 *     default jobs at 30 s: time from start to the full target set and to the complete kube-state
 *     series (count(kube_pod_info) = pods); RSS over the empty app once settled; the watch-event
 *     processing rate (20,000 pod status updates); API-server requests per minute in steady state
 *     against "one watch per resource kind and one request per target per interval"; Vigil's and
 *     the fake's CPU meanwhile (is Vigil keeping up?).
 *  3. The same cluster with only the kube-state-metrics job on: the RSS of the watched objects and
 *     synthesized series alone, over the empty app (goal <= 150 MB), and the watch-event rate
 *     again without 2,750 scrape targets competing for Vigil's event loop.
 *  4. The laptop case: 3 contexts of ~100 targets each at 30 s, no window open: CPU (% of one
 *     core, goal <= 2%) and RSS (goal <= 250 MB) of all of Vigil's processes.
 *
 * Options: --quick (small clusters, 10 s interval, short windows: a smoke test), --window SECONDS
 * (steady-state window, default 90), --no-save (do not write bench/results/cluster-<date>.md).
 * Needs the built CLI (npm run build) and Linux (/proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { machineBusyS, median, sampleTree, Sampler } from './cluster/proc';
import { startVigil as startPeerVigil } from '../test/peers/vigil';

const ROOT = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
// --only big|kube-state|laptop (repeatable) runs those phases alone (results are not saved).
const ONLY = argv.flatMap((a, i) => (argv[i - 1] === '--only' ? [a] : []));
const runs = (phase: 'big' | 'kube-state' | 'laptop'): boolean => ONLY.length === 0 || ONLY.includes(phase);
const SAVE = !QUICK && !argv.includes('--no-save') && !argv.includes('--only');
const WINDOW_S = ((): number => {
  const i = argv.indexOf('--window');
  return i >= 0 ? Math.max(QUICK ? 10 : 60, Number(argv[i + 1])) : QUICK ? 20 : 90;
})();

/** The sizes: the issue's cluster and the laptop case (3 contexts x ~100 targets). */
const BIG = QUICK ? { nodes: 50, pods: 1500, annotated: 75 } : { nodes: 500, pods: 15_000, annotated: 750 };
// 20 nodes x 4 kubelet jobs + 18 annotated pods + the API server + the synthesized kube-state = 100.
const SMALL = QUICK ? { nodes: 5, pods: 150, annotated: 3 } : { nodes: 20, pods: 600, annotated: 18 };
const INTERVAL_S = QUICK ? 10 : 30;
const CHURN = QUICK ? 2000 : 20_000;
const BASE_SETTLE_S = QUICK ? 8 : 20;
const LAPTOP_MEASURE_S = QUICK ? 20 : 60;

const KUBELET_POOLS = ['kubelet', 'cadvisor', 'kubelet-resource', 'kubelet-probes'];
const ALL_JOBS = [...KUBELET_POOLS, 'kubernetes-pods', 'kubernetes-service-endpoints', 'node-exporter', 'kube-state-metrics', 'apiserver'];

// ---- children: every one is killed by PID on the way out ----

const children = new Set<ChildProcess>();
const tmpDirs: string[] = [];

function alive(c: ChildProcess): boolean {
  return c.exitCode === null && c.signalCode === null;
}

function killAll(): void {
  for (const c of children) {
    if (alive(c) && c.pid !== undefined) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`\nbench:cluster: ${sig}, stopping the children`);
    process.exit(130);
  });
}

/** stopChild ends a child by its PID (SIGTERM, SIGKILL after 10 s). */
function stopChild(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!alive(c) || c.pid === undefined) {
      children.delete(c);
      return resolve();
    }
    const t = setTimeout(() => {
      try {
        process.kill(c.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 10_000);
    c.once('exit', () => {
      clearTimeout(t);
      children.delete(c);
      resolve();
    });
    process.kill(c.pid, 'SIGTERM');
  });
}

function tmpDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-bench-cluster-${tag}-`));
  tmpDirs.push(d);
  return d;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function getJSON<T>(url: string, init: RequestInit = {}): Promise<T> {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${r.status} ${(await r.text()).slice(0, 200)}`);
  return (await r.json()) as T;
}

async function getText(url: string): Promise<string> {
  const r = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  return r.text();
}

/** until polls fn every everyMs until it returns a value other than undefined, or times out (undefined). */
async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 1000): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(everyMs);
  }
  return undefined;
}

// ---- the fake clusters ----

interface ClusterInfo {
  nodes: number;
  pods: number;
  annotatedRunning: number;
  objects: Record<string, number>;
}

interface Fake {
  child: ChildProcess;
  kubeconfig: string;
  contexts: string[];
  clusters: ClusterInfo[];
  control: string;
}

function startFake(specs: { nodes: number; pods: number; annotated: number }[]): Promise<Fake> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'cluster', 'fake.ts'), JSON.stringify(specs)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(child);
    const timer = setTimeout(() => reject(new Error('the fake clusters did not start within 180 s')), 180_000);
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ ...(JSON.parse(buf.slice(0, nl)) as Omit<Fake, 'child'>), child });
      }
    });
    child.on('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`the fake clusters exited (${c})`));
    });
  });
}

// ---- Vigil ----

interface Vigil {
  url: string;
  child: ChildProcess;
  pid: number;
  /** spawnedAt and servingAt are performance.now() times. */
  spawnedAt: number;
  servingAt: number;
  output(): string;
}

async function startVigil(args: string[], dataDir: string, settings?: object, env: NodeJS.ProcessEnv = process.env): Promise<Vigil> {
  if (settings) fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2));
  const spawnedAt = performance.now();
  const v = await startPeerVigil(args, { dataDir, env, timeoutMs: 60_000 });
  children.add(v.child);
  return { url: v.url, child: v.child, pid: v.child.pid!, spawnedAt, servingAt: performance.now(), output: v.output };
}

interface ApiTarget {
  scrapePool: string;
  health: string;
  lastScrape: string;
  lastError: string;
  scrapeUrl: string;
}

async function targets(v: Vigil): Promise<ApiTarget[]> {
  return (await getJSON<{ data: { activeTargets: ApiTarget[] } }>(`${v.url}/api/v1/targets?state=active`)).data.activeTargets;
}

function byPool(ts: ApiTarget[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const t of ts) m[t.scrapePool] = (m[t.scrapePool] ?? 0) + 1;
  return m;
}

async function scalar(v: Vigil, q: string): Promise<number | null> {
  const r = await getJSON<{ data: { result: { value: [number, string] }[] } }>(`${v.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const x = r.data.result[0];
  return x ? Number(x.value[1]) : null;
}

async function headSeries(v: Vigil): Promise<number> {
  return (await getJSON<{ data: { headStats: { numSeries: number } } }>(`${v.url}/api/v1/status/tsdb`)).data.headStats.numSeries;
}

/** informerStats sums a vigil_kube_informer_* counter by path (of one context), and counts informers. */
async function informerStats(v: Vigil, stat: string, context: string): Promise<{ byPath: Record<string, number>; total: number }> {
  const text = await getText(`${v.url}/metrics`);
  const byPath: Record<string, number> = {};
  let total = 0;
  const re = new RegExp(`^vigil_kube_informer_${stat}\\{context="${context}",path="([^"]+)"\\} (\\S+)$`, 'gm');
  for (const m of text.matchAll(re)) {
    byPath[m[1]!] = Number(m[2]);
    total += Number(m[2]);
  }
  return { byPath, total };
}

/** expectedPools is the target count per scrape pool the fake cluster implies (0: no target). */
function expectedPools(ctx: string, c: ClusterInfo): Record<string, number> {
  const e: Record<string, number> = {};
  for (const j of KUBELET_POOLS) e[`${j}@${ctx}`] = c.nodes;
  e[`kubernetes-pods@${ctx}`] = c.annotatedRunning;
  e[`kubernetes-service-endpoints@${ctx}`] = 0; // no annotated services
  e[`node-exporter@${ctx}`] = 0; // no node-exporter pods
  e[`kube-state-metrics@${ctx}`] = 0; // no kube-state-metrics pods: the synthesized target instead
  e[`vigil-kube-state@${ctx}`] = 1;
  e[`apiserver@${ctx}`] = 1;
  return e;
}

function poolsMatch(seen: Record<string, number>, want: Record<string, number>): boolean {
  return Object.entries(want).every(([p, n]) => (seen[p] ?? 0) === n);
}

const MB = 1024 * 1024;
const mb = (b: number): string => `${(b / MB).toFixed(0)} MB`;
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const n0 = (x: number): string => Math.round(x).toLocaleString('en');

/** settledRss samples the tree every second for seconds, returning the median. */
async function settledRss(pid: number, seconds: number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < seconds; i++) {
    xs.push(sampleTree(pid).rss);
    await sleep(1000);
  }
  return median(xs);
}

/** CpuWindow measures the CPU of Vigil's tree, the fake's and the rest of the machine over a span. */
class CpuWindow {
  private readonly a: { v: number; f: number; m: number; at: number };

  constructor(
    private readonly vigil: number,
    private readonly fake: number,
  ) {
    this.a = { v: sampleTree(vigil).cpuS, f: sampleTree(fake).cpuS, m: machineBusyS(), at: performance.now() };
  }

  /** end returns the CPU of each as % of one core since the start. */
  end(): { vigil: number; fake: number; other: number; s: number } {
    const s = (performance.now() - this.a.at) / 1000;
    const v = sampleTree(this.vigil).cpuS - this.a.v;
    const f = sampleTree(this.fake).cpuS - this.a.f;
    const m = machineBusyS() - this.a.m;
    return { vigil: (v / s) * 100, fake: (f / s) * 100, other: (Math.max(0, m - v - f) / s) * 100, s };
  }

  static text(c: { vigil: number; fake: number; other: number; s: number }): string {
    return `Vigil ${c.vigil.toFixed(1)}% of one core, the fake ${c.fake.toFixed(1)}%, the rest of the machine ${c.other.toFixed(1)}% (over ${c.s.toFixed(0)} s)`;
  }
}

async function heapUsed(v: Vigil): Promise<number> {
  const m = /^nodejs_heap_used_bytes (\S+)$/m.exec(await getText(`${v.url}/metrics`));
  return m ? Number(m[1]) : 0;
}

/** churnRate sends n pod updates and times them until the pods informer of ctx has them all. */
async function churnRate(v: Vigil, fake: Fake, ctx: string, n: number): Promise<{ updated: number; fakeMs: number; s: number | null; got: number; rate: number; cpu: string }> {
  const before = (await informerStats(v, 'events_total', ctx)).byPath['/api/v1/pods'] ?? 0;
  const cpu = new CpuWindow(v.pid, fake.child.pid!);
  const t0 = performance.now();
  const churn = await getJSON<{ updated: number; ms: number }>(`${fake.control}/churn?n=${n}&cluster=0`, { method: 'POST' });
  let got = 0;
  const done = await until(
    async () => {
      got = ((await informerStats(v, 'events_total', ctx)).byPath['/api/v1/pods'] ?? 0) - before;
      return got >= churn.updated ? performance.now() : undefined;
    },
    180_000,
    200,
  );
  const s = done !== undefined ? (done - t0) / 1000 : null;
  return { updated: churn.updated, fakeMs: churn.ms, s, got, rate: s !== null ? churn.updated / s : got / 180, cpu: CpuWindow.text(cpu.end()) };
}

/** errorLines are the warn/error log lines of a Vigil's output (first few). */
function errorLines(v: Vigil): string[] {
  return v
    .output()
    .split('\n')
    .filter((l) => /\b(warn|error)\b/i.test(l))
    .slice(0, 8);
}

// ---- the table ----

interface Row {
  figure: string;
  value: string;
  goal: string;
  met: string;
}
const rows: Row[] = [];
const notes: string[] = [];
const row = (figure: string, value: string, goal = '(report)', met = '-'): void => void rows.push({ figure, value, goal, met });
const note = (s: string): void => {
  notes.push(s);
  console.log(`  ${s}`);
};
const yes = (b: boolean): string => (b ? 'yes' : 'NO');

// ---- phases ----

async function emptyApp(): Promise<number> {
  const dir = tmpDir('empty');
  const kc = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kc, '');
  fs.mkdirSync(path.join(dir, 'data'));
  const v = await startVigil(['--kubeconfig', kc], path.join(dir, 'data'), undefined, { ...process.env, KUBECONFIG: kc });
  try {
    await sleep(BASE_SETTLE_S * 1000);
    const rss = await settledRss(v.pid, 5);
    console.log(`empty app (no context): RSS ${mb(rss)} after ${BASE_SETTLE_S + 5} s`);
    return rss;
  } finally {
    await stopChild(v.child);
  }
}

async function bigCluster(fake: Fake, emptyRss: number): Promise<void> {
  const ctx = fake.contexts[0]!;
  const c = fake.clusters[0]!;
  const want = expectedPools(ctx, c);
  const wantTotal = Object.values(want).reduce((a, b) => a + b, 0);
  const requestTargets = wantTotal - 1; // every target but the synthesized kube-state one goes to the API server
  const dir = tmpDir('big');
  const settings = { cluster: { scrapeInterval: `${INTERVAL_S}s` } };
  console.log(`\ncluster of ${n0(c.nodes)} nodes, ${n0(c.pods)} pods (${c.annotatedRunning} annotated running), all default jobs at ${INTERVAL_S} s:`);
  console.log(`  objects in the fake: ${Object.entries(c.objects).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n0(n)}`).join(', ')}`);
  const v = await startVigil(['--kubeconfig', fake.kubeconfig, '--context', ctx], dir, settings);
  const sampler = new Sampler(v.pid, 1000);
  try {
    console.log(`  vigil serving after ${sec(v.servingAt - v.spawnedAt)}`);
    let seen: Record<string, number> = {};
    const full = await until(
      async () => {
        seen = byPool(await targets(v));
        return poolsMatch(seen, want) ? performance.now() : undefined;
      },
      240_000,
      1000,
    );
    const shown = Object.keys(want).map((p) => `${p.split('@')[0]} ${seen[p] ?? 0}/${want[p]}`).join(', ');
    if (full !== undefined) note(`full target set (${n0(wantTotal)} targets) after ${sec(full - v.spawnedAt)} from start: ${shown}`);
    else note(`full target set NOT reached within 240 s: seen/expected ${shown}`);
    row(`discovery: start to full target set (${n0(wantTotal)} targets)`, full !== undefined ? sec(full - v.spawnedAt) : `not reached (240 s)`, '(report)', full !== undefined ? '-' : 'NO');

    const ksm = await until(async () => ((await scalar(v, 'count(kube_pod_info)')) === c.pods ? performance.now() : undefined), 240_000, 1000);
    if (ksm !== undefined) note(`count(kube_pod_info) = ${n0(c.pods)} after ${sec(ksm - v.spawnedAt)} from start`);
    else note(`count(kube_pod_info) NOT ${c.pods} within 240 s: ${await scalar(v, 'count(kube_pod_info)').catch(() => null)}`);
    row(`kube-state series complete (count(kube_pod_info) = ${n0(c.pods)})`, ksm !== undefined ? sec(ksm - v.spawnedAt) : 'not reached (240 s)', '(report)', ksm !== undefined ? '-' : 'NO');

    // Settle: two intervals (nothing asks Vigil anything meanwhile).
    const settle = new CpuWindow(v.pid, fake.child.pid!);
    await sleep(2 * INTERVAL_S * 1000);
    note(`settling: ${CpuWindow.text(settle.end())}`);
    const ts = await targets(v);
    const up = ts.filter((t) => t.health === 'up').length;
    const down = ts.filter((t) => t.health !== 'up');
    const series = await headSeries(v);
    note(`after settling (t+${sec(performance.now() - v.spawnedAt)}): ${n0(ts.length)} targets (${n0(up)} up, ${n0(ts.filter((t) => t.lastScrape.startsWith('0001')).length)} never scraped), ${n0(series)} head series`);
    if (down.length > 0) {
      const why: Record<string, number> = {};
      for (const t of down) why[`${t.scrapePool.split('@')[0]}: ${t.lastError.replace(/https?:\/\/\S+/g, 'URL').slice(0, 60)}`] = (why[`${t.scrapePool.split('@')[0]}: ${t.lastError.replace(/https?:\/\/\S+/g, 'URL').slice(0, 60)}`] ?? 0) + 1;
      note(`down: ${Object.entries(why).map(([k, n]) => `${n} x ${k}`).join('; ')}`);
    }
    const rss = await settledRss(v.pid, 10);
    note(`RSS settled ${mb(rss)} (peak so far ${mb(sampler.peak)}; V8 heap used ${mb(await heapUsed(v))}), empty app ${mb(emptyRss)}: over the empty app ${mb(rss - emptyRss)}, ${n0((rss - emptyRss) / series)} B per head series`);
    row(`RSS over empty app, all default jobs (${n0(wantTotal)} targets, includes the scraped series)`, `${mb(rss - emptyRss)} (${mb(rss)} total, peak ${mb(sampler.peak)})`, '<= 150 MB', yes(rss - emptyRss <= 150 * MB));

    // Watch events: CHURN pod status updates, timed until the pods informer has received them all.
    const restartsBefore = await scalar(v, 'sum(kube_pod_container_status_restarts_total)');
    const churn = await churnRate(v, fake, ctx, CHURN);
    note(`watch events: ${n0(churn.updated)} pod updates (the fake made them in ${churn.fakeMs} ms), all received by Vigil's pods informer after ${churn.s !== null ? `${churn.s.toFixed(1)} s` : 'NOT within 180 s'}: ${n0(churn.rate)} events/s; meanwhile ${churn.cpu}`);
    row(`watch-event processing, all default jobs (${n0(churn.updated)} pod updates)`, `${n0(churn.rate)} events/s${churn.s === null ? ` (only ${n0(churn.got)} received)` : ''}`, '(report)', churn.s !== null ? '-' : 'NO');

    // Steady state: one interval to calm down, then count the fake's requests over the window.
    await sleep(INTERVAL_S * 1000);
    const watchesBefore = await informerStats(v, 'watches_total', ctx);
    const listsBefore = await informerStats(v, 'lists_total', ctx);
    await fetch(`${fake.control}/reset`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    const w0 = performance.now();
    const steadyCpu = new CpuWindow(v.pid, fake.child.pid!);
    await sleep(WINDOW_S * 1000);
    const steadyCpuEnd = steadyCpu.end();
    const counts = (await getJSON<Record<string, number>[]>(`${fake.control}/counts`))[0]!;
    const windowS = (performance.now() - w0) / 1000;
    const watchesAfter = await informerStats(v, 'watches_total', ctx);
    const listsAfter = await informerStats(v, 'lists_total', ctx);
    const informers = Object.keys(watchesAfter.byPath).length;
    const perMin = (k: string): number => ((counts[k] ?? 0) * 60) / windowS;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const expProxy = (requestTargets - 1) * (60 / INTERVAL_S); // the kubelet and pod targets, through the proxy
    const expMetrics = 60 / INTERVAL_S; // the apiserver target
    const byKind = Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${((n * 60) / windowS).toFixed(1)}`)
      .join(', ');
    const others = Object.entries(counts).filter(([k]) => !['proxy', 'metrics', 'watch'].includes(k));
    const proxyOk = Math.abs(perMin('proxy') - expProxy) <= expProxy * 0.02;
    const metricsOk = Math.abs(perMin('metrics') - expMetrics) <= 1;
    const watchOk = (counts.watch ?? 0) <= informers;
    const steadyOk = proxyOk && metricsOk && watchOk && others.every(([, n]) => n === 0);
    note(`steady state over ${windowS.toFixed(0)} s: ${n0((total * 60) / windowS)} requests/min: ${byKind || 'none'}`);
    note(`  expected ${n0(expProxy + expMetrics)}/min: ${n0(requestTargets)} targets x ${60 / INTERVAL_S}/min (proxy ${n0(expProxy)}, metrics ${expMetrics}) + ${informers} watches held open (one per informer: ${Object.keys(watchesAfter.byPath).map((p) => p.split('/').pop()).join(', ')})`);
    note(`  informers in the window: ${watchesAfter.total - watchesBefore.total} watches started (each after a watch's 5-10 min timeout), ${listsAfter.total - listsBefore.total} list pages`);
    const tsEnd = await targets(v);
    note(`  meanwhile: ${CpuWindow.text(steadyCpuEnd)}; at the end ${n0(tsEnd.filter((t) => t.health === 'up').length)}/${n0(tsEnd.length)} targets up`);
    if (!steadyOk) note(`  off: ${[!proxyOk && `proxy ${perMin('proxy').toFixed(0)} vs ${expProxy}`, !metricsOk && `metrics ${perMin('metrics').toFixed(1)} vs ${expMetrics}`, !watchOk && `${counts.watch} watch requests for ${informers} informers`, ...others.filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n} in ${windowS.toFixed(0)} s`)].filter(Boolean).join('; ')}`);
    row(`API-server requests/min, steady state (${windowS.toFixed(0)} s window)`, `${n0((total * 60) / windowS)}/min (${byKind})`, `${n0(expProxy + expMetrics)}/min + ${informers} open watches, nothing else`, yes(steadyOk));

    const restartsAfter = await scalar(v, 'sum(kube_pod_container_status_restarts_total)');
    if (restartsBefore !== null && restartsAfter !== null) {
      const d = restartsAfter - restartsBefore;
      note(`kube_pod_container_status_restarts_total rose by ${n0(d)} after the ${n0(churn.updated)} restarts${d === churn.updated ? ' (as it should)' : ' (EXPECTED the same number)'}`);
    }
    const errs = errorLines(v);
    if (errs.length > 0) note(`vigil warnings/errors: ${errs.join(' | ').slice(0, 600)}`);
  } finally {
    sampler.stop();
    await stopChild(v.child);
  }
}

async function kubeStateOnly(fake: Fake, emptyRss: number): Promise<void> {
  const ctx = fake.contexts[0]!;
  const c = fake.clusters[0]!;
  const dir = tmpDir('ksm');
  const settings = { cluster: { scrapeInterval: `${INTERVAL_S}s`, contexts: { [ctx]: { disabledJobs: ALL_JOBS.filter((j) => j !== 'kube-state-metrics') } } } };
  console.log(`\nthe same cluster, only the kube-state-metrics job (watched objects and synthesized series):`);
  const v = await startVigil(['--kubeconfig', fake.kubeconfig, '--context', ctx], dir, settings);
  const sampler = new Sampler(v.pid, 1000);
  try {
    const ksm = await until(async () => ((await scalar(v, 'count(kube_pod_info)')) === c.pods ? performance.now() : undefined), 240_000, 1000);
    note(`count(kube_pod_info) = ${n0(c.pods)} ${ksm !== undefined ? `after ${sec(ksm - v.spawnedAt)}` : 'NOT reached in 240 s'}; pools ${JSON.stringify(byPool(await targets(v)))}`);
    const settle = new CpuWindow(v.pid, fake.child.pid!);
    await sleep(2 * INTERVAL_S * 1000);
    note(`settling: ${CpuWindow.text(settle.end())}`);
    const rss = await settledRss(v.pid, 10);
    const objects = (await informerStats(v, 'objects', ctx)).total;
    const series = await headSeries(v);
    note(`${n0(objects)} objects watched, ${n0(series)} head series; RSS settled ${mb(rss)} (peak ${mb(sampler.peak)}; V8 heap used ${mb(await heapUsed(v))}): over the empty app ${mb(rss - emptyRss)}, ${n0((rss - emptyRss) / series)} B per head series`);
    row(`RSS over empty app, watched objects + synthesized series only (${n0(objects)} objects, ${n0(series)} series)`, `${mb(rss - emptyRss)} (${mb(rss)} total, peak ${mb(sampler.peak)})`, '<= 150 MB', yes(rss - emptyRss <= 150 * MB));
    const churn = await churnRate(v, fake, ctx, CHURN);
    note(`watch events: ${n0(churn.updated)} pod updates, received after ${churn.s !== null ? `${churn.s.toFixed(1)} s` : 'NOT within 180 s'}: ${n0(churn.rate)} events/s; meanwhile ${churn.cpu}`);
    row(`watch-event processing, kube-state job only (${n0(churn.updated)} pod updates)`, `${n0(churn.rate)} events/s${churn.s === null ? ` (only ${n0(churn.got)} received)` : ''}`, '(report)', churn.s !== null ? '-' : 'NO');
  } finally {
    sampler.stop();
    await stopChild(v.child);
  }
}

async function laptop(): Promise<void> {
  console.log(`\nlaptop case: 3 contexts of ${SMALL.nodes} nodes / ${SMALL.pods} pods (${SMALL.annotated} annotated) at ${INTERVAL_S} s, no window open:`);
  const fake = await startFake([SMALL, SMALL, SMALL]);
  try {
    const want: Record<string, number> = {};
    fake.contexts.forEach((ctx, i) => Object.assign(want, expectedPools(ctx, fake.clusters[i]!)));
    const wantTotal = Object.values(want).reduce((a, b) => a + b, 0);
    const dir = tmpDir('laptop');
    const v = await startVigil(['--kubeconfig', fake.kubeconfig, ...fake.contexts.flatMap((c) => ['--context', c])], dir, { cluster: { scrapeInterval: `${INTERVAL_S}s` } });
    try {
      let seen: Record<string, number> = {};
      const full = await until(
        async () => {
          seen = byPool(await targets(v));
          return poolsMatch(seen, want) ? performance.now() : undefined;
        },
        120_000,
        1000,
      );
      note(`${n0(wantTotal)} targets (${fake.contexts.map((ctx) => Object.entries(want).filter(([p]) => p.endsWith(`@${ctx}`)).reduce((a, [, n]) => a + n, 0)).join(' + ')}) ${full !== undefined ? `after ${sec(full - v.spawnedAt)}` : `NOT all seen: ${JSON.stringify(seen)}`}`);
      // Warm-up: every target scraped once, then an interval more; nothing talks to Vigil after it.
      await until(async () => ((await targets(v)).every((t) => !t.lastScrape.startsWith('0001')) ? true : undefined), (INTERVAL_S * 3 + 30) * 1000, 2000);
      const ts = await targets(v);
      note(`${ts.filter((t) => t.health === 'up').length}/${ts.length} targets up`);
      await sleep(INTERVAL_S * 1000 + 5000);
      const busy0 = machineBusyS();
      const fake0 = sampleTree(fake.child.pid!).cpuS;
      const a = sampleTree(v.pid);
      const rssXs: number[] = [a.rss];
      const end = performance.now() + LAPTOP_MEASURE_S * 1000;
      while (performance.now() < end) {
        await sleep(Math.min(5000, Math.max(0, end - performance.now())));
        rssXs.push(sampleTree(v.pid).rss);
      }
      const b = sampleTree(v.pid);
      const cpu = ((b.cpuS - a.cpuS) / ((b.at - a.at) / 1000)) * 100;
      const fakeCpu = sampleTree(fake.child.pid!).cpuS - fake0;
      const other = ((machineBusyS() - busy0 - (b.cpuS - a.cpuS) - fakeCpu) / ((b.at - a.at) / 1000)) * 100;
      const rssMax = Math.max(...rssXs);
      note(`over ${((b.at - a.at) / 1000).toFixed(0)} s: CPU ${cpu.toFixed(2)}% of one core (${(b.cpuS - a.cpuS).toFixed(2)} s), RSS median ${mb(median(rssXs))}, max ${mb(rssMax)} (${b.pids} process${b.pids > 1 ? 'es' : ''}); V8 heap used ${mb(await heapUsed(v))}, ${n0(await headSeries(v))} head series; the fake ${((fakeCpu / ((b.at - a.at) / 1000)) * 100).toFixed(1)}%, the rest of the machine ${Math.max(0, other).toFixed(1)}% of a core`);
      row(`laptop idle: CPU, 3 contexts x ~${Math.round(wantTotal / 3)} targets at ${INTERVAL_S} s (${((b.at - a.at) / 1000).toFixed(0)} s)`, `${cpu.toFixed(2)}% of one core`, '<= 2%', yes(cpu <= 2));
      row(`laptop idle: RSS of all Vigil processes (${b.pids})`, `${mb(rssMax)} (max; median ${mb(median(rssXs))})`, '<= 250 MB', yes(rssMax <= 250 * MB));
      const errs = errorLines(v);
      if (errs.length > 0) note(`vigil warnings/errors: ${errs.join(' | ').slice(0, 600)}`);
    } finally {
      await stopChild(v.child);
    }
    await fakeStats(fake);
  } finally {
    await stopChild(fake.child);
  }
}

/** fakeStats notes the watch writes the fake dropped after their response had ended. */
async function fakeStats(fake: Fake): Promise<void> {
  if (!alive(fake.child)) return;
  const st = await getJSON<{ writesAfterEnd: number }>(`${fake.control}/stats`).catch(() => null);
  if (st && st.writesAfterEnd > 0) note(`the fake dropped ${st.writesAfterEnd} watch write(s) after their response had ended (FakeApiServer bug, see bench/cluster/fake.ts)`);
}

function table(): string {
  const head: Row = { figure: 'figure', value: 'value', goal: 'goal', met: 'met?' };
  const all = [head, ...rows];
  const w = (k: keyof Row): number => Math.max(...all.map((r) => r[k].length));
  const line = (r: Row): string => `| ${r.figure.padEnd(w('figure'))} | ${r.value.padEnd(w('value'))} | ${r.goal.padEnd(w('goal'))} | ${r.met.padEnd(w('met'))} |`;
  return [line(head), `|${'-'.repeat(w('figure') + 2)}|${'-'.repeat(w('value') + 2)}|${'-'.repeat(w('goal') + 2)}|${'-'.repeat(w('met') + 2)}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('bench:cluster reads /proc: Linux only');
  const t0 = performance.now();
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
  console.log(`bench:cluster${QUICK ? ' --quick' : ''} on ${machine}`);
  note(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} (${os.cpus().length} cores; other work on the machine slows every wall-clock figure)`);
  // The empty app settles while the big fake cluster fills up.
  const needBig = runs('big') || runs('kube-state');
  const fakeP = needBig ? startFake([BIG]) : null;
  fakeP?.catch(() => {});
  const emptyRss = await emptyApp();
  row('empty app RSS (vigil serve, no context)', mb(emptyRss));
  if (!needBig) {
    await phase('laptop case', laptop);
    return finish(t0, machine, { nodes: SMALL.nodes, pods: SMALL.pods, annotatedRunning: SMALL.annotated, objects: {} });
  }
  let fake = await fakeP!;
  try {
    if (runs('big')) {
      await phase('big cluster', () => bigCluster(fake, emptyRss), () => alive(fake.child));
      await fakeStats(fake);
    }
    if (runs('kube-state')) {
      if (!alive(fake.child)) {
        note('the fake clusters had exited: started again for the next phase');
        fake = await startFake([BIG]);
      }
      await phase('kube-state only', () => kubeStateOnly(fake, emptyRss), () => alive(fake.child));
      await fakeStats(fake);
    }
  } finally {
    await stopChild(fake.child);
  }
  if (runs('laptop')) await phase('laptop case', laptop);
  finish(t0, machine, fake.clusters[0]!);
}

/** phase runs one part of the benchmark; a failure becomes a row and a note, and the rest still runs. */
async function phase(name: string, fn: () => Promise<void>, fakeAlive: () => boolean = () => true): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!;
    note(`${name} FAILED: ${msg}${fakeAlive() ? '' : ' (the fake clusters had exited)'}`);
    row(`${name}: not completed`, `failed: ${msg.slice(0, 80)}`, '-', 'NO');
  }
}

function finish(t0: number, machine: string, big: ClusterInfo): void {
  const elapsed = (performance.now() - t0) / 1000;
  const t = table();
  console.log(`\n${t}\n\n(total ${(elapsed / 60).toFixed(1)} min)`);
  if (SAVE) {
    const date = new Date().toISOString().slice(0, 10);
    const file = path.join(ROOT, 'bench', 'results', `cluster-${date}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const md = [
      `# bench:cluster, ${date}`,
      '',
      `Machine: ${machine}.`,
      '',
      `Command: \`npm run bench:cluster${argv.length ? ` -- ${argv.join(' ')}` : ''}\` (${(elapsed / 60).toFixed(1)} min). Vigil as \`node bin/vigil.js serve\` child processes against bench/cluster/fake.ts; RSS is VmRSS and CPU utime+stime of each Vigil's process tree (/proc).`,
      '',
      `Cluster: ${n0(big.nodes)} nodes, ${n0(big.pods)} pods (${big.annotatedRunning} annotated), default jobs at ${INTERVAL_S} s. Laptop case: 3 contexts of ${SMALL.nodes} nodes / ${SMALL.pods} pods / ${SMALL.annotated} annotated.`,
      '',
      t,
      '',
      '## Details',
      '',
      ...notes.map((n) => `- ${n.trim()}`),
      '',
    ].join('\n');
    fs.writeFileSync(file, md);
    console.log(`saved ${path.relative(ROOT, file)}`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
