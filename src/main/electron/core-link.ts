/**
 * The shell's side of the core process: it starts `vigil host` (through a fork function the shell
 * passes in, Electron's utilityProcess.fork in the app), relays requests with ids, builds the IPC
 * allowlist from the route specs the core announces, passes events on, and restarts the core when
 * it exits unexpectedly. No electron import: it is tested in plain Node.
 */
import { ipcAllowlist, type ApiRequest } from '../../common/ipc/contract';
import { parseCoreToShell, type HostEvent, type ShellToCore } from '../../common/ipc/messages';

/** ChildCore is the forked core process as the link uses it. */
export interface ChildCore {
  postMessage(msg: ShellToCore): void;
  on(event: 'message', fn: (msg: unknown) => void): void;
  on(event: 'exit', fn: (code: number) => void): void;
}

/** CoreLinkOptions configure a CoreLink. */
export interface CoreLinkOptions {
  fork(): ChildCore;
  onEvent(e: HostEvent): void;
  log(msg: string): void;
  /** restartDelayMs waits before restarting a crashed core (default 1 s). */
  restartDelayMs?: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** CoreLink owns the core process. */
export class CoreLink {
  private child: ChildCore | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private quitting = false;
  /** allowed tests request paths against the core's read-only API routes (nothing before ready). */
  allowed: (path: string) => boolean = () => false;
  /** url is where the core's HTTP API listens ('' before ready). */
  url = '';

  constructor(private readonly o: CoreLinkOptions) {}

  /** start forks the core. */
  start(): void {
    const child = this.o.fork();
    this.child = child;
    child.on('message', (raw: unknown) => {
      const msg = parseCoreToShell(raw);
      if (msg === null) {
        this.o.log('ignored a malformed message from the core');
        return;
      }
      switch (msg.type) {
        case 'ready':
          this.url = msg.url;
          this.allowed = ipcAllowlist(msg.routes);
          return;
        case 'event':
          this.o.onEvent(msg.event);
          return;
        case 'response':
        case 'error': {
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          if (msg.type === 'error') p.reject(new Error(msg.error));
          else p.resolve(msg.body);
        }
      }
    });
    child.on('exit', (code: number) => {
      for (const p of this.pending.values()) p.reject(new Error(`Vigil core exited (code ${code})`));
      this.pending.clear();
      this.child = null;
      this.allowed = () => false;
      if (!this.quitting) {
        this.o.log(`Vigil core exited with code ${code}; restarting`);
        setTimeout(() => this.start(), this.o.restartDelayMs ?? 1000);
      }
    });
  }

  /** call relays one request the shell has validated; rejects when the core is not running. */
  call(req: ApiRequest): Promise<unknown> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('Vigil core is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.postMessage({ type: 'request', id, req });
    });
  }

  /** shutdown asks the core to flush and exit, and stops restarting it. */
  shutdown(): void {
    this.quitting = true;
    this.child?.postMessage({ type: 'shutdown' });
  }
}
