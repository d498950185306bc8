import { describe, expect, it } from 'vitest';
import { MAX_PARAM_BYTES, validateApiRequest } from '../../src/common/ipc/contract';

describe('IPC request validation', () => {
  it('accepts read-only API routes with string params', () => {
    const r = validateApiRequest({ path: '/api/v1/query', params: { query: 'up', time: '1' } });
    expect(r).toEqual({ ok: true, req: { path: '/api/v1/query', params: { query: 'up', time: '1' } } });
    expect(validateApiRequest({ path: '/api/v1/label/job/values', params: { 'match[]': ['up'] } }).ok).toBe(true);
  });

  it('refuses unknown paths, bad shapes and oversized values', () => {
    expect(validateApiRequest({ path: '/api/v1/admin/tsdb/delete_series', params: {} })).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/query/../admin', params: {} })).toMatchObject({ ok: false });
    expect(validateApiRequest(null)).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/query', params: [] })).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/query', params: { query: 5 } })).toMatchObject({ ok: false });
    expect(validateApiRequest({ path: '/api/v1/query', params: { query: 'x'.repeat(MAX_PARAM_BYTES + 1) } })).toMatchObject({
      ok: false,
      reason: 'parameter query too long',
    });
  });
});
