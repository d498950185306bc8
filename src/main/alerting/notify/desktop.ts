/**
 * desktop_configs (Vigil's own receiver): a native notice per notification, through the host's
 * DesktopNotifier (the app's shell, an open browser page, or notify-send/osascript). The title and
 * body are templates (defaults: desktop.default.title, "[FIRING:2] KubePodCrashLooping (prod)",
 * and desktop.default.body, the alerts' summaries); a click opens the alert group in the UI.
 */
import type { Alert, ConfigProblem, Integration, IntegrationDeps, IntegrationType, NotifyContext, NotifyResult } from '../types';
import { notificationData } from '../template/index';
import { Fields } from './parsefields';

/** DesktopConfig is one desktop_configs entry. */
export interface DesktopConfig {
  sendResolved: boolean;
  title: string;
  body: string;
}

/** MAX_BODY_CHARS bounds a notice's body (notification servers cut longer ones anyway). */
const MAX_BODY_CHARS = 2000;

function parseDesktop(raw: unknown, path: string): { config: DesktopConfig | null; problems: ConfigProblem[] } {
  const f = new Fields(raw, path);
  const c: DesktopConfig = {
    sendResolved: f.bool('send_resolved', true),
    title: f.string('title', '{{ template "desktop.default.title" . }}'),
    body: f.string('body', '{{ template "desktop.default.body" . }}'),
  };
  f.done();
  return { config: f.problems.length === 0 ? c : null, problems: f.problems };
}

/** groupRoute is the UI route of an alert group (the Alerts page with the group and receiver selected). */
export function groupRoute(groupKey: string, receiver: string): string {
  return `#/alerts?group=${encodeURIComponent(groupKey)}&receiver=${encodeURIComponent(receiver)}`;
}

class DesktopIntegration implements Integration {
  readonly name = 'desktop';
  readonly sendResolved: boolean;

  constructor(
    private readonly c: DesktopConfig,
    readonly index: number,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = c.sendResolved;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    const data = notificationData(ctx, alerts);
    let title: string;
    let body: string;
    try {
      title = this.deps.templates.execute(this.c.title, data).trim();
      body = this.deps.templates.execute(this.c.body, data).trim();
    } catch (e) {
      return { ok: false, retry: false, error: (e as Error).message };
    }
    const desktop = this.deps.desktop;
    if (desktop === null) return { ok: false, retry: false, error: 'no desktop notifier is available (the notifier setting is off)' };
    try {
      await desktop.show({
        title: title || 'Vigil',
        body: body.length > MAX_BODY_CHARS ? body.slice(0, MAX_BODY_CHARS - 1) + '…' : body,
        route: groupRoute(ctx.groupKey, ctx.receiver),
        tag: `${ctx.receiver}/${ctx.groupKey}`,
        resolved: data.status === 'resolved',
      });
      return { ok: true, retry: false };
    } catch (e) {
      return { ok: false, retry: true, error: (e as Error).message };
    }
  }
}

/** DESKTOP is the desktop_configs integration type. */
export const DESKTOP: IntegrationType<DesktopConfig> = {
  key: 'desktop_configs',
  name: 'desktop',
  parse: (raw, path) => parseDesktop(raw, path),
  build: (c, index, deps) => new DesktopIntegration(c, index, deps),
};
