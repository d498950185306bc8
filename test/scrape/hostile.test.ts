/**
 * Hostile targets served on loopback (reliability.md B7 6-8): a 50 MB body and a gzip bomb are
 * cut at body_size_limit with bounded memory, 1,000,000 series are cut at sample_limit, a target
 * sending one byte per second is cut at the scrape timeout, invalid UTF-8 and duplicate series are
 * reported, and a healthy target keeps scraping on time while all of this happens.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, staticTargetGroups } from '../../src/main/config/index';
import { ScrapeManager } from '../../src/main/scrape/manager';
import { ERR_BODY_SIZE_LIMIT, readBody, ScrapeError } from '../../src/main/scrape/scraper';
import { MemStorage } from './memstore';

const MB = 1024 * 1024;

/** gzipBomb returns gzip members of repeated "a 1\n" that together inflate to `total` bytes. */
function gzipBomb(total: number): Buffer {
  const piece = Buffer.alloc(16 * MB, 'a 1\n');
  const member = zlib.gzipSync(piece, { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(total / piece.length) }, () => member));
}

const BOMB = gzipBomb(1024 * MB);
const MILLION = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => `m{i="${i}"} 1\n`).join(''));

let server: http.Server;
let port = 0;
const sent: Record<string, number> = {};

function streamBody(res: http.ServerResponse, total: number, key: string): void {
  const chunk = Buffer.alloc(64 * 1024, 'huge_series{a="b"} 1\n');
  let written = 0;
  sent[key] = 0;
  const pump = (): void => {
    while (written < total) {
      if (res.destroyed) return;
      written += chunk.length;
      sent[key] = written;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const text = { 'Content-Type': 'text/plain; version=0.0.4' };
    switch (req.url) {
      case '/huge':
        res.writeHead(200, text);
        streamBody(res, 50 * MB, 'huge');
        return;
      case '/bomb':
        res.writeHead(200, { ...text, 'Content-Encoding': 'gzip' }).end(BOMB);
        return;
      case '/million':
        res.writeHead(200, text).end(MILLION);
        return;
      case '/slow': {
        res.writeHead(200, text);
        res.write('s');
        const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write('s')), 1000);
        res.on('close', () => clearInterval(t));
        return;
      }
      case '/utf8':
        res.writeHead(200, text).end(Buffer.concat([Buffer.from('ok 1\nbad{v="'), Buffer.from([0xc3, 0x28]), Buffer.from('"} 1\n')]));
        return;
      case '/dup':
        res.writeHead(200, text).end('d{x="1"} 1\nd{x="1"} 2\n');
        return;
      default:
        res.writeHead(200, text).end('healthy 1\n');
    }
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('body reading bounds', () => {
  async function* counted(buf: Buffer, chunk: number, counter: { n: number }): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < buf.length; i += chunk) {
      counter.n += Math.min(chunk, buf.length - i);
      yield buf.subarray(i, i + chunk);
    }
  }

  it('stops inflating a gzip bomb at the limit, having pulled only a little compressed data', async () => {
    const pulled = { n: 0 };
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    await expect(readBody(counted(BOMB, 16 * 1024, pulled), true, 10 * MB, new AbortController().signal)).rejects.toThrow(ERR_BODY_SIZE_LIMIT);
    expect(performance.now() - t0).toBeLessThan(3000);
    // 10 MB of output needs ~10 KB of input at this ratio; allow for zlib's buffering.
    expect(pulled.n).toBeLessThan(512 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(40 * MB);
  });

  it('stops reading a plain body at the limit; a body of exactly the limit fails too, as in Prometheus', async () => {
    const pulled = { n: 0 };
    const big = Buffer.alloc(50 * MB, 'x');
    await expect(readBody(counted(big, 64 * 1024, pulled), false, 10 * MB, new AbortController().signal)).rejects.toThrow(ScrapeError);
    expect(pulled.n).toBe(10 * MB);
    await expect(readBody(counted(Buffer.alloc(100), 30, { n: 0 }), false, 100, new AbortController().signal)).rejects.toThrow(ERR_BODY_SIZE_LIMIT);
    const ok = await readBody(counted(Buffer.alloc(99, 'y'), 30, { n: 0 }), false, 100, new AbortController().signal);
    expect(ok.length).toBe(99);
  });
});

