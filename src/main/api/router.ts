/**
 * The Prometheus-compatible API as one transport-free request handler. The HTTP server (serve
 * mode, Grafana, promtool) and the desktop IPC bridge both call handleApiRequest, so both see the
 * same routes, parameters, envelopes and status codes.
 */
import type { ApiBuildInfo, ApiEnvelope, ApiErrorType, ApiMetadataEntry, ApiTargetsData } from '../../common/api/types';
import type { ApiParams } from '../../common/ipc/contract';
import type { Matcher } from '../../common/model/matcher';
import { labelsToRecord } from '../../common/model/labels';
import { parseDurationOrSeconds, parseTime } from '../../common/model/time';
import { parseMetricSelector, parseExpr, prettify, translateAST, ParseError, type ParserOptions } from '../../common/promql';
import type { Storage } from '../storage/interface';
import type { ExemplarStorage } from '../storage';
import { children, type Expr } from '../../common/promql/ast';
import { formatSampleValue } from '../../common/model/value';
import { QueryError, type PromQLEngine, type QueryOpts, type QueryResult } from '../promql/value';
import { buildInfo } from '../util/version';
import { encodeValue } from './encode';

/** ApiContext is what the API reads from; the composition root provides it. */
export interface ApiContext {
  storage: Storage;
  engine: PromQLEngine;
  /** parserOptions are the experimental parser features the engine runs with (format/parse_query use them too). */
  parserOptions: ParserOptions;
  targets(state: 'active' | 'dropped' | 'any', scrapePool?: string): ApiTargetsData;
  metadata(metric?: string, limit?: number): Record<string, ApiMetadataEntry[]>;
  /** targetMetadata backs /api/v1/targets/metadata. */
  targetMetadata(filter: { metric?: string; scrapePool?: string }): unknown[];
  buildInfo: ApiBuildInfo;
  runtimeInfo(): Record<string, unknown>;
  config(): string;
  flags(): Record<string, string>;
  /** exemplars backs /api/v1/query_exemplars (absent: exemplar storage disabled). */
  exemplars?: Pick<ExemplarStorage, 'select'>;
  /** Vigil-specific read-only routes under /api/v1/vigil/<name>. */
  vigil?: Record<string, (params: ApiParams) => unknown>;
  now(): number;
}

/**
 * storeOnlyContext is an ApiContext over a store and an engine alone, with no scrape targets,
 * metadata, configuration or flags: for `vigil query`, tests and benchmarks. overrides replaces
 * any part (a fixed buildInfo, a config text).
 */
export function storeOnlyContext(storage: Storage, engine: PromQLEngine & { parserFlags(): ParserOptions }, now: () => number, overrides: Partial<ApiContext> = {}): ApiContext {
  return {
    storage,
    engine,
    parserOptions: engine.parserFlags(),
    targets: () => ({ activeTargets: [], droppedTargets: [] }),
    metadata: () => ({}),
    targetMetadata: () => [],
    buildInfo: buildInfo(),
    runtimeInfo: () => ({}),
    config: () => '',
    flags: () => ({}),
    now,
    ...overrides,
  };
}

/** extractSelectors returns the matchers of every vector selector in expr (parser.ExtractSelectors). */
export function extractSelectors(expr: Expr): Matcher[][] {
  const out: Matcher[][] = [];
  const walk = (e: Expr): void => {
    if (e.kind === 'VectorSelector') out.push(e.matchers);
    for (const c of children(e)) walk(c);
  };
  walk(expr);
  return out;
}

/** ApiResponse is an envelope with the HTTP status it travels with. */
export interface ApiResponse {
  status: number;
  body: ApiEnvelope<unknown>;
}

const STATUS: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
  not_found: 404,
  not_acceptable: 406,
  unavailable: 503,
};

/** MAX_POINTS is Prometheus's limit of points per series in a range query. */
export const MAX_POINTS = 11_000;

const MIN_TIME = -9223372036854; // Prometheus's MinTime in ms (math.MinInt64/1e6), as the API reports.
const MAX_TIME = 9223372036854;

class ApiError extends Error {
  constructor(readonly errorType: ApiErrorType, message: string) {
    super(message);
  }
}

