/**
 * The alerting routes: Alertmanager's v2 API for alerts, groups, receivers and status (JSON bodies
 * in Alertmanager's shapes, so amtool works) and Vigil's /api/v1/alerting routes for the UI (the
 * {status, data} envelope; params, not bodies). The silence routes are silence-routes.ts's.
 */
import { ApiError, ok, type Route, type RouteRequest, type RouteResult } from '../../common/api/route';
import { many, one } from '../../common/api/params';
import { VERSION } from '../util/version';
import type { AlertStatus, AlertStore, Clock, StoredAlert } from './alerts';
import type { GroupView, IntegrationState } from './dispatch';
import type { Nflog } from './nflog';
import type { SilenceStore } from './silences';
import type { AlertmanagerFile, ConfigProblem, Integration, LabelSet, Matcher } from './types';
import { matches, parseMatcher } from './matchers';
import { silenceRoutes } from './silence-routes';

/** ALERTMANAGER_VERSION is the Alertmanager whose API Vigil answers as. */
export const ALERTMANAGER_VERSION = '0.25.0';

/** AlertingApi is what the routes need of the facade (alerting.ts's Alerting). */
export interface AlertingApi {
  readonly clock: Clock;
  readonly store: AlertStore;
  readonly nflog: Nflog;
  readonly silences: SilenceStore;
  readonly startedAt: number;
  readonly integrationState: ReadonlyMap<string, IntegrationState>;
  readonly config: AlertmanagerFile | null;
  status(a: StoredAlert): AlertStatus;
  receiversOf(labels: LabelSet): string[];
  groups(): GroupView[];
  receiverNames(): string[];
  integrationsOf(receiver: string): readonly Integration[];
  testReceiver(receiver: string): Promise<{ name: string; index: number; ok: boolean; error?: string }[]>;
  put(alerts: readonly { labels: LabelSet; annotations: LabelSet; startsAt: number; endsAt: number; generatorURL: string }[]): string[];
  configView(): { file: string; text: string; problems: ConfigProblem[] };
}

/** AlertFilter is the v2 API's alert filter. */
export interface AlertFilter {
  matchers: Matcher[];
  silenced: boolean;
  inhibited: boolean;
  active: boolean;
  unprocessed: boolean;
  receiver: RegExp | null;
}

type Alerting = AlertingApi;
type ApiAlertStatus = AlertStatus;

function json(status: number, body: unknown): RouteResult {
  return { kind: 'raw', status, contentType: 'application/json', body: JSON.stringify(body) + '\n' };
}

function iso(ms: number): string {
  return ms === 0 ? '0001-01-01T00:00:00.000Z' : new Date(ms).toISOString();
}

/** apiAlert renders an alert as Alertmanager's v2 GettableAlert. */
export function apiAlert(a: StoredAlert, status: ApiAlertStatus, receivers: string[], withMutedBy: boolean): Record<string, unknown> {
  return {
    annotations: { ...a.annotations },
    endsAt: iso(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: iso(a.startsAt),
    status: { inhibitedBy: [...status.inhibitedBy], silencedBy: [...status.silencedBy], state: status.state, ...(withMutedBy ? { mutedBy: [...status.mutedBy] } : {}) },
    updatedAt: iso(a.updatedAt),
    ...(a.generatorURL !== '' ? { generatorURL: a.generatorURL } : {}),
    labels: { ...a.labels },
  };
}

function boolParam(req: RouteRequest, name: string): boolean {
  const v = one(req.params, name);
  if (v === undefined || v === '') return true;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ApiError('bad_data', `${name} in query must be of type boolean: ${JSON.stringify(v)}`);
}

/** parseFilter reads filter (or filter[]), silenced, inhibited, active, unprocessed and receiver. */
export function parseFilter(req: RouteRequest): AlertFilter {
  const filters = [...many(req.params, 'filter'), ...many(req.params, 'filter[]')];
  const matchers = filters.map((f) => {
    try {
      return parseMatcher(f);
    } catch (e) {
      throw new ApiError('bad_data', `bad matcher format: ${f}: ${(e as Error).message}`);
    }
  });
  let receiver: RegExp | null = null;
  const r = one(req.params, 'receiver');
  if (r !== undefined && r !== '') {
    try {
      receiver = new RegExp(`^(?:${r})$`);
    } catch (e) {
      throw new ApiError('bad_data', `failed to parse receiver param: ${(e as Error).message}`);
    }
  }
  return { matchers, silenced: boolParam(req, 'silenced'), inhibited: boolParam(req, 'inhibited'), active: boolParam(req, 'active'), unprocessed: boolParam(req, 'unprocessed'), receiver };
}

function passes(am: Alerting, a: StoredAlert, f: AlertFilter, now: number): ApiAlertStatus | null {
  if (a.endsAt !== 0 && a.endsAt < now) return null;
  const st = am.status(a);
  if (!f.active && st.state === 'active') return null;
  if (!f.unprocessed && st.state === 'unprocessed') return null;
  if (!f.silenced && st.silencedBy.length > 0) return null;
  if (!f.inhibited && st.inhibitedBy.length > 0) return null;
  if (!matches(f.matchers, a.labels)) return null;
  return st;
}

/** listAlerts is GET /api/v2/alerts's list (sorted by fingerprint). */
export function listAlerts(am: Alerting, f: AlertFilter, withMutedBy: boolean): Record<string, unknown>[] {
  const now = am.clock.now();
  const out: { fp: string; a: Record<string, unknown> }[] = [];
  for (const a of am.store.list()) {
    const receivers = am.receiversOf(a.labels);
    if (f.receiver && !receivers.some((r) => f.receiver!.test(r))) continue;
    const st = passes(am, a, f, now);
    if (!st) continue;
    out.push({ fp: a.fingerprint, a: apiAlert(a, st, receivers, withMutedBy) });
  }
  return out.sort((x, y) => (x.fp < y.fp ? -1 : x.fp > y.fp ? 1 : 0)).map((x) => x.a);
}

function compareLabels(a: Record<string, string>, b: Record<string, string>): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  if (an.length !== bn.length) return an.length - bn.length;
  for (let i = 0; i < an.length; i++) if (an[i] !== bn[i]) return an[i]! < bn[i]! ? -1 : 1;
  for (const n of an) if (a[n] !== b[n]) return a[n]! < b[n]! ? -1 : 1;
  return 0;
}

