/**
 * The two transports of the one VigilClient: IPC through the preload bridge in the desktop app,
 * HTTP to the same origin in serve mode. The renderer picks one at start-up; nothing else in the
 * UI knows which it uses.
 */
import type { ApiEnvelope } from '../../common/api/types';
import { VigilClient, type Transport } from '../../common/ipc/client';
import { PRELOAD_GLOBAL, type ApiRequest, type PreloadApi } from '../../common/ipc/contract';

/** HttpTransport calls the Prometheus API over fetch (serve mode, or any Prometheus-compatible server). */
export class HttpTransport implements Transport {
  constructor(private readonly base = '') {}

  async call<T>(req: ApiRequest): Promise<ApiEnvelope<T>> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(req.params)) {
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    }
    let res: Response;
    try {
      // POST with a form body, as Prometheus's own UI does for queries, so long ones do not hit
      // URL limits; GET with a query string for the rest.
      res =
        req.method === 'POST'
          ? await fetch(this.base + req.path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })
          : await fetch(`${this.base}${req.path}${body.size > 0 ? `?${body.toString()}` : ''}`);
    } catch (e) {
      return { status: 'error', errorType: 'unavailable', error: `cannot reach Vigil's API: ${(e as Error).message}` };
    }
    try {
      return (await res.json()) as ApiEnvelope<T>;
    } catch {
      return { status: 'error', errorType: 'internal', error: `unexpected response (HTTP ${res.status}) from ${req.path}` };
    }
  }
}

/** IpcTransport calls the core through the preload's contextBridge API. */
export class IpcTransport implements Transport {
  constructor(private readonly bridge: PreloadApi) {}

  async call<T>(req: ApiRequest): Promise<ApiEnvelope<T>> {
    try {
      return (await this.bridge.call(req)) as ApiEnvelope<T>;
    } catch (e) {
      return { status: 'error', errorType: 'unavailable', error: `IPC call failed: ${(e as Error).message}` };
    }
  }
}

/** createClient returns the client for the environment the UI runs in. */
export function createClient(): { client: VigilClient; transport: 'ipc' | 'http' } {
  const bridge = (window as unknown as Record<string, PreloadApi | undefined>)[PRELOAD_GLOBAL];
  if (bridge && typeof bridge.call === 'function') return { client: new VigilClient(new IpcTransport(bridge)), transport: 'ipc' };
  return { client: new VigilClient(new HttpTransport()), transport: 'http' };
}
