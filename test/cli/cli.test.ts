import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/main/cli/main';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
}

describe('vigil CLI', () => {
  it('prints help and rejects unknown commands and flags with usage errors', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['serve', 'query', 'import', 'conformance', 'check']) expect(h.out).toContain(`  ${c} `);
    expect((await run(['frobnicate'])).code).toBe(2);
    const bad = await run(['query', '--nope', 'up']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown flag --nope');
    expect((await run(['serve', '--help'])).out).toContain('--listen HOST:PORT');
  });

  it('imports OpenMetrics with timestamps and queries it as json, csv and table', async () => {
    const dir = tmp();
    const file = path.join(dir, 'data.om');
    const lines = ['# TYPE reqs counter'];
    for (let i = 0; i <= 20; i++) {
      lines.push(`reqs_total{job="a"} ${i * 10} ${1_700_000_000 + i * 15}`);
      lines.push(`reqs_total{job="b",note="x,y"} ${i * 5} ${1_700_000_000 + i * 15}`);
    }
    lines.push('# EOF');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const data = path.join(dir, 'data');
    const imp = await run(['import', file, '--data', data]);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/Imported 42 samples of 2 series/);
    // The samples are from 2023: older than the default 15 d retention, which would delete them.
    expect(imp.err).toMatch(/warning: 42 samples are older than the retention time \(15d, before /);
    // A second import of the same file says why nothing was written.
    const again = await run(['import', file, '--data', data]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Imported 0 samples .*; 42 samples were already stored/);
    expect(again.err).toMatch(/nothing new: every sample of .* is already in/);
    // With the retention raised in the app's settings, the warning goes.
    fs.writeFileSync(path.join(data, 'settings.json'), JSON.stringify({ retention: { time: '0' } }));
    expect((await run(['import', file, '--data', data])).err).not.toMatch(/older than the retention/);

    const t = String(1_700_000_000 + 300);
    const json = await run(['query', 'sum(reqs_total)', '--time', t, '--format', 'json', '--data', data]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Number(t), '300'] }] } });

    const csv = await run(['query', 'reqs_total', '--time', t, '--format', 'csv', '--data', data]);
    expect(csv.out.split('\r\n')).toEqual(['__name__,job,note,timestamp,value', `reqs_total,a,,${t},200`, `reqs_total,b,"x,y",${t},100`, '']);

    const range = await run(['query', 'reqs_total{job="a"}', '--start', String(1_700_000_000), '--end', String(1_700_000_030), '--step', '15s', '--data', data]);
    expect(range.code).toBe(0);
    expect(range.out.trim().split('\n')).toHaveLength(4);
    expect(range.out).toContain('reqs_total{job="a"}');

    const badq = await run(['query', 'sum(', '--data', data]);
    expect(badq.code).toBe(1);
    expect(badq.err).toMatch(/bad_data: 1:5: parse error/);
  });

  it('reports import errors with file, line and column, storing nothing', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.om');
    fs.writeFileSync(file, 'x 1 1700000000\nx{ 2 1700000015\n# EOF\n');
    const r = await run(['import', file, '--data', path.join(dir, 'd')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: `));
    const q = await run(['query', 'x', '--time', '1700000000', '--format', 'json', '--data', path.join(dir, 'd')]);
    expect(JSON.parse(q.out).data.result).toEqual([]);
    expect((await run(['import', path.join(dir, 'missing.om')])).err).toMatch(/no such file/);
  });

  it('says where there is no data', async () => {
    const r = await run(['query', 'up', '--data', path.join(tmp(), 'nothing')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no Vigil data in/);
  });

  it('checks rule files with line numbers', async () => {
    const dir = tmp();
    const good = path.join(dir, 'good.yml');
    fs.writeFileSync(
      good,
      [
        'groups:',
        '  - name: example',
        '    rules:',
        '      - record: job:http_requests:rate5m',
        '        expr: sum by (job) (rate(http_requests_total[5m]))',
        '      - alert: HighErrorRate',
        '        expr: job:http_requests:rate5m > 10',
        "        for: 10m",
        '        labels: { severity: page }',
        '        annotations: { summary: "High rate on {{ $labels.job }}" }',
        '',
      ].join('\n'),
    );
    const ok = await run(['check', 'rules', good]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('SUCCESS: 2 rules found');
    const bad = path.join(dir, 'bad.yml');
    fs.writeFileSync(bad, ['groups:', '  - name: g', '    rules:', '      - record: "bad name"', '        expr: sum(', '      - alert: A', '        expr: up', '        for: soon', '        colour: red', ''].join('\n'));
    const r = await run(['check', 'rules', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:4:17: invalid recording rule name: bad name`);
    expect(r.err).toMatch(new RegExp(`bad.yml:5:15: could not parse expression: 1:5: parse error`));
    expect(r.err).toContain(`${bad}:8:14: invalid duration for for: "soon"`);
    expect(r.err).toContain(`${bad}:9:9: field colour not found`);
  });

  it('checks config files with line numbers', async () => {
    const dir = tmp();
    const f = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(f, 'global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ["localhost:9090"]\n');
    const ok = await run(['check', 'config', f]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('SUCCESS');
    fs.writeFileSync(f, 'global:\n  scrape_interval: 15s\n  bogus: 1\n');
    const bad = await run(['check', 'config', f]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/prometheus\.yml:3:\d+: .*bogus/);
    // Warnings are printed with their place (a section Prometheus has and Vigil does not).
    fs.writeFileSync(f, 'scrape_configs:\n  - job_name: k\n    consul_sd_configs:\n      - server: localhost:8500\n');
    const consul = await run(['check', 'config', f]);
    expect(consul.code).toBe(0);
    expect(consul.out).toMatch(/WARNING: .*prometheus\.yml:3:\d+: consul_sd_configs is not supported by Vigil/);
    expect(consul.out).toContain('SUCCESS');
  });

  it('refuses a data folder it cannot use with one line naming it, and exit code 1', async () => {
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, 'x');
    for (const [dir, reason] of [
      ['/proc/vigil', 'a folder cannot be created there'],
      [file, 'a file (not a folder) is in the way'],
      [path.join(file, 'sub'), 'a file (not a folder) is in the way'],
    ] as const) {
      const r = await run(['serve', '--data', dir, '--listen', '127.0.0.1:0']);
      expect(r.code, dir).toBe(1);
      expect(r.err, dir).toBe(`vigil serve: cannot use data folder ${dir}: ${reason}\n`);
    }
    const imp = await run(['import', file, '--data', '/proc/vigil']);
    expect(imp.code).toBe(1);
    expect(imp.err).toBe('vigil import: cannot use data folder /proc/vigil: a folder cannot be created there\n');
  });

  it('says "no data" for an empty result', async () => {
    const dir = tmp();
    const file = path.join(dir, 'd.om');
    fs.writeFileSync(file, `m 1 ${Math.floor(Date.now() / 1000)}\n# EOF\n`);
    await run(['import', file, '--data', dir]);
    const table = await run(['query', 'absent_metric', '--data', dir]);
    expect(table).toMatchObject({ code: 0, out: 'no data\n' });
    const csv = await run(['query', 'absent_metric', '--format', 'csv', '--data', dir]);
    expect(csv.out).toBe('timestamp,value\r\n');
    expect(csv.err).toMatch(/no data/);
  });

  it('runs the conformance scripts and ends with the totals line', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'mini.test'), ['load 1m', '  m{a="1"} 1 2 3', '', 'eval instant at 2m m', '  m{a="1"} 3', '', 'eval instant at 2m m', '  m{a="1"} 4', ''].join('\n'));
    let out = '';
    const code = await main(['conformance', dir], (s) => (out += s), () => {});
    expect(code).toBe(1);
    const lines = out.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('1 passed, 1 failed');
  });
});
