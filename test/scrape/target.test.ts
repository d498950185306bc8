import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { labelsFromRecord, labelsToRecord } from '../../src/common/model/labels';
import { loadConfig, staticTargetGroups } from '../../src/main/config/index';
import { defaultHTTPClientConfig } from '../../src/main/config/load';
import { relabelConfig, Relabeler } from '../../src/main/relabel/index';
import { ScrapeManager } from '../../src/main/scrape/manager';
import { acceptHeader } from '../../src/main/scrape/pool';
import { TargetScraper } from '../../src/main/scrape/scraper';
import { populateLabels, targetsFromGroup } from '../../src/main/scrape/target';
import type { ScrapeFetchOptions, ScrapeResponse, ScrapeTransport } from '../../src/main/scrape/transport';
import { HttpTransport } from '../../src/main/scrape/transport';
import { MemStorage } from './memstore';

function scrapeConfig(extra = ''): ReturnType<typeof loadConfig>['scrapeConfigs'][number] {
  return loadConfig(`scrape_configs:\n  - job_name: j\n    scrape_interval: 30s\n    params: {module: [m1]}\n${extra}`, 'p.yml').scrapeConfigs[0]!;
}

describe('target labels', () => {
  it('adds job, scheme, path, interval, timeout and params, defaults instance to the address and drops __meta_', () => {
    const cfg = scrapeConfig();
    const r = populateLabels(cfg, new Relabeler(cfg.relabelConfigs), labelsFromRecord({ __address__: 'h:9100', __meta_x: 'y' }), labelsFromRecord({ team: 'a' }));
    expect(r.error).toBeNull();
    // Prometheus 3 also presets the per-target histogram settings.
    expect(labelsToRecord(r.labels!)).toEqual({
      __address__: 'h:9100',
      __always_scrape_classic_histograms__: 'false',
      __convert_classic_histograms_to_nhcb__: 'false',
      __metrics_path__: '/metrics',
      __param_module: 'm1',
      __scheme__: 'http',
      __scrape_interval__: '30s',
      __scrape_native_histograms__: 'false',
      __scrape_timeout__: '10s',
      instance: 'h:9100',
      job: 'j',
      team: 'a',
    });
    expect(labelsToRecord(r.discovered)).toMatchObject({ __meta_x: 'y', job: 'j', team: 'a' });
  });

  it('lets target labels win over group labels and relabeling set instance, scheme, path and params', () => {
    const cfg = scrapeConfig(
      [
        '    relabel_configs:',
        '      - {source_labels: [__address__], target_label: __param_target}',
        '      - {target_label: __address__, replacement: "probe:9115"}',
        '      - {source_labels: [__param_target], target_label: instance}',
        '      - {target_label: __scheme__, replacement: https}',
        '      - {target_label: __metrics_path__, replacement: probe}',
      ].join('\n'),
    );
    const g = targetsFromGroup({ source: 's', targets: [labelsFromRecord({ __address__: 'site.example', env: 'target' })], labels: labelsFromRecord({ env: 'group' }) }, cfg, new Relabeler(cfg.relabelConfigs));
    const t = g.active[0]!;
    expect(labelsToRecord(t.publicLabels())).toEqual({ env: 'target', instance: 'site.example', job: 'j' });
    expect(t.url()).toBe('https://probe:9115/probe?module=m1&target=site.example');
  });

  it('gives targets of a Kubernetes context its cluster label after relabeling, which may set its own, and keeps discovered labels as they were', () => {
    const origin = { kind: 'kubernetes' as const, context: 'prod-eu', clusterLabel: 'prod-eu' };
    const plain = scrapeConfig();
    const g = targetsFromGroup({ source: 's', targets: [labelsFromRecord({ __address__: '10.0.0.1:8080' })], labels: labelsFromRecord({ __meta_kubernetes_namespace: 'default' }), origin }, plain, new Relabeler(plain.relabelConfigs));
    expect(labelsToRecord(g.active[0]!.publicLabels())).toEqual({ cluster: 'prod-eu', instance: '10.0.0.1:8080', job: 'j' });
    expect(labelsToRecord(g.active[0]!.discoveredLabels).cluster).toBeUndefined();
    expect(g.active[0]!.origin).toEqual(origin);
    const renamed = scrapeConfig('    relabel_configs: [{target_label: cluster, replacement: eu-1}]\n');
    const r = targetsFromGroup({ source: 's', targets: [labelsFromRecord({ __address__: '10.0.0.1:8080' })], labels: [], origin }, renamed, new Relabeler(renamed.relabelConfigs));
    expect(labelsToRecord(r.active[0]!.publicLabels()).cluster).toBe('eu-1');
  });

  it('drops targets removed by relabeling and reports invalid ones', () => {
    const cfg = scrapeConfig('    relabel_configs: [{source_labels: [drop], regex: "yes", action: drop}]\n');
    const g = targetsFromGroup(
      {
        source: 'g',
        targets: [labelsFromRecord({ __address__: 'a:1', drop: 'yes' }), labelsFromRecord({ __address__: 'b:1', __scrape_timeout__: '1m' }), labelsFromRecord({ __address__: 'c/x' }), labelsFromRecord({ __address__: 'd:1' })],
        labels: [],
      },
      cfg,
      new Relabeler(cfg.relabelConfigs),
    );
    expect(g.active.map((t) => t.get('__address__'))).toEqual(['d:1']);
    expect(g.dropped.map((t) => labelsToRecord(t.discoveredLabels).__address__)).toEqual(['a:1', 'b:1', 'c/x']);
    expect(g.failures).toEqual(['instance 1 in group g: scrape timeout cannot be greater than scrape interval ("1m" > "30s")', 'instance 2 in group g: "c/x" is not a valid hostname']);
  });

  it('escapes query parameters like Go and keeps config params that relabeling does not override', () => {
    const cfg = scrapeConfig('    metrics_path: /a b\n');
    const g = targetsFromGroup({ source: 's', targets: [labelsFromRecord({ __address__: 'h:1', __param_q: 'x y&z' })], labels: [] }, cfg, new Relabeler([relabelConfig({ action: 'labelkeep', regex: '.*' })]));
    expect(g.active[0]!.url()).toBe('http://h:1/a%20b?module=m1&q=x+y%26z');
  });
});

