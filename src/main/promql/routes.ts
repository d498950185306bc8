/**
 * The API routes the PromQL engine answers: /api/v1/query, /api/v1/query_range, format_query and
 * parse_query, with Prometheus's parameters, limits and error texts. Registered by the
 * composition root (src/main/host).
 */
import { ApiError, fail, ok, type Route, type RouteRequest, type RouteResult } from '../../common/api/route';
import { durationParam, errorText, limitParam, one, timeParam } from '../../common/api/params';
import { parseExpr, prettify, translateAST, ParseError, type ParserOptions } from '../../common/promql';
import type { Queryable } from '../storage/interface';
import { encodeValue } from './encode';
import { QueryError, type PromQLEngine, type QueryOpts, type QueryResult } from './value';

/** MAX_POINTS is Prometheus's limit of points per series in a range query. */
export const MAX_POINTS = 11_000;

/** QueryRouteDeps are what the query routes need. */
export interface QueryRouteDeps {
  engine: PromQLEngine;
  queryable: Queryable;
  /** parserOptions are the experimental parser features the engine runs with. */
  parserOptions: ParserOptions;
  /** now is the default evaluation time (ms). */
  now(): number;
}

/** queryRoutes returns the routes of the PromQL engine. */
export function queryRoutes(d: QueryRouteDeps): Route[] {
  const read = { methods: ['GET', 'POST'], readOnly: true } as const;
  return [
    { ...read, pattern: '/api/v1/query', handler: (r) => guarded(() => instant(d, r)) },
    { ...read, pattern: '/api/v1/query_range', handler: (r) => guarded(() => range(d, r)) },
    { ...read, pattern: '/api/v1/format_query', handler: (r) => ok(prettify(parseQueryParam(d, r))) },
    { ...read, pattern: '/api/v1/parse_query', handler: (r) => ok(translateAST(parseQueryParam(d, r))) },
  ];
}

function parseQueryParam(d: QueryRouteDeps, r: RouteRequest): ReturnType<typeof parseExpr> {
  try {
    return parseExpr(one(r.params, 'query') ?? '', d.parserOptions);
  } catch (e) {
    throw new ApiError('bad_data', `invalid parameter "query": ${errorText(e)}`);
  }
}

async function instant(d: QueryRouteDeps, r: RouteRequest): Promise<RouteResult> {
  const q = one(r.params, 'query');
  if (q === undefined) throw new ApiError('bad_data', 'invalid parameter "query": query must not be empty');
  const t = timeParam(r.params, 'time', d.now());
  const opts = queryOpts(r);
  const res = await d.engine.instantQuery(d.queryable, q, t, opts);
  return queryResponse(res, limitParam(r.params), !!opts.stats);
}

async function range(d: QueryRouteDeps, r: RouteRequest): Promise<RouteResult> {
  const p = r.params;
  const q = one(p, 'query');
  const start = timeParam(p, 'start', NaN);
  const end = timeParam(p, 'end', NaN);
  if (Number.isNaN(start)) throw new ApiError('bad_data', 'invalid parameter "start": cannot parse "" to a valid timestamp');
  if (Number.isNaN(end)) throw new ApiError('bad_data', 'invalid parameter "end": cannot parse "" to a valid timestamp');
  if (end < start) throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
  const step = durationParam(p, 'step');
  if (step === undefined) throw new ApiError('bad_data', 'invalid parameter "step": cannot parse "" to a valid duration');
  if (step <= 0) {
    throw new ApiError('bad_data', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
  }
  if ((end - start) / step > MAX_POINTS) {
    throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  if (q === undefined) throw new ApiError('bad_data', 'invalid parameter "query": query must not be empty');
  const opts = queryOpts(r);
  const res = await d.engine.rangeQuery(d.queryable, q, start, end, step, opts);
  return queryResponse(res, limitParam(p), !!opts.stats);
}

function queryOpts(r: RouteRequest): QueryOpts {
  const opts: QueryOpts = {};
  const timeout = durationParam(r.params, 'timeout');
  if (timeout !== undefined) opts.timeoutMs = timeout;
  const lb = durationParam(r.params, 'lookback_delta');
  if (lb !== undefined) opts.lookbackDeltaMs = lb;
  const stats = one(r.params, 'stats');
  if (stats) opts.stats = stats === 'all' ? 'all' : true;
  return opts;
}

function queryResponse(res: QueryResult, limit: number, withStats: boolean): RouteResult {
  const data = encodeValue(res.value);
  const warnings = [...res.warnings];
  if (limit > 0 && (data.resultType === 'vector' || data.resultType === 'matrix') && data.result.length > limit) {
    (data as { result: unknown[] }).result = data.result.slice(0, limit);
    warnings.push(`results truncated due to limit`);
  }
  if (withStats && res.stats) (data as { stats?: unknown }).stats = res.stats;
  return ok(data, warnings, res.infos);
}

/** guarded turns the engine's errors into API errors: parse and type errors carry their position. */
async function guarded(fn: () => Promise<RouteResult>): Promise<RouteResult> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof QueryError) {
      // Parse and type errors are errors of the "query" parameter, reported as Prometheus does
      // (`invalid parameter "query": 1:5: parse error: ...`); the position travels along in data
      // so the UI can underline the place.
      if (e.position && e.errorType === 'bad_data') return fail(e.errorType, `invalid parameter "query": ${e.message}`, { position: e.position });
      return fail(e.errorType, e.message);
    }
    if (e instanceof ParseError) return fail('bad_data', e.toString());
    throw e;
  }
}
