/**
 * The messages between the desktop shell (Electron's main process) and the core (`vigil host` in a
 * utility process), as one discriminated union each way. Both sides import these types and the
 * validators, so a message is spelled once. Requests flow shell -> core; answers and events
 * (notifications, tray counts) flow core -> shell.
 */
import type { ApiEnvelope } from '../api/types';
import type { RouteSpec } from '../api/route';
import type { ApiRequest } from './contract';

/** ShellToCore is what the shell sends the core. */
export type ShellToCore =
  /** request relays one validated API call of the window. */
  | { type: 'request'; id: number; req: ApiRequest }
  /** shutdown asks the core to flush storage and exit. */
  | { type: 'shutdown' };

/** HostEvent is something the core tells the shell on its own. */
export type HostEvent =
  /**
   * notification asks for a desktop notification; route is the UI route a click opens; tag names
   * the alert group, whose newer notification replaces the older one on screen.
   */
  | { kind: 'notification'; title: string; body: string; route?: string; tag?: string }
  /** alerts reports the number of firing alerts (the tray shows it). */
  | { kind: 'alerts'; firing: number };

/** CoreToShell is what the core sends the shell. */
export type CoreToShell =
  /** ready: the core serves at url; routes are its route table's specs (the IPC allowlist). */
  | { type: 'ready'; url: string; routes: RouteSpec[] }
  /** response answers request id with the API envelope. */
  | { type: 'response'; id: number; body: ApiEnvelope<unknown> }
  /** error: request id could not be answered at all. */
  | { type: 'error'; id: number; error: string }
  | { type: 'event'; event: HostEvent };

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** parseShellToCore checks a message the core received; null when it is not one. */
export function parseShellToCore(x: unknown): ShellToCore | null {
  if (!isObject(x)) return null;
  if (x.type === 'shutdown') return { type: 'shutdown' };
  if (x.type === 'request' && typeof x.id === 'number' && isObject(x.req) && typeof x.req.path === 'string' && isObject(x.req.params)) {
    return { type: 'request', id: x.id, req: x.req as unknown as ApiRequest };
  }
  return null;
}

/** parseCoreToShell checks a message the shell received; null when it is not one. */
export function parseCoreToShell(x: unknown): CoreToShell | null {
  if (!isObject(x)) return null;
  switch (x.type) {
    case 'ready':
      return typeof x.url === 'string' && Array.isArray(x.routes) ? (x as unknown as CoreToShell) : null;
    case 'response':
      return typeof x.id === 'number' && isObject(x.body) ? (x as unknown as CoreToShell) : null;
    case 'error':
      return typeof x.id === 'number' && typeof x.error === 'string' ? (x as unknown as CoreToShell) : null;
    case 'event': {
      const e = x.event;
      if (!isObject(e)) return null;
      if (e.kind === 'notification' && typeof e.title === 'string' && typeof e.body === 'string' && (e.route === undefined || typeof e.route === 'string') && (e.tag === undefined || typeof e.tag === 'string')) return x as unknown as CoreToShell;
      if (e.kind === 'alerts' && typeof e.firing === 'number') return x as unknown as CoreToShell;
      return null;
    }
    default:
      return null;
  }
}
