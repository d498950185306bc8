/**
 * The data notification templates execute on, as Alertmanager's template.Data: built from the
 * dispatcher's context and alerts (notificationData), and turned into Go values with Alertmanager's
 * methods (toGoData): Alerts.Firing/Resolved, KV.SortedPairs/Names/Values/Remove, Pairs.Names/Values.
 */
import { GoMap, GoStruct, typedSlice, type GoMethods, type GoValue } from '../../template/gofmt';
import { fingerprint } from '../alerts';
import type { Alert, DataAlert, LabelSet, NotificationData, NotifyContext } from '../types';
import { goTime } from './gotime';

/** fingerprint is the alert store's (Prometheus's model.LabelSet.Fingerprint, 16 hex digits): one fingerprint for all of alerting. */
export { fingerprint };

/** quoteMeta is Go's regexp.QuoteMeta (Alertmanager quotes the receiver's name with it). */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** alertResolved is types.Alert.Resolved: endsAt is set and not after now. */
export function alertResolved(a: Alert, now: number): boolean {
  return a.endsAt !== 0 && a.endsAt <= now;
}

function common(sets: LabelSet[]): LabelSet {
  if (sets.length === 0) return {};
  const out: LabelSet = { ...sets[0]! };
  for (const s of sets.slice(1)) for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return out;
}

/** notificationData is template.Data for one notification (Alertmanager's notify.GetTemplateData). */
export function notificationData(ctx: Pick<NotifyContext, 'receiver' | 'groupKey' | 'groupLabels' | 'now' | 'externalURL'>, alerts: readonly Alert[], truncated = 0): NotificationData {
  // As types.Alerts: a firing alert's end is not exposed (its endsAt is Go's zero time).
  const data: DataAlert[] = alerts.map((a) => ({
    status: alertResolved(a, ctx.now) ? 'resolved' : 'firing',
    labels: { ...a.labels },
    annotations: { ...a.annotations },
    startsAt: a.startsAt,
    endsAt: alertResolved(a, ctx.now) ? a.endsAt : 0,
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

/** sortedNames orders label names as KV.SortedPairs does: alertname first, the rest sorted. */
function sortedNames(names: string[]): string[] {
  const rest = names.filter((n) => n !== 'alertname').sort();
  return names.includes('alertname') ? ['alertname', ...rest] : rest;
}

const stringSlice = (xs: string[]): GoValue[] => typedSlice(xs, '[]string');

const PAIRS_METHODS: GoMethods = {
  Names: { params: [], fn: (ps) => stringSlice((ps as GoValue[]).map((p) => (p as GoStruct).fields.Name as string)) },
  Values: { params: [], fn: (ps) => stringSlice((ps as GoValue[]).map((p) => (p as GoStruct).fields.Value as string)) },
};

function pairs(kv: GoMap): GoValue[] {
  const names = sortedNames([...kv.entries.keys()]);
  return typedSlice(
    names.map((n) => new GoStruct('template.Pair', { Name: n, Value: kv.entries.get(n)! })),
    'template.Pairs',
    PAIRS_METHODS,
  );
}

const KV_METHODS: GoMethods = {
  SortedPairs: { params: [], fn: (kv) => pairs(kv as GoMap) },
  Names: { params: [], fn: (kv) => stringSlice(sortedNames([...(kv as GoMap).entries.keys()])) },
  Values: {
    params: [],
    fn: (kv) => {
      const m = kv as GoMap;
      return stringSlice(sortedNames([...m.entries.keys()]).map((n) => m.entries.get(n) as string));
    },
  },
  Remove: {
    params: ['[]string'],
    fn: (kv, keys) => {
      const drop = new Set(((keys as GoValue[] | null) ?? []) as string[]);
      const out: Record<string, string> = {};
      for (const [k, v] of (kv as GoMap).entries) if (!drop.has(k)) out[k] = v as string;
      return goKV(out);
    },
  },
};

/** goKV is a template.KV: a map[string]string with Alertmanager's methods. */
export function goKV(ls: LabelSet): GoMap {
  return new GoMap(new Map(Object.entries(ls)), 'template.KV', '', KV_METHODS);
}

function goAlert(a: DataAlert): GoStruct {
  return new GoStruct('template.Alert', {
    Status: a.status,
    Labels: goKV(a.labels),
    Annotations: goKV(a.annotations),
    StartsAt: goTime(a.startsAt),
    EndsAt: goTime(a.endsAt),
    GeneratorURL: a.generatorURL,
    Fingerprint: a.fingerprint,
  });
}

const ALERTS_METHODS: GoMethods = {
  Firing: { params: [], fn: (as) => typedSlice((as as GoValue[]).filter((a) => (a as GoStruct).fields.Status === 'firing'), '[]template.Alert') },
  Resolved: { params: [], fn: (as) => typedSlice((as as GoValue[]).filter((a) => (a as GoStruct).fields.Status === 'resolved'), '[]template.Alert') },
};

/** goAlerts is a template.Alerts: the alerts with the Firing and Resolved methods. */
export function goAlerts(alerts: readonly DataAlert[]): GoValue[] {
  return typedSlice(alerts.map(goAlert), 'template.Alerts', ALERTS_METHODS);
}

/** toGoData is *template.Data with Alertmanager's fields (Receiver, Status, Alerts, GroupLabels, CommonLabels, CommonAnnotations, ExternalURL). */
export function toGoData(d: NotificationData): GoStruct {
  return new GoStruct(
    'template.Data',
    {
      Receiver: d.receiver,
      Status: d.status,
      Alerts: goAlerts(d.alerts),
      GroupLabels: goKV(d.groupLabels),
      CommonLabels: goKV(d.commonLabels),
      CommonAnnotations: goKV(d.commonAnnotations),
      ExternalURL: d.externalURL,
    },
    true,
  );
}
