/**
 * Explore's pure parts: the URL state and its round trip (as dashboards' exploreLink writes it),
 * CSV exports byte-equal to `vigil query --format csv` (the CLI's formatter), the wide format,
 * error positions from the API's answers, history, table rows, curl commands and the editor's
 * completion selectors.
 */
import { describe, expect, it } from 'vitest';
import type { ApiMatrixSeries, ApiQueryData } from '../../src/common/api/types';
import { writeCsv } from '../../src/common/export/format';
import { errorMessage, errorSpan } from '../../src/renderer/pages/explore/errors';
import { addToHistory, loadHistory } from '../../src/renderer/pages/explore/history';
import { parseState, runnable, stateParams, withState } from '../../src/renderer/pages/explore/state';
import { labelColumns, pointsText, tableRows } from '../../src/renderer/pages/explore/table';
import { csvOf, mergeResults, wideCsv } from '../../src/renderer/export/csv';
import { apiOrigin, curlCommand } from '../../src/renderer/export/commands';
import { selectorOf } from '../../src/renderer/editor/prometheus-client';

const vector: ApiQueryData = {
  resultType: 'vector',
  result: [
    { metric: { __name__: 'up', job: 'api', instance: 'a:1' }, value: [1700000000.5, '1'] },
    { metric: { job: 'db, "primary"' }, value: [1700000000.5, '0.25'] },
  ],
};
const series: ApiMatrixSeries[] = [
  { metric: { namespace: 'shop' }, values: [[1700000000, '3.5'], [1700000015, '3.75']] },
  { metric: { namespace: 'kube-system' }, values: [[1700000015, '0.07']] },
];
const matrix: ApiQueryData = { resultType: 'matrix', result: series };

function cli(d: ApiQueryData): string {
  let s = '';
  writeCsv(d, (l) => (s += l));
  return s;
}

describe('Explore URL state', () => {
  it('reads q0/l0/q1 as exploreLink writes them, with view, unit and stacked', () => {
    const s = parseState(new URLSearchParams('q0=sum(rate(x[5m]))&l0={{pod}}&q1=up&h1=1&view=table&unit=bytes&stacked=1&from=now-6h'));
    expect(s.queries).toEqual([
      { expr: 'sum(rate(x[5m]))', legend: '{{pod}}', hidden: false },
      { expr: 'up', legend: '', hidden: true },
    ]);
    expect(s.view).toBe('table');
    expect(s.unit).toBe('bytes');
    expect(s.stacked).toBe(true);
  });

  it('round-trips through the URL and keeps the global parameters', () => {
    const s = parseState(new URLSearchParams('q0=a&l0=L&q1=b&h1=1&view=json&unit=percentunit&stacked=1'));
    const p = withState(new URLSearchParams('from=now-1h&cluster=demo&q5=old&view=graph'), s);
    expect(p.get('from')).toBe('now-1h');
    expect(p.get('cluster')).toBe('demo');
    expect(p.get('q5')).toBeNull();
    expect(parseState(p)).toEqual(s);
  });

  it('leaves defaults out, falls back on bad values, and reads the old browser links', () => {
    expect(stateParams(parseState(new URLSearchParams('q0=up')))).toEqual({ q0: 'up' });
    const bad = parseState(new URLSearchParams('q0=up&view=pie&unit=parsecs'));
    expect([bad.view, bad.unit]).toEqual(['graph', 'short']);
    const old = parseState(new URLSearchParams('expr=rate(x[1m])&tab=table'));
    expect(old.queries[0]!.expr).toBe('rate(x[1m])');
    expect(old.view).toBe('table');
    expect(parseState(new URLSearchParams('')).queries).toEqual([{ expr: '', legend: '', hidden: false }]);
  });

  it('runs the visible, non-blank queries with their panel index', () => {
    expect(runnable([{ expr: ' a ', legend: '', hidden: false }, { expr: 'b', legend: '', hidden: true }, { expr: '  ', legend: '', hidden: false }, { expr: 'c', legend: '', hidden: false }])).toEqual([
      { expr: 'a', index: 0 },
      { expr: 'c', index: 3 },
    ]);
  });
});

describe('CSV export', () => {
  it('is byte-equal to the CLI formatter for instant and range results', () => {
    expect(csvOf(vector)).toBe(cli(vector));
    expect(csvOf(matrix)).toBe(cli(matrix));
    expect(csvOf(vector)).toBe('__name__,instance,job,timestamp,value\r\nup,a:1,api,1700000000.5,1\r\n,,"db, ""primary""",1700000000.5,0.25\r\n');
    expect(csvOf(matrix)).toBe('namespace,timestamp,value\r\nshop,1700000000,3.5\r\nshop,1700000015,3.75\r\nkube-system,1700000015,0.07\r\n');
  });

  it('merges several queries, and leaves one query as it is', () => {
    expect(mergeResults([matrix])).toBe(matrix);
    const m = mergeResults([vector, { resultType: 'vector', result: [{ metric: { job: 'x' }, value: [1, '2'] }] }])!;
    expect(m.resultType).toBe('vector');
    expect(m.result).toHaveLength(3);
    expect(mergeResults([])).toBeNull();
  });

  it('lays a range out wide: one row per timestamp, empty cells where a series has no point', () => {
    expect(wideCsv(series, ['shop', 'kube,system'])).toBe('timestamp,shop,"kube,system"\r\n1700000000,3.5,\r\n1700000015,3.75,0.07\r\n');
  });
});

