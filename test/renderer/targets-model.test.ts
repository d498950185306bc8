import { describe, expect, it } from 'vitest';
import type { ApiTarget } from '../../src/common/api/types';
import { formatSeconds, groupTargets, indexTargets, matcher, relativeTime, splitPool } from '../../src/renderer/pages/targets/model';

function target(pool: string, labels: Record<string, string>, extra: Partial<ApiTarget> = {}): ApiTarget {
  return { discoveredLabels: {}, labels, scrapePool: pool, scrapeUrl: `http://${labels.instance ?? 'h'}/metrics`, globalUrl: '', lastError: '', lastScrape: '2026-01-01T00:00:00Z', lastScrapeDuration: 0.01, health: 'up', scrapeInterval: '15s', scrapeTimeout: '10s', ...extra };
}

const TS = indexTargets([
  target('kubelet@prod', { job: 'kubelet', cluster: 'prod', instance: 'n1', node: 'n1' }, { scrapePath: 'api-proxy' }),
  target('kubelet@prod', { job: 'kubelet', cluster: 'prod', instance: 'n2', node: 'n2' }, { health: 'down', lastError: 'connection refused' }),
  target('cadvisor@prod', { job: 'cadvisor', cluster: 'prod', instance: 'n1' }),
  target('kubelet@dev', { job: 'kubelet', cluster: 'dev', instance: 'd1' }),
  target('vigil', { job: 'vigil', instance: '127.0.0.1:9090' }),
]);

describe('targets grouping', () => {
  it('splits default-job pool names into job and context', () => {
    expect(splitPool('kubernetes-pods@prod-eu')).toEqual({ job: 'kubernetes-pods', context: 'prod-eu' });
    expect(splitPool('vigil')).toEqual({ job: 'vigil', context: '' });
  });

  it('groups by cluster (sorted, unlabelled last), then by job, with up/total per pool and cluster', () => {
    const g = groupTargets(TS);
    expect(g.map((c) => c.cluster)).toEqual(['dev', 'prod', '']);
    const prod = g[1]!;
    expect(prod.pools.map((p) => [p.pool, p.up, p.total])).toEqual([
      ['cadvisor@prod', 1, 1],
      ['kubelet@prod', 1, 2],
    ]);
    expect([prod.up, prod.total]).toEqual([2, 3]);
  });

  it('filters on labels, URL and error with every term, keeping the counts over the whole pool', () => {
    const g = groupTargets(TS, { filter: 'refused' });
    expect(g.map((c) => c.cluster)).toEqual(['prod']);
    expect(g[0]!.pools[0]!.targets.map((t) => t.labels.instance)).toEqual(['n2']);
    expect([g[0]!.pools[0]!.up, g[0]!.pools[0]!.total]).toEqual([1, 2]);
    expect(groupTargets(TS, { filter: 'node="n1" kubelet' }).flatMap((c) => c.pools.flatMap((p) => p.targets.map((t) => t.scrapePool)))).toEqual(['kubelet@prod']);
    expect(groupTargets(TS, { filter: '127.0.0.1:9090/metrics' })[0]!.cluster).toBe('');
    expect(groupTargets(TS, { filter: 'API-PROXY' })[0]!.pools[0]!.targets).toHaveLength(1);
  });

  it('unhealthy only keeps the targets not up; nothing when all are healthy', () => {
    expect(groupTargets(TS, { unhealthyOnly: true }).flatMap((c) => c.pools.flatMap((p) => p.targets.map((t) => t.labels.instance)))).toEqual(['n2']);
    expect(groupTargets(TS, { unhealthyOnly: true, cluster: 'dev' })).toEqual([]);
  });

  it('keeps only the chosen cluster', () => {
    expect(groupTargets(TS, { cluster: 'dev' }).map((c) => c.cluster)).toEqual(['dev']);
  });

  it('matcher: an empty filter matches everything, terms are case-insensitive', () => {
    expect(matcher('  ')('x')).toBe(true);
    expect(matcher('Foo bar')('xfoo ybar')).toBe(true);
    expect(matcher('foo baz')('xfoo ybar')).toBe(false);
  });

  it('renders ages and durations', () => {
    const now = Date.parse('2026-01-01T01:02:03Z');
    expect(relativeTime('2026-01-01T01:02:00.500Z', now)).toBe('2.5s ago');
    expect(relativeTime('2026-01-01T01:00:00Z', now)).toBe('2m 3s ago');
    expect(relativeTime('2026-01-01T00:00:00Z', now)).toBe('1h 2m ago');
    expect(relativeTime('0001-01-01T00:00:00Z', now)).toBe('never');
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
    expect(formatSeconds(0.00123)).toBe('1.23 ms');
    expect(formatSeconds(2.5)).toBe('2.50 s');
    expect(formatSeconds(0)).toBe('—');
  });

  it('groups 5,000 targets quickly', () => {
    const many = indexTargets(Array.from({ length: 5000 }, (_, i) => target(`pods@c${i % 4}`, { job: 'pods', cluster: `c${i % 4}`, instance: `10.0.${i >> 8}.${i & 255}:8080`, pod: `p-${i}` })));
    const t0 = performance.now();
    const g = groupTargets(many, { filter: 'p-49' });
    const ms = performance.now() - t0;
    expect(g.reduce((n, c) => n + c.pools[0]!.targets.length, 0)).toBe(111); // p-49, p-490..p-499, p-4900..p-4999
    expect(ms).toBeLessThan(200);
  });
});
