import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelsFromRecord } from '../../src/common/model/labels';
import { StaleNaN } from '../../src/common/model/value';
import { ExemplarStorage, openStorage, type StorageEngine } from '../../src/main/storage';
import { Engine } from '../../src/main/promql/engine';
import { decodeLabelName, handleApiRequest, storeOnlyRoutes, type StoreOnlyOverrides } from '../../src/main/api/router';
import type { RouteTable } from '../../src/main/api/table';

let storage: StorageEngine;
let ctx: RouteTable;
let engine: Engine;
const overrides: StoreOnlyOverrides = { buildInfo: { version: '3.14.0', revision: 'x', branch: 'main', buildUser: 'u', buildDate: '', goVersion: 'node' }, config: () => 'global: {}\n' };
const T0 = 1_700_000_000_000;

beforeAll(() => {
  storage = openStorage({ path: ':memory:' });
  const app = storage.appender();
  // Two counters scraped every 15 s for 10 minutes, one gauge, and a series that goes stale.
  for (let i = 0; i <= 40; i++) {
    const t = T0 + i * 15_000;
    app.append(0, labelsFromRecord({ __name__: 'http_requests_total', job: 'api', instance: 'a:80' }), t, i * 30);
    app.append(0, labelsFromRecord({ __name__: 'http_requests_total', job: 'api', instance: 'b:80' }), t, i * 15);
    app.append(0, labelsFromRecord({ __name__: 'temperature', job: 'sensor', 'room.name': 'lab' }), t, 20 + (i % 3));
    if (i <= 10) app.append(0, labelsFromRecord({ __name__: 'flaky', job: 'api' }), t, 1);
    if (i === 11) app.append(0, labelsFromRecord({ __name__: 'flaky', job: 'api' }), t, StaleNaN);
  }
  app.commit();
  engine = new Engine({ maxSamples: 1000 });
  ctx = storeOnlyRoutes(storage, engine, () => T0 + 600_000, overrides);
});

afterAll(() => storage.close());

const sec = (ms: number): string => String(ms / 1000);

