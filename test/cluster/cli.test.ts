/**
 * `vigil config show --defaults --context NAME` prints the default jobs of a context as the
 * cluster allows them (asking its API server), and `vigil config show` the whole configuration
 * with a user's file replacing the jobs it names.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FakeApiServer } from '../../src/main/demo/apiserver';
import { main } from '../../src/main/cli/main';

let api: FakeApiServer;
let dir: string;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => void (out += s), (s) => void (err += s));
  return { code, out, err };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-config-show-'));
  api = new FakeApiServer({ users: [{ name: 'admin', tokens: ['a'] }, { name: 'carol', tokens: ['c'], deny: ['get nodes/proxy'] }] });
  await api.start();
  fs.writeFileSync(path.join(dir, 'kubeconfig'), api.kubeconfig([{ name: 'admin', token: 'a' }, { name: 'carol', token: 'c' }]));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'settings.json'), JSON.stringify({ cluster: { contexts: { admin: { scrapeInterval: '15s', disabledJobs: ['apiserver'] } } } }));
});

afterAll(async () => {
  await api.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('vigil config show', () => {
  it('prints the default jobs of a context with its settings and what the cluster refuses', async () => {
    const common = ['--kubeconfig', path.join(dir, 'kubeconfig'), '--data', path.join(dir, 'data')];
    const admin = await run(['config', 'show', '--defaults', '--context', 'admin', ...common]);
    expect(admin.err).toBe('');
    expect(admin.code).toBe(0);
    const doc = parse(admin.out) as { scrape_configs: { job_name: string; scrape_interval: string }[] };
    expect(doc.scrape_configs.map((j) => j.job_name)).toContain('kubelet@admin');
    expect(doc.scrape_configs.every((j) => j.scrape_interval === '15s')).toBe(true);
    expect(admin.out).toContain('# apiserver: switched off for context admin');
    const carol = await run(['config', 'show', '--defaults', '--context', 'carol', ...common]);
    expect(carol.out).toContain('# kubelet: skipped: the user may not get nodes/proxy');
    expect((parse(carol.out) as { scrape_configs: { job_name: string; scrape_interval: string }[] }).scrape_configs.map((j) => j.job_name)).not.toContain('kubelet@carol');
    expect((parse(carol.out) as { scrape_configs: { scrape_interval: string }[] }).scrape_configs[0]!.scrape_interval).toBe('30s');
    // Offline, nothing is asked and every job is shown.
    const offline = await run(['config', 'show', '--defaults', '--context', 'carol', '--offline', ...common]);
    expect(offline.out).toContain('job_name: "kubelet@carol"');
    // An unknown context is an error naming the kubeconfig.
    const bad = await run(['config', 'show', '--defaults', '--context', 'nope', ...common]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`no context nope in ${path.join(dir, 'kubeconfig')}`);
  });

  it('prints the whole configuration, the user\'s file replacing the default jobs it names', async () => {
    const file = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(file, 'global:\n  scrape_interval: 20s\nscrape_configs:\n  - job_name: cadvisor@admin\n    static_configs: [{targets: ["10.1.2.3:10250"]}]\n');
    const r = await run(['config', 'show', '--config', file, '--context', 'admin', '--offline', '--kubeconfig', path.join(dir, 'kubeconfig'), '--data', path.join(dir, 'data')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('replaces the default jobs cadvisor@admin');
    const doc = parse(r.out) as { global: { scrape_interval: string }; scrape_configs: { job_name: string; static_configs?: unknown }[] };
    expect(doc.global.scrape_interval).toBe('20s');
    const cad = doc.scrape_configs.filter((j) => j.job_name === 'cadvisor@admin');
    expect(cad).toHaveLength(1);
    expect(cad[0]!.static_configs).toBeDefined();
    expect(doc.scrape_configs.map((j) => j.job_name)).toContain('kubelet@admin');
  });
});
