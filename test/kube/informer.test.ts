import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/main/kube/client';
import { createAuthenticator } from '../../src/main/kube/credentials';
import { emptyAuthInfo } from '../../src/main/kube/kubeconfig';
import { Informer, type Keyed } from '../../src/main/kube/informer';
import { FakeApiServer } from '../../src/main/demo/apiserver';

let api: FakeApiServer;

beforeAll(async () => {
  api = new FakeApiServer({ bookmarkIntervalMs: 200 });
  await api.start();
});
afterAll(() => api.stop());

function client(): KubeClient {
  return new KubeClient({
    context: 'fake',
    cluster: 'fake',
    user: 'admin',
    endpoint: { server: api.url, ca: Buffer.from(api.ca.certPem), insecureSkipTlsVerify: false, tlsServerName: '', proxyUrl: '' },
    auth: createAuthenticator({ name: 'admin', file: '/x', line: 1, value: { ...emptyAuthInfo(), token: 'admin-token' } }),
    limits: { controlQps: 1000, controlBurst: 1000 },
  });
}

const pod = (name: string, ns = 'default', labels: Record<string, string> = { app: 'web' }): { metadata: { name: string; namespace: string; labels: Record<string, string> }; status: { phase: string } } => ({ metadata: { name, namespace: ns, labels }, status: { phase: 'Running' } });
const trim = (raw: unknown): Keyed & { phase: string } => {
  const o = raw as { metadata: Keyed['metadata']; status?: { phase?: string } };
  return { metadata: { name: o.metadata.name, namespace: o.metadata.namespace, resourceVersion: o.metadata.resourceVersion }, phase: o.status?.phase ?? '' };
};

async function until(fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('informer against the fake API server', () => {
  it('lists in pages, follows watch events, and relists after a forced 410 without ghosts', async () => {
    for (let i = 0; i < 7; i++) api.store.put('pods', pod(`p${i}`));
    api.store.put('pods', pod('other', 'kube-system', { app: 'dns' }));
    const inf = new Informer({ client: client(), path: '/api/v1/pods', labelSelector: 'app=web', trim, pageSize: 3, backoff: { initialMs: 50, maxMs: 200, resetMs: 1000 } });
    const log: string[] = [];
    inf.on({ add: (o) => log.push(`+${o.metadata.name}`), update: (_a, b) => log.push(`~${b.metadata.name}:${b.phase}`), delete: (o) => log.push(`-${o.metadata.name}`) });
    inf.start();
    await until(() => inf.hasSynced);
    expect(inf.stats.lists).toBe(3); // 7 objects in pages of 3
    expect([...inf.store.keys()].sort()).toEqual(['default/p0', 'default/p1', 'default/p2', 'default/p3', 'default/p4', 'default/p5', 'default/p6']);
    await until(() => inf.stats.watches === 1);
    api.store.put('pods', { ...pod('p1'), status: { phase: 'Failed' } });
    api.store.delete('pods', 'default', 'p2');
    api.store.put('pods', pod('p9'));
    api.store.put('pods', pod('not-web', 'default', { app: 'db' }));
    await until(() => log.includes('+p9'));
    expect(log.slice(7)).toEqual(['~p1:Failed', '-p2', '+p9']);
    // Changes while the watch is down, then a compaction: the informer must relist and diff.
    await until(() => inf.stats.bookmarks > 0);
    api.store.compact();
    api.dropWatches();
    api.store.delete('pods', 'default', 'p3');
    api.store.put('pods', pod('p10'));
    api.store.compact();
    await until(() => inf.stats.relists > 0 && log.includes('+p10') && log.includes('-p3'));
    expect([...inf.store.keys()].sort()).toEqual(['default/p0', 'default/p1', 'default/p10', 'default/p4', 'default/p5', 'default/p6', 'default/p9']);
    expect(log.filter((l) => l === '+p10')).toHaveLength(1);
    inf.stop();
  });

  it('survives an API-server outage with backoff (no tight loop) and resumes from its resourceVersion', async () => {
    const inf = new Informer({ client: client(), path: '/api/v1/namespaces/default/pods', trim, backoff: { initialMs: 100, maxMs: 800, resetMs: 60_000 } });
    const adds: string[] = [];
    inf.on({ add: (o) => adds.push(o.metadata.name ?? "") });
    inf.start();
    await until(() => inf.hasSynced && inf.stats.watches === 1);
    const listsBefore = inf.stats.lists;
    await api.stop();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 3000));
    const attempts = inf.stats.failures;
    // 100, 200, 400, 800, 800 ms (times 1..2 with jitter): a handful in 3 s, never hundreds.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(12);
    expect(inf.lastError).toMatch(/cannot reach the API server .*connection refused|watch .* was interrupted/);
    api.store.put('pods', pod('after-outage'));
    await api.start();
    await until(() => adds.includes('after-outage'), 5000);
    // It resumed the watch from where it was (the history is intact): no new list was needed.
    expect(inf.stats.lists).toBe(listsBefore);
    expect(Date.now() - t0).toBeLessThan(10_000);
    inf.stop();
  });
});
