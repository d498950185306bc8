import { describe, expect, it } from 'vitest';
import type { ApiDroppedBy, ApiTargetsData } from '../../src/common/api/types';
import { matchesLabels, ruleText, sdPools, whyDropped } from '../../src/renderer/pages/discovery/model';

const KEEP: ApiDroppedBy = { index: 1, action: 'keep', sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], separator: ';', regex: 'true', targetLabel: '' };

describe('service discovery model', () => {
  it('groups active and dropped targets per pool and takes the dropped count from droppedTargetCounts', () => {
    const d: ApiTargetsData = {
      activeTargets: [{ discoveredLabels: { __address__: 'a' }, labels: { instance: 'a' }, scrapePool: 'pods@x', scrapeUrl: '', globalUrl: '', lastError: '', lastScrape: '', lastScrapeDuration: 0, health: 'up', scrapeInterval: '', scrapeTimeout: '' }],
      droppedTargets: [{ discoveredLabels: { __address__: 'b' }, scrapePool: 'pods@x', droppedBy: KEEP }, { discoveredLabels: { __address__: 'c', job: 'static' } }],
      droppedTargetCounts: { 'pods@x': 7, 'empty@x': 0, 'ksm@x': 3 },
    };
    const pools = sdPools(d);
    expect(pools.map((p) => [p.pool, p.active.length, p.dropped.length, p.droppedCount])).toEqual([
      ['ksm@x', 0, 0, 3],
      ['pods@x', 1, 1, 7],
      ['static', 0, 1, 1],
    ]);
    expect(sdPools(d, (p) => p.endsWith('@x')).map((p) => p.pool)).toEqual(['ksm@x', 'pods@x']);
  });

  it('renders the rule as its YAML fields and says what it tested', () => {
    expect(ruleText(KEEP)).toBe('action: keep, source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], regex: "true"');
    expect(whyDropped(KEEP, {})).toBe('keeps only targets whose __meta_kubernetes_pod_annotation_prometheus_io_scrape matches "true"; the label is not set');
    const drop: ApiDroppedBy = { index: 0, action: 'drop', sourceLabels: ['a', 'b'], separator: '/', regex: 'x/.*', targetLabel: '' };
    expect(ruleText(drop)).toBe('action: drop, source_labels: [a, b], separator: "/", regex: "x/.*"');
    expect(whyDropped(drop, { a: 'x', b: 'y' })).toBe('drops targets whose a/b matches "x/.*"; discovered value "x/y"');
    expect(ruleText({ ...drop, action: 'dropequal', sourceLabels: ['a'], targetLabel: 'b' })).toBe('action: dropequal, source_labels: [a], target_label: b');
  });

  it('filters on labels before or after relabeling', () => {
    expect(matchesLabels('node="n1"', { __address__: 'x' }, { node: 'n1' })).toBe(true);
    expect(matchesLabels('coredns', { __meta_kubernetes_pod_name: 'coredns-1' })).toBe(true);
    expect(matchesLabels('coredns', { pod: 'web' })).toBe(false);
  });
});
