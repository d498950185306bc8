/**
 * Keeping the fake API server honest: the reference Prometheus and Vigil discover the same
 * objects through it as through the real control plane (test/kube/real-cluster.test.ts), with
 * identical labels, and kubectl works against it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../src/main/demo/apiserver';
import { startCore, type Core } from '../../src/main/host/core';
import { nopLogger } from '../../src/main/util/log';
import { findPrometheus, freePort } from '../peers/prometheus';
import { discoveredByPool, ENDPOINT_SLICE, ENDPOINTS, INGRESS, node, parityConfig, PARITY_POOLS, pod, SERVICES } from './tier/fixtures';

const run = promisify(execFile);
let api: FakeApiServer;
let dir: string;
let kubeconfig: string;
let prom: ChildProcess | null = null;
let core: Core | null = null;

beforeAll(async () => {
  api = new FakeApiServer();
  await api.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fake-parity-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, api.kubeconfig([{ name: 'admin', token: 'admin-token' }]));
  const s = api.store;
  s.put('namespaces', { metadata: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default', team: 'web' }, annotations: { owner: 'vigil' } }, status: { phase: 'Active' } });
  for (const [n, ip] of [['node-a', '198.18.1.1'], ['node-b', '198.18.1.2']] as const) s.put('nodes', node(n, ip) as never);
  s.put('pods', pod('web-1', '198.18.2.1', 'node-a', { app: 'web', tier: 'front' }, { 'prometheus.io/scrape': 'true' }) as never);
  s.put('pods', pod('web-2', '198.18.2.2', 'node-b', { app: 'web' }) as never);
  const ne = pod('node-exporter-a', '198.18.2.3', 'node-a', { 'app.kubernetes.io/name': 'node-exporter' }) as { spec: { containers: { ports?: unknown[] }[] } };
  ne.spec.containers[0]!.ports = [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }];
  s.put('pods', ne as never);
  for (const svc of SERVICES) s.put('services', { ...svc, spec: { ...(svc.spec as object), ...((svc.spec as { type?: string }).type === 'ClusterIP' ? { clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'] } : {}) } } as never);
  s.put('endpoints', ENDPOINTS as never);
  s.put('endpointslices', ENDPOINT_SLICE as never);
  s.put('ingresses', INGRESS as never);
}, 60_000);

afterAll(async () => {
  prom?.kill('SIGKILL');
  await core?.stop();
  await api.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the fake API server', () => {
  it('gives the reference Prometheus and Vigil the same discovered labels, for all six roles', async () => {
    const peer = await findPrometheus();
    expect(peer.reference).toBe(true);
    fs.writeFileSync(path.join(dir, 'parity.yml'), parityConfig(kubeconfig));
    const port = await freePort();
    prom = spawn(peer.prometheus, [`--config.file=${path.join(dir, 'parity.yml')}`, `--storage.tsdb.path=${path.join(dir, 'prom')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    core = await startCore({ dataDir: path.join(dir, 'vigil'), configFile: path.join(dir, 'parity.yml'), host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: nopLogger, kubeconfig });
    let p: Record<string, string[]> = {};
    let v: Record<string, string[]> = {};
    const end = Date.now() + 60_000;
    for (;;) {
      p = await discoveredByPool(`http://127.0.0.1:${port}`).catch(() => ({}));
      v = await discoveredByPool(core.url);
      if (PARITY_POOLS.every((x) => (p[x]?.length ?? 0) > 0 && p[x]!.length === v[x]?.length)) break;
      if (Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const pool of PARITY_POOLS) {
      expect(p[pool]?.length ?? 0, pool).toBeGreaterThan(0);
      expect(v[pool], pool).toEqual(p[pool]);
    }
  }, 90_000);

  it('answers kubectl get pods,nodes,svc -A', async () => {
    const r = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods,nodes,svc', '-A']);
    expect(r.stdout).toMatch(/default\s+pod\/web-1/);
    expect(r.stdout).toMatch(/node\/node-a/);
    expect(r.stdout).toMatch(/default\s+service\/web/);
  });
});
