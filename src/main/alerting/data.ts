/**
 * NotificationData for one notification (Alertmanager's template.Data, as notify.GetTemplateData
 * builds it): the receiver (regexp-quoted, as Alertmanager does), the status, the alerts with
 * their own status and fingerprint, the group labels and the labels and annotations all alerts
 * share. Also Go's JSON rendering of times, for payloads.
 */
import { fingerprint, resolvedAt } from './alerts';
import type { Alert, DataAlert, LabelSet, NotificationData, NotifyContext } from './types';

/** quoteMeta escapes regexp metacharacters as Go's regexp.QuoteMeta does. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function common(sets: LabelSet[]): LabelSet {
  if (sets.length === 0) return {};
  const out: LabelSet = { ...sets[0] };
  for (const s of sets.slice(1)) {
    for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  }
  return out;
}

/** notificationData builds the data of a notification of these alerts at ctx.now. */
export function notificationData(ctx: Pick<NotifyContext, 'receiver' | 'groupLabels' | 'externalURL' | 'groupKey' | 'now'>, alerts: readonly Alert[], truncated = 0): NotificationData {
  const data: DataAlert[] = alerts.map((a) => ({
    status: resolvedAt(a, ctx.now) ? 'resolved' : 'firing',
    labels: { ...a.labels },
    annotations: { ...a.annotations },
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    generatorURL: a.generatorURL,
    fingerprint: fingerprint(a.labels),
  }));
  return {
    receiver: quoteMeta(ctx.receiver),
    status: data.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: data,
    groupLabels: { ...ctx.groupLabels },
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: ctx.externalURL,
    groupKey: ctx.groupKey,
    truncatedAlerts: truncated,
  };
}

/** goTime renders ms as Go's time.Time JSON (RFC 3339 with trailing zeros of the fraction dropped; 0 is Go's zero time). */
export function goTime(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f === '' ? 'Z' : `.${f}Z`));
}

/** sortedKV returns a label set with its keys in order (Go's JSON encodes maps sorted). */
export function sortedKV(l: LabelSet): LabelSet {
  const out: LabelSet = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k];
  return out;
}
