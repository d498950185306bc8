/**
 * KubeState against the fake API server (src/main/demo/apiserver): list and watch through the
 * shared informers, objects added, updated and deleted, a refused collection, a namespace list,
 * and informers released on stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/main/kube/client';
import { createAuthenticator } from '../../src/main/kube/credentials';
import { emptyAuthInfo } from '../../src/main/kube/kubeconfig';
import { SharedInformers } from '../../src/main/kube/informers';
import { watchSpec } from '../../src/main/kube/objects/collections';
import { FakeApiServer } from '../../src/main/demo/apiserver';
import { KubeState } from '../../src/main/kubestate';
import { series } from './helpers';

let api: FakeApiServer;

beforeAll(async () => {
  api = new FakeApiServer({
    bookmarkIntervalMs: 200,
    users: [
      { name: 'admin', groups: ['system:masters'], tokens: ['admin-token'] },
      { name: 'limited', tokens: ['limited-token'], deny: ['list deployments', 'watch deployments'] },
    ],
  });
  await api.start();
  api.store.put('nodes', { metadata: { name: 'n1' }, status: { capacity: { cpu: '2', memory: '4Gi' }, conditions: [{ type: 'Ready', status: 'True' }] } });
  for (const [ns, name] of [['a', 'web-1'], ['a', 'web-2'], ['b', 'db-0']]) {
    api.store.put('pods', { metadata: { name, namespace: ns }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'img:1', resources: { requests: { cpu: '100m' } } }] }, status: { phase: 'Running', containerStatuses: [{ name: 'app', image: 'img:1', ready: true, restartCount: 0, state: { running: {} } }] } });
  }
  api.store.put('deployments', { metadata: { name: 'web', namespace: 'a' }, spec: { replicas: 2 }, status: { replicas: 2, availableReplicas: 2 } });
});
afterAll(() => api.stop());

function client(token: string): KubeClient {
  return new KubeClient({
    context: 'fake',
    cluster: 'fake',
    user: token.split('-')[0]!,
    endpoint: { server: api.url, ca: Buffer.from(api.ca.certPem), insecureSkipTlsVerify: false, tlsServerName: '', proxyUrl: '' },
    auth: createAuthenticator({ name: 'u', file: '/x', line: 1, value: { ...emptyAuthInfo(), token } }),
    limits: { controlQps: 1000, controlBurst: 1000 },
  });
}

async function until(what: string, fn: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('KubeState on the fake API server', () => {
  it('renders the listed objects and follows adds, updates and deletes', async () => {
    const informers = new SharedInformers();
    const ks = new KubeState({ client: client('admin-token'), informers, namespaces: [''] });
    expect(ks.synced).toBe(false);
    expect(ks.renderText()).toBe('');
    ks.start();
    await until('synced', () => ks.synced);
    let t = ks.render().toString('utf8');
    expect(series(t, 'kube_pod_info').map((l) => /pod="([^"]+)"/.exec(l)![1]).sort()).toEqual(['db-0', 'web-1', 'web-2']);
    expect(series(t, 'kube_deployment_spec_replicas')).toEqual(['kube_deployment_spec_replicas{namespace="a",deployment="web"} 2']);
    expect(series(t, 'kube_node_status_capacity')).toEqual(['kube_node_status_capacity{node="n1",resource="cpu",unit="core"} 2', 'kube_node_status_capacity{node="n1",resource="memory",unit="byte"} 4.294967296e+09']);
    expect(ks.refusals()).toEqual([]);

    const web1 = api.store.get('pods', 'a', 'web-1')!;
    api.store.put('pods', { ...web1, status: { phase: 'Running', containerStatuses: [{ name: 'app', image: 'img:1', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } });
    api.store.delete('pods', 'a', 'web-2');
    api.store.put('services', { metadata: { name: 'web', namespace: 'a' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.1' } });
    await until('the changes', () => {
      t = ks.renderText();
      return t.includes('reason="CrashLoopBackOff"') && !t.includes('pod="web-2"') && t.includes('service="web"');
    });
    expect(series(t, 'kube_pod_container_status_restarts_total').filter((l) => l.includes('web-1'))).toEqual([expect.stringMatching(/container="app"\} 5$/)]);
    expect(series(t, 'kube_service_info')).toEqual([expect.stringMatching(/^kube_service_info\{namespace="a",service="web",uid="[^"]+",cluster_ip="10.96.0.1",external_name="",load_balancer_ip="",external_traffic_policy=""\} 1$/)]);
    ks.stop();
    expect(informers.list()).toEqual([]);
  });

  it('names a refused collection with its permission and renders the rest', async () => {
    const informers = new SharedInformers();
    const ks = new KubeState({ client: client('limited-token'), informers, namespaces: [''] });
    ks.start();
    await until('the refusal and the pods', () => ks.refusals().length === 1 && ks.renderText().includes('kube_pod_info{'));
    const [r] = ks.refusals();
    expect(r).toMatchObject({ resource: 'deployments', namespace: '', permission: 'list deployments.apps' });
    expect(r!.message).toContain('kubectl auth can-i list deployments.apps');
    expect(ks.synced).toBe(false);
    const t = ks.renderText();
    expect(t).not.toContain('kube_deployment');
    expect(series(t, 'kube_pod_info')).toHaveLength(2);
    expect(ks.states().find((s) => s.resource === 'deployments')).toMatchObject({ refused: true, synced: false, objects: 0 });
    ks.stop();
  });

  it('watches namespaced kinds per listed namespace and cluster-scoped kinds once, sharing informers with other consumers', async () => {
    const informers = new SharedInformers();
    const c = client('admin-token');
    // Another consumer (a discovery role) of the same collection: one watch serves both.
    const other = informers.acquire(c, watchSpec('pod', 'b'));
    const ks = new KubeState({ client: c, informers, namespaces: ['b', 'b'], resources: ['pods', 'nodes'] });
    ks.start();
    await until('synced', () => ks.synced);
    expect(informers.list().map((i) => i.path).sort()).toEqual(['/api/v1/namespaces/b/pods', '/api/v1/nodes']);
    const t = ks.renderText();
    expect(series(t, 'kube_pod_info').map((l) => /pod="([^"]+)"/.exec(l)![1])).toEqual(['db-0']);
    expect(series(t, 'kube_node_info')).toHaveLength(1);
    expect(t).not.toContain('kube_deployment');
    ks.stop();
    expect(informers.list().map((i) => i.path)).toEqual(['/api/v1/namespaces/b/pods']);
    other.release();
    expect(informers.list()).toEqual([]);
    expect(() => new KubeState({ client: c, informers, namespaces: [''], resources: ['widgets' as never] })).toThrow(/unknown resource widgets/);
  });
});
