/**
 * `npm run bench:kube`: Kubernetes discovery against the fake API server (bench/kube/cluster.ts,
 * in its own process).
 *
 * 1. Discovery of 5,000 pods and 500 nodes (role pod and role node, one context): the time from
 *    start to the full target set, and the memory discovery holds for it (V8 heap after GC, before
 *    and after; goal <= 50 MB).
 * 2. Steady state with 1,000 pod targets scraped every 30 s through the pod proxy: API-server
 *    requests per minute by kind over a 60 s window (goal: one request per target per interval,
 *    2,000/min, plus the watches, nothing more).
 *
 * Run with `node --expose-gc` (the npm script does). Options: --window SECONDS (default 60).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiscoveryManager } from '../src/main/discovery';
import type { SDConfig, TargetGroup } from '../src/main/discovery';
import { loadConfig } from '../src/main/config';
import { KubeContexts } from '../src/main/kube/contexts';
import { startCore } from '../src/main/host/core';
import { nopLogger } from '../src/main/util/log';

interface Cluster {
  url: string;
  kubeconfig: string;
  control: string;
  child: ChildProcess;
}

function startCluster(nodes: number, pods: number, scraped: number): Promise<Cluster> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'kube', 'cluster.ts'), String(nodes), String(pods), String(scraped)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ ...(JSON.parse(buf.slice(0, nl)) as Omit<Cluster, 'child'>), child });
    });
    child.on('exit', (c) => reject(new Error(`the fake cluster exited (${c})`)));
  });
}

function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:kube does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

async function discoveryPhase(): Promise<void> {
  const cluster = await startCluster(500, 5000, 0);
  try {
    const cfg = loadConfig(`scrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs: [{role: pod}]\n  - job_name: nodes\n    kubernetes_sd_configs: [{role: node}]\n`, 'bench.yml');
    const base = gcHeap();
    const t0 = performance.now();
    const kube = new KubeContexts({ source: { explicit: cluster.kubeconfig }, watch: false, limits: { controlQps: 5, controlBurst: 10 } });
    let full = 0;
    let latest = new Map<string, TargetGroup[]>();
    const done = new Promise<void>((resolve) => {
      const dm = new DiscoveryManager(
        (sets) => {
          for (const [k, v] of sets) latest.set(k, v);
          const count = (k: string): number => (latest.get(k) ?? []).reduce((n, g) => n + g.targets.length, 0);
          // 5,000 pods x 3 declared ports (app, sidecar) = 10,000 pod targets; 500 node targets.
          if (full === 0 && count('pods') === 10_000 && count('nodes') === 500) {
            full = performance.now() - t0;
            resolve();
          }
        },
        { kube, logger: nopLogger, updateDelayMs: 100 },
      );
      dm.applyConfig(new Map(cfg.scrapeConfigs.map((s) => [s.jobName, { staticConfigs: s.staticConfigs, sdConfigs: s.sdConfigs as SDConfig[] }])));
      (globalThis as { __dm?: unknown }).__dm = dm;
    });
    await done;
    await new Promise((r) => setTimeout(r, 500));
    latest = new Map(latest); // what the scrape manager would hold
    const held = gcHeap() - base;
    const objects = kube.informers.list().reduce((n, i) => n + i.store.size, 0);
    console.log(`discovery of 5,000 pods and 500 nodes (10,500 targets):`);
    console.log(`  time to the full target set   ${(full / 1000).toFixed(2)} s`);
    console.log(`  memory held by discovery      ${mb(held)} (V8 heap after GC; ${objects} objects watched)   goal <= 50 MB: ${held <= 50 * 1024 * 1024 ? 'met' : 'NOT met'}`);
    ((globalThis as { __dm?: { stop(): void } }).__dm)!.stop();
    kube.stop();
  } finally {
    cluster.child.kill('SIGTERM');
  }
}

async function steadyPhase(windowS: number): Promise<void> {
  const cluster = await startCluster(50, 1000, 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-kube-core-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'p.yml'),
      `global: {scrape_interval: 30s, scrape_timeout: 10s}\nscrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=scraped"}]}]\n    relabel_configs:\n      - {source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics, action: keep}\n      - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}\n`,
    );
    const core = await startCore({ dataDir: path.join(dir, 'data'), configFile: path.join(dir, 'p.yml'), host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger, kubeconfig: cluster.kubeconfig });
    // Let every target scrape once (phases are spread over the interval), then count.
    await new Promise((r) => setTimeout(r, 35_000));
    await fetch(`${cluster.control}/reset`, { method: 'POST' });
    await new Promise((r) => setTimeout(r, windowS * 1000));
    const counts = (await (await fetch(`${cluster.control}/counts`)).json()) as Record<string, number>;
    const targets = ((await (await fetch(`${core.url}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string }[] } }).data.activeTargets;
    const perMin = (k: string): number => ((counts[k] ?? 0) * 60) / windowS;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`steady state, ${targets.length} targets (${targets.filter((t) => t.health === 'up').length} up) at 30 s, over ${windowS} s:`);
    console.log(`  API-server requests per minute ${((total * 60) / windowS).toFixed(0)}: proxy ${perMin('proxy').toFixed(0)}, watch ${perMin('watch').toFixed(1)}, list ${perMin('list').toFixed(1)}, other ${(perMin('get') + perMin('other') + perMin('discovery')).toFixed(1)}`);
    const expected = (targets.length * 60) / 30;
    console.log(`  goal: ${expected.toFixed(0)} proxy requests/min (one per target per interval) plus the watches: ${Math.abs(perMin('proxy') - expected) <= expected * 0.02 && perMin('list') + perMin('get') + perMin('other') === 0 ? 'met' : 'NOT met'}`);
    await core.stop();
  } finally {
    cluster.child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const w = args.indexOf('--window');
  await discoveryPhase();
  await steadyPhase(w >= 0 ? Number(args[w + 1]) : 60);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
