import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { labelsFromRecord } from '../../src/common/model/labels';
import { openStorage, type StorageEngine } from '../../src/main/storage';
import { Engine } from '../../src/main/promql/engine';
import { hostAllowed, startServer, type ApiServer } from '../../src/main/api/server';
import { storeOnlyRoutes } from '../../src/main/api/router';

let storage: StorageEngine;
let server: ApiServer;
let uiDir: string;

/** raw sends a request with full control of the headers (fetch forbids setting Host). */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

beforeAll(async () => {
  storage = openStorage({ path: ':memory:' });
  const app = storage.appender();
  app.append(0, labelsFromRecord({ __name__: 'up', job: 'x' }), 1_000_000, 1);
  app.commit();
  uiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ui-'));
  fs.writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>Vigil</title>');
  fs.mkdirSync(path.join(uiDir, 'assets'));
  fs.writeFileSync(path.join(uiDir, 'assets', 'app.js'), 'console.log(1)');
  const engine = new Engine();
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    uiDir,
    routes: storeOnlyRoutes(storage, engine, () => 1_000_000, { buildInfo: { version: '3.14.0', revision: '', branch: '', buildUser: '', buildDate: '', goVersion: '' } }),
  });
});

afterAll(async () => {
  await server.close();
  storage.close();
  fs.rmSync(uiDir, { recursive: true, force: true });
});

describe('HTTP server', () => {
  it('serves the API over GET and form-encoded POST', async () => {
    const g = await fetch(`${server.url}/api/v1/query?query=up&time=1000`);
    expect(g.status).toBe(200);
    expect(g.headers.get('content-type')).toBe('application/json');
    const p = await fetch(`${server.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'query=up&time=1000',
    });
    expect(await p.json()).toEqual(await (await fetch(`${server.url}/api/v1/query?query=up&time=1000`)).json());
    const body = (await g.json()) as { data: { result: { value: [number, string] }[] } };
    expect(body.data.result[0]!.value).toEqual([1000, '1']);
  });

  it('answers health endpoints and serves the UI with a CSP at its own routes', async () => {
    expect((await fetch(`${server.url}/-/healthy`)).status).toBe(200);
    const idx = await fetch(`${server.url}/`);
    expect(idx.status).toBe(200);
    expect(await idx.text()).toContain('<title>Vigil</title>');
    expect(idx.headers.get('content-security-policy')).toContain("default-src 'none'");
    const js = await fetch(`${server.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('answers 404 for unknown paths instead of the UI: the API error shape under /api/, plain text elsewhere', async () => {
    for (const p of ['/federate', '/-/reload', '/metrics/job/x', '/targets', '/assets/missing.js', '/api/v2/alerts']) {
      const r = await fetch(`${server.url}${p}`);
      expect(r.status, p).toBe(404);
      const text = await r.text();
      expect(text, p).not.toContain('<title>Vigil</title>');
      if (p.startsWith('/api/')) expect(JSON.parse(text), p).toMatchObject({ status: 'error', errorType: 'not_found' });
      else expect(r.headers.get('content-type'), p).toMatch(/^text\/plain/);
    }
    const api = await fetch(`${server.url}/api/v1/nope`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ status: 'error', errorType: 'not_found', error: 'unknown API endpoint /api/v1/nope' });
    const put = await fetch(`${server.url}/metrics/job/x`, { method: 'PUT', body: 'x 1\n' });
    expect(put.status).toBe(404);
    // A known path with a method it does not take is a 405.
    const del = await fetch(`${server.url}/api/v1/query?query=up`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(await del.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    const port = server.port;
    for (const host of ['evil.example.com', `attacker.example.com:${port}`, `127.0.0.1:${port + 1}`]) {
      const r = await raw(port, { path: '/api/v1/query?query=up', headers: { Host: host } });
      expect(r.status, `Host: ${host}`).toBe(403);
    }
    // Without a Host header Node's HTTP/1.1 server already answers 400 before our check.
    const none = await raw(port, { path: '/api/v1/query?query=up' });
    expect([400, 403]).toContain(none.status);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      const r = await raw(port, { path: '/-/healthy', headers: { Host: host } });
      expect(r.status, `Host: ${host}`).toBe(200);
    }
  });

  it('refuses cross-origin writes and never sends a wildcard CORS header', async () => {
    const port = server.port;
    const evil = await raw(port, {
      method: 'POST',
      path: '/api/v1/query',
      headers: { Host: `127.0.0.1:${port}`, Origin: 'https://evil.example.com', 'Content-Type': 'text/plain' },
      body: 'query=up',
    });
    expect(evil.status).toBe(403);
    const same = await raw(port, {
      method: 'POST',
      path: '/api/v1/query',
      headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'query=up&time=1000',
    });
    expect(same.status).toBe(200);
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('checks Host headers exactly', () => {
    expect(hostAllowed('localhost:9797', 9797)).toBe(true);
    expect(hostAllowed('localhost:9797.evil.com', 9797)).toBe(false);
    expect(hostAllowed(undefined, 9797)).toBe(false);
  });
});
