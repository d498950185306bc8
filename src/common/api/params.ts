/**
 * Reading API parameters the way Prometheus's web API does (web/api/v1/api.go): times as RFC 3339
 * or Unix seconds, durations or float seconds, limits, match[] selectors, with Prometheus's error
 * texts. Every reader throws ApiError('bad_data', ...) on bad input.
 */
import { parseDurationOrSeconds, parseTime } from '../model/time';
import type { Matcher } from '../model/matcher';
import { parseMetricSelector, ParseError } from '../promql';
import { ApiError } from './route';
import type { ApiParams } from './types';

/** MIN_TIME is Prometheus's MinTime in ms (math.MinInt64/1e6), as the API reports open start times. */
export const MIN_TIME = -9223372036854;
/** MAX_TIME is Prometheus's MaxTime in ms. */
export const MAX_TIME = 9223372036854;

/** one returns the first value of a parameter. */
export function one(params: ApiParams, name: string): string | undefined {
  const v = params[name];
  return Array.isArray(v) ? v[0] : v;
}

/** many returns every value of a parameter. */
export function many(params: ApiParams, name: string): string[] {
  const v = params[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** timeParam reads a time in ms (dflt when absent or empty). */
export function timeParam(params: ApiParams, name: string, dflt: number): number {
  const v = one(params, name);
  if (v === undefined || v === '') return dflt;
  try {
    return parseTime(v);
  } catch (e) {
    throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
}

/** durationParam reads a duration in ms (undefined when absent or empty). */
export function durationParam(params: ApiParams, name: string): number | undefined {
  const v = one(params, name);
  if (v === undefined || v === '') return undefined;
  try {
    return parseDurationOrSeconds(v);
  } catch (e) {
    throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
}

/** limitParam reads `limit` (0 when absent: no limit). */
export function limitParam(params: ApiParams): number {
  const v = one(params, 'limit');
  if (v === undefined || v === '') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ApiError('bad_data', 'limit must be a non-negative integer');
  return n;
}

/** errorText renders a parse error as Prometheus's API does. */
export function errorText(e: unknown): string {
  if (e instanceof ParseError) return e.toString();
  return e instanceof Error ? e.message : String(e);
}

/** selectorParams parses every value of a selector parameter (`match[]`, `match_target`). */
export function selectorParams(params: ApiParams, name = 'match[]'): Matcher[][] {
  return many(params, name).map((s) => {
    try {
      return parseMetricSelector(s);
    } catch (e) {
      throw new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${errorText(e)}`);
    }
  });
}

/** truncate applies a limit (0: none). */
export function truncate<T>(xs: T[], limit: number): T[] {
  return limit > 0 && xs.length > limit ? xs.slice(0, limit) : xs;
}