describe('pluggable transport', () => {
  it('routes a target through the transport chosen for it, with the scrape headers and limit', async () => {
    const calls: { url: string; opts: ScrapeFetchOptions }[] = [];
    const proxyTransport: ScrapeTransport = {
      async fetch(url, opts): Promise<ScrapeResponse> {
        calls.push({ url, opts });
        async function* body(): AsyncGenerator<Uint8Array> {
          yield Buffer.from('via_proxy 1\n');
        }
        return { status: 200, statusText: 'OK', header: (n) => (n === 'content-type' ? 'text/plain; version=0.0.4' : undefined), body: body(), destroy: () => {} };
      },
      close: () => {},
    };
    const cfg = loadConfig('scrape_configs:\n  - job_name: k\n    scrape_interval: 1s\n    body_size_limit: 1MB\n    static_configs: [{targets: ["pod-a:8080"], labels: {via: proxy}}]\n', 'p.yml');
    const store = new MemStorage();
    const m = new ScrapeManager({ appendable: store, skipOffsetting: true, transportFor: ({ target }) => (target.get('via') === 'proxy' ? proxyTransport : null) });
    m.applyConfig(cfg);
    m.sync(staticTargetGroups(cfg));
    await new Promise((r) => setTimeout(r, 100));
    await m.stop();
    expect(calls[0]!.url).toBe('http://pod-a:8080/metrics');
    expect(calls[0]!.opts.maxBytes).toBe(1024 * 1024);
    expect(calls[0]!.opts.headers['X-Prometheus-Scrape-Timeout-Seconds']).toBe('1');
    expect(store.lastValues()['via_proxy{instance="pod-a:8080", job="k", via="proxy"}']).toBe(1);
  });
});

describe('timeouts do not leak', () => {
  it('300 scrapes of a target that never answers leave no sockets or handles behind', async () => {
    const sockets = new Set<Socket>();
    const server = http.createServer(() => {
      // Never respond.
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const before = process.getActiveResourcesInfo().filter((x) => x === 'TCPSocketWrap' || x === 'Timeout').length;
    const transport = new HttpTransport(defaultHTTPClientConfig());
    const s = new TargetScraper({ url, transport, timeoutMs: 5, bodySizeLimit: 0, acceptHeader: acceptHeader(['PrometheusText0.0.4'], 'underscores'), enableCompression: true, httpClient: defaultHTTPClientConfig() });
    let timeouts = 0;
    for (let i = 0; i < 300; i++) {
      try {
        await s.scrape(new AbortController().signal);
      } catch (e) {
        if ((e as Error).message.endsWith('context deadline exceeded')) timeouts++;
      }
    }
    expect(timeouts).toBe(300);
    await new Promise((r) => setTimeout(r, 100));
    expect(sockets.size).toBe(0);
    transport.close();
    const after = process.getActiveResourcesInfo().filter((x) => x === 'TCPSocketWrap' || x === 'Timeout').length;
    expect(after).toBeLessThanOrEqual(before);
    await new Promise((r) => server.close(r));
  });
});
