/**
 * Entry points over the route table for callers without HTTP: `handleApiRequest` answers one API
 * call with its envelope and status, and `storeOnlyRoutes` builds the table of a store and an
 * engine alone (no scrape targets, configuration or flags), for `vigil query`, tests and
 * benchmarks.
 */
import type { ApiBuildInfo, ApiEnvelope } from '../../common/api/types';
import type { ApiParams } from '../../common/ipc/contract';
import type { ParserOptions } from '../../common/promql';
import type { Storage } from '../storage/interface';
import { storageRoutes, type StorageRouteDeps } from '../storage/routes';
import { queryRoutes } from '../promql/routes';
import type { PromQLEngine } from '../promql/value';
import { buildInfo } from '../util/version';
import { healthRoutes, statusRoutes, type StatusSource } from './status';
import { RouteTable } from './table';

export { decodeLabelName, extractSelectors } from '../storage/routes';
export { MAX_POINTS } from '../promql/routes';

/** ApiResponse is an envelope with the HTTP status it travels with. */
export interface ApiResponse {
  status: number;
  body: ApiEnvelope<unknown>;
}

/**
 * handleApiRequest serves one API call (GET unless method says otherwise) and never throws.
 * A route answering raw bytes is reported as an internal error: callers of this function expect
 * the API's JSON envelopes.
 */
export async function handleApiRequest(table: RouteTable, path: string, params: ApiParams, method = 'GET'): Promise<ApiResponse> {
  const r = await table.dispatch({ method, path, params });
  if (r.kind === 'json') return { status: r.status, body: r.body };
  return { status: 500, body: { status: 'error', errorType: 'internal', error: `${path} does not answer with an API envelope` } };
}

/** StoreOnlyOverrides replace parts of a store-only table (a fixed buildInfo, a config text, exemplars). */
export interface StoreOnlyOverrides extends Partial<StatusSource> {
  exemplars?: StorageRouteDeps['exemplars'];
}

/** storeOnlyRoutes returns the route table over a store and an engine alone. */
export function storeOnlyRoutes(storage: Storage, engine: PromQLEngine & { parserFlags(): ParserOptions }, now: () => number, overrides: StoreOnlyOverrides = {}): RouteTable {
  const parserOptions = engine.parserFlags();
  return new RouteTable([
    ...queryRoutes({ engine, queryable: storage, parserOptions, now }),
    ...storageRoutes({ storage, exemplars: overrides.exemplars, parserOptions }),
    ...healthRoutes(),
    ...statusRoutes({
      buildInfo: overrides.buildInfo ?? (buildInfo() as ApiBuildInfo),
      runtimeInfo: overrides.runtimeInfo ?? (() => ({})),
      config: overrides.config ?? (() => ''),
      flags: overrides.flags ?? (() => ({})),
    }),
  ]);
}
