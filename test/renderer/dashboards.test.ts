/** Keyed tables, the explanation of missing data, and the built-in dashboards' definitions. */
import { describe, expect, it } from 'vitest';
import type { ApiContextStatus } from '../../src/common/api/types';
import { buildRows, keyColumns, type Sample } from '../../src/renderer/panels/table';
import { explainMissing } from '../../src/renderer/panels/missing';
import { applyVars, type TableSpec } from '../../src/renderer/panels/types';

describe('buildRows', () => {
  const spec: TableSpec = { key: ['cluster', 'node'], columns: [{ title: 'cpu', query: 0 }, { title: 'alloc', query: 1 }, { title: 'ready', query: 2, text: { '1': 'Ready' } }] };
  const samples: Sample[] = [
    { metric: { cluster: 'a', node: 'n2' }, value: 2, query: 0 },
    { metric: { cluster: 'a', node: 'n1' }, value: 1, query: 0 },
    { metric: { cluster: 'a', node: 'n1' }, value: 4, query: 1 },
    { metric: { cluster: 'a', node: 'n1', condition: 'Ready' }, value: 1, query: 2 },
    { metric: { cluster: 'b', node: 'n1' }, value: 8, query: 1 },
  ];

  it('merges the queries into one row per key, sorted by key', () => {
    const rows = buildRows(samples, spec);
    expect(rows.map((r) => `${r.labels.cluster}/${r.labels.node}`)).toEqual(['a/n1', 'a/n2', 'b/n1']);
    expect(rows[0]!.cells.map((c) => c?.value)).toEqual([1, 4, 1]);
    expect(rows[1]!.cells.map((c) => c?.value)).toEqual([2, undefined, undefined]);
    expect(rows[0]!.labels.condition).toBe('Ready');
  });

  it('makes rows only from rowsFrom and sorts by a column, descending', () => {
    const rows = buildRows(samples, { ...spec, rowsFrom: 0, sortBy: 0 });
    expect(rows.map((r) => r.labels.node)).toEqual(['n2', 'n1']);
    expect(rows.every((r) => r.labels.cluster === 'a')).toBe(true);
  });

  it('shows the cluster column only when rows come from several clusters', () => {
    expect(keyColumns(buildRows(samples, spec), spec.key)).toEqual(['cluster', 'node']);
    expect(keyColumns(buildRows(samples.slice(0, 4), spec), spec.key)).toEqual(['node']);
  });
});

describe('explainMissing', () => {
  const ctx = (o: Partial<ApiContextStatus>): ApiContextStatus => ({ name: 'x', cluster: 'x', user: 'u', namespace: '', current: false, monitored: true, clusterLabel: 'x', state: 'connected', error: '', denied: [], notes: [], server: '', ...o });
  const contexts = [ctx({ name: 'prod', clusterLabel: 'prod', user: 'viewer', denied: ['get nodes/proxy'] }), ctx({ name: 'dev', clusterLabel: 'dev', state: 'unreachable', error: 'dial tcp: refused' }), ctx({ name: 'ok', clusterLabel: 'ok' })];

  it('names the missing permission of the selected cluster for kubelet sources', () => {
    expect(explainMissing(['cadvisor'], contexts, 'prod')).toEqual(["No cAdvisor data in prod: the user viewer lacks get nodes/proxy (the kubelet is read through the API server's node proxy)."]);
    expect(explainMissing(['kube-state-metrics'], contexts, 'prod')).toEqual([]);
    expect(explainMissing(['cadvisor'], contexts, 'ok')).toEqual([]);
  });

  it('says a cluster is unreachable, and covers every cluster when all are selected', () => {
    const all = explainMissing(['cadvisor'], contexts, '');
    expect(all).toHaveLength(2);
    expect(all[1]).toBe('dev is unreachable: dial tcp: refused.');
  });

  it('passes on notes about the job', () => {
    const c = [ctx({ clusterLabel: 'p', notes: ['node-exporter: skipped: no pods/proxy'] })];
    expect(explainMissing(['node-exporter'], c, 'p')).toEqual(['p: node-exporter: skipped: no pods/proxy']);
  });
});

describe('applyVars on derived fragments', () => {
  it('leaves label_replace groups alone', () => {
    expect(applyVars('label_replace(x{a="$name"}, "b", "$1", "c", "(.*)")', { name: 'web' })).toBe('label_replace(x{a="web"}, "b", "$1", "c", "(.*)")');
  });
});
