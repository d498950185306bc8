import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startCore, type Core } from '../../src/main/host/core';
import { main } from '../../src/main/cli/main';
import { nopLogger } from '../../src/main/util/log';
import { engineOptsFromFeatures } from '../../src/main/cli/serve';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-core-'));
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

async function exporter(body: () => string, contentType = 'text/plain; version=0.0.4'): Promise<string> {
  const srv = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': contentType }).end(body()));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
  return `127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

async function until<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('core', () => {
  it('scrapes static and file_sd targets from a Prometheus config and serves them', async () => {
    let n = 0;
    const a = await exporter(() => `# TYPE jobs_done_total counter\njobs_done_total ${++n}\n`);
    const b = await exporter(() => '# TYPE temp gauge\ntemp{room="lab"} 21.5\n');
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'targets.json'), JSON.stringify([{ targets: [b], labels: { team: 'infra' } }]));
    const cfg = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      cfg,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: static',
        '    static_configs: [{ targets: ["' + a + '"] }]',
        '  - job_name: files',
        '    file_sd_configs: [{ files: ["targets.json"] }]',
        '',
      ].join('\n'),
    );
    const core: Core = await startCore({ dataDir: path.join(dir, 'data'), configFile: cfg, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger });
    cleanups.push(() => core.stop());
    const up = await until(async () => {
      const r = (await (await fetch(`${core.url}/api/v1/query?query=up`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return r.data.result.length === 2 && r.data.result.every((s) => s.value[1] === '1') ? r.data.result : undefined;
    }, 10_000);
    const byJob = Object.fromEntries(up.map((s) => [s.metric.job, s.metric]));
    expect(byJob.static).toEqual({ __name__: 'up', job: 'static', instance: a });
    expect(byJob.files).toEqual({ __name__: 'up', job: 'files', instance: b, team: 'infra' });
    const t = (await (await fetch(`${core.url}/api/v1/query?query=temp`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    expect(t.data.result[0]!.metric).toEqual({ __name__: 'temp', job: 'files', instance: b, team: 'infra', room: 'lab' });
    expect(t.data.result[0]!.value[1]).toBe('21.5');
    const targets = (await (await fetch(`${core.url}/api/v1/targets`)).json()) as { data: { activeTargets: { scrapePool: string; health: string }[] } };
    expect(targets.data.activeTargets.map((x) => `${x.scrapePool}:${x.health}`).sort()).toEqual(['files:up', 'static:up']);
    // /api/v1/targets/metadata filters targets by match_target, as Prometheus does.
    type Meta = { status: string; data: { target: Record<string, string>; metric?: string; type: string }[] };
    const meta = async (q: string): Promise<Meta> => (await (await fetch(`${core.url}/api/v1/targets/metadata?${q}`)).json()) as Meta;
    const staticOnly = await meta(`match_target=${encodeURIComponent('{job="static"}')}`);
    expect(staticOnly.data.length).toBeGreaterThan(0);
    expect(new Set(staticOnly.data.map((m) => m.target.job))).toEqual(new Set(['static']));
    expect(staticOnly.data.map((m) => m.metric)).toContain('jobs_done_total');
    const oneMetric = await meta(`metric=temp&match_target=${encodeURIComponent('{team="infra"}')}`);
    expect(oneMetric.data).toEqual([{ target: { instance: b, job: 'files', team: 'infra' }, type: 'gauge', help: '', unit: '' }]);
    expect((await meta(`metric=temp&match_target=${encodeURIComponent('{job="static"}')}`)).data).toEqual([]);
    expect((await meta('match_target=%7B')).status).toBe('error');
    const self = await (await fetch(`${core.url}/metrics`)).text();
    expect(self).toMatch(/vigil_tsdb_head_series \d+/);
    expect(self).toMatch(/vigil_scrape_targets\{scrape_pool="static",health="up"\} 1/);
    expect(Number(/^vigil_target_scrapes_total (\d+)$/m.exec(self)?.[1])).toBeGreaterThanOrEqual(2);
    expect(self).toMatch(/^prometheus_target_scrapes_sample_duplicate_timestamp_total 0$/m);
    expect(self).toMatch(/^prometheus_tsdb_exemplar_max_exemplars 100000$/m);

    // The store is locked by the running core: `vigil query` asks the core's API instead, and
    // prints what it would print from the store; a writing command (import) says the store is busy.
    const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      let out = '';
      let err = '';
      const code = await main(argv, (s) => (out += s), (s) => (err += s));
      return { code, out, err };
    };
    const at = String(Date.now() / 1000);
    const json = await run(['query', 'up', '--time', at, '--format', 'json', '--data', path.join(dir, 'data')]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(await (await fetch(`${core.url}/api/v1/query?query=up&time=${at}`)).json());
    const csv = await run(['query', 'up', '--time', at, '--format', 'csv', '--data', path.join(dir, 'data')]);
    expect(csv.code, csv.err).toBe(0);
    expect(csv.out.split('\r\n').filter(Boolean).slice(1).sort()).toEqual([`up,${b},files,infra,${at},1`, `up,${a},static,,${at},1`].sort());
    const empty = await run(['query', 'nothing_here', '--time', at, '--data', path.join(dir, 'data')]);
    expect(empty).toMatchObject({ code: 0, out: 'no data\n' });
    expect(empty.err).toMatch(/no data/);
    const om = path.join(dir, 'x.om');
    fs.writeFileSync(om, 'x 1 1700000000\n# EOF\n');
    const imp = await run(['import', om, '--data', path.join(dir, 'data')]);
    expect(imp.code).toBe(1);
    expect(imp.err).toMatch(/in use by another process/);
  });

  it('stores scraped exemplars and serves them on /api/v1/query_exemplars; max_exemplars: 0 turns that off', async () => {
    let n = 0;
    const om = await exporter(() => `# TYPE req counter\nreq_total{path="/"} ${++n} # {trace_id="t${n}"} 0.5 ${1_700_000_000 + n}\n# EOF\n`, 'application/openmetrics-text; version=1.0.0');
    const run = async (extra: string): Promise<unknown[]> => {
      const dir = tmp();
      const cfg = path.join(dir, 'prometheus.yml');
      fs.writeFileSync(cfg, `${extra}global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\nscrape_configs:\n  - job_name: om\n    static_configs: [{ targets: ["${om}"] }]\n`);
      const core: Core = await startCore({ dataDir: path.join(dir, 'data'), configFile: cfg, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger });
      cleanups.push(() => core.stop());
      await until(async () => {
        const r = (await (await fetch(`${core.url}/api/v1/query?query=req_total`)).json()) as { data: { result: unknown[] } };
        return r.data.result.length === 1 ? true : undefined;
      }, 10_000);
      await new Promise((r) => setTimeout(r, 500));
      const r = (await (await fetch(`${core.url}/api/v1/query_exemplars?query=req_total&start=0&end=2000000000`)).json()) as { status: string; data: unknown[] };
      expect(r.status).toBe('success');
      return r.data;
    };
    const on = (await run('')) as { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string; timestamp: number }[] }[];
    expect(on).toHaveLength(1);
    expect(on[0]!.seriesLabels).toEqual({ __name__: 'req_total', instance: om, job: 'om', path: '/' });
    expect(on[0]!.exemplars.length).toBeGreaterThan(1);
    const first = on[0]!.exemplars[0]!;
    expect(first.value).toBe('0.5');
    expect(first.labels.trace_id).toBe(`t${first.timestamp - 1_700_000_000}`);
    expect(await run('storage:\n  exemplars:\n    max_exemplars: 0\n')).toEqual([]);
  });

  it('writes query_log_file and scrape_failure_log_file as Prometheus does (JSON lines), and refuses an unusable query log', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'prometheus.yml');
    // A port nothing listens on: every scrape fails with "connection refused".
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const dead = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
    await new Promise<void>((r) => srv.close(() => r()));
    fs.writeFileSync(
      cfg,
      ['global:', '  scrape_interval: 200ms', '  scrape_timeout: 200ms', '  query_log_file: queries.log', 'scrape_configs:', '  - job_name: dead', '    scrape_failure_log_file: failures.log', `    static_configs: [{ targets: ["${dead}"] }]`, ''].join('\n'),
    );
    const core: Core = await startCore({ dataDir: path.join(dir, 'data'), configFile: cfg, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger });
    cleanups.push(() => core.stop());
    await fetch(`${core.url}/api/v1/query?query=${encodeURIComponent('sum(up)')}&time=1700000000`);
    await fetch(`${core.url}/api/v1/query_range?query=${encodeURIComponent('rate(nope[1m]')}&start=1700000000&end=1700000060&step=15`);
    const failures = await until(async () => {
      const f = path.join(dir, 'failures.log');
      const lines = fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
      return lines.length >= 2 ? lines.map((l) => JSON.parse(l) as Record<string, string>) : undefined;
    }, 10_000);
    expect(failures[0]).toMatchObject({ level: 'ERROR', job_name: 'dead', target: `http://${dead}/metrics` });
    expect(failures[0]!.msg).toMatch(/connection refused/);
    expect(Date.parse(failures[0]!.time)).toBeGreaterThan(Date.now() - 60_000);
    const queries = fs.readFileSync(path.join(dir, 'queries.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const ok = queries.find((q) => (q.params as { query: string }).query === 'sum(up)')!;
    expect(ok).toMatchObject({ level: 'INFO', msg: 'promql query logged', params: { query: 'sum(up)', start: '2023-11-14T22:13:20.000Z', end: '2023-11-14T22:13:20.000Z', step: 0 } });
    expect((ok.stats as { timings: { evalTotalTime: number } }).timings.evalTotalTime).toBeGreaterThan(0);
    expect(ok.error).toBeUndefined();
    // As in Prometheus, a query that does not parse never runs and is not logged.
    expect(queries.some((q) => (q.params as { query: string }).query === 'rate(nope[1m]')).toBe(false);

    // A query log that cannot be created stops start-up with the reason.
    const cfg2 = path.join(dir, 'bad.yml');
    fs.writeFileSync(cfg2, `global:\n  query_log_file: ${path.join(dir, 'no', 'such', 'dir', 'q.log')}\n`);
    await expect(startCore({ dataDir: path.join(dir, 'd2'), configFile: cfg2, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger })).rejects.toThrow(/query_log_file: can't create json log file: open .*q\.log: ENOENT/);
  });

  it('refuses a bad config with its line, and a taken port, leaving nothing running', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'bad.yml');
    fs.writeFileSync(cfg, 'scrape_configs:\n  - job_name: x\n    scrape_interval: 1s\n    scrape_timeout: 5s\n');
    await expect(startCore({ dataDir: path.join(dir, 'd1'), configFile: cfg, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger })).rejects.toThrow(/bad\.yml:\d+:\d+: .*scrape timeout/i);
    // The failed start released the store: a second start on the same directory works.
    const ok = await startCore({ dataDir: path.join(dir, 'd1'), configFile: null, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger });
    const port = Number(new URL(ok.url).port);
    await expect(startCore({ dataDir: path.join(dir, 'd2'), configFile: null, host: '127.0.0.1', port, demo: false, uiDir: null, logger: nopLogger })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await ok.stop();
  });

  it('keeps experimental PromQL off unless a feature flag enables it', async () => {
    expect(engineOptsFromFeatures('promql-experimental-functions, promql-duration-expr')).toEqual({ enableExperimentalFunctions: true, enableDurationExpressions: true });
    expect(() => engineOptsFromFeatures('warp-drive')).toThrow(/unknown feature "warp-drive"/);
    const q = encodeURIComponent('sort_by_label(vector(1), "x")');
    const off = await startCore({ dataDir: path.join(tmp(), 'd'), configFile: null, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger });
    const r1 = await fetch(`${off.url}/api/v1/query?query=${q}`);
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as { error: string }).error).toMatch(/function "sort_by_label" is not enabled/);
    await off.stop();
    const on = await startCore({ dataDir: path.join(tmp(), 'd'), configFile: null, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger, engine: engineOptsFromFeatures('promql-experimental-functions') });
    const r2 = await fetch(`${on.url}/api/v1/query?query=${q}`);
    expect(r2.status).toBe(200);
    await on.stop();
  });

  it('takes retention from flags, else settings.json, shows it in status, and names the rule file that does not load', async () => {
    const dir = tmp();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'settings.json'), JSON.stringify({ retention: { time: '90d', size: '10GB' } }));
    fs.writeFileSync(path.join(dir, 'alerts.yml'), 'groups: []\n');
    const cfg = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(cfg, 'rule_files: ["*.yml"]\nscrape_configs: []\n');
    const lines: string[] = [];
    const logger = (level: string, msg: string): void => void lines.push(`${level} ${msg}`);
    const flagsOf = async (core: Core): Promise<Record<string, string>> => ((await (await fetch(`${core.url}/api/v1/status/flags`)).json()) as { data: Record<string, string> }).data;
    const runtimeOf = async (core: Core): Promise<Record<string, string>> => ((await (await fetch(`${core.url}/api/v1/status/runtimeinfo`)).json()) as { data: Record<string, string> }).data;
    const a = await startCore({ dataDir: data, configFile: cfg, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger });
    expect(a.retention).toMatchObject({ timeMs: 90 * 86_400_000, sizeBytes: 10 * 1024 ** 3 });
    expect(await flagsOf(a)).toMatchObject({ 'storage.tsdb.retention.time': '90d', 'storage.tsdb.retention.size': '10GB' });
    expect((await runtimeOf(a)).storageRetention).toBe('90d or 10GB');
    // "*.yml" also matches prometheus.yml, which is no rule file: the error names it with line and column.
    expect(lines.some((l) => l.startsWith('error loading rule files failed') && l.includes(`${path.join(dir, 'prometheus.yml')}:1:1: field rule_files not found`))).toBe(true);
    expect(lines.some((l) => l.includes('not evaluated'))).toBe(false);
    await a.stop();
    const b = await startCore({ dataDir: data, configFile: null, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger, retention: { time: '30d' } });
    cleanups.push(() => b.stop());
    expect(await flagsOf(b)).toMatchObject({ 'storage.tsdb.retention.time': '30d', 'storage.tsdb.retention.size': '10GB' });
    expect(b.storage.selfMetrics()).toMatch(/vigil_tsdb_retention_limit_seconds 2592000/);
    await b.stop();
    // A broken settings file is reported with its path; the core starts on defaults.
    fs.writeFileSync(path.join(data, 'settings.json'), '{"retention": {"time": "soon"}}');
    lines.length = 0;
    const c = await startCore({ dataDir: data, configFile: null, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger });
    cleanups.push(() => c.stop());
    expect(lines.some((l) => l.includes(`${path.join(data, 'settings.json')}: retention.time: invalid duration "soon"`))).toBe(true);
    expect(await flagsOf(c)).toMatchObject({ 'storage.tsdb.retention.time': '15d', 'storage.tsdb.retention.size': '2GB' });
    // A bad flag is an error naming the flag.
    await expect(startCore({ dataDir: data, configFile: null, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger, retention: { size: 'lots' } })).rejects.toThrow('--storage.tsdb.retention.size: invalid size "lots"');
  });
});
