/**
 * Which relabel rule dropped a target: populateLabels names the rule of relabel_configs (index,
 * action, source labels, regex) that removed it, targets dropped as invalid say why instead, and
 * /api/v1/targets?state=dropped carries both in Prometheus's shape plus those fields.
 */
import { describe, expect, it } from 'vitest';
import { labelsFromRecord, labelsToRecord } from '../../src/common/model/labels';
import type { ApiTargetsData } from '../../src/common/api/types';
import { loadConfig, staticTargetGroups } from '../../src/main/config/index';
import { Relabeler, relabelConfig } from '../../src/main/relabel/index';
import { ScrapeManager } from '../../src/main/scrape/manager';
import { scrapeRoutes } from '../../src/main/scrape/routes';
import { populateLabels, targetsFromGroup } from '../../src/main/scrape/target';
import { MemStorage } from './memstore';

const RULES = [
  '    relabel_configs:',
  '      - {source_labels: [team], target_label: owner}',
  '      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], regex: "true", action: keep}',
  '      - {source_labels: [owner, env], separator: "/", regex: "ops/.*", action: drop}',
  '      - {source_labels: [env], target_label: stage, action: dropequal}',
].join('\n');

function cfgWith(extra: string): ReturnType<typeof loadConfig>['scrapeConfigs'][number] {
  return loadConfig(`scrape_configs:\n  - job_name: j\n    scrape_interval: 30s\n${extra}\n`, 'p.yml').scrapeConfigs[0]!;
}

describe('the rule that dropped a target', () => {
  const cfg = cfgWith(RULES);
  const rl = new Relabeler(cfg.relabelConfigs);
  const run = (labels: Record<string, string>): ReturnType<typeof populateLabels> => populateLabels(cfg, rl, labelsFromRecord(labels), []);

  it('names the keep rule (index 1) when the scrape annotation is missing', () => {
    const r = run({ __address__: 'a:1', team: 'web' });
    expect(r.labels).toBeNull();
    expect(r.error).toBeNull();
    expect(r.droppedBy).toEqual({ index: 1, action: 'keep', sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], separator: ';', regex: 'true', targetLabel: '' });
    // The discovered labels are the ones before relabeling (no owner yet).
    expect(labelsToRecord(r.discovered).owner).toBeUndefined();
  });

  it('names the drop rule (index 2) whose joined source labels match, after an earlier replace set one of them', () => {
    const r = run({ __address__: 'a:1', team: 'ops', env: 'prod', __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true' });
    expect(r.droppedBy).toMatchObject({ index: 2, action: 'drop', sourceLabels: ['owner', 'env'], separator: '/', regex: 'ops/.*' });
  });

  it('names a dropequal rule (index 3) with its target label', () => {
    const r = run({ __address__: 'a:1', env: 'x', stage: 'x', __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true' });
    expect(r.droppedBy).toMatchObject({ index: 3, action: 'dropequal', sourceLabels: ['env'], targetLabel: 'stage' });
  });

  it('is null for kept targets and for invalid ones, which carry their reason', () => {
    const kept = run({ __address__: 'a:1', team: 'web', env: 'prod', __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true' });
    expect(kept.labels).not.toBeNull();
    expect(kept.droppedBy).toBeNull();
    const g = targetsFromGroup({ source: 'g', targets: [labelsFromRecord({ __address__: 'c/x', env: 'prod', __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true' }), labelsFromRecord({ __address__: 'b:1' })], labels: [] }, cfg, rl);
    expect(g.dropped.map((t) => [t.droppedBy?.index ?? null, t.dropReason])).toEqual([
      [null, '"c/x" is not a valid hostname'],
      [1, ''],
    ]);
  });

  it('Relabeler.dropIndex is -1 when every rule keeps the set, and processBuilder agrees with it', () => {
    const r = new Relabeler([relabelConfig({ sourceLabels: ['a'], regex: 'x', action: 'drop' })]);
    expect(r.process(labelsFromRecord({ a: 'y' }))).not.toBeNull();
    expect(r.process(labelsFromRecord({ a: 'x' }))).toBeNull();
    expect(r.rule(0)?.action).toBe('drop');
    expect(r.rule(1)).toBeUndefined();
  });
});

describe('/api/v1/targets with dropped targets', () => {
  it('answers Prometheus shape plus droppedBy / dropReason, and the dropped count per pool', async () => {
    const cfg = loadConfig(
      [
        'scrape_configs:',
        '  - job_name: web',
        '    relabel_configs:',
        '      - {source_labels: [tier], regex: "cache", action: drop}',
        '    static_configs:',
        '      - targets: ["a:1", "b:1"]',
        '        labels: {tier: cache}',
        '      - targets: ["c:1"]',
        '        labels: {tier: front}',
      ].join('\n'),
      'p.yml',
    );
    const m = new ScrapeManager({ appendable: new MemStorage(), skipOffsetting: true, transportFor: () => ({ fetch: () => Promise.reject(new Error('not scraped in this test')), close: () => {} }) });
    try {
      m.applyConfig(cfg);
      m.sync(staticTargetGroups(cfg));
      const route = scrapeRoutes(() => m).find((r) => r.pattern === '/api/v1/targets')!;
      const res = await route.handler({ method: 'GET', path: '/api/v1/targets', params: { state: 'dropped' }, pathParams: {}, header: () => undefined, body: async () => new Uint8Array() });
      if (res.kind !== 'json' || res.body.status !== 'success') throw new Error('unexpected answer');
      const data = res.body.data as ApiTargetsData;
      expect(data.activeTargets).toEqual([]);
      expect(data.droppedTargetCounts).toEqual({ web: 2 });
      expect(data.droppedTargets.map((d) => d.discoveredLabels.__address__).sort()).toEqual(['a:1', 'b:1']);
      for (const d of data.droppedTargets) {
        expect(d.scrapePool).toBe('web');
        expect(d.droppedBy).toEqual({ index: 0, action: 'drop', sourceLabels: ['tier'], separator: ';', regex: 'cache', targetLabel: '' });
        expect(d.dropReason).toBeUndefined();
      }
    } finally {
      await m.stop();
    }
  });
});