/** listGroups is GET /api/v2/alerts/groups's list. */
export function listGroups(am: Alerting, f: AlertFilter, withMutedBy: boolean): Record<string, unknown>[] {
  const now = am.clock.now();
  const views = am.groups().filter((g) => !f.receiver || f.receiver.test(g.receiver));
  // An alert's receivers are those of the groups it is in.
  const receiversOf = new Map<string, string[]>();
  const kept = views.map((g) => {
    const alerts = g.alerts.map((a) => ({ a, st: passes(am, a, f, now) })).filter((x) => x.st !== null);
    for (const x of alerts) receiversOf.set(x.a.fingerprint, [...(receiversOf.get(x.a.fingerprint) ?? []), g.receiver]);
    return { g, alerts };
  });
  for (const r of receiversOf.values()) r.sort();
  return kept
    .filter((k) => k.alerts.length > 0)
    .sort((x, y) => compareLabels(x.g.labels, y.g.labels) || (x.g.receiver < y.g.receiver ? -1 : x.g.receiver > y.g.receiver ? 1 : 0))
    .map((k) => ({
      alerts: k.alerts.map((x) => apiAlert(x.a, x.st!, receiversOf.get(x.a.fingerprint) ?? [], withMutedBy)),
      labels: { ...k.g.labels },
      receiver: { name: k.g.receiver },
    }));
}

function parseTimeField(v: unknown, field: string, i: number): number {
  if (v === undefined || v === null || v === '') return 0;
  if (typeof v !== 'string') throw new ApiError('bad_data', `alerts[${i}].${field}: must be an RFC 3339 time string`);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ApiError('bad_data', `alerts[${i}].${field} in body must be of type date-time: ${JSON.stringify(v)}`);
  // Go's zero time means unset.
  return t <= -62135596800000 ? 0 : t;
}

function stringMap(v: unknown, field: string, i: number, required: boolean): Record<string, string> {
  if (v === undefined || v === null) {
    if (required) throw new ApiError('bad_data', `alerts[${i}].${field} in body is required`);
    return {};
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw new ApiError('bad_data', `alerts[${i}].${field} in body must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') throw new ApiError('bad_data', `alerts[${i}].${field}.${k} in body must be of type string`);
    out[k] = x;
  }
  return out;
}

/** parsePostableAlerts reads a v2 PostableAlerts body. */
export function parsePostableAlerts(body: Uint8Array): { labels: Record<string, string>; annotations: Record<string, string>; startsAt: number; endsAt: number; generatorURL: string }[] {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (e) {
    throw new ApiError('bad_data', `parsing alerts body: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new ApiError('bad_data', 'alerts body must be a JSON array of alerts');
  return doc.map((x, i) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ApiError('bad_data', `alerts[${i}] must be an object`);
    const o = x as Record<string, unknown>;
    if (o.generatorURL !== undefined && typeof o.generatorURL !== 'string') throw new ApiError('bad_data', `alerts[${i}].generatorURL must be a string`);
    return {
      labels: stringMap(o.labels, 'labels', i, true),
      annotations: stringMap(o.annotations, 'annotations', i, false),
      startsAt: parseTimeField(o.startsAt, 'startsAt', i),
      endsAt: parseTimeField(o.endsAt, 'endsAt', i),
      generatorURL: (o.generatorURL as string | undefined) ?? '',
    };
  });
}

/** v2 errors are bare JSON strings, as go-swagger writes them. */
async function v2(fn: () => RouteResult | Promise<RouteResult>): Promise<RouteResult> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError) return json(e.errorType === 'not_found' ? 404 : 400, e.message);
    return json(500, (e as Error).message);
  }
}

