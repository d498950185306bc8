/**
 * The fake cluster of `npm run bench:kube`, in a process of its own so that its memory and CPU are
 * not counted as Vigil's: the fake API server with N nodes and M pods (each pod's metrics port is
 * one small exporter on loopback), and a control endpoint on loopback:
 *   GET /counts  -> the fake's request counts by kind
 *   POST /reset  -> zero them
 * Prints one JSON line {url, kubeconfig, control} once ready.
 *   node --import tsx bench/kube/cluster.ts NODES PODS SCRAPED
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { FakeApiServer } from '../../src/main/demo/apiserver';

async function main(): Promise<void> {
  const [nodes = 500, pods = 5000, scraped = 0] = process.argv.slice(2).map(Number);
  const app = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end('# TYPE requests counter\nrequests_total{code="200"} 1\n'));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const port = (app.address() as AddressInfo).port;
  const api = new FakeApiServer({ recordRequests: false });
  await api.start();
  for (let n = 0; n < nodes; n++) {
    api.store.put('nodes', {
      metadata: { name: `node-${n}`, labels: { 'kubernetes.io/hostname': `node-${n}`, 'topology.kubernetes.io/zone': `zone-${n % 3}`, 'node.kubernetes.io/instance-type': 'm5.large' } },
      status: { addresses: [{ type: 'InternalIP', address: `10.0.${n >> 8}.${n & 255}` }, { type: 'Hostname', address: `node-${n}` }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }, conditions: [{ type: 'Ready', status: 'True' }] },
    });
  }
  for (let i = 0; i < pods; i++) {
    const app = i < scraped ? 'scraped' : `app-${i % 50}`;
    api.store.put('pods', {
      metadata: {
        name: `pod-${i}`,
        namespace: `ns-${i % 20}`,
        labels: { app, 'pod-template-hash': '5d8f7c9b6', tier: 'backend' },
        annotations: { 'prometheus.io/scrape': 'true', 'kubectl.kubernetes.io/restartedAt': '2026-11-30T10:00:00Z' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-5d8f7c9b6`, uid: 'x', controller: true }],
        managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } }],
      },
      spec: {
        nodeName: `node-${i % nodes}`,
        containers: [
          { name: 'app', image: `registry.example.com/${app}:1.2.3`, ports: [{ name: 'metrics', containerPort: i < scraped ? port : 8080, protocol: 'TCP' }], env: [{ name: 'A', value: 'x'.repeat(40) }], resources: { requests: { cpu: '100m', memory: '128Mi' } } },
          { name: 'sidecar', image: 'registry.example.com/proxy:2.0', ports: [{ name: 'admin', containerPort: 15000 }] },
        ],
        volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
      },
      status: {
        phase: 'Running',
        podIP: i < scraped ? '127.0.0.1' : `10.1.${(i >> 8) & 255}.${i & 255}`,
        hostIP: `10.0.${(i % nodes) >> 8}.${(i % nodes) & 255}`,
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, containerID: `containerd://${String(i).padStart(64, '0')}` }, { name: 'sidecar', ready: true, restartCount: 0, containerID: `containerd://${String(i).padStart(63, '1')}` }],
      },
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-kube-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, api.kubeconfig([{ name: 'bench', token: 'admin-token' }]));
  const control = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/reset') {
      for (const k of Object.keys(api.counts)) delete api.counts[k];
      res.end('ok');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(api.counts));
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  process.stdout.write(JSON.stringify({ url: api.url, kubeconfig, control: `http://127.0.0.1:${(control.address() as AddressInfo).port}` }) + '\n');
  process.on('SIGTERM', () => process.exit(0));
}

void main();
