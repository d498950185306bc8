/**
 * The HTTP side of scraping against loopback servers: request headers (content negotiation,
 * timeout, auth), gzip, status handling, redirects, TLS, and the manager's target view.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, staticTargetGroups } from '../../src/main/config/index';
import { defaultHTTPClientConfig } from '../../src/main/config/load';
import type { HTTPClientConfig } from '../../src/main/config/types';
import { DEFAULT_SCRAPE_PROTOCOLS } from '../../src/main/config/types';
import { acceptHeader } from '../../src/main/scrape/pool';
import { ScrapeManager } from '../../src/main/scrape/manager';
import { TargetScraper, USER_AGENT } from '../../src/main/scrape/scraper';
import { HttpTransport } from '../../src/main/scrape/transport';
import { MemStorage } from './memstore';
import { delimited, family } from '../textparse/pbwire';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server;
let base = '';
let handler: Handler = (_q, r) => r.end();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-http-'));

beforeAll(async () => {
  server = http.createServer((q, r) => handler(q, r));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(tmp, { recursive: true, force: true });
});

function scraper(url: string, opts: { httpClient?: HTTPClientConfig; timeoutMs?: number; compression?: boolean; limit?: number } = {}): { s: TargetScraper; t: HttpTransport } {
  const httpClient = opts.httpClient ?? defaultHTTPClientConfig();
  const t = new HttpTransport(httpClient);
  const s = new TargetScraper({
    url,
    transport: t,
    timeoutMs: opts.timeoutMs ?? 10_000,
    bodySizeLimit: opts.limit ?? 0,
    acceptHeader: acceptHeader(DEFAULT_SCRAPE_PROTOCOLS, 'allow-utf-8'),
    enableCompression: opts.compression ?? true,
    httpClient,
  });
  return { s, t };
}

describe('TargetScraper over HTTP', () => {
  it('sends Prometheus 3 negotiation and timeout headers and decodes gzip', async () => {
    let seen: http.IncomingHttpHeaders = {};
    let url = '';
    handler = (q, r) => {
      seen = q.headers;
      url = q.url ?? '';
      r.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' }).end(zlib.gzipSync('a 1\n'));
    };
    const { s, t } = scraper(`${base}/probe?module=http_2xx&target=x`, { timeoutMs: 2500 });
    const res = await s.scrape(new AbortController().signal);
    t.close();
    expect(Buffer.from(res.body).toString()).toBe('a 1\n');
    expect(res.contentType).toBe('text/plain; version=0.0.4');
    expect(url).toBe('/probe?module=http_2xx&target=x');
    expect(seen.accept).toBe(
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    );
    expect(seen['accept-encoding']).toBe('gzip');
    expect(seen['user-agent']).toBe(USER_AGENT);
    expect(seen['x-prometheus-scrape-timeout-seconds']).toBe('2.5');
  });

  it('asks for identity encoding when compression is disabled', async () => {
    let enc = '';
    handler = (q, r) => {
      enc = String(q.headers['accept-encoding']);
      r.writeHead(200, { 'Content-Type': 'text/plain' }).end('a 1\n');
    };
    const { s, t } = scraper(`${base}/metrics`, { compression: false });
    await s.scrape(new AbortController().signal);
    t.close();
    expect(enc).toBe('identity');
  });

  it('fails on a non-200 status with Prometheus wording', async () => {
    handler = (_q, r) => r.writeHead(404, { 'Content-Type': 'text/plain' }).end('nope');
    const { s, t } = scraper(`${base}/metrics`);
    await expect(s.scrape(new AbortController().signal)).rejects.toThrow('server returned HTTP status 404 Not Found');
    t.close();
  });

  it('follows redirects', async () => {
    handler = (q, r) => {
      if (q.url === '/old') r.writeHead(302, { Location: '/new' }).end();
      else r.writeHead(200, { 'Content-Type': 'text/plain' }).end(`at ${q.url}\n`.replace('at /new', 'at_new 1'));
    };
    const { s, t } = scraper(`${base}/old`);
    const res = await s.scrape(new AbortController().signal);
    t.close();
    expect(Buffer.from(res.body).toString()).toBe('at_new 1\n');
  });

  it('sends basic auth (password file re-read on every scrape), bearer tokens and custom headers', async () => {
    const auths: string[] = [];
    handler = (q, r) => {
      auths.push(`${q.headers.authorization} | ${q.headers['x-tenant']}`);
      r.writeHead(200, { 'Content-Type': 'text/plain' }).end('a 1\n');
    };
    const pw = path.join(tmp, 'pw');
    fs.writeFileSync(pw, 'first\n');
    const basic = { ...defaultHTTPClientConfig(), basicAuth: { username: 'u', usernameFile: '', password: '', passwordFile: pw }, httpHeaders: { 'X-Tenant': { values: ['t1'], secrets: [], files: [] } } };
    const { s, t } = scraper(`${base}/metrics`, { httpClient: basic });
    await s.scrape(new AbortController().signal);
    fs.writeFileSync(pw, 'second\n');
    await s.scrape(new AbortController().signal);
    t.close();
    const bearer = { ...defaultHTTPClientConfig(), authorization: { type: 'Bearer', credentials: 'tok', credentialsFile: '' } };
    const b = scraper(`${base}/metrics`, { httpClient: bearer });
    await b.s.scrape(new AbortController().signal);
    b.t.close();
    expect(auths).toEqual([`Basic ${Buffer.from('u:first').toString('base64')} | t1`, `Basic ${Buffer.from('u:second').toString('base64')} | t1`, 'Bearer tok | undefined']);
  });

  it('reports a refused connection like Go', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const { s, t } = scraper(`http://127.0.0.1:${port}/metrics`);
    await expect(s.scrape(new AbortController().signal)).rejects.toThrow(`Get "http://127.0.0.1:${port}/metrics": dial tcp 127.0.0.1:${port}: connect: connection refused`);
    t.close();
  });

  it('scrapes over TLS with a CA file, and rejects an unknown CA', async () => {
    const key = path.join(tmp, 'key.pem');
    const cert = path.join(tmp, 'cert.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=vigil-test', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`openssl is needed to create the test certificate: ${(e as Error).message}`);
    }
    const tlsServer = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_q, r) => r.writeHead(200, { 'Content-Type': 'text/plain' }).end('secure 1\n'));
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/metrics`;
    try {
      const good = scraper(url, { httpClient: { ...defaultHTTPClientConfig(), tlsConfig: { ...defaultHTTPClientConfig().tlsConfig, caFile: cert } } });
      expect(Buffer.from((await good.s.scrape(new AbortController().signal)).body).toString()).toBe('secure 1\n');
      good.t.close();
      const bad = scraper(url);
      await expect(bad.s.scrape(new AbortController().signal)).rejects.toThrow(/self.signed certificate|unable to verify/);
      bad.t.close();
      const skip = scraper(url, { httpClient: { ...defaultHTTPClientConfig(), tlsConfig: { ...defaultHTTPClientConfig().tlsConfig, insecureSkipVerify: true } } });
      expect(Buffer.from((await skip.s.scrape(new AbortController().signal)).body).toString()).toBe('secure 1\n');
      skip.t.close();
    } finally {
      await new Promise((r) => tlsServer.close(r));
    }
  });
});

describe('ScrapeManager with static targets', () => {
  it('scrapes static targets and reports them like /api/v1/targets', async () => {
    handler = (q, r) => {
      if (q.url?.startsWith('/fail')) r.writeHead(500).end();
      else r.writeHead(200, { 'Content-Type': 'text/plain' }).end('hello 1\n');
    };
    const port = base.split(':')[2];
    const cfg = loadConfig(
      [
        'scrape_configs:',
        '  - job_name: good',
        '    scrape_interval: 100ms',
        '    scrape_timeout: 100ms',
        '    static_configs: [{targets: ["127.0.0.1:' + port + '"], labels: {env: dev}}]',
        '  - job_name: bad',
        '    scrape_interval: 100ms',
        '    scrape_timeout: 100ms',
        '    metrics_path: /fail',
        '    static_configs: [{targets: ["127.0.0.1:' + port + '", "localhost:' + port + '"]}]',
        '    relabel_configs: [{source_labels: [__address__], regex: "localhost.*", action: drop}]',
      ].join('\n'),
      'p.yml',
    );
    const store = new MemStorage();
    const m = new ScrapeManager({ appendable: store, skipOffsetting: true });
    m.applyConfig(cfg);
    m.sync(staticTargetGroups(cfg));
    expect(m.scrapePools()).toEqual(['bad', 'good']);
    await new Promise((r) => setTimeout(r, 350));
    const view = m.targets();
    await m.stop();
    expect(view.active.map((t) => [t.scrapePool, t.health, t.lastError])).toEqual([
      ['bad', 'down', 'server returned HTTP status 500 Internal Server Error'],
      ['good', 'up', ''],
    ]);
    const good = view.active[1]!;
    expect(good).toMatchObject({
      labels: { env: 'dev', instance: `127.0.0.1:${port}`, job: 'good' },
      scrapeUrl: `${base}/metrics`,
      scrapeInterval: '100ms',
      scrapeTimeout: '100ms',
    });
    expect(good.discoveredLabels).toMatchObject({ __address__: `127.0.0.1:${port}`, __metrics_path__: '/metrics', __scheme__: 'http', __scrape_interval__: '100ms', __scrape_timeout__: '100ms', env: 'dev', job: 'good' });
    expect(good.lastScrape).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(good.lastScrapeDuration).toBeGreaterThan(0);
    // Vigil's extension names the rule that dropped it (the first of relabel_configs).
    expect(view.dropped).toEqual([{ discoveredLabels: expect.objectContaining({ __address__: `localhost:${port}`, job: 'bad' }), scrapePool: 'bad', droppedBy: { index: 0, action: 'drop', sourceLabels: ['__address__'], separator: ';', regex: 'localhost.*', targetLabel: '' } }]);
    expect(view.droppedTargetCounts).toEqual({ bad: 1, good: 0 });
    expect(store.lastValues()[`hello{env="dev", instance="127.0.0.1:${port}", job="good"}`]).toBe(1);
  });

  it('offers protobuf first when scrape_protocols lists PrometheusProto, and ingests the protobuf exposition', async () => {
    let accept = '';
    handler = (q, r) => {
      accept = q.headers.accept ?? '';
      if (accept.startsWith('application/vnd.google.protobuf')) {
        const body = delimited([
          family({ name: 'jobs_total', help: 'Jobs.', type: 0, metric: [{ label: [{ name: 'queue', value: 'a' }], counter: { value: 7 } }] }),
          family({ name: 'wait_seconds', type: 4, metric: [{ histogram: { sampleCount: 3, sampleSum: 1.5, bucket: [{ cumulativeCount: 2, upperBound: 0.5 }] } }] }),
        ]);
        r.writeHead(200, { 'Content-Type': 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited' }).end(body);
      } else r.writeHead(200, { 'Content-Type': 'text/plain' }).end('text_only 1\n');
    };
    const port = base.split(':')[2];
    const cfg = loadConfig(
      [
        'scrape_configs:',
        '  - job_name: pb',
        '    scrape_interval: 100ms',
        '    scrape_timeout: 100ms',
        '    scrape_protocols: [PrometheusProto, PrometheusText0.0.4]',
        '    static_configs: [{targets: ["127.0.0.1:' + port + '"]}]',
      ].join('\n'),
      'p.yml',
    );
    const store = new MemStorage();
    const m = new ScrapeManager({ appendable: store, skipOffsetting: true });
    m.applyConfig(cfg);
    m.sync(staticTargetGroups(cfg));
    await new Promise((r) => setTimeout(r, 250));
    const view = m.targets();
    await m.stop();
    expect(accept).toBe('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,text/plain;version=0.0.4;q=0.5,*/*;q=0.4');
    expect(view.active.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);
    const v = store.lastValues();
    const inst = `instance="127.0.0.1:${port}", job="pb"`;
    expect(v[`jobs_total{${inst}, queue="a"}`]).toBe(7);
    expect(v[`wait_seconds_bucket{${inst}, le="0.5"}`]).toBe(2);
    expect(v[`wait_seconds_bucket{${inst}, le="+Inf"}`]).toBe(3);
    expect(v[`wait_seconds_count{${inst}}`]).toBe(3);
    expect(v[`wait_seconds_sum{${inst}}`]).toBe(1.5);
    expect(Object.keys(v).some((k) => k.startsWith('text_only'))).toBe(false);
  });

  it('applies target_limit, and a config reload keeps series (no staleness) while a removed target goes stale', async () => {
    handler = (_q, r) => r.writeHead(200, { 'Content-Type': 'text/plain' }).end('x 1\n');
    const port = base.split(':')[2];
    const yaml = (limit: number, targets: string[]): string =>
      `scrape_configs:\n  - job_name: j\n    scrape_interval: 80ms\n    scrape_timeout: 50ms\n    target_limit: ${limit}\n    static_configs: [{targets: [${targets.map((t) => `"${t}"`).join(', ')}]}]\n`;
    const store = new MemStorage();
    const m = new ScrapeManager({ appendable: store, skipOffsetting: true });
    const c1 = loadConfig(yaml(1, [`127.0.0.1:${port}`, `localhost:${port}`]), 'p.yml');
    m.applyConfig(c1);
    m.sync(staticTargetGroups(c1));
    await new Promise((r) => setTimeout(r, 150));
    expect(m.targets().active.map((t) => t.lastError)).toEqual(['target_limit exceeded (number of targets: 2, limit: 1)', 'target_limit exceeded (number of targets: 2, limit: 1)']);
    const c2 = loadConfig(yaml(2, [`127.0.0.1:${port}`, `localhost:${port}`]), 'p.yml');
    m.applyConfig(c2);
    m.sync(staticTargetGroups(c2));
    await m.settled();
    await new Promise((r) => setTimeout(r, 150));
    expect(m.targets().active.map((t) => t.health)).toEqual(['up', 'up']);
    const c3 = loadConfig(yaml(2, [`127.0.0.1:${port}`]), 'p.yml');
    m.applyConfig(c3);
    m.sync(staticTargetGroups(c3));
    await new Promise((r) => setTimeout(r, 400));
    const last = store.lastValues();
    await m.stop();
    expect(last[`x{instance="127.0.0.1:${port}", job="j"}`]).toBe(1);
    expect(last[`x{instance="localhost:${port}", job="j"}`]).toBe('stale');
    expect(last[`up{instance="localhost:${port}", job="j"}`]).toBe('stale');
  });

  it('stopping the manager also cancels pending end-of-run staleness of removed targets', async () => {
    handler = (_q, r) => r.writeHead(200, { 'Content-Type': 'text/plain' }).end('y 1\n');
    const port = base.split(':')[2];
    const yaml = (targets: string[]): string => `scrape_configs:\n  - job_name: j\n    scrape_interval: 150ms\n    scrape_timeout: 100ms\n    static_configs: [{targets: [${targets.map((t) => `"${t}"`).join(', ')}]}]\n`;
    const store = new MemStorage();
    const m = new ScrapeManager({ appendable: store, skipOffsetting: true });
    const c1 = loadConfig(yaml([`127.0.0.1:${port}`, `localhost:${port}`]), 'p.yml');
    m.applyConfig(c1);
    m.sync(staticTargetGroups(c1));
    await new Promise((r) => setTimeout(r, 100));
    const c2 = loadConfig(yaml([`127.0.0.1:${port}`]), 'p.yml');
    m.sync(staticTargetGroups(c2));
    const t0 = performance.now();
    await m.stop();
    expect(performance.now() - t0).toBeLessThan(200);
    const commits = store.commits;
    await new Promise((r) => setTimeout(r, 500));
    expect(store.commits).toBe(commits);
    expect(store.lastValues()[`y{instance="localhost:${port}", job="j"}`]).toBe(1);
  });
});
