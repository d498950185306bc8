/**
 * Desktop notifiers: how a desktop_configs notice reaches the user.
 *
 * - ShellNotifier: in the desktop app, a HostEvent for the shell, which shows Electron's
 *   Notification (a click focuses the window and opens the route).
 * - PageNotifier: in serve mode, the browser pages subscribed to `GET /api/v1/alerting/events`
 *   (text/event-stream), which call the Notification API.
 * - SystemNotifier: `notify-send` on Linux, `osascript` on macOS, spawned without a shell.
 *
 * pickDesktopNotifier chooses among them at each notice (a page may open or close at any time),
 * following the `notifier` setting: auto (default), page, system or off.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostEvent } from '../../common/ipc/messages';
import { fail, type Route } from '../../common/api/route';
import type { DesktopNotice, DesktopNotifier } from './types';

/** NotifierSetting is the user's choice of how desktop notices are shown. */
export type NotifierSetting = 'auto' | 'page' | 'system' | 'off';

export const NOTIFIER_SETTINGS: readonly NotifierSetting[] = ['auto', 'page', 'system', 'off'];

/** parseNotifierSetting validates the setting (where names it in the error). */
export function parseNotifierSetting(v: unknown, where = 'notifier'): NotifierSetting {
  if (v === undefined || v === null || v === '') return 'auto';
  if (typeof v === 'string' && (NOTIFIER_SETTINGS as readonly string[]).includes(v)) return v as NotifierSetting;
  throw new Error(`${where}: must be one of ${NOTIFIER_SETTINGS.join(', ')}, got ${JSON.stringify(v)}`);
}

/**
 * ShellNotifier hands notices to the desktop shell as HostEvents; attached tells whether a shell
 * listens (the core runs as `vigil host` under the app), so the chooser can fall back when none does.
 */
export class ShellNotifier implements DesktopNotifier {
  readonly kind = 'shell';

  constructor(
    private readonly emit: (e: HostEvent) => void,
    readonly attached: () => boolean = () => true,
  ) {}

  show(n: DesktopNotice): Promise<void> {
    this.emit({ kind: 'notification', title: n.title, body: n.body, ...(n.route !== undefined ? { route: n.route } : {}), ...(n.tag !== undefined ? { tag: n.tag } : {}) });
    return Promise.resolve();
  }
}

/** PageEvent is one event of the events stream (contract-extra.md). */
export interface PageEvent {
  title: string;
  body: string;
  route: string;
  tag: string;
  resolved: boolean;
}

/** MAX_PAGES bounds the pages subscribed at once (each holds a connection). */
export const MAX_PAGES = 32;

/** PageNotifier fans notices out to the browser pages subscribed to the events stream. */
export class PageNotifier implements DesktopNotifier {
  readonly kind = 'page';
  private readonly clients = new Set<(chunk: string) => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly heartbeatMs = 15_000) {}

  /** connected is the number of pages listening. */
  connected(): number {
    return this.clients.size;
  }

  show(n: DesktopNotice): Promise<void> {
    if (this.clients.size === 0) return Promise.reject(new Error('no browser page is open on Vigil to show the notification'));
    const e: PageEvent = { title: n.title, body: n.body, route: n.route ?? '', tag: n.tag ?? '', resolved: n.resolved };
    const chunk = `data: ${JSON.stringify(e)}\n\n`;
    for (const w of this.clients) w(chunk);
    return Promise.resolve();
  }

  /** subscribe adds a page's writer; returns the unsubscriber. */
  subscribe(write: (chunk: string) => void): () => void {
    this.clients.add(write);
    write('retry: 3000\n: connected\n\n');
    if (this.timer === null && this.heartbeatMs > 0) {
      this.timer = setInterval(() => {
        for (const w of this.clients) w(': ping\n\n');
      }, this.heartbeatMs);
      this.timer.unref();
    }
    return () => {
      this.clients.delete(write);
      if (this.clients.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** routes is `GET /api/v1/alerting/events`, the text/event-stream pages subscribe to. */
  routes(): Route[] {
    return [
      {
        methods: ['GET'],
        pattern: '/api/v1/alerting/events',
        readOnly: true,
        handler: () =>
          this.clients.size >= MAX_PAGES
            ? fail('unavailable', `too many pages are subscribed to the alerting events (${MAX_PAGES})`)
            : { kind: 'stream', status: 200, contentType: 'text/event-stream; charset=utf-8', start: (write) => this.subscribe(write) },
      },
    ];
  }

  /** stop ends the heartbeat (the server's close ends the streams). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.clients.clear();
  }
}

/** findExecutable looks a program up on PATH (null when it is not there or not executable). */
export function findExecutable(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === '') continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** escapeMarkup escapes a notify-send body, which notification servers read as a small subset of HTML. */
export function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** appleScriptString quotes text as an AppleScript string literal. */
export function appleScriptString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** systemCommand is the program and arguments that show a notice on a platform (null when none applies). */
export function systemCommand(platform: NodeJS.Platform, n: DesktopNotice): { program: string; args: string[] } | null {
  if (platform === 'darwin') {
    return { program: 'osascript', args: ['-e', `display notification ${appleScriptString(n.body)} with title ${appleScriptString(n.title)}`] };
  }
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    const args = ['--app-name=Vigil', `--urgency=${n.resolved ? 'low' : 'normal'}`];
    if (n.tag) args.push(`--hint=string:x-canonical-private-synchronous:${n.tag}`);
    return { program: 'notify-send', args: [...args, '--', n.title, escapeMarkup(n.body)] };
  }
  return null;
}

/** SystemNotifier runs notify-send or osascript (found on PATH). */
export class SystemNotifier implements DesktopNotifier {
  readonly kind: string;

  private constructor(
    private readonly platform: NodeJS.Platform,
    private readonly program: string,
    private readonly timeoutMs: number,
  ) {
    this.kind = path.basename(program);
  }

  /** detect returns the notifier of the platform when its program is on PATH (null otherwise). */
  static detect(platform: NodeJS.Platform = process.platform, envPath = process.env.PATH ?? '', timeoutMs = 10_000): SystemNotifier | null {
    const probe = systemCommand(platform, { title: '', body: '', resolved: false });
    if (probe === null) return null;
    const program = findExecutable(probe.program, envPath);
    return program === null ? null : new SystemNotifier(platform, program, timeoutMs);
  }

  show(n: DesktopNotice): Promise<void> {
    const cmd = systemCommand(this.platform, n)!;
    return new Promise((resolve, reject) => {
      execFile(this.program, cmd.args, { timeout: this.timeoutMs, windowsHide: true }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`${this.kind}: ${String(stderr).trim() || err.message}`));
        else resolve();
      });
    });
  }
}

