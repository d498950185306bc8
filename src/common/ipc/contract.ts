/**
 * The one contract between the UI and the core. The renderer calls the core's API through a
 * Transport; in serve mode the transport is HTTP to the same /api/v1 routes Grafana uses, in the
 * desktop app it is IPC through the preload bridge. Both carry the same request and envelope, so
 * the core has one request handler and the renderer one client.
 */
import { compilePattern, type RouteSpec } from '../api/route';

export type { ApiParams } from '../api/types';
import type { ApiParams } from '../api/types';

/** ApiRequest is one call: a path under /api/v1 and its parameters. */
export interface ApiRequest {
  path: string;
  params: ApiParams;
  /** method is GET (the default) or POST (query routes with long parameters, and changes). */
  method?: 'GET' | 'POST';
}

/** IPC_CHANNEL is the single IPC channel the preload exposes (invoke/handle). */
export const IPC_CHANNEL = 'vigil:api';

/** PRELOAD_GLOBAL is the name of the object the preload puts on window. */
export const PRELOAD_GLOBAL = 'vigil';

/** MAX_QUERY_BYTES bounds any single parameter value crossing IPC. */
export const MAX_PARAM_BYTES = 64 * 1024;

/**
 * ipcAllowlist returns the test of the paths the UI may call over IPC, derived from the core's
 * route table (its specs travel to the shell in the core's `ready` message): the read-only routes
 * under /api/.
 */
export function ipcAllowlist(specs: readonly RouteSpec[]): (path: string) => boolean {
  const res = specs.filter((s) => (s.readOnly || s.ipc === true) && s.pattern.startsWith('/api/')).map((s) => compilePattern(s.pattern));
  return (path) => path.length <= 2048 && res.some((re) => re.test(path));
}

/**
 * validateApiRequest checks an untrusted request (from the renderer over IPC) and returns it
 * normalized, or a reason it is refused. allowed tests the path (the shell passes the allowlist
 * from the route table; the preload, which cannot know it, checks only that it is an API path).
 */
export function validateApiRequest(req: unknown, allowed: (path: string) => boolean = isApiPath): { ok: true; req: ApiRequest } | { ok: false; reason: string } {
  if (typeof req !== 'object' || req === null) return { ok: false, reason: 'request is not an object' };
  const { path, params, method } = req as { path?: unknown; params?: unknown; method?: unknown };
  if (typeof path !== 'string') return { ok: false, reason: 'path is not a string' };
  if (method !== undefined && method !== 'GET' && method !== 'POST') return { ok: false, reason: 'method must be GET or POST' };
  if (!allowed(path)) return { ok: false, reason: `path not allowed: ${path.slice(0, 100)}` };
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return { ok: false, reason: 'params is not an object' };
  }
  const out: ApiParams = {};
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (k.length > 256) return { ok: false, reason: 'parameter name too long' };
    if (v === undefined) continue;
    if (typeof v === 'string') {
      if (v.length > MAX_PARAM_BYTES) return { ok: false, reason: `parameter ${k} too long` };
      out[k] = v;
    } else if (Array.isArray(v) && v.length <= 64 && v.every((x) => typeof x === 'string' && x.length <= MAX_PARAM_BYTES)) {
      out[k] = v as string[];
    } else {
      return { ok: false, reason: `parameter ${k} has an invalid type` };
    }
  }
  return { ok: true, req: method === undefined ? { path, params: out } : { path, params: out, method } };
}

/** isApiPath accepts /api/v1/... paths without dot segments or empty segments. */
function isApiPath(path: string): boolean {
  return /^\/api\/v1(\/[^/.][^/]{0,511})+$/.test(path) && path.length <= 2048;
}

/** PreloadApi is what the preload exposes on window[PRELOAD_GLOBAL]. */
export interface PreloadApi {
  /** call invokes an API route in the core and resolves to its JSON envelope. */
  call(req: ApiRequest): Promise<unknown>;
  /** platform tells the UI it runs in the desktop shell. */
  readonly platform: string;
}
