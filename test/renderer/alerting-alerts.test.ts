import { describe, expect, it } from 'vitest';
import type { AmAlert, AmAlertGroup, Gap, NotificationEntry, RuleEngineAlert } from '../../src/common/api/alerting';
import {
  countAlerts,
  filterAlerts,
  filterNotifications,
  gapOf,
  gapText,
  groupLabelsOfKey,
  scopeGroups,
  groupAlerts,
  inhibitorNames,
  labelKey,
  mergeAlerts,
  openGaps,
  since,
  sortNotifications,
  type ViewAlert,
} from '../../src/renderer/pages/alerts/model';

const now = Date.parse('2026-12-03T12:00:00Z');

function ruleAlert(labels: Record<string, string>, state: string, activeAt = '2026-12-03T11:00:00Z', annotations: Record<string, string> = {}): RuleEngineAlert {
  return { labels, annotations, state, activeAt, value: '1e+00' };
}
function amAlert(fp: string, labels: Record<string, string>, status: Partial<AmAlert['status']> = {}, endsAt = '2026-12-03T12:05:00Z'): AmAlert {
  return { fingerprint: fp, labels, annotations: { summary: `am ${fp}` }, startsAt: '2026-12-03T11:01:00Z', endsAt, updatedAt: '', receivers: [{ name: 'team' }], status: { state: 'active', silencedBy: [], inhibitedBy: [], ...status } };
}

const rule = [
  ruleAlert({ alertname: 'DiskFull', cluster: 'c1', severity: 'critical' }, 'firing', '2026-12-03T11:00:00Z', { summary: 'disk' }),
  ruleAlert({ alertname: 'DiskFull', cluster: 'c2', severity: 'warning' }, 'firing', '2026-12-03T11:30:00Z'),
  ruleAlert({ alertname: 'PodCrash', cluster: 'c1', severity: 'warning' }, 'pending', '2026-12-03T11:58:00Z'),
  ruleAlert({ alertname: 'Old', cluster: 'c1' }, 'inactive'),
];
const am = [
  amAlert('f1', { severity: 'critical', alertname: 'DiskFull', cluster: 'c1' }),
  amAlert('f2', { alertname: 'DiskFull', cluster: 'c2', severity: 'warning' }, { state: 'suppressed', silencedBy: ['s1'] }),
  amAlert('f3', { alertname: 'External', cluster: 'c2' }, { state: 'suppressed', inhibitedBy: ['f1'] }),
  amAlert('f4', { alertname: 'Gone', cluster: 'c1' }, {}, '2026-12-03T11:59:00Z'),
];

