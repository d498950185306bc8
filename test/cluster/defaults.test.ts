/**
 * The default jobs as configuration: they load, a real Prometheus accepts them once Vigil's
 * extensions are replaced by their Prometheus equivalents, switched-off and refused jobs are left
 * out with a comment, and a job of the user's file with the same name replaces the default.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_JOBS, defaultScrapeConfigs, defaultsDocument, durationSeconds, type ContextDefaults } from '../../src/main/cluster/defaults';
import { validateClusterSettings, intervalFor, disabledFor } from '../../src/main/cluster/settings';
import { withScrapeConfigs } from '../../src/main/config/compose';
import { loadConfig } from '../../src/main/config';
import { findPrometheus } from '../peers/prometheus';

const ctx = (over: Partial<ContextDefaults> = {}): ContextDefaults => ({ context: 'prod', interval: '30s', disabled: new Set(), skipped: new Map(), ...over });

describe('default jobs', () => {
  it('load as a configuration with one pool per job and context, and the job labels dashboards expect', () => {
    const cfg = loadConfig(defaultsDocument([ctx(), ctx({ context: 'arn:aws:eks:eu-west-1:123:cluster/staging', interval: '15s' })]), '');
    expect(cfg.warnings).toEqual([]);
    const names = cfg.scrapeConfigs.map((s) => s.jobName);
    expect(names).toContain('kubelet@prod');
    expect(names).toContain('cadvisor@arn:aws:eks:eu-west-1:123:cluster/staging');
    expect(names).toContain('vigil-kube-state@prod');
    expect(names.filter((n) => n.endsWith('@prod'))).toHaveLength(DEFAULT_JOBS.length + 1);
    const kubelet = cfg.scrapeConfigs.find((s) => s.jobName === 'kubelet@prod')!;
    expect(kubelet.scrapeInterval).toBe(30_000);
    expect(kubelet.honorLabels).toBe(true);
    expect(kubelet.scheme).toBe('https');
    const staging = cfg.scrapeConfigs.find((s) => s.jobName.startsWith('kubelet@arn'))!;
    expect(staging.scrapeInterval).toBe(15_000);
    expect(staging.scrapeTimeout).toBe(10_000);
    // Each job sets its job label: the pool name carries the context, the label does not.
    const doc = parse(defaultScrapeConfigs(ctx())) as { job_name: string; relabel_configs?: { target_label?: string; replacement?: string }[] }[];
    const jobLabel = Object.fromEntries(doc.map((j) => [j.job_name, j.relabel_configs?.find((r) => r.target_label === 'job')?.replacement]));
    expect(jobLabel).toMatchObject({ 'kubernetes-pods@prod': 'kubernetes-pods', 'kubernetes-service-endpoints@prod': 'kubernetes-service-endpoints', 'kubelet@prod': 'kubelet', 'cadvisor@prod': 'cadvisor', 'kubelet-resource@prod': 'kubelet-resource', 'node-exporter@prod': 'node-exporter', 'kube-state-metrics@prod': 'kube-state-metrics', 'vigil-kube-state@prod': 'kube-state-metrics', 'apiserver@prod': 'apiserver' });
  });

  it('leave out switched-off and refused jobs, saying why', () => {
    const yaml = defaultScrapeConfigs(ctx({ disabled: new Set(['kubelet-probes']), skipped: new Map([['cadvisor', 'the user may not get nodes/proxy']]) }));
    expect(yaml).toContain('# kubelet-probes: switched off for context prod');
    expect(yaml).toContain('# cadvisor: skipped: the user may not get nodes/proxy');
    const names = (parse(yaml) as { job_name: string }[]).map((j) => j.job_name);
    expect(names).not.toContain('kubelet-probes@prod');
    expect(names).not.toContain('cadvisor@prod');
    expect(names).toContain('kubelet@prod');
  });

  it('are accepted by promtool once context and vigil_sd_configs are replaced by Prometheus equivalents', async () => {
    const { promtool } = await findPrometheus();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-defaults-'));
    try {
      fs.writeFileSync(path.join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
      const jobs = parse(defaultScrapeConfigs(ctx())) as Record<string, unknown>[];
      const prom = jobs
        .filter((j) => !('vigil_sd_configs' in j))
        .map((j) => ({ ...j, kubernetes_sd_configs: (j.kubernetes_sd_configs as Record<string, unknown>[]).map(({ context: _c, ...sd }) => ({ ...sd, kubeconfig_file: path.join(dir, 'kubeconfig') })) }));
      expect(prom.length).toBe(jobs.length - 2);
      fs.writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify({ scrape_configs: prom }));
      const out = execFileSync(promtool, ['check', 'config', '--syntax-only', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      expect(out).toMatch(/SUCCESS/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are replaced by a scrape config of the same name in the user\'s file', () => {
    const user = 'global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: kubelet@prod\n    static_configs: [{targets: ["10.0.0.1:10250"]}]\n';
    const c = withScrapeConfigs(user, defaultScrapeConfigs(ctx()));
    expect(c.overridden).toEqual(['kubelet@prod']);
    expect(c.added).toContain('cadvisor@prod');
    const cfg = loadConfig(c.yaml, '');
    const kubelets = cfg.scrapeConfigs.filter((s) => s.jobName === 'kubelet@prod');
    expect(kubelets).toHaveLength(1);
    expect(kubelets[0]!.staticConfigs[0]!.targets[0]).toEqual([{ name: '__address__', value: '10.0.0.1:10250' }]);
    expect(cfg.global.scrapeInterval).toBe(60_000);
  });

  it('take their interval and switches from the settings, which are validated', () => {
    const s = validateClusterSettings({ scrapeInterval: '20s', contexts: { prod: { scrapeInterval: '15s', disabledJobs: ['apiserver'] } } }, 'settings.json');
    expect(intervalFor(s, 'prod')).toBe('15s');
    expect(intervalFor(s, 'dev')).toBe('20s');
    expect(intervalFor({}, 'dev')).toBe('30s');
    expect([...disabledFor(s, 'prod')]).toEqual(['apiserver']);
    expect(() => validateClusterSettings({ contexts: { prod: { disabledJobs: ['kubelets'] } } }, 'settings.json')).toThrow('settings.json: cluster.contexts["prod"].disabledJobs: unknown job "kubelets"');
    expect(() => validateClusterSettings({ scrapeInterval: '100ms' }, 'settings.json')).toThrow('shorter than the shortest interval');
    expect(() => validateClusterSettings({ scrapeInterval: 'soon' }, 'settings.json')).toThrow('invalid duration "soon"');
    expect(durationSeconds('1m30s')).toBe(90);
    expect(durationSeconds('5s')).toBe(5);
  });
});
