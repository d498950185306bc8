import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../src/main/api/table';
import { silenceRoutes } from '../../src/main/alerting/silence-routes';
import { SilenceStore } from '../../src/main/alerting/silences';
import type { RouteResult } from '../../src/common/api/route';

const H = 3600_000;

function setup(now = Date.now()) {
  const store = new SilenceStore({ dir: null, now: () => now });
  const table = new RouteTable(silenceRoutes(() => store));
  const call = async (method: string, path: string, params: Record<string, string | string[]> = {}, body?: unknown) => {
    const r = await table.dispatch({ method, path, params, body: async () => new TextEncoder().encode(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)) });
    return { r, json: parse(r) };
  };
  return { store, table, call };
}

function parse(r: RouteResult): unknown {
  if (r.kind === 'json') return r.body;
  if (r.kind === 'stream') throw new Error('unexpected stream answer');
  const t = typeof r.body === 'string' ? r.body : new TextDecoder().decode(r.body);
  return t === '' ? undefined : JSON.parse(t);
}

const postable = (over: Record<string, unknown> = {}) => ({
  matchers: [{ name: 'alertname', value: 'A', isRegex: false }],
  startsAt: new Date(Date.now() - 1000).toISOString(),
  endsAt: new Date(Date.now() + H).toISOString(),
  createdBy: 'me',
  comment: 'c',
  ...over,
});