/** PickOptions are what pickDesktopNotifier chooses from. */
export interface PickOptions {
  /** shell is the desktop app's notifier (null in serve mode; a ShellNotifier is used while attached). */
  shell: DesktopNotifier | null;
  /** page is serve mode's events stream (null in the app); pageOpen tells whether a page listens now. */
  page: PageNotifier | null;
  pageOpen?: () => boolean;
  platform: NodeJS.Platform;
  settings: { notifier?: NotifierSetting };
  /** system overrides detection of notify-send/osascript (tests; undefined: detect on PATH). */
  system?: DesktopNotifier | null;
}

/**
 * pickDesktopNotifier returns the notifier desktop_configs use (null when the setting is off):
 * auto shows through the shell in the app; in serve mode through an open page, else
 * notify-send/osascript; page and system force one of those.
 */
export function pickDesktopNotifier(o: PickOptions): DesktopNotifier | null {
  const setting = o.settings.notifier ?? 'auto';
  if (setting === 'off') return null;
  let system: DesktopNotifier | null | undefined = o.system;
  const sys = (): DesktopNotifier | null => (system === undefined ? (system = SystemNotifier.detect(o.platform)) : system);
  const pageOpen = o.pageOpen ?? (() => (o.page?.connected() ?? 0) > 0);
  const shell = (): DesktopNotifier | null => (o.shell instanceof ShellNotifier && !o.shell.attached() ? null : o.shell);
  const choose = (): DesktopNotifier | null => {
    switch (setting) {
      case 'page':
        return o.page ?? shell();
      case 'system':
        return sys();
      default:
        if (shell()) return shell();
        if (o.page && pageOpen()) return o.page;
        return sys() ?? o.page;
    }
  };
  return {
    get kind(): string {
      return `${setting}:${choose()?.kind ?? 'none'}`;
    },
    show(n: DesktopNotice): Promise<void> {
      const d = choose();
      if (d === null) return Promise.reject(new Error(`no desktop notifier is available (notifier: ${setting}; ${o.platform === 'linux' ? 'notify-send' : o.platform === 'darwin' ? 'osascript' : 'no system notifier'} not found and no page open)`));
      return d.show(n);
    },
  };
}

/** DesktopNotifiersOptions are what the composition root knows. */
export interface DesktopNotifiersOptions {
  /** emit sends a HostEvent to the shell (core.onEvent's listeners). */
  emit: (e: HostEvent) => void;
  /** shellAttached tells whether a desktop shell listens (the core runs as `vigil host`). */
  shellAttached: () => boolean;
  /** setting reads the `notifier` setting now (so a change applies to the next notice). */
  setting: () => NotifierSetting;
  platform?: NodeJS.Platform;
  /** system overrides notify-send/osascript detection (tests). */
  system?: DesktopNotifier | null;
}

/**
 * desktopNotifiers builds everything host/core.ts needs: the desktop notifier for IntegrationDeps
 * (the setting read at each notice; `off` shows nothing and succeeds), the page notifier with its
 * events route, and stop.
 */
export function desktopNotifiers(o: DesktopNotifiersOptions): { desktop: DesktopNotifier; page: PageNotifier; routes: Route[]; stop(): void } {
  const page = new PageNotifier();
  const shell = new ShellNotifier(o.emit, o.shellAttached);
  const platform = o.platform ?? process.platform;
  let system = o.system;
  const desktop: DesktopNotifier = {
    get kind(): string {
      return `notifier:${o.setting()}`;
    },
    show(n: DesktopNotice): Promise<void> {
      const setting = o.setting();
      if (setting === 'off') return Promise.resolve();
      system ??= SystemNotifier.detect(platform);
      return pickDesktopNotifier({ shell, page, platform, settings: { notifier: setting }, system })!.show(n);
    },
  };
  return { desktop, page, routes: page.routes(), stop: () => page.stop() };
}
