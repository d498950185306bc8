/**
 * Forwarding to external Alertmanagers (prometheus.yml's alerting section): a real
 * prometheus-alertmanager 0.25 on loopback lists the forwarded alert with the external labels and
 * both relabelings applied, and the resolve removes it from the active alerts; against a capture
 * server: batches of 256, path_prefix, basic auth, a retried 5xx, the bounded queue and the
 * prometheus_notifications_* metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { labelsFromRecord } from '../../src/common/model/labels';
import { loadConfig } from '../../src/main/config/load';
import { Forwarder, forwarderRoutes, discover } from '../../src/main/alerting/forward/index';
import type { NotifyAlert } from '../../src/main/rules/index';
import { startAlertmanager, startCapture, type AlertmanagerPeer, type CaptureServer } from './peer';

let am: AlertmanagerPeer;
let capture: CaptureServer;

beforeAll(async () => {
  am = await startAlertmanager({ route: { receiver: 'null' }, receivers: [{ name: 'null' }] });
  capture = await startCapture();
});
afterAll(async () => {
  await am?.stop();
  await capture?.close();
});

function alert(labels: Record<string, string>, endsAt: number): NotifyAlert {
  return { labels: labelsFromRecord(labels), annotations: labelsFromRecord({ summary: `${labels.alertname} fires` }), startsAt: Date.now() - 60_000, endsAt, generatorURL: 'http://vigil:9797/graph?g0.expr=up' };
}

interface V2Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  endsAt: string;
  status: { state: string };
}

async function amAlerts(): Promise<V2Alert[]> {
  const r = await fetch(`${am.url}/api/v2/alerts`);
  return (await r.json()) as V2Alert[];
}

function amtoolQuery(): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('/usr/bin/amtool', ['alert', 'query', '--alertmanager.url', am.url, '-o', 'extended'], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout))),
  );
}

describe('forwarding to Alertmanager 0.25', () => {
  test('the alert arrives with external labels and relabeling applied, and its resolve reaches Alertmanager', async () => {
    const port = new URL(am.url).port;
    const cfg = loadConfig(
      [
        'global:',
        '  external_labels: {cluster: laptop, severity: overridden-not}',
        'alerting:',
        '  alert_relabel_configs:',
        '    - {action: labeldrop, regex: dropme}',
        '  alertmanagers:',
        `    - static_configs: [{targets: ['127.0.0.1:${port}']}]`,
        '      timeout: 5s',
        '      alert_relabel_configs:',
        '        - {source_labels: [severity], regex: ignore, action: drop}',
        '',
      ].join('\n'),
      'prometheus.yml',
    );
    const fwd = new Forwarder({ retryDelayMs: 50 });
    fwd.applyConfig(cfg);
    expect(fwd.alertmanagers()).toEqual([`http://127.0.0.1:${port}/api/v2/alerts`]);
    const route = forwarderRoutes(() => fwd)[0]!;
    const res = await route.handler({ method: 'GET', path: '/api/v1/alertmanagers', params: {}, pathParams: {}, header: () => undefined, body: () => Promise.resolve(new Uint8Array()) });
    expect(res).toEqual({ kind: 'json', status: 200, body: { status: 'success', data: { activeAlertmanagers: [{ url: `http://127.0.0.1:${port}/api/v2/alerts` }], droppedAlertmanagers: [] } } });
    fwd.send([alert({ alertname: 'DiskFull', severity: 'critical', dropme: 'x' }, Date.now() + 3600_000), alert({ alertname: 'Noise', severity: 'ignore' }, Date.now() + 3600_000)]);
    await fwd.idle();
    const listed = await amAlerts();
    expect(listed.map((a) => a.labels)).toEqual([{ alertname: 'DiskFull', severity: 'critical', cluster: 'laptop' }]);
    expect(listed[0]!.annotations).toEqual({ summary: 'DiskFull fires' });
    expect(listed[0]!.status.state).toBe('active');
    const q = await amtoolQuery();
    expect(q).toContain('alertname="DiskFull"');
    expect(q).toContain('cluster="laptop"');
    expect(q).not.toContain('Noise');

    fwd.send([alert({ alertname: 'DiskFull', severity: 'critical', dropme: 'x' }, Date.now() - 1000)]);
    await fwd.idle();
    expect(await amAlerts()).toEqual([]);
    const m = fwd.selfMetrics();
    expect(m).toContain(`prometheus_notifications_sent_total{alertmanager="http://127.0.0.1:${port}/api/v2/alerts"} 2`);
    expect(m).toContain(`prometheus_notifications_errors_total{alertmanager="http://127.0.0.1:${port}/api/v2/alerts"} 0`);
    expect(m).toContain('prometheus_notifications_alertmanagers_discovered 1');
    expect(m).toContain('prometheus_notifications_queue_capacity 10000');
    await fwd.stop();
  });
});

describe('the notifier queue and requests', () => {
  test('discovery: scheme, path_prefix, default ports, relabel_configs on __address__, duplicates once', () => {
    const cfg = loadConfig(
      [
        'alerting:',
        '  alertmanagers:',
        '    - scheme: https',
        '      path_prefix: /prefix',
        "      static_configs: [{targets: ['am-a', 'am-b:9093', 'am-a']}]",
        '      relabel_configs:',
        '        - {source_labels: [__address__], regex: am-b.*, action: drop}',
        '',
      ].join('\n'),
      'prometheus.yml',
    );
    expect(discover(cfg.alerting.alertmanagers[0]!, 0).map((t) => t.url)).toEqual(['https://am-a:443/prefix/api/v2/alerts']);
  });

  test('batches of 256, path_prefix and scheme, basic auth, a 5xx retried, errors counted', async () => {
    const port = new URL(capture.url).port;
    const cfg = loadConfig(
      ['alerting:', '  alertmanagers:', `    - static_configs: [{targets: ['127.0.0.1:${port}']}]`, '      path_prefix: /am/', '      basic_auth: {username: vigil, password: pw}', ''].join('\n'),
      'prometheus.yml',
    );
    const fwd = new Forwarder({ retryDelayMs: 10 });
    fwd.applyConfig(cfg);
    capture.statuses.push(500);
    fwd.send(Array.from({ length: 300 }, (_, i) => alert({ alertname: 'A', i: String(i) }, Date.now() + 60_000)));
    await fwd.idle();
    const posts = capture.requests.filter((r) => r.path === '/am/api/v2/alerts');
    // The first batch failed once (500) and was re-sent; then the rest.
    expect(posts.map((p) => (JSON.parse(p.body) as unknown[]).length)).toEqual([256, 256, 44]);
    expect(posts[0]!.headers.authorization).toBe('Basic ' + Buffer.from('vigil:pw').toString('base64'));
    expect(posts[0]!.headers['content-type']).toBe('application/json');
    const first = (JSON.parse(posts[1]!.body) as { labels: Record<string, string>; startsAt: string; endsAt: string }[])[0]!;
    expect(first.labels).toEqual({ alertname: 'A', i: '0' });
    expect(Date.parse(first.endsAt)).toBeGreaterThan(Date.now());
    const m = fwd.selfMetrics();
    expect(m).toContain(`prometheus_notifications_errors_total{alertmanager="http://127.0.0.1:${port}/am/api/v2/alerts"} 256`);
    expect(m).toContain(`prometheus_notifications_sent_total{alertmanager="http://127.0.0.1:${port}/am/api/v2/alerts"} 556`);
    expect(m).toContain('prometheus_notifications_dropped_total 0');
    await fwd.stop();
  });

  test('a full queue drops the oldest and counts them; a batch no Alertmanager took is counted dropped', async () => {
    const cfg = loadConfig(['alerting:', '  alertmanagers:', "    - static_configs: [{targets: ['127.0.0.1:1']}]", '      timeout: 1s', ''].join('\n'), 'prometheus.yml');
    const fwd = new Forwarder({ capacity: 3, retries: 0 });
    fwd.applyConfig(cfg);
    fwd.send(Array.from({ length: 5 }, (_, i) => alert({ alertname: 'A', i: String(i) }, Date.now() + 60_000)));
    // 2 dropped at once for room; the 3 kept went to an unreachable Alertmanager and were dropped too.
    expect(fwd.selfMetrics()).toContain('prometheus_notifications_dropped_total 2');
    await fwd.idle();
    expect(fwd.selfMetrics()).toContain('prometheus_notifications_dropped_total 5');
    expect(fwd.selfMetrics()).toContain('prometheus_notifications_queue_length 0');
    expect(fwd.selfMetrics()).toContain('prometheus_notifications_errors_total{alertmanager="http://127.0.0.1:1/api/v2/alerts"} 3');
    await fwd.stop();
  });
});