describe('v2 silence API', () => {
  it('creates, lists, gets and expires silences with Alertmanager shapes', async () => {
    const { call } = setup();
    const p = await call('POST', '/api/v2/silences', {}, postable());
    expect(p.r.status).toBe(200);
    const id = (p.json as { silenceID: string }).silenceID;
    const l = await call('GET', '/api/v2/silences');
    expect(l.r).toMatchObject({ kind: 'raw', status: 200, contentType: 'application/json' });
    const list = l.json as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(Object.keys(list[0]!)).toEqual(['id', 'status', 'updatedAt', 'comment', 'createdBy', 'endsAt', 'matchers', 'startsAt']);
    expect(list[0]).toMatchObject({ id, status: { state: 'active' }, matchers: [{ isEqual: true, isRegex: false, name: 'alertname', value: 'A' }] });
    expect(list[0]!.endsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const g = await call('GET', `/api/v2/silence/${id}`);
    expect(g.json).toEqual(list[0]);
    expect((await call('DELETE', `/api/v2/silence/${id}`)).r.status).toBe(200);
    expect((await call('GET', '/api/v2/silence/00000000-0000-4000-8000-000000000000')).r.status).toBe(404);
    expect(await call('GET', '/api/v2/silence/xyz')).toMatchObject({ r: { status: 422 }, json: { code: 601, message: 'silenceID in path must be of type uuid: "xyz"' } });
    expect(await call('DELETE', '/api/v2/silence/00000000-0000-4000-8000-000000000000')).toMatchObject({ r: { status: 500 }, json: 'silence not found' });
  });

  it('filters with the filter parameter (exact matchers) and rejects a bad one', async () => {
    const { call } = setup();
    await call('POST', '/api/v2/silences', {}, postable());
    await call('POST', '/api/v2/silences', {}, postable({ matchers: [{ name: 'alertname', value: 'B', isRegex: false }] }));
    const f = await call('GET', '/api/v2/silences', { filter: 'alertname="B"' });
    expect((f.json as { matchers: { value: string }[] }[]).map((s) => s.matchers[0]!.value)).toEqual(['B']);
    expect(((await call('GET', '/api/v2/silences', { filter: ['alertname="B"', 'x="y"'] })).json as unknown[]).length).toBe(0);
    expect(await call('GET', '/api/v2/silences', { filter: 'a~b' })).toMatchObject({ r: { status: 400 }, json: 'bad matcher format: a~b' });
  });

  it.each([
    ['empty body', '', 422, { code: 602, message: 'silence in body is required' }],
    ['missing comment', {}, 422, { code: 602, message: 'comment in body is required' }],
    ['no matchers', postable({ matchers: [] }), 422, { code: 612, message: 'matchers in body should have at least 1 items' }],
    ['no isRegex', postable({ matchers: [{ name: 'a', value: 'b' }] }), 422, { code: 602, message: 'matchers.0.isRegex in body is required' }],
    ['bad JSON', 'nojson', 400, null],
    ['empty matcher', postable({ matchers: [{ name: 'a', value: '', isRegex: false }] }), 400, 'silence invalid: at least one matcher must not match the empty string'],
    ['bad label name', postable({ matchers: [{ name: 'a b', value: 'x', isRegex: false }] }), 400, 'silence invalid: invalid label matcher 0: invalid label name "a b"'],
    ['end before start', postable({ endsAt: new Date(Date.now() - 2 * H).toISOString() }), 400, 'Failed to create silence: start time must be before end time'],
    ['end in the past', postable({ startsAt: new Date(Date.now() - 3 * H).toISOString(), endsAt: new Date(Date.now() - 2 * H).toISOString() }), 400, "Failed to create silence: end time can't be in the past"],
    ['unknown id', postable({ id: '00000000-0000-4000-8000-000000000000' }), 404, 'silence not found'],
  ])('POST: %s', async (_n, body, status, want) => {
    const { call } = setup();
    const r = await call('POST', '/api/v2/silences', {}, body);
    expect(r.r.status).toBe(status);
    if (want !== null) expect(r.json).toEqual(want);
    else expect((r.json as { message: string }).message).toMatch(/^parsing silence body from "" failed, because /);
  });
});

describe('UI silence routes', () => {
  it('are marked for IPC where they change things', () => {
    const { table } = setup();
    const specs = table.specs().filter((s) => s.pattern.startsWith('/api/v1/alerting'));
    expect(specs).toEqual([
      { methods: ['GET'], pattern: '/api/v1/alerting/silences', readOnly: true },
      { methods: ['POST'], pattern: '/api/v1/alerting/silences', readOnly: false, ipc: true },
      { methods: ['POST'], pattern: '/api/v1/alerting/silences/expire', readOnly: false, ipc: true },
    ]);
  });

  it('create with a matcher list and a duration, update by id, list, expire', async () => {
    const now = Date.UTC(2025, 5, 1, 12);
    const { call } = setup(now);
    const c = await call('POST', '/api/v1/alerting/silences', { matchers: '{alertname="X", severity=~"crit.*"}', duration: '2h', createdBy: 'ann', comment: 'maintenance' });
    expect(c.r.status).toBe(200);
    const id = (c.json as { data: { silenceID: string } }).data.silenceID;
    const l = await call('GET', '/api/v1/alerting/silences');
    const data = (l.json as { status: string; data: Record<string, unknown>[] }).data;
    expect(data[0]).toMatchObject({ id, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 2 * H).toISOString(), createdBy: 'ann', status: { state: 'active' } });
    expect(data[0]!.matchers).toEqual([
      { isEqual: true, isRegex: false, name: 'alertname', value: 'X' },
      { isEqual: true, isRegex: true, name: 'severity', value: 'crit.*' },
    ]);
    // Extending an active silence keeps its id.
    const u = await call('POST', '/api/v1/alerting/silences', { id, matchers: 'alertname="X", severity=~"crit.*"', endsAt: new Date(now + 5 * H).toISOString(), comment: 'longer' });
    expect((u.json as { data: { silenceID: string } }).data.silenceID).toBe(id);
    expect(((await call('GET', '/api/v1/alerting/silences', { filter: 'alertname="X"' })).json as { data: { comment: string }[] }).data[0]!.comment).toBe('longer');
    expect((await call('POST', '/api/v1/alerting/silences/expire', { id })).r.status).toBe(200);
    expect((await call('GET', '/api/v1/alerting/silences', { state: 'pending' })).json).toEqual({ status: 'success', data: [] });
  });

  it('answers bad parameters with bad_data naming them', async () => {
    const { call } = setup();
    const bad = async (params: Record<string, string>, re: RegExp, status = 400) => {
      const r = await call('POST', '/api/v1/alerting/silences', params);
      expect(r.r.status).toBe(status);
      expect((r.json as { error: string }).error).toMatch(re);
    };
    await bad({ matchers: 'a~b', duration: '1h', createdBy: 'x' }, /invalid parameter "matchers": bad matcher format/);
    await bad({ matchers: 'a="b"', createdBy: 'x' }, /"endsAt" and "duration"/);
    await bad({ matchers: 'a="b"', duration: 'soon', createdBy: 'x' }, /invalid parameter "duration"/);
    await bad({ matchers: 'a="b"', endsAt: 'tomorrow', createdBy: 'x' }, /invalid parameter "endsAt"/);
    await bad({ matchers: 'a=""', duration: '1h', createdBy: 'x' }, /at least one matcher must not match the empty string/);
    await bad({ matchers: 'a="b"', duration: '1h', createdBy: '' }, /createdBy/);
    await bad({ matchers: 'a="b"', duration: '1h', createdBy: 'x', id: 'nope' }, /silence nope not found/, 404);
    const e = await call('POST', '/api/v1/alerting/silences/expire', { id: 'nope' });
    expect(e.r.status).toBe(404);
    expect((await call('GET', '/api/v1/alerting/silences', { state: 'bogus' })).r.status).toBe(400);
  });

  it('answers unavailable while alerting is not running', async () => {
    const table = new RouteTable(silenceRoutes(() => null));
    expect((await table.dispatch({ method: 'GET', path: '/api/v1/alerting/silences', params: {} })).status).toBe(503);
    expect((await table.dispatch({ method: 'GET', path: '/api/v2/silences', params: {} })).status).toBe(503);
  });
});
