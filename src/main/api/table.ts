/**
 * The route table: the routes every subsystem contributes, matched by method and path. The HTTP
 * server and the desktop IPC handler both dispatch through it, so a route exists in one place.
 */
import { ApiError, compilePattern, fail, text, type Route, type RouteMethod, type RouteRequest, type RouteResult, type RouteSpec } from '../../common/api/route';
import type { ApiParams } from '../../common/ipc/contract';

/** DispatchRequest is a request before routing. */
export interface DispatchRequest {
  method: string;
  path: string;
  params: ApiParams;
  header?(name: string): string | undefined;
  body?(): Promise<Uint8Array>;
}

/** RouteMatch is a matched route and its path parameters. */
export interface RouteMatch {
  route: Route;
  pathParams: Record<string, string>;
}

const EMPTY = new Uint8Array(0);

/** RouteTable holds the routes of every subsystem. */
export class RouteTable {
  private readonly entries: { route: Route; re: RegExp }[] = [];

  constructor(routes: readonly Route[] = []) {
    this.add(...routes);
  }

  /** add registers routes; a second route for the same method and pattern is a programming error. */
  add(...routes: Route[]): void {
    for (const r of routes) {
      for (const e of this.entries) {
        if (e.route.pattern === r.pattern && e.route.methods.some((m) => r.methods.includes(m))) {
          throw new Error(`route ${r.methods.join(',')} ${r.pattern} is registered twice`);
        }
      }
      this.entries.push({ route: r, re: compilePattern(r.pattern) });
    }
  }

  /** specs lists every route's method, pattern and readOnly flag (the IPC allowlist is built from these). */
  specs(): RouteSpec[] {
    return this.entries.map(({ route }) => ({ methods: [...route.methods], pattern: route.pattern, readOnly: route.readOnly, ...(route.ipc ? { ipc: true } : {}) }));
  }

  /**
   * match finds the route for method and path: a RouteMatch, 'method' when the path exists for
   * other methods only, or null. HEAD matches GET routes.
   */
  match(method: string, path: string): RouteMatch | 'method' | null {
    const m = (method === 'HEAD' ? 'GET' : method) as RouteMethod;
    let pathSeen = false;
    for (const { route, re } of this.entries) {
      const x = re.exec(path);
      if (x === null) continue;
      pathSeen = true;
      if (route.methods.includes(m)) return { route, pathParams: { ...(x.groups ?? {}) } };
    }
    return pathSeen ? 'method' : null;
  }

  /**
   * dispatch routes and runs a request; it never throws. Unknown paths and wrong methods answer
   * 404 and 405: in the API's error shape under /api/, as plain text elsewhere.
   */
  async dispatch(req: DispatchRequest): Promise<RouteResult> {
    const m = this.match(req.method, req.path);
    return m === null || m === 'method' ? unmatched(req.method, req.path, m) : runRoute(m, req);
  }
}

/** unmatched answers a path no route has (null) or a method its routes do not take ('method'). */
export function unmatched(method: string, path: string, why: null | 'method'): RouteResult {
  const api = path.startsWith('/api/');
  if (why === null) return api ? fail('not_found', `unknown API endpoint ${path}`) : text(404, '404 page not found\n');
  return api ? { kind: 'json', status: 405, body: { status: 'error', errorType: 'bad_data', error: `method ${method} not allowed for ${path}` } } : text(405, 'Method Not Allowed\n');
}

/** runRoute calls a matched route's handler, turning thrown errors into error answers. */
export async function runRoute(m: RouteMatch, req: DispatchRequest): Promise<RouteResult> {
  const rr: RouteRequest = {
    method: (req.method === 'HEAD' ? 'GET' : req.method) as RouteMethod,
    path: req.path,
    params: req.params,
    pathParams: m.pathParams,
    header: (n) => req.header?.(n),
    body: () => (req.body ? req.body() : Promise.resolve(EMPTY)),
  };
  try {
    return await m.route.handler(rr);
  } catch (e) {
    if (e instanceof ApiError) return fail(e.errorType, e.message, e.data);
    return fail('internal', e instanceof Error ? e.message : String(e));
  }
}
