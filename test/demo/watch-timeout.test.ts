/**
 * The fake API server's watches end on their timeoutSeconds without writing after the end: a
 * bookmark or event due after the timeout must not become a write-after-end error (which, as an
 * unhandled 'error' event, crashed `vigil serve --demo` after some minutes).
 */
import * as https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../src/main/demo/apiserver';

let api: FakeApiServer;

beforeAll(async () => {
  api = new FakeApiServer({ users: [{ name: 'admin', groups: ['system:masters'], tokens: ['t0k'] }], bookmarkIntervalMs: 1 });
  await api.start();
});

afterAll(async () => {
  await api.stop();
});

function watch(): Promise<{ lines: string[]; status: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL('/api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=1', api.url);
    const req = https.get(u, { ca: api.ca.certPem, headers: { Authorization: 'Bearer t0k' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ lines: body.split('\n').filter(Boolean), status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
  });
}

describe('fake API server watch timeouts', () => {
  it('ends each watch at its timeout, with bookmarks up to then and no error afterwards', async () => {
    const errors: unknown[] = [];
    const onErr = (e: unknown): void => void errors.push(e);
    process.on('uncaughtException', onErr);
    try {
      const results = await Promise.all([watch(), watch(), watch(), watch()]);
      // Events keep coming to other watches after these ended.
      for (let i = 0; i < 20; i++) api.store.put('pods', { metadata: { name: `p${i}`, namespace: 'default' } } as never);
      await new Promise((r) => setTimeout(r, 300));
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.lines.length).toBeGreaterThan(10);
        for (const l of r.lines) expect((JSON.parse(l) as { type: string }).type).toBe('BOOKMARK');
      }
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onErr);
    }
  });
});