function fail(errorType: ApiErrorType, error: string, extra: Partial<ApiResponse['body']> = {}): ApiResponse {
  return { status: STATUS[errorType], body: { status: 'error', errorType, error, ...extra } as ApiEnvelope<unknown> };
}

function ok(data: unknown, warnings: string[] = [], infos: string[] = []): ApiResponse {
  const body: ApiEnvelope<unknown> = { status: 'success', data };
  if (warnings.length) body.warnings = warnings;
  if (infos.length) body.infos = infos;
  return { status: 200, body };
}

function one(params: ApiParams, name: string): string | undefined {
  const v = params[name];
  return Array.isArray(v) ? v[0] : v;
}

function many(params: ApiParams, name: string): string[] {
  const v = params[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function timeParam(params: ApiParams, name: string, dflt: number): number {
  const v = one(params, name);
  if (v === undefined || v === '') return dflt;
  try {
    return parseTime(v);
  } catch (e) {
    throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
}

function durationParam(params: ApiParams, name: string): number | undefined {
  const v = one(params, name);
  if (v === undefined || v === '') return undefined;
  try {
    return parseDurationOrSeconds(v);
  } catch (e) {
    throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
}

function limitParam(params: ApiParams): number {
  const v = one(params, 'limit');
  if (v === undefined || v === '') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ApiError('bad_data', 'limit must be a non-negative integer');
  return n;
}

function matcherSets(params: ApiParams): Matcher[][] {
  return many(params, 'match[]').map((s) => {
    try {
      return parseMetricSelector(s);
    } catch (e) {
      throw new ApiError('bad_data', `invalid parameter "match[]": ${errorText(e)}`);
    }
  });
}

function errorText(e: unknown): string {
  if (e instanceof ParseError) return e.toString();
  return e instanceof Error ? e.message : String(e);
}

function queryOpts(params: ApiParams): QueryOpts {
  const opts: QueryOpts = {};
  const timeout = durationParam(params, 'timeout');
  if (timeout !== undefined) opts.timeoutMs = timeout;
  const lb = durationParam(params, 'lookback_delta');
  if (lb !== undefined) opts.lookbackDeltaMs = lb;
  const stats = one(params, 'stats');
  if (stats) opts.stats = stats === 'all' ? 'all' : true;
  return opts;
}

function queryResponse(res: QueryResult, limit: number, withStats: boolean): ApiResponse {
  const data = encodeValue(res.value) as ReturnType<typeof encodeValue>;
  const warnings = [...res.warnings];
  if (limit > 0 && (data.resultType === 'vector' || data.resultType === 'matrix') && data.result.length > limit) {
    (data as { result: unknown[] }).result = data.result.slice(0, limit);
    warnings.push(`results truncated due to limit`);
  }
  if (withStats && res.stats) (data as { stats?: unknown }).stats = res.stats;
  return ok(data, warnings, res.infos);
}

function queryFailure(e: unknown): ApiResponse {
  if (e instanceof QueryError) {
    // Parse and type errors are errors of the "query" parameter, reported as Prometheus does
    // (`invalid parameter "query": 1:5: parse error: ...`); the position travels along in data so
    // the UI can underline the place.
    if (e.position && e.errorType === 'bad_data') {
      return fail(e.errorType, `invalid parameter "query": ${e.message}`, { data: { position: e.position } });
    }
    return fail(e.errorType, e.message);
  }
  if (e instanceof ParseError) return fail('bad_data', e.toString());
  if (e instanceof ApiError) return fail(e.errorType, e.message);
  return fail('internal', e instanceof Error ? e.message : String(e));
}

/** handleApiRequest serves one /api/v1 request. It never throws. */
export async function handleApiRequest(ctx: ApiContext, path: string, params: ApiParams): Promise<ApiResponse> {
  try {
    return await route(ctx, path, params);
  } catch (e) {
    return queryFailure(e);
  }
}

async function route(ctx: ApiContext, path: string, params: ApiParams): Promise<ApiResponse> {
  const labelValues = /^\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
  if (labelValues) return labelValuesRoute(ctx, decodeLabelName(labelValues[1]!), params);
  switch (path) {
    case '/api/v1/query': {
      const q = one(params, 'query');
      if (q === undefined) throw new ApiError('bad_data', 'invalid parameter "query": query must not be empty');
      const t = timeParam(params, 'time', ctx.now());
      const opts = queryOpts(params);
      const res = await ctx.engine.instantQuery(ctx.storage, q, t, opts);
      return queryResponse(res, limitParam(params), !!opts.stats);
    }
    case '/api/v1/query_range': {
      const q = one(params, 'query');
      const start = timeParam(params, 'start', NaN);
      const end = timeParam(params, 'end', NaN);
      if (Number.isNaN(start)) throw new ApiError('bad_data', 'invalid parameter "start": cannot parse "" to a valid timestamp');
      if (Number.isNaN(end)) throw new ApiError('bad_data', 'invalid parameter "end": cannot parse "" to a valid timestamp');
      if (end < start) throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
      const step = durationParam(params, 'step');
      if (step === undefined) throw new ApiError('bad_data', 'invalid parameter "step": cannot parse "" to a valid duration');
      if (step <= 0) {
        throw new ApiError('bad_data', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
      }
      if ((end - start) / step > MAX_POINTS) {
        throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      }
      if (q === undefined) throw new ApiError('bad_data', 'invalid parameter "query": query must not be empty');
      const opts = queryOpts(params);
      const res = await ctx.engine.rangeQuery(ctx.storage, q, start, end, step, opts);
      return queryResponse(res, limitParam(params), !!opts.stats);
    }
    case '/api/v1/format_query': {
      const q = one(params, 'query') ?? '';
      try {
        return ok(prettify(parseExpr(q, ctx.parserOptions)));
      } catch (e) {
        throw new ApiError('bad_data', `invalid parameter "query": ${errorText(e)}`);
      }
    }
    case '/api/v1/parse_query': {
      const q = one(params, 'query') ?? '';
      try {
        return ok(translateAST(parseExpr(q, ctx.parserOptions)));
      } catch (e) {
        throw new ApiError('bad_data', `invalid parameter "query": ${errorText(e)}`);
      }
    }
    case '/api/v1/series': {
      const sets = matcherSets(params);
      if (sets.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
      const start = timeParam(params, 'start', MIN_TIME);
      const end = timeParam(params, 'end', MAX_TIME);
      const limit = limitParam(params);
      const q = ctx.storage.querier(start, end);
      try {
        const seen = new Map<string, Record<string, string>>();
        const warnings: string[] = [];
        for (const ms of sets) {
          const ss = q.select(false, { start, end, func: 'series' }, ms);
          warnings.push(...ss.warnings);
          for (const s of ss.series) {
            const rec = labelsToRecord(s.labels);
            const key = JSON.stringify(rec);
            if (!seen.has(key)) seen.set(key, rec);
          }
        }
        let out = [...seen.values()].sort((a, b) => compareRecords(a, b));
        if (limit > 0 && out.length > limit) {
          out = out.slice(0, limit);
          warnings.push('results truncated due to limit');
        }
        return ok(out, warnings);
      } finally {
        q.close();
      }
    }
    case '/api/v1/labels': {
      const sets = matcherSets(params);
      const start = timeParam(params, 'start', MIN_TIME);
      const end = timeParam(params, 'end', MAX_TIME);
      const limit = limitParam(params);
      const q = ctx.storage.querier(start, end);
      try {
        const names = new Set<string>();
        for (const ms of sets.length ? sets : [[]]) for (const n of q.labelNames(ms)) names.add(n);
        return ok(truncate([...names].sort(), limit));
      } finally {
        q.close();
      }
    }
    case '/api/v1/metadata': {
      const metric = one(params, 'metric');
      const limit = limitParam(params);
      return ok(ctx.metadata(metric, limit));
    }
    case '/api/v1/targets': {
      const state = (one(params, 'state') ?? 'any') as 'active' | 'dropped' | 'any';
      return ok(ctx.targets(state, one(params, 'scrapePool')));
    }
    case '/api/v1/targets/metadata': {
      const metric = one(params, 'metric');
      const filter: { metric?: string; scrapePool?: string } = {};
      if (metric) filter.metric = metric;
      const limit = limitParam(params);
      return ok(truncate(ctx.targetMetadata(filter), limit));
    }
    case '/api/v1/scrape_pools':
      return ok({ scrapePools: [...new Set(ctx.targets('any').activeTargets.map((t) => t.scrapePool))].sort() });
    case '/api/v1/status/buildinfo':
      return ok(ctx.buildInfo);
    case '/api/v1/status/runtimeinfo':
      return ok(ctx.runtimeInfo());
    case '/api/v1/status/config':
      return ok({ yaml: ctx.config() });
    case '/api/v1/status/flags':
      return ok(ctx.flags());
    case '/api/v1/status/tsdb': {
      const limit = Number(one(params, 'limit') ?? 10) || 10;
      const st = ctx.storage.stats(limit);
      return ok({
        headStats: {
          numSeries: st.numSeries,
          numLabelPairs: st.seriesCountByLabelValuePair.length,
          chunkCount: st.numChunks,
          minTime: st.minTime,
          maxTime: st.maxTime,
        },
        seriesCountByMetricName: st.seriesCountByMetricName,
        labelValueCountByLabelName: st.labelValueCountByLabelName,
        memoryInBytesByLabelName: st.memoryInBytesByLabelName,
        seriesCountByLabelValuePair: st.seriesCountByLabelValuePair,
      });
    }
    case '/api/v1/query_exemplars': {
      const start = timeParam(params, 'start', MIN_TIME);
      const end = timeParam(params, 'end', MAX_TIME);
      if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
      let expr: Expr;
      try {
        expr = parseExpr(one(params, 'query') ?? '', ctx.parserOptions);
      } catch (e) {
        throw new ApiError('bad_data', errorText(e));
      }
      const selectors = extractSelectors(expr);
      if (selectors.length === 0) return ok(null);
      // Without exemplar storage (max_exemplars <= 0) the answer is empty, as Prometheus's is.
      const res = ctx.exemplars?.select(start, end, selectors) ?? [];
      return ok(
        res.map((r) => ({
          seriesLabels: labelsToRecord(r.seriesLabels),
          exemplars: r.exemplars.map((e) => ({ labels: labelsToRecord(e.labels), value: formatSampleValue(e.value), timestamp: e.ts / 1000 })),
        })),
      );
    }
    default: {
      const m = /^\/api\/v1\/vigil\/([a-z_]+)$/.exec(path);
      const h = m && ctx.vigil?.[m[1]!];
      if (h) return ok(await h(params));
      return fail('not_found', `unknown API endpoint ${path}`);
    }
  }
}

function labelValuesRoute(ctx: ApiContext, name: string, params: ApiParams): ApiResponse {
  const sets = matcherSets(params);
  const start = timeParam(params, 'start', MIN_TIME);
  const end = timeParam(params, 'end', MAX_TIME);
  const limit = limitParam(params);
  const q = ctx.storage.querier(start, end);
  try {
    const vals = new Set<string>();
    for (const ms of sets.length ? sets : [[]]) for (const v of q.labelValues(name, ms)) vals.add(v);
    return ok(truncate([...vals].sort(), limit));
  } finally {
    q.close();
  }
}

/** decodeLabelName undoes URL encoding and Prometheus's U__ escaping of label names in paths. */
export function decodeLabelName(raw: string): string {
  let s: string;
  try {
    s = decodeURIComponent(raw);
  } catch {
    throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(raw)}`);
  }
  if (!s.startsWith('U__')) return s;
  let out = '';
  const body = s.slice(3);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '_') {
      out += c;
      continue;
    }
    if (body[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const end = body.indexOf('_', i + 1);
    if (end < 0) throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(s)}`);
    const cp = parseInt(body.slice(i + 1, end), 16);
    if (!Number.isFinite(cp)) throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(s)}`);
    out += String.fromCodePoint(cp);
    i = end;
  }
  return out;
}

function truncate<T>(xs: T[], limit: number): T[] {
  return limit > 0 && xs.length > limit ? xs.slice(0, limit) : xs;
}

function compareRecords(a: Record<string, string>, b: Record<string, string>): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    const va = a[ka[i]!]!;
    const vb = b[kb[i]!]!;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return ka.length - kb.length;
}
