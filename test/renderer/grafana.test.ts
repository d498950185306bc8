/** The Grafana dashboard converter over a small kubernetes-mixin-like fixture. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertGrafana, mapUnit, normalizeExpr, parseLabelValues, rateInterval, widthOf } from '../../src/renderer/dashboards/grafana';
import { applyVars } from '../../src/renderer/panels/types';

const fixture = fs.readFileSync(path.join(__dirname, 'fixtures', 'mixin-like.json'), 'utf8');

describe('convertGrafana', () => {
  const { def, variables, notes } = convertGrafana(fixture);
  const panels = def.rows.flatMap((r) => r.panels);
  const byTitle = (t: string) => panels.find((p) => p.title === t)!;

  it('keeps the title and an id from the uid', () => {
    expect(def.title).toBe('Kubernetes / Compute Resources / Namespace (Pods)');
    expect(def.id).toBe('k8s-resources-namespace');
  });

  it('makes rows from row panels, expanded and collapsed, in grid order', () => {
    expect(def.rows.map((r) => r.title)).toEqual(['Headlines', 'Network']);
    expect(def.rows[0]!.panels.map((p) => p.title)).toEqual(['CPU Utilisation (from requests)', 'Memory Utilisation', 'Read me', 'CPU Usage']);
    expect(def.rows[1]!.panels.map((p) => p.title)).toEqual(['Receive Bandwidth', 'Current Network Usage', 'Latency']);
  });

  it('maps panel types, units, widths, thresholds and stacking', () => {
    const stat = byTitle('CPU Utilisation (from requests)');
    expect(stat.type).toBe('stat');
    expect(stat.unit).toBe('percentunit');
    expect(stat.width).toBe(3);
    expect(stat.thresholds).toEqual([
      { value: -Infinity, color: 'green' },
      { value: 0.8, color: 'yellow' },
      { value: 0.9, color: 'red' },
    ]);
    const gauge = byTitle('Memory Utilisation');
    expect(gauge.type).toBe('gauge');
    expect(gauge.max).toBe(1);
    const ts = byTitle('CPU Usage');
    expect(ts.type).toBe('timeseries');
    expect(ts.width).toBe(12);
    expect(ts.stacked).toBe(true);
    const graph = byTitle('Receive Bandwidth');
    expect(graph.type).toBe('timeseries');
    expect(graph.unit).toBe('Bps');
    expect(graph.stacked).toBe(true);
    const table = byTitle('Current Network Usage');
    expect(table.type).toBe('table');
    expect(table.unit).toBe('Bps');
  });

  it('takes visible targets with their legends (__auto is no format) and makes cluster matchers regexes', () => {
    const ts = byTitle('CPU Usage');
    expect(ts.queries).toHaveLength(1);
    expect(ts.queries[0]!.legend).toBe('{{pod}}');
    expect(ts.queries[0]!.expr).toContain('cluster=~"$cluster"');
    expect(ts.queries[0]!.expr).toContain('[$__rate_interval]');
    const graph = byTitle('Receive Bandwidth');
    expect(graph.queries[0]!.expr).toBe('sum(irate(container_network_receive_bytes_total{cluster=~"$cluster", namespace=~"${namespace}"}[$__interval])) by (pod)');
  });

  it('renders unsupported panel types as placeholders that say so', () => {
    expect(byTitle('Latency').placeholder).toMatch(/heatmap.*not supported/);
    expect(byTitle('Read me').placeholder).toMatch(/text.*not supported/);
    expect(byTitle('CPU Usage').placeholder).toBeUndefined();
    expect(notes.some((n) => n.includes('Latency') && n.includes('heatmap'))).toBe(true);
  });

  it('drops datasource and cluster variables; query variables become label_values selects; interval keeps its options', () => {
    expect(variables.map((v) => v.name)).toEqual(['namespace', 'interval']);
    const ns = variables[0]!;
    expect(ns.label).toBe('Namespace');
    expect(ns.values).toEqual({ label: 'namespace', match: 'kube_pod_info{job="kube-state-metrics", cluster=~"$cluster"}' });
    expect(ns.regexFilter).toBe('/^(shop|kube-system)$/');
    expect(ns.first).toBe(true);
    expect(variables[1]!.values).toEqual({ options: ['1m', '5m', '10m'].map((v) => ({ value: v, label: v })) });
  });

  it('gives queries that run once the variables are filled', () => {
    const vars = { cluster: '.*', namespace: 'shop', __rate_interval: '1m', __interval: '15s' };
    expect(applyVars(byTitle('CPU Usage').queries[0]!.expr, vars)).toBe('sum(rate(container_cpu_usage_seconds_total{job="cadvisor", cluster=~".*", namespace="shop", image!=""}[1m])) by (pod)');
  });

  it('reads the old rows[] schema and a {dashboard: ...} wrapper', () => {
    const old = convertGrafana({ dashboard: { title: 'Old', rows: [{ title: 'R', panels: [{ type: 'singlestat', title: 'Up', span: 4, format: 'percent', targets: [{ expr: 'up' }] }] }] } });
    expect(old.def.rows[0]!.title).toBe('R');
    expect(old.def.rows[0]!.panels[0]).toMatchObject({ title: 'Up', type: 'stat', width: 4, unit: 'percent' });
  });

  it('refuses what is not a dashboard', () => {
    expect(() => convertGrafana('{"hello": 1}')).toThrow(/not a Grafana dashboard/);
    expect(() => convertGrafana('not json')).toThrow();
  });
});

describe('converter helpers', () => {
  it('maps units where they match and leaves others to plain numbers', () => {
    expect(mapUnit('bytes')).toBe('bytes');
    expect(mapUnit('binBps')).toBe('Bps');
    expect(mapUnit('reqps')).toBe('reqps');
    expect(mapUnit('celsius')).toBeUndefined();
    expect(mapUnit('')).toBeUndefined();
  });

  it('parses label_values with and without a match', () => {
    expect(parseLabelValues('label_values(kube_node_info{cluster="$cluster"}, node)')).toEqual({ label: 'node', match: 'kube_node_info{cluster=~"$cluster"}' });
    expect(parseLabelValues('label_values(namespace)')).toEqual({ label: 'namespace', match: '' });
    expect(parseLabelValues('query_result(up)')).toBeNull();
  });

  it('normalizes old variable forms', () => {
    expect(normalizeExpr('a{pod="[[pod]]", ns=~"${ns:pipe}"}')).toBe('a{pod="${pod}", ns=~"${ns}"}');
    expect(normalizeExpr('a{cluster="${cluster}"}')).toBe('a{cluster=~"$cluster"}');
  });

  it('halves widths within 1..12 and computes the rate interval as Grafana', () => {
    expect(widthOf(24)).toBe(12);
    expect(widthOf(8)).toBe(4);
    expect(widthOf(1)).toBe(1);
    expect(widthOf(undefined)).toBe(6);
    expect(rateInterval(15)).toBe(60);
    expect(rateInterval(120)).toBe(135);
  });
});