describe('alerts of the rule engine and of Alertmanager, together', () => {
  const list = mergeAlerts(rule, am, now);

  it('joins by label set whatever the order of the labels, keeps pending ones, adds alerts without a rule and drops resolved ones', () => {
    const by = Object.fromEntries(list.map((a) => [a.labels.alertname + '/' + a.labels.cluster, a]));
    expect(Object.keys(by).sort()).toEqual(['DiskFull/c1', 'DiskFull/c2', 'External/c2', 'PodCrash/c1']);
    expect(by['DiskFull/c1']).toMatchObject({ state: 'firing', fingerprint: 'f1', am: 'active', receivers: ['team'], annotations: { summary: 'disk' }, value: '1e+00' });
    expect(by['DiskFull/c1']!.activeAt).toBe(Date.parse('2026-12-03T11:00:00Z'));
    expect(by['DiskFull/c2']).toMatchObject({ silencedBy: ['s1'], am: 'suppressed' });
    expect(by['PodCrash/c1']).toMatchObject({ state: 'pending', silencedBy: [], receivers: [] });
    expect(by['PodCrash/c1']!.fingerprint).toBeUndefined();
    expect(by['External/c2']).toMatchObject({ state: 'firing', inhibitedBy: ['f1'], annotations: { summary: 'am f3' } });
    expect(labelKey({ b: '1', a: '2' })).toBe(labelKey({ a: '2', b: '1' }));
    expect(countAlerts(list)).toEqual({ firing: 3, pending: 1, muted: 2 });
  });

  it('filters by state, by the cluster switcher and by text or matchers', () => {
    const names = (xs: ViewAlert[]): string[] => xs.map((a) => `${a.labels.alertname}/${a.labels.cluster}`).sort();
    expect(names(filterAlerts(list, { state: 'pending', cluster: '', text: '' }))).toEqual(['PodCrash/c1']);
    expect(names(filterAlerts(list, { state: 'firing', cluster: 'c2', text: '' }))).toEqual(['DiskFull/c2', 'External/c2']);
    expect(names(filterAlerts(list, { state: 'muted', cluster: '', text: '' }))).toEqual(['DiskFull/c2', 'External/c2']);
    expect(names(filterAlerts(list, { state: 'unmuted', cluster: '', text: '' }))).toEqual(['DiskFull/c1', 'PodCrash/c1']);
    expect(names(filterAlerts(list, { state: 'all', cluster: 'c1', text: '' }))).toEqual(['DiskFull/c1', 'PodCrash/c1']);
    // A substring of name="value", case-insensitive, or of an annotation.
    expect(names(filterAlerts(list, { state: 'all', cluster: '', text: 'SEVERITY="warn' }))).toEqual(['DiskFull/c2', 'PodCrash/c1']);
    expect(names(filterAlerts(list, { state: 'all', cluster: '', text: 'am f3' }))).toEqual(['External/c2']);
    // A matcher list (anchored regex, absent labels are empty).
    expect(names(filterAlerts(list, { state: 'all', cluster: '', text: 'severity=~"crit.*"' }))).toEqual(['DiskFull/c1']);
    expect(names(filterAlerts(list, { state: 'all', cluster: '', text: '{severity=""}' }))).toEqual(['External/c2']);
    expect(names(filterAlerts(list, { state: 'all', cluster: 'nope', text: '' }))).toEqual([]);
  });

  it('groups by rule, unmuted firing first, and by the dispatcher groups with the rest at the end', () => {
    const byRule = groupAlerts(list, 'rule');
    expect(byRule.map((g) => [g.title, g.alerts.length])).toEqual([
      ['DiskFull', 2],
      ['External', 1],
      ['PodCrash', 1],
    ]);
    // In a group: unmuted firing before muted, then by age.
    expect(byRule[0]!.alerts.map((a) => a.labels.cluster)).toEqual(['c1', 'c2']);
    const groups: AmAlertGroup[] = [
      { labels: { alertname: 'DiskFull' }, receiver: { name: 'team' }, alerts: [am[0]!, am[1]!] },
      { labels: { cluster: 'c2' }, receiver: { name: 'ops' }, alerts: [am[1]!] },
      { labels: { alertname: 'Gone' }, receiver: { name: 'team' }, alerts: [am[3]!] },
    ];
    const byGroup = groupAlerts(list, 'group', groups);
    expect(byGroup.map((g) => [g.title, g.receiver, g.alerts.map((a) => a.fingerprint ?? a.labels.alertname)])).toEqual([
      ['{alertname="DiskFull"}', 'team', ['f1', 'f2']],
      ['{cluster="c2"}', 'ops', ['f2']],
      ['Firing, in no alert group yet', undefined, ['f3']],
      ['Pending (not sent to Alertmanager until their `for` has passed)', undefined, ['PodCrash']],
    ]);
  });

  it('reads a group key and narrows to that group or receiver, as notifications link', () => {
    expect(groupLabelsOfKey('{}:{alertname="DiskFull", cluster="c2"}')).toEqual({ alertname: 'DiskFull', cluster: 'c2' });
    expect(groupLabelsOfKey('{}/{severity=~"crit|x}:{y"}:{cluster="a\\"b"}')).toEqual({ cluster: 'a"b' });
    expect(groupLabelsOfKey('{}:{}')).toEqual({});
    expect(groupLabelsOfKey('nonsense')).toBeNull();
    const groups: AmAlertGroup[] = [
      { labels: { alertname: 'DiskFull' }, receiver: { name: 'team' }, alerts: [am[0]!, am[1]!] },
      { labels: { alertname: 'DiskFull' }, receiver: { name: 'ops' }, alerts: [am[1]!] },
      { labels: { cluster: 'c2' }, receiver: { name: 'ops' }, alerts: [am[1]!] },
    ];
    const byGroup = groupAlerts(list, 'group', groups);
    const t = (xs: ReturnType<typeof scopeGroups>): string[] => xs.map((g) => `${g.title}>${g.receiver ?? ''}`);
    expect(t(scopeGroups(byGroup, { group: '{}:{alertname="DiskFull"}', receiver: 'ops' }))).toEqual(['{alertname="DiskFull"}>ops']);
    expect(t(scopeGroups(byGroup, { group: '{}/{x="1"}:{alertname="DiskFull"}', receiver: '' }))).toEqual(['{alertname="DiskFull"}>team', '{alertname="DiskFull"}>ops']);
    expect(t(scopeGroups(byGroup, { group: '', receiver: 'ops' }))).toEqual(['{alertname="DiskFull"}>ops', '{cluster="c2"}>ops']);
    expect(scopeGroups(byGroup, { group: 'garbage', receiver: '' })).toEqual([]);
    // By rule, a receiver keeps the alerts sent to it.
    const byRule = scopeGroups(groupAlerts(list, 'rule'), { group: '', receiver: 'team' });
    expect(byRule.map((g) => [g.title, g.alerts.length])).toEqual([
      ['DiskFull', 2],
      ['External', 1],
    ]);
  });

  it('names inhibiting alerts by their labels', () => {
    expect(inhibitorNames(['f1', 'zz'], am)).toEqual(['{alertname="DiskFull", cluster="c1", severity="critical"}', 'zz']);
  });
});