describe('hostile targets', () => {
  it('are cut at their limits with clear errors while a healthy target keeps its schedule', async () => {
    const job = (name: string, extra: string): string =>
      `  - job_name: ${name}\n    metrics_path: /${name}\n    extra_scrape_metrics: true\n    static_configs: [{targets: ["127.0.0.1:${port}"]}]\n${extra}`;
    const cfg = loadConfig(
      'scrape_configs:\n' +
        job('huge', '    body_size_limit: 10MB\n    scrape_interval: 3s\n    scrape_timeout: 3s\n') +
        job('bomb', '    body_size_limit: 10MB\n    scrape_interval: 3s\n    scrape_timeout: 3s\n') +
        job('million', '    sample_limit: 1000\n    scrape_interval: 10s\n    scrape_timeout: 5s\n') +
        job('slow', '    scrape_interval: 5s\n    scrape_timeout: 1500ms\n') +
        job('utf8', '    scrape_interval: 2s\n') +
        job('dup', '    scrape_interval: 2s\n') +
        job('healthy', '    scrape_interval: 200ms\n    scrape_timeout: 200ms\n'),
      'hostile.yml',
    );
    const store = new MemStorage();
    const warnings: string[] = [];
    const m = new ScrapeManager({ appendable: store, skipOffsetting: true, logger: (level, msg) => level === 'warn' && warnings.push(msg) });
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline)), 5);
    m.applyConfig(cfg);
    m.sync(staticTargetGroups(cfg));
    await new Promise((r) => setTimeout(r, 4000));
    clearInterval(sampler);
    const view = m.targets();
    const stats = m.scrapeStats();
    await m.stop();

    const byJob = Object.fromEntries(view.active.map((t) => [t.scrapePool, t]));
    const inst = `instance="127.0.0.1:${port}"`;
    const last = store.lastValues();
    const val = (name: string, j: string): number | 'stale' | undefined => last[`${name}{${inst}, job="${j}"}`];

    // 50 MB body and gzip bomb: cut at body_size_limit, up=0, scrape_body_size_bytes=-1.
    for (const j of ['huge', 'bomb']) {
      expect(byJob[j]!.lastError, j).toBe('body size limit exceeded');
      expect(byJob[j]!.health).toBe('down');
      expect(val('up', j)).toBe(0);
      expect(val('scrape_body_size_bytes', j)).toBe(-1);
    }
    expect(sent.huge).toBeLessThan(35 * MB);
    expect(store.seriesWithSamples().some((s) => s.startsWith('huge_series') || s.startsWith('a{'))).toBe(false);

    // 1,000,000 series: cut at sample_limit, the true count reported, nothing stored.
    expect(byJob.million!.lastError).toBe('sample limit exceeded');
    expect(val('scrape_samples_scraped', 'million')).toBe(1_000_000);
    expect(val('scrape_sample_limit', 'million')).toBe(1000);
    expect(store.seriesWithSamples().some((s) => s.startsWith('m{'))).toBe(false);

    // One byte per second: cut at the 1.5 s timeout.
    expect(byJob.slow!.lastError).toBe(`Get "http://127.0.0.1:${port}/slow": context deadline exceeded`);
    expect(byJob.slow!.lastScrapeDuration).toBeGreaterThan(1.4);
    expect(byJob.slow!.lastScrapeDuration).toBeLessThan(2.5);

    // Invalid UTF-8 is a positioned error; duplicates are dropped and reported, the scrape is up.
    expect(byJob.utf8!.lastError).toMatch(/^line 2, column 8: invalid UTF-8 label value/);
    expect(byJob.dup!.health).toBe('up');
    expect(val('d', 'dup')).toBeUndefined();
    expect(last[`d{${inst}, job="dup", x="1"}`]).toBe(1);
    expect(stats.find((s) => s.scrapePool === 'dup')!.stats.duplicates).toBeGreaterThanOrEqual(1);
    // The manager's totals (its self-metrics) add up every loop's counters.
    const sum = (k: 'duplicates' | 'sampleLimitHits' | 'scrapes'): number => stats.reduce((a, s) => a + s.stats[k], 0);
    expect(m.totals.duplicates).toBe(sum('duplicates'));
    expect(m.totals.sampleLimitHits).toBe(sum('sampleLimitHits'));
    expect(m.totals.sampleLimitHits).toBeGreaterThanOrEqual(1);
    expect(m.totals.scrapes).toBe(sum('scrapes'));
    expect(warnings).toContain('Error on ingesting samples with different value but same timestamp');

    // The healthy target kept its 200 ms schedule throughout.
    const ups = store.get(`up{${inst}, job="healthy"}`)!;
    expect(ups.length).toBeGreaterThanOrEqual(14);
    const gaps = ups.slice(1).map((s, i) => s.t - ups[i]!.t);
    expect(Math.max(...gaps)).toBeLessThan(600);
    expect(ups.every((s) => s.v === 1)).toBe(true);

    // Memory stayed bounded: nowhere near the 50 MB body or the 1 GiB bomb.
    expect(peak).toBeLessThan(200 * MB);
  }, 30_000);
});
