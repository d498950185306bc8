import { describe, expect, it } from 'vitest';
import { ok, type Route } from '../../src/common/api/route';
import type { HostEvent } from '../../src/common/ipc/messages';
import { RouteTable } from '../../src/main/api/table';
import { CoreLink, type ChildCore } from '../../src/main/electron/core-link';
import { serveShell, type ParentPort } from '../../src/main/host/desktop';
import type { Core } from '../../src/main/host/core';

/** wire connects a CoreLink (the shell) to serveShell (the core) through in-memory message ports. */
function wire(routes: Route[]): { link: CoreLink; events: HostEvent[]; emit: (e: HostEvent) => void; exit: (code: number) => void; forks: () => number; shutdowns: () => number } {
  const events: HostEvent[] = [];
  let emitters: ((e: HostEvent) => void)[] = [];
  let exitFns: ((code: number) => void)[] = [];
  let forks = 0;
  let shutdowns = 0;
  const link = new CoreLink({
    fork: (): ChildCore => {
      forks++;
      const toShell: ((m: unknown) => void)[] = [];
      const toCore: ((e: { data: unknown }) => void)[] = [];
      const parent: ParentPort = { on: (_e, fn) => toCore.push(fn), postMessage: (m) => queueMicrotask(() => toShell.forEach((f) => f(structuredClone(m)))) };
      const core = {
        url: 'http://127.0.0.1:1',
        routes: new RouteTable(routes),
        onEvent: (fn: (e: HostEvent) => void) => {
          emitters.push(fn);
          return () => {};
        },
      } as unknown as Core;
      const child: ChildCore = {
        postMessage: (m) => queueMicrotask(() => toCore.forEach((f) => f({ data: structuredClone(m) }))),
        on: ((ev: string, fn: (x: never) => void) => {
          if (ev === 'message') toShell.push(fn as (m: unknown) => void);
          else exitFns.push(fn as (c: number) => void);
        }) as ChildCore['on'],
      };
      serveShell(core, parent, () => shutdowns++);
      return child;
    },
    onEvent: (e) => events.push(e),
    log: () => {},
    restartDelayMs: 5,
  });
  return {
    link,
    events,
    emit: (e) => emitters.forEach((f) => f(e)),
    exit: (code) => {
      const fns = exitFns;
      exitFns = [];
      emitters = [];
      fns.forEach((f) => f(code));
    },
    forks: () => forks,
    shutdowns: () => shutdowns,
  };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('shell <-> core link', () => {
  const routes: Route[] = [
    { methods: ['GET'], pattern: '/api/v1/ping', readOnly: true, handler: () => ok('pong') },
    { methods: ['POST'], pattern: '/api/v1/admin/wipe', readOnly: false, handler: () => ok('wiped') },
  ];

  it('derives the IPC allowlist from the core route table, relays calls, and forwards events', async () => {
    const w = wire(routes);
    expect(w.link.allowed('/api/v1/ping')).toBe(false); // nothing before the core is ready
    w.link.start();
    await tick();
    expect(w.link.url).toBe('http://127.0.0.1:1');
    expect(w.link.allowed('/api/v1/ping')).toBe(true);
    expect(w.link.allowed('/api/v1/admin/wipe')).toBe(false);
    expect(await w.link.call({ path: '/api/v1/ping', params: {} })).toEqual({ status: 'success', data: 'pong' });
    // Even if the shell let a mutating route through, the core refuses it over IPC.
    expect(await w.link.call({ path: '/api/v1/admin/wipe', params: {} })).toMatchObject({ status: 'error', errorType: 'bad_data' });
    w.emit({ kind: 'notification', title: 'KubePodCrashLooping', body: 'pod web-1', route: '/alerts' });
    w.emit({ kind: 'alerts', firing: 2 });
    await tick();
    expect(w.events).toEqual([
      { kind: 'notification', title: 'KubePodCrashLooping', body: 'pod web-1', route: '/alerts' },
      { kind: 'alerts', firing: 2 },
    ]);
  });

  it('rejects pending calls when the core dies, restarts it, and stops restarting after shutdown', async () => {
    const w = wire([{ methods: ['GET'], pattern: '/api/v1/slow', readOnly: true, handler: () => new Promise(() => {}) }]);
    w.link.start();
    await tick();
    const pending = w.link.call({ path: '/api/v1/slow', params: {} });
    await tick();
    w.exit(1);
    await expect(pending).rejects.toThrow('Vigil core exited (code 1)');
    expect(w.link.allowed('/api/v1/slow')).toBe(false);
    await tick(30);
    expect(w.forks()).toBe(2);
    await tick();
    expect(w.link.allowed('/api/v1/slow')).toBe(true);
    w.link.shutdown();
    await tick();
    expect(w.shutdowns()).toBe(1);
    w.exit(0);
    await tick(30);
    expect(w.forks()).toBe(2);
  });
});