describe('gaps', () => {
  const gaps: Gap[] = [
    { cluster: 'c1', from: now - 60_000, to: null, reason: 'API server unreachable' },
    { cluster: 'c2', from: now - 3_600_000, to: now - 1_800_000, reason: 'every target failed' },
    { cluster: null, from: now + 1000, to: null, reason: 'future' },
  ];
  it('finds the open gap of an alert’s cluster, or of every cluster', () => {
    expect(gapOf({ cluster: 'c1' }, gaps, now)?.reason).toBe('API server unreachable');
    expect(gapOf({ cluster: 'c2' }, gaps, now)).toBeNull();
    expect(gapOf({}, gaps, now)).toBeNull();
    const all: Gap = { cluster: null, from: now - 5000, to: now + 1, reason: 'sleep' };
    expect(gapOf({ cluster: 'c2' }, [...gaps, all], now)?.reason).toBe('sleep');
    expect(gapOf({}, [all], now)?.reason).toBe('sleep');
    expect(openGaps([...gaps, all], 'c2', now).map((g) => g.reason)).toEqual(['sleep']);
    expect(openGaps(gaps, '', now).map((g) => g.reason)).toEqual(['API server unreachable']);
    expect(gapText('apiserver_unreachable')).toBe('the API server does not answer Vigil');
    expect(gapText('something new')).toBe('something new');
  });
});

describe('notification log', () => {
  const n = (time: number, receiver: string, ok: boolean): NotificationEntry => ({ time, receiver, integration: 'webhook', index: 0, groupKey: '{}:{}', groupLabels: {}, firing: 1, resolved: 0, ok, attempts: 1 });
  it('is newest first and filters by receiver and outcome', () => {
    const log = [n(1, 'a', true), n(3, 'b', false), n(2, 'a', false)];
    expect(sortNotifications(log).map((x) => x.time)).toEqual([3, 2, 1]);
    expect(filterNotifications(log, { receiver: 'a', status: 'all' }).map((x) => x.time)).toEqual([1, 2]);
    expect(filterNotifications(log, { receiver: '', status: 'error' }).map((x) => x.time)).toEqual([3, 2]);
    expect(filterNotifications(log, { receiver: '', status: 'ok' }).map((x) => x.time)).toEqual([1]);
  });
  it('says how long ago', () => {
    expect(since(now - 5_000, now)).toBe('5s ago');
    expect(since(now - 125_000, now)).toBe('2m ago');
    expect(since(now - 3_900_000, now)).toBe('1h5m ago');
    expect(since(now - 90_000_000, now)).toBe('1d1h ago');
    expect(since(NaN, now)).toBe('');
  });
});