describe('error positions', () => {
  it("reads Vigil's data.position, including a point at the end of the input", () => {
    // What the API answers for `sum(` and `rate(foo[5m]`.
    expect(errorSpan('sum(', 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis', { position: { start: 4, end: 4 } })).toEqual({ start: 4, end: 4 });
    expect(errorSpan('rate(foo[5m]', 'invalid parameter "query": 1:13: parse error: unclosed left parenthesis', { position: { start: 12, end: 12 } })).toEqual({ start: 12, end: 12 });
    expect(errorSpan('rate(foo)', 'x', { position: { start: 5, end: 8 } })).toEqual({ start: 5, end: 8 });
    expect(errorSpan('ab', 'x', { position: { start: 1, end: 99 } })).toEqual({ start: 1, end: 2 });
  });

  it("falls back on Prometheus's line:col prefix, and says nothing when there is no place", () => {
    expect(errorSpan('sum(', 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis', undefined)).toEqual({ start: 4, end: 4 });
    expect(errorSpan('rate(x)\n+ y)', 'invalid parameter "query": 2:4: parse error: unexpected', undefined)).toEqual({ start: 11, end: 12 });
    expect(errorSpan('up', 'no position here', undefined)).toBeNull();
    expect(errorMessage('invalid parameter "query": 1:5: parse error: x')).toBe('1:5: parse error: x');
  });
});

describe('history, table rows, commands, completion selectors', () => {
  it('keeps the last 50 distinct queries, most recent first', () => {
    let h: string[] = [];
    for (let i = 0; i < 60; i++) h = addToHistory(h, `q${i % 55}`);
    expect(h).toHaveLength(50);
    expect(h[0]).toBe('q4');
    expect(new Set(h).size).toBe(50);
    expect(addToHistory(['a', 'b', 'c'], ' b ')).toEqual(['b', 'a', 'c']);
    expect(loadHistory({ getItem: () => '{bad' })).toEqual([]);
    expect(loadHistory({ getItem: () => '["x", 3, "y"]' })).toEqual(['x', 'y']);
  });

  it('lists series with labels and values; range vectors as value@time lines', () => {
    const rows = tableRows([
      { query: 0, data: vector },
      { query: 1, data: { resultType: 'matrix', result: [{ metric: { a: 'b' }, values: [[10, '1'], [25, '2']] }] } },
      { query: 2, data: { resultType: 'scalar', result: [10, '42'] } },
    ]);
    expect(rows.map((r) => r.value)).toEqual(['1', '0.25', '', '42']);
    expect(pointsText(rows[2]!.points!)).toBe('1 @10\n2 @25');
    expect(labelColumns(rows)).toEqual(['__name__', 'a', 'instance', 'job']);
  });

  it('writes curl commands against the API origin', () => {
    expect(curlCommand('http://127.0.0.1:9090/', "up{job='x'}", { time: 1700000000.5 })).toBe(
      `curl -s 'http://127.0.0.1:9090/api/v1/query' --data-urlencode 'query=up{job='\\''x'\\''}' -d time=1700000000.5`,
    );
    expect(curlCommand('http://h:1', 'up', { start: 1, end: 2, step: 15 })).toBe("curl -s 'http://h:1/api/v1/query_range' --data-urlencode 'query=up' -d start=1 -d end=2 -d step=15");
    expect(apiOrigin('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(apiOrigin('file://', '0.0.0.0:9090')).toBe('http://127.0.0.1:9090');
    expect(apiOrigin('null', '127.0.0.1:0')).toBe('http://127.0.0.1:9090');
  });

  it('renders completion matchers as a selector, leaving out the label being completed', () => {
    const ops = { 1: '=', 2: '!=', 3: '=~' };
    const ms = [
      { type: 1, name: 'job', value: 'api' },
      { type: 2, name: 'container', value: '' },
      { type: 3, name: 'pod', value: 'web-.*' },
    ];
    expect(selectorOf('up', ms, ops, 'pod')).toBe('up{job="api"}');
    expect(selectorOf('', ms, ops)).toBe('{job="api",pod=~"web-.*"}');
    expect(selectorOf('up', undefined, ops)).toBe('up');
  });
});
