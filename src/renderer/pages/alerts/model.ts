/**
 * The alerts page's pure logic (tested in test/renderer/alerting-alerts.test.ts): the rule
 * engine's alerts (pending and firing, /api/v1/alerts) joined with what Alertmanager made of them
 * (/api/v1/alerting/alerts: silenced, inhibited, receivers), filtered by state, cluster and text,
 * grouped by the dispatcher's alert groups or by rule, and the gaps a cluster is in.
 */
import type { AmAlert, AmAlertGroup, Gap, NotificationEntry, RuleEngineAlert } from '../../../common/api/alerting';
import { matchesLabels, parseMatchers } from '../silences/model';

/** ViewAlert is one alert as the page shows it. */
export interface ViewAlert {
  /** key identifies the alert by its label set. */
  key: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'firing' | 'pending';
  /** activeAt is when the alert became active (ms; NaN when unknown). */
  activeAt: number;
  value?: string;
  fingerprint?: string;
  /** am is Alertmanager's state: active, suppressed, unprocessed (absent: Alertmanager does not hold it, as for pending alerts). */
  am?: AmAlert['status']['state'];
  silencedBy: string[];
  inhibitedBy: string[];
  mutedBy: string[];
  receivers: string[];
}

/** labelKey is a label set's identity (sorted names). */
export function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

function ms(iso: string | undefined): number {
  if (!iso || iso.startsWith('0001')) return NaN;
  return Date.parse(iso);
}

/**
 * mergeAlerts joins the rule engine's alerts with Alertmanager's by label set. An alert
 * Alertmanager holds without a rule behind it (sent by another tool) is shown too, as firing.
 * Resolved alerts Alertmanager still keeps (endsAt in the past) are left out.
 */
export function mergeAlerts(rule: readonly RuleEngineAlert[], am: readonly AmAlert[], now: number): ViewAlert[] {
  const byKey = new Map<string, AmAlert>();
  for (const a of am) {
    const end = ms(a.endsAt);
    if (Number.isFinite(end) && end <= now) continue;
    byKey.set(labelKey(a.labels), a);
  }
  const out: ViewAlert[] = [];
  const seen = new Set<string>();
  for (const r of rule) {
    if (r.state !== 'firing' && r.state !== 'pending') continue;
    const key = labelKey(r.labels);
    seen.add(key);
    const a = r.state === 'firing' ? byKey.get(key) : undefined;
    out.push({
      key,
      labels: r.labels,
      annotations: r.annotations,
      state: r.state,
      activeAt: ms(r.activeAt),
      value: r.value,
      fingerprint: a?.fingerprint,
      am: a?.status.state,
      silencedBy: a?.status.silencedBy ?? [],
      inhibitedBy: a?.status.inhibitedBy ?? [],
      mutedBy: a?.status.mutedBy ?? [],
      receivers: a?.receivers.map((x) => x.name) ?? [],
    });
  }
  for (const [key, a] of byKey) {
    if (seen.has(key)) continue;
    out.push({
      key,
      labels: a.labels,
      annotations: a.annotations,
      state: 'firing',
      activeAt: ms(a.startsAt),
      fingerprint: a.fingerprint,
      am: a.status.state,
      silencedBy: a.status.silencedBy,
      inhibitedBy: a.status.inhibitedBy,
      mutedBy: a.status.mutedBy ?? [],
      receivers: a.receivers.map((x) => x.name),
    });
  }
  return out;
}

/** muted reports whether Alertmanager holds back the alert's notifications (silence, inhibition or time interval). */
export function muted(a: ViewAlert): boolean {
  return a.silencedBy.length > 0 || a.inhibitedBy.length > 0 || a.mutedBy.length > 0;
}

export type StateFilter = 'all' | 'firing' | 'pending' | 'muted' | 'unmuted';

export interface AlertFilter {
  state: StateFilter;
  /** cluster is the switcher's cluster label ('' for all clusters). */
  cluster: string;
  /** text is a substring of labels and annotations, or a matcher list (`severity="critical"`). */
  text: string;
}

/** textMatcher turns the filter text into a test: a matcher list when it is one, else a case-insensitive substring of `name="value"` and annotations. */
export function textMatcher(text: string): (a: ViewAlert) => boolean {
  const t = text.trim();
  if (t === '') return () => true;
  if (/[=~]/.test(t)) {
    try {
      const rows = parseMatchers(t);
      if (rows.length > 0) return (a) => matchesLabels(rows, a.labels);
    } catch {
      // not a matcher list: a substring
    }
  }
  const needle = t.toLowerCase();
  return (a) =>
    Object.entries(a.labels).some(([k, v]) => `${k}="${v}"`.toLowerCase().includes(needle)) ||
    Object.values(a.annotations).some((v) => v.toLowerCase().includes(needle));
}

