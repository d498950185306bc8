/**
 * Helpers of the dispatcher tests: a fake clock whose timers run when the test advances it, and a
 * `capture_configs` integration type that records what it is asked to send (and can fail on cue).
 */
import type { Clock } from '../../src/main/alerting/alerts';
import type { Alert, Integration, IntegrationType, NotifyContext, NotifyResult } from '../../src/main/alerting/types';
import { webhookType } from '../../src/main/alerting/notify/webhook';
import { loadAlertmanagerConfig } from '../../src/main/alerting/config';
import type { AlertmanagerFile } from '../../src/main/alerting/types';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/** FakeClock runs timers in due order as advance() moves time; promises settle between timers. */
export class FakeClock implements Clock {
  private t: number;
  private timers: Timer[] = [];
  private next = 1;
  constructor(start = Date.UTC(2026, 0, 5, 12, 0, 0)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.push({ id, due: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  /** advance moves time by ms, running each due timer at its time and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (let guard = 0; guard < 100_000; guard++) {
      this.timers.sort((a, b) => a.due - b.due || a.id - b.id);
      const first = this.timers[0];
      if (!first || first.due > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, first.due);
      first.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** settle lets pending promise chains run (a few macrotask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Sent is one notification the capture integration received. */
export interface Sent {
  at: number;
  receiver: string;
  integration: string;
  index: number;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: { labels: Record<string, string>; status: 'firing' | 'resolved' }[];
}

/** Capture collects notifications; fail returns the next results instead of success. */
export class Capture {
  sent: Sent[] = [];
  attempts: { at: number; receiver: string }[] = [];
  /** script is consumed one result per attempt; when empty, attempts succeed. */
  script: NotifyResult[] = [];
  /** hang makes attempts never answer (until aborted). */
  hang = false;
  constructor(private readonly clock: Clock) {}
  reset(): void {
    this.sent = [];
    this.attempts = [];
  }
}

interface CaptureConfig {
  sendResolved: boolean;
}

/** captureType is an IntegrationType writing into a Capture. */
export function captureType(cap: Capture, clock: Clock): IntegrationType<CaptureConfig> {
  return {
    key: 'capture_configs',
    name: 'capture',
    parse(raw) {
      const r = (raw ?? {}) as { send_resolved?: boolean };
      return { config: { sendResolved: r.send_resolved ?? true }, problems: [] };
    },
    build(config, index): Integration {
      return {
        name: 'capture',
        index,
        sendResolved: config.sendResolved,
        async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
          cap.attempts.push({ at: clock.now(), receiver: ctx.receiver });
          if (cap.hang) {
            return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
          }
          const r = cap.script.shift();
          if (r && !r.ok) return r;
          cap.sent.push({
            at: clock.now(),
            receiver: ctx.receiver,
            integration: 'capture',
            index,
            groupKey: ctx.groupKey,
            groupLabels: ctx.groupLabels,
            alerts: alerts.map((a) => ({ labels: a.labels, status: a.endsAt !== 0 && a.endsAt <= ctx.now ? 'resolved' : 'firing' })),
          });
          return { ok: true, retry: false };
        },
      };
    },
  };
}

/** loadTestConfig loads alertmanager.yml text with the capture and webhook types. */
export function loadTestConfig(text: string, cap: Capture, clock: Clock): AlertmanagerFile {
  return loadAlertmanagerConfig(text, '', { integrationTypes: [captureType(cap, clock) as IntegrationType<unknown>, webhookType as IntegrationType<unknown>], unsupported: [] });
}
