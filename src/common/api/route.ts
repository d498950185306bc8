/**
 * The route contract: every subsystem that answers HTTP or IPC requests contributes Routes; the
 * composition root puts them in one table, and both the HTTP server and the desktop IPC handler
 * dispatch from it. A route's spec (methods, pattern, readOnly) is plain data, so the desktop
 * shell's IPC allowlist is derived from the same table.
 */
import type { ApiEnvelope, ApiErrorType, ApiParams } from './types';

/** RouteMethod is an HTTP method a route answers (HEAD is answered by GET routes). */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** RouteSpec is the serializable description of a route. */
export interface RouteSpec {
  /** methods the route answers. */
  readonly methods: readonly RouteMethod[];
  /**
   * pattern is the path with `:name` segments standing for one path segment each, e.g.
   * `/api/v1/label/:name/values`; a final `*rest` segment matches the rest of the path.
   */
  readonly pattern: string;
  /** readOnly routes change nothing: the UI may call them over IPC. */
  readonly readOnly: boolean;
  /** ipc marks a route that changes something and that the UI may still call over IPC (its own settings). */
  readonly ipc?: boolean;
}

/** RouteRequest is one request as a handler sees it, whatever carried it. */
export interface RouteRequest {
  readonly method: RouteMethod;
  readonly path: string;
  /** params are the query string and, for form posts, the form fields (repeated names are arrays). */
  readonly params: ApiParams;
  /** pathParams are the `:name` segments of the pattern, still URL-encoded. */
  readonly pathParams: Readonly<Record<string, string>>;
  /** header returns a request header (lower-case name), or undefined (IPC requests have none). */
  header(name: string): string | undefined;
  /** body reads the raw request body (empty over IPC). */
  body(): Promise<Uint8Array>;
}

/** RouteResult is a handler's answer: an API envelope, raw bytes (exposition formats, text), or a stream (HTTP only). */
export type RouteResult =
  | { readonly kind: 'json'; readonly status: number; readonly body: ApiEnvelope<unknown> }
  | { readonly kind: 'raw'; readonly status: number; readonly contentType: string; readonly body: string | Uint8Array; readonly headers?: Readonly<Record<string, string>> }
  | RouteStream;

/**
 * RouteStream is an answer written over time (text/event-stream): the server sends the headers,
 * calls start with a writer, and calls the function start returned when the client goes away or
 * the server closes. Over IPC a stream is refused (the shell has its own events).
 */
export interface RouteStream {
  readonly kind: 'stream';
  readonly status: number;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
  start(write: (chunk: string) => void): () => void;
}

/** Route is a spec with its handler. Handlers may throw ApiError; other errors become 500s. */
export interface Route extends RouteSpec {
  handler(req: RouteRequest): RouteResult | Promise<RouteResult>;
}

/** ERROR_STATUS maps Prometheus's error types to HTTP status codes (web/api/v1/api.go). */
export const ERROR_STATUS: Readonly<Record<ApiErrorType, number>> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
  not_found: 404,
  not_acceptable: 406,
  unavailable: 503,
};

/** ApiError is an error with its API error type; the dispatcher turns it into an error envelope. */
export class ApiError extends Error {
  constructor(
    readonly errorType: ApiErrorType,
    message: string,
    /** data travels in the envelope's data field (e.g. the position of a parse error). */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** ok is a success envelope with optional warnings and infos. */
export function ok(data: unknown, warnings: readonly string[] = [], infos: readonly string[] = []): RouteResult {
  const body: ApiEnvelope<unknown> = { status: 'success', data };
  if (warnings.length) body.warnings = [...warnings];
  if (infos.length) body.infos = [...infos];
  return { kind: 'json', status: 200, body };
}

/** fail is an error envelope with the status of its error type. */
export function fail(errorType: ApiErrorType, error: string, data?: unknown): RouteResult {
  const body: ApiEnvelope<unknown> = data === undefined ? { status: 'error', errorType, error } : { status: 'error', errorType, error, data };
  return { kind: 'json', status: ERROR_STATUS[errorType], body };
}

/** text is a plain-text answer. */
export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): RouteResult {
  return { kind: 'raw', status, contentType, body };
}

/** compilePattern turns a route pattern into a regular expression with a named group per `:name`. */
export function compilePattern(pattern: string): RegExp {
  const parts = pattern.split('/').map((seg) => {
    if (seg.startsWith(':')) return `(?<${seg.slice(1)}>[^/]+)`;
    if (seg.startsWith('*')) return `(?<${seg.slice(1)}>.*)`;
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}$`);
}
