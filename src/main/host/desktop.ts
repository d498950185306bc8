/**
 * The core inside the desktop app (`vigil host`, run by the shell in an Electron utility
 * process): it answers the window's API calls from the same route table the HTTP server uses, and
 * sends the shell the typed messages of src/common/ipc/messages.ts (ready with the route specs
 * the shell builds its IPC allowlist from, responses, and events such as notifications).
 */
import { ipcAllowlist } from '../../common/ipc/contract';
import { parseShellToCore, type CoreToShell } from '../../common/ipc/messages';
import type { Core } from './core';

/** ParentPort is the side of Electron's utility-process channel the core sees. */
export interface ParentPort {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(msg: CoreToShell): void;
}

/**
 * serveShell answers the shell's messages for a running core until it asks for shutdown; then
 * onShutdown runs (stop the core and exit). Requests for routes the UI may not call over IPC
 * (anything but the read-only API routes) are refused, whatever the shell let through.
 */
export function serveShell(core: Core, parent: ParentPort, onShutdown: () => void): void {
  const specs = core.routes.specs();
  const allowed = ipcAllowlist(specs);
  parent.postMessage({ type: 'ready', url: core.url, routes: specs });
  core.onEvent((event) => parent.postMessage({ type: 'event', event }));
  parent.on('message', (e) => {
    const msg = parseShellToCore(e.data);
    if (msg === null) return;
    if (msg.type === 'shutdown') {
      onShutdown();
      return;
    }
    const { id, req } = msg;
    if (!allowed(req.path)) {
      parent.postMessage({ type: 'response', id, body: { status: 'error', errorType: 'bad_data', error: `path not allowed over IPC: ${req.path.slice(0, 100)}` } });
      return;
    }
    void core.routes.dispatch({ method: req.method ?? 'GET', path: req.path, params: req.params }).then(
      (r) => {
        if (r.kind === 'json') parent.postMessage({ type: 'response', id, body: r.body });
        else parent.postMessage({ type: 'error', id, error: `${req.path} does not answer with an API envelope` });
      },
      (x: unknown) => parent.postMessage({ type: 'error', id, error: String(x) }),
    );
  });
}