/** filterAlerts keeps the alerts the state, cluster and text filters select. */
export function filterAlerts(list: readonly ViewAlert[], f: AlertFilter): ViewAlert[] {
  const text = textMatcher(f.text);
  return list.filter((a) => {
    if (f.cluster !== '' && a.labels.cluster !== f.cluster) return false;
    if (f.state === 'firing' && a.state !== 'firing') return false;
    if (f.state === 'pending' && a.state !== 'pending') return false;
    if (f.state === 'muted' && !muted(a)) return false;
    if (f.state === 'unmuted' && muted(a)) return false;
    return text(a);
  });
}

/** AlertGroupView is one block of the page. */
export interface AlertGroupView {
  key: string;
  title: string;
  /** labels are the group labels (by group) or the rule name (by rule). */
  labels: Record<string, string>;
  receiver?: string;
  alerts: ViewAlert[];
}

function compareAlerts(a: ViewAlert, b: ViewAlert): number {
  const order = (x: ViewAlert): number => (x.state === 'firing' ? (muted(x) ? 1 : 0) : 2);
  return order(a) - order(b) || (a.activeAt || 0) - (b.activeAt || 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function formatLabels(l: Record<string, string>): string {
  const names = Object.keys(l).sort();
  return `{${names.map((k) => `${k}="${l[k]}"`).join(', ')}}`;
}

/**
 * groupAlerts groups by rule (alertname) or by the dispatcher's alert groups (an alert may sit in
 * several, one per route it matches; alerts in none, such as pending ones, gather at the end).
 */
export function groupAlerts(list: readonly ViewAlert[], by: 'rule' | 'group', groups: readonly AmAlertGroup[] = []): AlertGroupView[] {
  const out: AlertGroupView[] = [];
  if (by === 'rule') {
    const m = new Map<string, ViewAlert[]>();
    for (const a of list) {
      const n = a.labels.alertname ?? '';
      m.set(n, [...(m.get(n) ?? []), a]);
    }
    for (const [name, alerts] of m) out.push({ key: `rule:${name}`, title: name || '(no alertname)', labels: { alertname: name }, alerts: alerts.sort(compareAlerts) });
    return out.sort((a, b) => rank(a) - rank(b) || (a.title < b.title ? -1 : 1));
  }
  const byFp = new Map<string, ViewAlert>();
  for (const a of list) if (a.fingerprint) byFp.set(a.fingerprint, a);
  const placed = new Set<string>();
  for (const g of groups) {
    const alerts = g.alerts.map((x) => byFp.get(x.fingerprint)).filter((x): x is ViewAlert => x !== undefined);
    if (alerts.length === 0) continue;
    for (const a of alerts) placed.add(a.key);
    const key = `group:${g.receiver.name}:${labelKey(g.labels)}`;
    out.push({ key, title: Object.keys(g.labels).length > 0 ? formatLabels(g.labels) : '{} (all alerts)', labels: g.labels, receiver: g.receiver.name, alerts: alerts.sort(compareAlerts) });
  }
  out.sort((a, b) => rank(a) - rank(b) || (a.title < b.title ? -1 : a.title > b.title ? 1 : (a.receiver ?? '') < (b.receiver ?? '') ? -1 : 1));
  const rest = list.filter((a) => !placed.has(a.key));
  const pending = rest.filter((a) => a.state === 'pending');
  const unsent = rest.filter((a) => a.state === 'firing');
  if (unsent.length > 0) out.push({ key: 'group:none', title: 'Firing, in no alert group yet', labels: {}, alerts: unsent.sort(compareAlerts) });
  if (pending.length > 0) out.push({ key: 'group:pending', title: 'Pending (not sent to Alertmanager until their `for` has passed)', labels: {}, alerts: pending.sort(compareAlerts) });
  return out;
}

/**
 * groupLabelsOfKey reads the group labels out of an aggregation group's key (`{route key}:{group
 * labels}`, as notifications link to `#/alerts?group=<key>`); null when the key has none.
 */
export function groupLabelsOfKey(key: string): Record<string, string> | null {
  for (let i = key.indexOf('}:{'); i >= 0; i = key.indexOf('}:{', i + 1)) {
    try {
      const rows = parseMatchers(key.slice(i + 2));
      if (rows.every((r) => r.op === '=')) return Object.fromEntries(rows.map((r) => [r.name, r.value]));
    } catch {
      // a `}:{` inside the route's matchers: try the next one
    }
  }
  return null;
}

/** GroupScope narrows the page to one alert group (its key) and/or one receiver, as notifications link. */
export interface GroupScope {
  group: string;
  receiver: string;
}

/** scopeGroups keeps the groups of the scope: the group with the key's labels and the receiver's groups (alerts sent to it, when grouped by rule). */
export function scopeGroups(groups: readonly AlertGroupView[], scope: GroupScope): AlertGroupView[] {
  const want = scope.group ? groupLabelsOfKey(scope.group) : null;
  const wantKey = want ? labelKey(want) : '';
  return groups
    .map((g) => {
      if (g.receiver !== undefined || g.key.startsWith('group:')) {
        if (scope.receiver && g.receiver !== scope.receiver) return null;
        if (scope.group && (want === null || g.receiver === undefined || labelKey(g.labels) !== wantKey)) return null;
        return g;
      }
      // Grouped by rule: the alerts sent to the receiver (the group key needs the dispatcher's groups).
      const alerts = scope.receiver ? g.alerts.filter((a) => a.receivers.includes(scope.receiver)) : g.alerts;
      return alerts.length > 0 ? { ...g, alerts } : null;
    })
    .filter((g): g is AlertGroupView => g !== null);
}

/** rank puts groups with unmuted firing alerts first, then muted-only, then pending-only. */
function rank(g: AlertGroupView): number {
  if (g.alerts.some((a) => a.state === 'firing' && !muted(a))) return 0;
  if (g.alerts.some((a) => a.state === 'firing')) return 1;
  return 2;
}

/** counts of a list, for the heading. */
export function countAlerts(list: readonly ViewAlert[]): { firing: number; pending: number; muted: number } {
  return { firing: list.filter((a) => a.state === 'firing').length, pending: list.filter((a) => a.state === 'pending').length, muted: list.filter(muted).length };
}

const GAP_TEXT: Record<string, string> = {
  sleep: 'the machine slept',
  clock_jump: 'the clock was set',
  stall: 'Vigil stalled',
  targets_down: 'every target failed at once',
  apiserver_unreachable: 'the API server does not answer Vigil',
};

/** gapText says what caused a gap (its reason code in words; an unknown code as it is). */
export function gapText(reason: string): string {
  return GAP_TEXT[reason] ?? reason;
}

/** gapOf returns the gap an alert's cluster is in at `now` (a gap of every cluster counts), or null. */
export function gapOf(labels: Record<string, string>, gaps: readonly Gap[], now: number): Gap | null {
  const cluster = labels.cluster;
  for (const g of gaps) {
    const open = g.to === null || g.to > now;
    if (!open || g.from > now) continue;
    if (g.cluster === null || (cluster !== undefined && g.cluster === cluster)) return g;
  }
  return null;
}

/** openGaps lists the gaps that last at `now` for the selected cluster ('' all). */
export function openGaps(gaps: readonly Gap[], cluster: string, now: number): Gap[] {
  return gaps.filter((g) => (g.to === null || g.to > now) && g.from <= now && (cluster === '' || g.cluster === null || g.cluster === cluster));
}

/** inhibitorNames names the alerts inhibiting one (by fingerprint; the fingerprint when Alertmanager no longer holds it). */
export function inhibitorNames(fps: readonly string[], am: readonly AmAlert[]): string[] {
  const byFp = new Map(am.map((a) => [a.fingerprint, a]));
  return fps.map((fp) => {
    const a = byFp.get(fp);
    return a ? formatLabels(a.labels) : fp;
  });
}

/** since renders how long ago a time was (ms), e.g. "5m ago", or "" when unknown. */
export function since(t: number, now: number): string {
  if (!Number.isFinite(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m ago`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h ago`;
}

/** sortNotifications orders the log newest first (the route does; this keeps it so after merging pages). */
export function sortNotifications(list: readonly NotificationEntry[]): NotificationEntry[] {
  return [...list].sort((a, b) => b.time - a.time || a.receiver.localeCompare(b.receiver) || a.integration.localeCompare(b.integration) || a.index - b.index);
}

/** NotificationFilter narrows the log. */
export interface NotificationFilter {
  receiver: string;
  /** status: all, ok or error. */
  status: 'all' | 'ok' | 'error';
}

export function filterNotifications(list: readonly NotificationEntry[], f: NotificationFilter): NotificationEntry[] {
  return list.filter((n) => (f.receiver === '' || n.receiver === f.receiver) && (f.status === 'all' || (f.status === 'ok') === n.ok));
}
