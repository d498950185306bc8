import { describe, expect, it } from 'vitest';
import { ipcAllowlist, MAX_PARAM_BYTES, validateApiRequest } from '../../src/common/ipc/contract';
import { parseCoreToShell, parseShellToCore } from '../../src/common/ipc/messages';
import type { RouteSpec } from '../../src/common/api/route';

const specs: RouteSpec[] = [
  { methods: ['GET', 'POST'], pattern: '/api/v1/query', readOnly: true },
  { methods: ['GET'], pattern: '/api/v1/label/:name/values', readOnly: true },
  { methods: ['POST'], pattern: '/api/v1/admin/tsdb/delete_series', readOnly: false },
  { methods: ['GET'], pattern: '/metrics', readOnly: true },
];
const allowed = ipcAllowlist(specs);

describe('IPC request validation', () => {
  it('accepts the read-only API routes of the route table, with string params', () => {
    const r = validateApiRequest({ path: '/api/v1/query', params: { query: 'up', time: '1' } }, allowed);
    expect(r).toEqual({ ok: true, req: { path: '/api/v1/query', params: { query: 'up', time: '1' } } });
    expect(validateApiRequest({ path: '/api/v1/label/job/values', params: { 'match[]': ['up'] } }, allowed).ok).toBe(true);
  });

  it('refuses mutating and non-API routes, unknown paths, bad shapes and oversized values', () => {
    expect(validateApiRequest({ path: '/api/v1/admin/tsdb/delete_series', params: {} }, allowed)).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/metrics', params: {} }, allowed)).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/targets', params: {} }, allowed)).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/query/../admin', params: {} }, allowed)).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/label/a/b/values', params: {} }, allowed)).toMatchObject({ ok: false });
    expect(validateApiRequest(null, allowed)).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/query', params: [] }, allowed)).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/query', params: { query: 5 } }, allowed)).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/query', params: { query: 'x'.repeat(MAX_PARAM_BYTES + 1) } }, allowed)).toMatchObject({
      ok: false,
      reason: 'parameter query too long',
    });
  });

  it('without a route table (the preload) accepts only plain /api/v1 paths', () => {
    expect(validateApiRequest({ path: '/api/v1/targets', params: {} }).ok).toBe(true);
    expect(validateApiRequest({ path: '/api/v1/../x', params: {} }).ok).toBe(false);
    expect(validateApiRequest({ path: '/metrics', params: {} }).ok).toBe(false);
  });
});

describe('core <-> shell messages', () => {
  it('parse the typed union and refuse anything else', () => {
    expect(parseShellToCore({ type: 'shutdown' })).toEqual({ type: 'shutdown' });
    expect(parseShellToCore({ type: 'request', id: 1, req: { path: '/api/v1/query', params: {} } })).toMatchObject({ type: 'request', id: 1 });
    expect(parseShellToCore({ type: 'request', id: '1', req: { path: '/x', params: {} } })).toBeNull();
    expect(parseShellToCore({ shutdown: true })).toBeNull();
    expect(parseCoreToShell({ type: 'ready', url: 'http://127.0.0.1:1', routes: specs })).toMatchObject({ type: 'ready' });
    expect(parseCoreToShell({ type: 'event', event: { kind: 'notification', title: 't', body: 'b', route: '/alerts' } })).toMatchObject({ type: 'event' });
    expect(parseCoreToShell({ type: 'event', event: { kind: 'alerts', firing: 3 } })).toMatchObject({ type: 'event' });
    expect(parseCoreToShell({ type: 'event', event: { kind: 'notify', title: 't' } })).toBeNull();
    expect(parseCoreToShell({ event: 'notify', title: 'x' })).toBeNull();
    expect(parseCoreToShell({ type: 'response', id: 2, body: { status: 'success', data: 1 } })).toMatchObject({ type: 'response', id: 2 });
  });
});
