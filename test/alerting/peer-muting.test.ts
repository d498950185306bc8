/**
 * Muting against the real Alertmanager 0.25: the same inhibit rules, alerts and silences give the
 * same `inhibitedBy` and `silencedBy` in Alertmanager's /api/v2/alerts as Vigil's Inhibitor and
 * SilenceStore compute (Alertmanager names one inhibiting alert; it must be one of Vigil's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAlertmanagerConfig } from '../../src/main/alerting/config';
import { fingerprint } from '../../src/main/alerting/alerts';
import { Inhibitor } from '../../src/main/alerting/inhibit';
import { parseMatchers } from '../../src/main/alerting/matchers';
import { SilenceStore } from '../../src/main/alerting/silences';
import type { Alert, LabelSet } from '../../src/main/alerting/types';
import { startAlertmanager, type RunningAlertmanager } from './alertmanager-peer';

const CONFIG = `
route:
  receiver: a
  group_wait: 1h
receivers:
- name: a
inhibit_rules:
- source_matchers: ['severity="critical"']
  target_matchers: ['severity="warning"']
  equal: [cluster]
- source_match: {alertname: ClusterDown}
  target_matchers: ['alertname!="ClusterDown"']
  equal: [cluster]
- source_matchers: ['alertname="X"']
  target_matchers: ['tier="both"']
  equal: [alertname]
- source_match_re: {alertname: "Net.*"}
  target_match_re: {alertname: "App.*"}
  equal: [zone]
`;

const NOW = Date.now();
const FIRING: LabelSet[] = [
  { alertname: 'Down', severity: 'critical', cluster: 'a' },
  { alertname: 'Slow', severity: 'warning', cluster: 'a' },
  { alertname: 'Slow', severity: 'warning', cluster: 'b' },
  { alertname: 'Crit2', severity: 'critical' },
  { alertname: 'Z', severity: 'warning' },
  { alertname: 'ClusterDown', cluster: 'b' },
  { alertname: 'Other', cluster: 'b' },
  { alertname: 'X', tier: 'both' },
  { alertname: 'X', tier: 'both', n: '2' },
  { alertname: 'Y', tier: 'both' },
  { alertname: 'NetSplit' },
  { alertname: 'AppErrors', zone: 'eu' },
  { alertname: 'AppLatency' },
  { alertname: 'T', severity: 'warning', cluster: 'c' },
];
const RESOLVED: LabelSet[] = [{ alertname: 'Gone', severity: 'critical', cluster: 'c' }];
const SILENCES = ['alertname="Slow"', 'cluster=~"b|c", alertname!="Other"', 'tier="both", n=""'];

let dir: string;
let am: RunningAlertmanager;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-muting-'));
  am = await startAlertmanager(dir, CONFIG);
}, 60_000);

afterAll(async () => {
  await am?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const iso = (ms: number) => new Date(ms).toISOString();

describe('muting agrees with Alertmanager', () => {
  it('inhibitedBy and silencedBy per alert', async () => {
    const body = [
      ...FIRING.map((labels) => ({ labels, startsAt: iso(NOW - 60_000) })),
      ...RESOLVED.map((labels) => ({ labels, startsAt: iso(NOW - 120_000), endsAt: iso(NOW - 60_000) })),
    ];
    const p = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(p.status).toBe(200);
    const store = new SilenceStore({ dir: null });
    for (const m of SILENCES) {
      const ms = parseMatchers(m);
      const r = await fetch(`${am.url}/api/v2/silences`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          matchers: ms.map((x) => ({ name: x.name, value: x.value, isRegex: x.type.includes('~'), isEqual: !x.type.startsWith('!') })),
          startsAt: iso(Date.now()),
          endsAt: iso(Date.now() + 3600_000),
          createdBy: 'test',
          comment: m,
        }),
      });
      expect(r.status).toBe(200);
      store.set({ matchers: ms, startsAt: Date.now(), endsAt: Date.now() + 3600_000, createdBy: 'test', comment: m });
    }
    const cfg = loadAlertmanagerConfig(CONFIG, '');
    const alerts: Alert[] = [
      ...FIRING.map((labels) => ({ labels, annotations: {}, startsAt: NOW - 60_000, endsAt: 0, generatorURL: '', updatedAt: NOW, timeout: true })),
      ...RESOLVED.map((labels) => ({ labels, annotations: {}, startsAt: NOW - 120_000, endsAt: NOW - 60_000, generatorURL: '', updatedAt: NOW, timeout: false })),
    ];
    const ih = new Inhibitor(cfg.inhibitRules, () => alerts);

    type Got = { labels: LabelSet; fingerprint: string; status: { state: string; inhibitedBy: string[]; silencedBy: string[] } };
    // The inhibitor's source cache fills asynchronously: poll (bounded) until every alert is listed and stable.
    let got: Got[] = [];
    let prev = '';
    for (let i = 0; i < 50; i++) {
      got = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as Got[];
      const sig = JSON.stringify(got.map((a) => [a.fingerprint, a.status.inhibitedBy.length, a.status.silencedBy.length]).sort());
      if (got.length === FIRING.length && sig === prev) break;
      prev = sig;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(got).toHaveLength(FIRING.length);
    const rows = got.map((a) => {
      const mine = ih.inhibitedBy(a.labels);
      const amBy = a.status.inhibitedBy;
      expect(a.fingerprint).toBe(fingerprint(a.labels));
      if (amBy.length > 0) expect(mine).toContain(amBy[0]);
      return [JSON.stringify(a.labels), amBy.length > 0, mine.length > 0, a.status.silencedBy.length, store.mutes(a.labels).length];
    });
    for (const [labels, amInhibited, vigilInhibited, amSilenced, vigilSilenced] of rows) {
      expect([labels, vigilInhibited, vigilSilenced]).toEqual([labels, amInhibited, amSilenced]);
    }
    // The table exercises both outcomes of each.
    expect(rows.some((r) => r[1])).toBe(true);
    expect(rows.some((r) => !r[1])).toBe(true);
    expect(rows.some((r) => (r[3] as number) > 1)).toBe(true);
  }, 60_000);
});
