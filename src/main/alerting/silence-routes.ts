/**
 * The silences over HTTP: Alertmanager's v2 API (`/api/v2/silences`, `/api/v2/silence/:id`, with
 * its JSON shapes, status codes and error bodies, so amtool works against Vigil) and Vigil's UI
 * routes under /api/v1/alerting (parameters instead of bodies, so they work over IPC too).
 */
import { ApiError, ok, type Route, type RouteResult } from '../../common/api/route';
import { many, one } from '../../common/api/params';
import type { ApiParams } from '../../common/api/types';
import { parseDuration, parseTime } from '../../common/model/time';
import { fromApiMatcher, MatcherError, parseMatcher, parseMatchers, toApiMatcher } from './matchers';
import { SilenceError, type SilenceState, type SilenceStore } from './silences';
import type { Matcher, Silence } from './types';

/** ApiSilence is Alertmanager's GettableSilence, fields in its order. */
export interface ApiSilence {
  id: string;
  status: { state: SilenceState };
  updatedAt: string;
  comment: string;
  createdBy: string;
  endsAt: string;
  matchers: { isEqual: boolean; isRegex: boolean; name: string; value: string }[];
  startsAt: string;
}

/** dateTime formats ms as go-openapi's strfmt.DateTime (RFC 3339 with milliseconds). */
function dateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** apiSilence renders a silence as the v2 API does. */
export function apiSilence(s: Silence, state: SilenceState): ApiSilence {
  return {
    id: s.id,
    status: { state },
    updatedAt: dateTime(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: dateTime(s.endsAt),
    matchers: s.matchers.map((m) => {
      const a = toApiMatcher(m);
      return { isEqual: a.isEqual, isRegex: a.isRegex, name: a.name, value: a.value };
    }),
    startsAt: dateTime(s.startsAt),
  };
}

/** json answers a raw JSON body, as the v2 API does (no envelope). */
function json(status: number, body: unknown): RouteResult {
  return { kind: 'raw', status, contentType: 'application/json', body: JSON.stringify(body) + (typeof body === 'string' ? '\n' : '') };
}

function empty(status: number): RouteResult {
  return { kind: 'raw', status, contentType: 'application/json', body: '' };
}

/** swaggerError is go-openapi's validation error body. */
function swaggerError(status: number, code: number, message: string): RouteResult {
  return json(status, { code, message });
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseDateTime(s: string): number | null {
  if (!RFC3339.test(s)) return null;
  // Fractions beyond milliseconds are truncated, as the store keeps ms.
  const t = Date.parse(s.replace(/(\.\d{3})\d+/, '$1').replace(' ', 'T'));
  return Number.isFinite(t) ? t : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * readPostable validates a PostableSilence body as go-swagger does (required fields in its order:
 * comment, createdBy, endsAt, matchers and their name/isRegex/value, startsAt); returns the input
 * or an error answer.
 */
function readPostable(text: string): { id?: string; matchers: Matcher[]; startsAt: number; endsAt: number; createdBy: string; comment: string } | RouteResult {
  const parseFail = (why: string): RouteResult => swaggerError(400, 400, `parsing silence body from "" failed, because ${why}`);
  if (text.trim() === '') return swaggerError(422, 602, 'silence in body is required');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return parseFail((e as Error).message);
  }
  if (!isRecord(doc)) return parseFail(`json: cannot unmarshal ${Array.isArray(doc) ? 'array' : typeof doc} into Go value of type models.PostableSilence`);
  const typeErr = (field: string, want: string, v: unknown): RouteResult =>
    parseFail(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v} into Go struct field ${field} of type ${want}`);
  for (const k of ['id', 'comment', 'createdBy', 'startsAt', 'endsAt']) {
    if (doc[k] !== undefined && doc[k] !== null && typeof doc[k] !== 'string') return typeErr(`PostableSilence.${k}`, 'string', doc[k]);
  }
  if (doc.comment === undefined || doc.comment === null) return swaggerError(422, 602, 'comment in body is required');
  if (doc.createdBy === undefined || doc.createdBy === null) return swaggerError(422, 602, 'createdBy in body is required');
  if (doc.endsAt === undefined || doc.endsAt === null) return swaggerError(422, 602, 'endsAt in body is required');
  const endsAt = parseDateTime(doc.endsAt as string);
  if (endsAt === null) return parseFail(`parsing time ${JSON.stringify(doc.endsAt)} is not an RFC 3339 date-time`);
  if (doc.matchers === undefined || doc.matchers === null) return swaggerError(422, 602, 'matchers in body is required');
  if (!Array.isArray(doc.matchers)) return typeErr('PostableSilence.matchers', 'models.Matchers', doc.matchers);
  if (doc.matchers.length === 0) return swaggerError(422, 612, 'matchers in body should have at least 1 items');
  const matchers: Matcher[] = [];
  for (let i = 0; i < doc.matchers.length; i++) {
    const m: unknown = doc.matchers[i];
    if (!isRecord(m)) return typeErr('PostableSilence.matchers', 'models.Matcher', m);
    for (const k of ['isEqual', 'isRegex']) if (m[k] !== undefined && m[k] !== null && typeof m[k] !== 'boolean') return typeErr(`Matcher.matchers.${k}`, 'bool', m[k]);
    for (const k of ['name', 'value']) if (m[k] !== undefined && m[k] !== null && typeof m[k] !== 'string') return typeErr(`Matcher.matchers.${k}`, 'string', m[k]);
    if (m.isRegex === undefined || m.isRegex === null) return swaggerError(422, 602, `matchers.${i}.isRegex in body is required`);
    if (m.name === undefined || m.name === null) return swaggerError(422, 602, `matchers.${i}.name in body is required`);
    if (m.value === undefined || m.value === null) return swaggerError(422, 602, `matchers.${i}.value in body is required`);
    matchers.push(fromApiMatcher({ name: m.name as string, value: m.value as string, isRegex: m.isRegex as boolean, isEqual: (m.isEqual ?? undefined) as boolean | undefined }));
  }
  if (doc.startsAt === undefined || doc.startsAt === null) return swaggerError(422, 602, 'startsAt in body is required');
  const startsAt = parseDateTime(doc.startsAt as string);
  if (startsAt === null) return parseFail(`parsing time ${JSON.stringify(doc.startsAt)} is not an RFC 3339 date-time`);
  return {
    ...(typeof doc.id === 'string' && doc.id !== '' ? { id: doc.id } : {}),
    matchers,
    startsAt,
    endsAt,
    createdBy: doc.createdBy as string,
    comment: doc.comment as string,
  };
}

function filterParam(params: ApiParams, names: string[], list: boolean): Matcher[] {
  const out: Matcher[] = [];
  for (const n of names) {
    for (const s of many(params, n)) {
      if (list) out.push(...parseMatchers(s));
      else out.push(parseMatcher(s));
    }
  }
  return out;
}

const STATES: readonly SilenceState[] = ['active', 'pending', 'expired'];

/**
 * silenceRoutes returns the silence routes; silences() is the store (null while alerting is not
 * running: the v2 routes answer 503, the UI routes an `unavailable` error).
 */
export function silenceRoutes(silences: () => SilenceStore | null): Route[] {
  const v2store = (): SilenceStore | RouteResult => silences() ?? json(503, 'silences are not available: alerting is not running');
  const uiStore = (): SilenceStore => {
    const s = silences();
    if (!s) throw new ApiError('unavailable', 'alerting is not running');
    return s;
  };
  const isResult = (x: SilenceStore | RouteResult): x is RouteResult => 'kind' in x;
  const uiSet = (s: SilenceStore, input: Parameters<SilenceStore['set']>[0]): string => {
    try {
      return s.set(input);
    } catch (e) {
      if (e instanceof SilenceError) throw new ApiError(e.kind === 'not_found' ? 'not_found' : 'bad_data', e.message);
      throw e;
    }
  };

  return [
    {
      methods: ['GET'],
      pattern: '/api/v2/silences',
      readOnly: true,
      handler: (r) => {
        const s = v2store();
        if (isResult(s)) return s;
        let filter: Matcher[];
        try {
          filter = filterParam(r.params, ['filter', 'filter[]'], false);
        } catch (e) {
          return json(400, e instanceof MatcherError ? `${e.reason}: ${e.text}` : (e as Error).message);
        }
        return json(200, s.list({ filter }).map((x) => apiSilence(x.silence, x.state)));
      },
    },
    {
      methods: ['POST'],
      pattern: '/api/v2/silences',
      readOnly: false,
      handler: async (r) => {
        const s = v2store();
        if (isResult(s)) return s;
        const text = Buffer.from(await r.body()).toString('utf8');
        const input = readPostable(text);
        if ('kind' in input) return input;
        try {
          return json(200, { silenceID: s.set(input) });
        } catch (e) {
          if (e instanceof SilenceError) return json(e.kind === 'not_found' ? 404 : 400, e.message);
          throw e;
        }
      },
    },
    {
      methods: ['GET'],
      pattern: '/api/v2/silence/:id',
      readOnly: true,
      handler: (r) => {
        const s = v2store();
        if (isResult(s)) return s;
        const id = decodeURIComponent(r.pathParams.id ?? '');
        if (!UUID_RE.test(id)) return swaggerError(422, 601, `silenceID in path must be of type uuid: ${JSON.stringify(id)}`);
        const sil = s.get(id.toLowerCase());
        return sil ? json(200, apiSilence(sil, s.state(sil))) : empty(404);
      },
    },
    {
      methods: ['DELETE'],
      pattern: '/api/v2/silence/:id',
      readOnly: false,
      handler: (r) => {
        const s = v2store();
        if (isResult(s)) return s;
        const id = decodeURIComponent(r.pathParams.id ?? '');
        if (!UUID_RE.test(id)) return swaggerError(422, 601, `silenceID in path must be of type uuid: ${JSON.stringify(id)}`);
        try {
          s.expire(id.toLowerCase());
        } catch (e) {
          if (e instanceof SilenceError) return json(500, e.message);
          throw e;
        }
        return empty(200);
      },
    },
    {
      methods: ['GET'],
      pattern: '/api/v1/alerting/silences',
      readOnly: true,
      handler: (r) => {
        const s = uiStore();
        let filter: Matcher[];
        try {
          filter = filterParam(r.params, ['filter', 'filter[]'], true);
        } catch (e) {
          throw new ApiError('bad_data', `invalid parameter "filter": ${(e as Error).message}`);
        }
        const states = many(r.params, 'state');
        for (const st of states) if (!STATES.includes(st as SilenceState)) throw new ApiError('bad_data', `invalid parameter "state": ${JSON.stringify(st)} is not one of active, pending, expired`);
        return ok(s.list({ filter, ...(states.length ? { states: states as SilenceState[] } : {}) }).map((x) => apiSilence(x.silence, x.state)));
      },
    },
    {
      methods: ['POST'],
      pattern: '/api/v1/alerting/silences',
      readOnly: false,
      ipc: true,
      handler: (r) => {
        const s = uiStore();
        const p = r.params;
        const text = one(p, 'matchers') ?? '';
        let matchers: Matcher[];
        try {
          matchers = parseMatchers(text);
        } catch (e) {
          throw new ApiError('bad_data', `invalid parameter "matchers": ${(e as Error).message}`);
        }
        if (matchers.length === 0) throw new ApiError('bad_data', 'invalid parameter "matchers": at least one matcher is required');
        const time = (name: string): number | undefined => {
          const v = one(p, name);
          if (v === undefined || v === '') return undefined;
          try {
            return parseTime(v);
          } catch (e) {
            throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${(e as Error).message}`);
          }
        };
        const id = one(p, 'id') || undefined;
        const prev = id ? s.get(id) : undefined;
        if (id && !prev) throw new ApiError('not_found', `silence ${id} not found`);
        const now = s.currentTime();
        const startsAt = time('startsAt') ?? prev?.startsAt ?? now;
        let endsAt = time('endsAt');
        const dur = one(p, 'duration');
        if (endsAt === undefined && dur !== undefined && dur !== '') {
          let ms: number;
          try {
            ms = parseDuration(dur);
          } catch (e) {
            throw new ApiError('bad_data', `invalid parameter "duration": ${(e as Error).message}`);
          }
          if (ms <= 0) throw new ApiError('bad_data', 'invalid parameter "duration": must be positive');
          endsAt = Math.max(startsAt, now) + ms;
        }
        if (endsAt === undefined) {
          if (prev) endsAt = prev.endsAt;
          else throw new ApiError('bad_data', 'one of the parameters "endsAt" and "duration" is required');
        }
        const createdBy = one(p, 'createdBy') ?? prev?.createdBy ?? '';
        const comment = one(p, 'comment') ?? prev?.comment ?? '';
        if (createdBy.trim() === '') throw new ApiError('bad_data', 'invalid parameter "createdBy": required');
        return ok({ silenceID: uiSet(s, { ...(id ? { id } : {}), matchers, startsAt, endsAt, createdBy, comment }) });
      },
    },
    {
      methods: ['POST'],
      pattern: '/api/v1/alerting/silences/expire',
      readOnly: false,
      ipc: true,
      handler: (r) => {
        const s = uiStore();
        const id = one(r.params, 'id') ?? '';
        if (id === '') throw new ApiError('bad_data', 'invalid parameter "id": required');
        try {
          s.expire(id);
        } catch (e) {
          if (e instanceof SilenceError) throw new ApiError('not_found', `silence ${id} not found`);
          throw e;
        }
        return ok({ silenceID: id });
      },
    },
  ];
}
