import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/main/alerting/alerts';
import { Inhibitor } from '../../src/main/alerting/inhibit';
import { parseMatchers } from '../../src/main/alerting/matchers';
import type { Alert, InhibitRule, LabelSet } from '../../src/main/alerting/types';

const NOW = 1_700_000_000_000;

function alert(labels: LabelSet, endsAt = 0): Alert {
  return { labels, annotations: {}, startsAt: NOW - 60_000, endsAt, generatorURL: '', updatedAt: NOW, timeout: false };
}

const rule = (src: string, tgt: string, equal: string[]): InhibitRule => ({ sourceMatchers: parseMatchers(src), targetMatchers: parseMatchers(tgt), equal });

describe('Inhibitor', () => {
  it('mutes targets while a source fires with equal labels', () => {
    const crit = alert({ alertname: 'Down', severity: 'critical', cluster: 'a' });
    const alerts = [crit];
    const ih = new Inhibitor([rule('severity="critical"', 'severity="warning"', ['cluster'])], () => alerts, () => NOW);
    expect(ih.inhibitedBy({ alertname: 'Slow', severity: 'warning', cluster: 'a' })).toEqual([fingerprint(crit.labels)]);
    expect(ih.mutes({ alertname: 'Slow', severity: 'warning', cluster: 'b' })).toBe(false);
    expect(ih.mutes({ alertname: 'Slow', severity: 'info', cluster: 'a' })).toBe(false);
    // A missing equal label on both sides counts as equal.
    const ih2 = new Inhibitor([rule('severity="critical"', 'severity="warning"', ['zone'])], () => alerts, () => NOW);
    expect(ih2.mutes({ severity: 'warning', cluster: 'x' })).toBe(true);
    expect(ih2.mutes({ severity: 'warning', zone: 'z' })).toBe(false);
  });

  it('ignores resolved sources', () => {
    const alerts = [alert({ severity: 'critical' }, NOW - 1), alert({ severity: 'critical', x: '1' }, NOW + 60_000)];
    const ih = new Inhibitor([rule('severity="critical"', 'severity="warning"', [])], () => alerts, () => NOW);
    expect(ih.inhibitedBy({ severity: 'warning' })).toEqual([fingerprint({ severity: 'critical', x: '1' })]);
    alerts.pop();
    expect(ih.mutes({ severity: 'warning' })).toBe(false);
  });

  it('does not let an alert matching both sides inhibit itself or its like', () => {
    const a = alert({ alertname: 'X', tier: 'both' });
    const ih = new Inhibitor([rule('alertname="X"', 'tier="both"', ['alertname'])], () => [a], () => NOW);
    expect(ih.mutes(a.labels)).toBe(false);
    // A source that does not match the target side still inhibits a two-sided target.
    const src = alert({ alertname: 'X', tier: 'source' });
    const ih2 = new Inhibitor([rule('alertname="X"', 'tier="both"', ['alertname'])], () => [a, src], () => NOW);
    expect(ih2.inhibitedBy(a.labels)).toEqual([fingerprint(src.labels)]);
  });
});

describe('fingerprint', () => {
  it('is order-independent FNV-1a over the sorted labels, 16 hex digits', () => {
    expect(fingerprint({ a: '1', b: '2' })).toBe(fingerprint({ b: '2', a: '1' }));
    expect(fingerprint({ a: '1', b: '2' })).not.toBe(fingerprint({ a: '12' }));
    expect(fingerprint({})).toBe('cbf29ce484222325');
    expect(fingerprint({ a: 'é' })).toMatch(/^[0-9a-f]{16}$/);
  });
});