/** alertingRoutes are the routes of the facade. */
export function alertingRoutes(am: Alerting): Route[] {
  return [
    {
      methods: ['GET'],
      pattern: '/api/v2/status',
      readOnly: true,
      handler: () =>
        json(200, {
          cluster: { peers: [], status: 'disabled' },
          config: { original: am.config?.text ?? '' },
          uptime: new Date(am.startedAt).toISOString(),
          versionInfo: { branch: 'vigil', buildDate: '', buildUser: 'vigil', goVersion: `node ${process.versions.node}`, revision: `vigil-${VERSION}`, version: ALERTMANAGER_VERSION },
        }),
    },
    {
      methods: ['GET'],
      pattern: '/api/v2/receivers',
      readOnly: true,
      handler: () => json(200, am.receiverNames().map((name) => ({ name }))),
    },
    {
      methods: ['GET', 'POST'],
      pattern: '/api/v2/alerts',
      readOnly: false,
      handler: (req) =>
        v2(async () => {
          if (req.method === 'GET') return json(200, listAlerts(am, parseFilter(req), false));
          const alerts = parsePostableAlerts(await req.body());
          const errs = am.put(alerts);
          if (errs.length > 0) return json(400, errs.join('; '));
          return { kind: 'raw', status: 200, contentType: 'application/json', body: '' };
        }),
    },
    {
      methods: ['GET'],
      pattern: '/api/v2/alerts/groups',
      readOnly: true,
      handler: (req) => v2(() => json(200, listGroups(am, parseFilter(req), false))),
    },
    ...silenceRoutes(() => am.silences),
    {
      methods: ['GET'],
      pattern: '/api/v1/alerting/alerts',
      readOnly: true,
      handler: (req) => ok(listAlerts(am, parseFilter(req), true)),
    },
    {
      methods: ['GET'],
      pattern: '/api/v1/alerting/groups',
      readOnly: true,
      handler: (req) => ok(listGroups(am, parseFilter(req), true)),
    },
    {
      methods: ['GET'],
      pattern: '/api/v1/alerting/notifications',
      readOnly: true,
      handler: (req) => {
        const l = one(req.params, 'limit');
        let limit = 100;
        if (l !== undefined && l !== '') {
          limit = Number(l);
          if (!Number.isInteger(limit) || limit < 0) throw new ApiError('bad_data', `invalid parameter "limit": ${JSON.stringify(l)} is not a non-negative integer`);
        }
        return ok(am.nflog.recent(limit));
      },
    },
    {
      methods: ['GET'],
      pattern: '/api/v1/alerting/receivers',
      readOnly: true,
      handler: () =>
        ok(
          am.receiverNames().map((name) => ({
            name,
            integrations: am.integrationsOf(name).map((i) => {
              const st = am.integrationState.get(`${name}/${i.name}/${i.index}`);
              return { name: i.name, index: i.index, sendResolved: i.sendResolved, lastAttempt: st && st.lastAttempt > 0 ? st.lastAttempt : null, lastError: st && st.lastError !== '' ? st.lastError : null, failures: st?.failures ?? 0 };
            }),
          })),
        ),
    },
    {
      methods: ['POST'],
      pattern: '/api/v1/alerting/receivers/test',
      readOnly: false,
      ipc: true,
      handler: async (req) => {
        const name = one(req.params, 'receiver');
        if (name === undefined || name === '') throw new ApiError('bad_data', 'missing parameter "receiver"');
        if (!am.receiverNames().includes(name)) throw new ApiError('not_found', `receiver ${JSON.stringify(name)} not found`);
        return ok(await am.testReceiver(name));
      },
    },
    {
      methods: ['GET'],
      pattern: '/api/v1/alerting/config',
      readOnly: true,
      handler: () => ok(am.configView()),
    },
  ];
}