describe('/api/v1/query', () => {
  it('returns a vector in the Prometheus envelope with string values', async () => {
    const r = await handleApiRequest(ctx, '/api/v1/query', { query: 'sum by (job) (rate(http_requests_total[1m]))', time: sec(T0 + 600_000) });
    expect(r.status).toBe(200);
    const body = r.body as { status: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
    expect(body.data.result).toHaveLength(1);
    expect(body.data.result[0]!.metric).toEqual({ job: 'api' });
    expect(body.data.result[0]!.value[0]).toBe((T0 + 600_000) / 1000);
    // Values travel as strings; 2/s + 1/s, up to float rounding of the extrapolation.
    expect(typeof body.data.result[0]!.value[1]).toBe('string');
    expect(Number(body.data.result[0]!.value[1])).toBeCloseTo(3, 9);
  });

  it('defaults time to now and accepts RFC 3339', async () => {
    const a = await handleApiRequest(ctx, '/api/v1/query', { query: 'temperature' });
    const b = await handleApiRequest(ctx, '/api/v1/query', { query: 'temperature', time: new Date(T0 + 600_000).toISOString() });
    expect(a.body).toEqual(b.body);
  });

  it('returns scalars and strings', async () => {
    const r = await handleApiRequest(ctx, '/api/v1/query', { query: '1/0', time: '100' });
    expect(r.body).toEqual({ status: 'success', data: { resultType: 'scalar', result: [100, '+Inf'] } });
    const s = await handleApiRequest(ctx, '/api/v1/query', { query: '"hi"', time: '100' });
    expect(s.body).toEqual({ status: 'success', data: { resultType: 'string', result: [100, 'hi'] } });
  });

  it('hides stale series', async () => {
    const before = await handleApiRequest(ctx, '/api/v1/query', { query: 'flaky', time: sec(T0 + 150_000) });
    const after = await handleApiRequest(ctx, '/api/v1/query', { query: 'flaky', time: sec(T0 + 170_000) });
    expect((before.body as { data: { result: unknown[] } }).data.result).toHaveLength(1);
    expect((after.body as { data: { result: unknown[] } }).data.result).toHaveLength(0);
  });

  it('reports parse errors as bad_data 400 with a position', async () => {
    const r = await handleApiRequest(ctx, '/api/v1/query', { query: 'sum(rate(x[5m])' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    expect((r.body as { error: string }).error).toMatch(/^invalid parameter "query": 1:\d+: parse error: /);
    expect((r.body as { data: { position: { start: number } } }).data.position.start).toBeGreaterThanOrEqual(0);
  });

  it('reports execution limits as 422', async () => {
    const r = await handleApiRequest(ctx, '/api/v1/query', { query: 'http_requests_total[10m]', time: sec(T0 + 600_000) });
    expect(r.status).toBe(200);
    const big = await handleApiRequest(ctx, '/api/v1/query_range', {
      query: 'http_requests_total',
      start: sec(T0),
      end: sec(T0 + 600_000),
      step: '0.5',
    });
    expect(big.status).toBe(422);
    expect(big.body).toMatchObject({ errorType: 'execution', error: expect.stringMatching(/too many samples/) });
  });

  it('rejects bad times', async () => {
    const r = await handleApiRequest(ctx, '/api/v1/query', { query: 'up', time: 'yesterday' });
    expect(r.status).toBe(400);
    expect((r.body as { error: string }).error).toBe('invalid parameter "time": cannot parse "yesterday" to a valid timestamp');
  });
});

describe('/api/v1/query_range', () => {
  it('returns a matrix sorted by labels', async () => {
    const r = await handleApiRequest(ctx, '/api/v1/query_range', {
      query: 'rate(http_requests_total[1m])',
      start: sec(T0 + 120_000),
      end: sec(T0 + 240_000),
      step: '1m',
    });
    expect(r.status).toBe(200);
    const data = (r.body as { data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] } }).data;
    expect(data.resultType).toBe('matrix');
    expect(data.result.map((s) => s.metric.instance)).toEqual(['a:80', 'b:80']);
    expect(data.result[0]!.values.map(([t]) => t)).toEqual([(T0 + 120_000) / 1000, (T0 + 180_000) / 1000, (T0 + 240_000) / 1000]);
    for (const [, v] of data.result[0]!.values) expect(Number(v)).toBeCloseTo(2, 9);
  });

  it('enforces step and the 11,000 points limit like Prometheus', async () => {
    const base = { query: 'temperature', start: '0', end: '100' };
    const zero = await handleApiRequest(ctx, '/api/v1/query_range', { ...base, step: '0' });
    expect(zero.status).toBe(400);
    expect((zero.body as { error: string }).error).toMatch(/zero or negative query resolution step widths are not accepted/);
    const many = await handleApiRequest(ctx, '/api/v1/query_range', { ...base, end: '11001', step: '1' });
    expect((many.body as { error: string }).error).toMatch(/exceeded maximum resolution of 11,000 points per timeseries/);
    const back = await handleApiRequest(ctx, '/api/v1/query_range', { ...base, start: '100', end: '0', step: '1' });
    expect((back.body as { error: string }).error).toMatch(/end timestamp must not be before start time/);
  });

  it('fails on a range-vector expression with bad_data', async () => {
    const r = await handleApiRequest(ctx, '/api/v1/query_range', { query: 'temperature[5m]', start: '0', end: '100', step: '10' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ errorType: 'bad_data' });
  });
});

describe('metadata endpoints', () => {
  it('lists series, label names and values with matchers', async () => {
    const s = await handleApiRequest(ctx, '/api/v1/series', { 'match[]': ['http_requests_total{instance="a:80"}', 'temperature'] });
    expect(s.body).toEqual({
      status: 'success',
      data: [
        { __name__: 'http_requests_total', instance: 'a:80', job: 'api' },
        { __name__: 'temperature', job: 'sensor', 'room.name': 'lab' },
      ],
    });
    const none = await handleApiRequest(ctx, '/api/v1/series', {});
    expect(none.status).toBe(400);
    expect((none.body as { error: string }).error).toBe('no match[] parameter provided');
    const names = await handleApiRequest(ctx, '/api/v1/labels', {});
    expect((names.body as { data: string[] }).data).toEqual(['__name__', 'instance', 'job', 'room.name']);
    const vals = await handleApiRequest(ctx, '/api/v1/label/instance/values', { 'match[]': ['http_requests_total'] });
    expect((vals.body as { data: string[] }).data).toEqual(['a:80', 'b:80']);
    const dotted = await handleApiRequest(ctx, '/api/v1/label/U__room_2e_name/values', {});
    expect((dotted.body as { data: string[] }).data).toEqual(['lab']);
    const bad = await handleApiRequest(ctx, '/api/v1/series', { 'match[]': ['{'] });
    expect(bad.status).toBe(400);
  });

  it('formats and parses queries', async () => {
    const f = await handleApiRequest(ctx, '/api/v1/format_query', { query: 'sum by(job)(rate(x[5m]))' });
    expect(f.body).toEqual({ status: 'success', data: 'sum by (job) (rate(x[5m]))' });
    const p = await handleApiRequest(ctx, '/api/v1/parse_query', { query: 'x' });
    expect((p.body as { data: { type: string } }).data.type).toBe('vectorSelector');
  });

  it('answers status endpoints and 404s unknown routes', async () => {
    expect((await handleApiRequest(ctx, '/api/v1/status/buildinfo', {})).body).toMatchObject({ data: { version: '3.14.0' } });
    const tsdb = await handleApiRequest(ctx, '/api/v1/status/tsdb', {});
    expect((tsdb.body as { data: { headStats: { numSeries: number } } }).data.headStats.numSeries).toBe(4);
    const nf = await handleApiRequest(ctx, '/api/v1/nope', {});
    expect(nf.status).toBe(404);
  });

  it('decodes U__-escaped label names', () => {
    expect(decodeLabelName('U__a_2e_b')).toBe('a.b');
    expect(decodeLabelName('U__a__b')).toBe('a_b');
    expect(decodeLabelName('plain')).toBe('plain');
  });
});

describe('/api/v1/query_exemplars', () => {
  const withExemplars = (): RouteTable => {
    const ex = new ExemplarStorage(100);
    ex.add(labelsFromRecord({ __name__: 'http_requests_total', job: 'api', code: '200' }), { labels: labelsFromRecord({ trace_id: 'abc' }), value: 0.25, ts: T0 + 1500 });
    ex.add(labelsFromRecord({ __name__: 'http_requests_total', job: 'api', code: '200' }), { labels: labelsFromRecord({ trace_id: 'def' }), value: 2, ts: T0 + 61_000 });
    ex.add(labelsFromRecord({ __name__: 'other', job: 'x' }), { labels: labelsFromRecord({ span_id: '1' }), value: 1, ts: T0 });
    return storeOnlyRoutes(storage, engine, () => T0 + 600_000, { ...overrides, exemplars: ex });
  };

  it('returns the exemplars of every selector in the query within [start, end], in Prometheus shape', async () => {
    const r = await handleApiRequest(withExemplars(), '/api/v1/query_exemplars', { query: 'sum(rate(http_requests_total{job="api"}[5m]))', start: sec(T0), end: sec(T0 + 60_000) });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'success',
      data: [{ seriesLabels: { __name__: 'http_requests_total', code: '200', job: 'api' }, exemplars: [{ labels: { trace_id: 'abc' }, value: '0.25', timestamp: (T0 + 1500) / 1000 }] }],
    });
    // several selectors: both series
    const both = await handleApiRequest(withExemplars(), '/api/v1/query_exemplars', { query: 'http_requests_total / on() other' });
    expect((both.body.data as unknown[]).length).toBe(2);
  });

  it('answers null for a query without selectors, [] without exemplar storage, and bad_data for bad input', async () => {
    expect((await handleApiRequest(withExemplars(), '/api/v1/query_exemplars', { query: '1 + 1' })).body).toEqual({ status: 'success', data: null });
    expect((await handleApiRequest(ctx, '/api/v1/query_exemplars', { query: 'up' })).body).toEqual({ status: 'success', data: [] });
    const bad = await handleApiRequest(withExemplars(), '/api/v1/query_exemplars', { query: 'sum(' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    const order = await handleApiRequest(withExemplars(), '/api/v1/query_exemplars', { query: 'up', start: '10', end: '5' });
    expect(order.status).toBe(400);
    expect((order.body as { error?: string }).error).toBe('end timestamp must not be before start timestamp');
  });
});
