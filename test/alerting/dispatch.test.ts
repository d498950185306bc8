/**
 * The dispatcher on a fake clock, through the Alerting facade: grouping, group_wait,
 * group_interval, repeat_interval, resolved notifications, continue, inhibition, silences, time
 * intervals, dedup across a restart (the persisted notification log), retry with backoff and the
 * flush timeout, reloads that keep a group's state.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Alerting } from '../../src/main/alerting/alerting';
import { fingerprint } from '../../src/main/alerting/alerts';
import { Capture, FakeClock, loadTestConfig } from './core-helpers';

const S = 1000;
const M = 60 * S;

interface Env {
  clock: FakeClock;
  cap: Capture;
  am: Alerting;
  dir: string;
}

const envs: Env[] = [];

function setup(yml: string, opts: { dir?: string; clock?: FakeClock; cap?: Capture } = {}): Env {
  const clock = opts.clock ?? new FakeClock();
  const cap = opts.cap ?? new Capture(clock);
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-'));
  const am = new Alerting({ dataDir: dir, clock, externalURL: 'http://vigil.test', random: () => 0.5 });
  am.applyConfig(loadTestConfig(yml, cap, clock));
  const e = { clock, cap, am, dir };
  envs.push(e);
  return e;
}

afterEach(async () => {
  for (const e of envs.splice(0)) await e.am.stop();
});

function fire(e: Env, labels: Record<string, string>, opts: { startsAt?: number; endsAt?: number } = {}): void {
  const errs = e.am.put([{ labels, annotations: {}, startsAt: opts.startsAt ?? e.clock.now(), endsAt: opts.endsAt ?? 0, generatorURL: '' }]);
  expect(errs).toEqual([]);
}

function resolve(e: Env, labels: Record<string, string>, startsAt: number): void {
  e.am.put([{ labels, annotations: {}, startsAt, endsAt: e.clock.now(), generatorURL: '' }]);
}

const names = (e: Env, i = -1): string[] => (i < 0 ? e.cap.sent[e.cap.sent.length - 1]! : e.cap.sent[i]!).alerts.map((a) => `${a.labels.instance ?? a.labels.alertname}:${a.status}`);

const BASE = `
route:
  receiver: cap
  group_by: [alertname]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 10m
receivers:
  - name: cap
    capture_configs: [{}]
`;

describe('grouping and timing', () => {
  it('groups by the group_by labels, waits group_wait, then notifies once per group', async () => {
    const e = setup(BASE);
    fire(e, { alertname: 'A', instance: 'a1' });
    fire(e, { alertname: 'A', instance: 'a2' });
    fire(e, { alertname: 'B', instance: 'b1' });
    await e.clock.advance(9 * S);
    expect(e.cap.sent).toHaveLength(0);
    await e.clock.advance(1 * S);
    expect(e.cap.sent).toHaveLength(2);
    const byKey = Object.fromEntries(e.cap.sent.map((s) => [s.groupKey, s.alerts.map((a) => a.labels.instance)]));
    expect(byKey).toEqual({ '{}:{alertname="A"}': ['a1', 'a2'], '{}:{alertname="B"}': ['b1'] });
    expect(e.cap.sent[0]!.groupLabels).toEqual({ alertname: e.cap.sent[0]!.alerts[0]!.labels.alertname });
  });

  it('an alert older than group_wait flushes its new group at once', async () => {
    const e = setup(BASE);
    fire(e, { alertname: 'A', instance: 'a1' }, { startsAt: e.clock.now() - 20 * S });
    await e.clock.advance(1);
    expect(e.cap.sent).toHaveLength(1);
  });

  it('a new alert in a flushed group waits for the next group_interval tick', async () => {
    const e = setup(BASE);
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S);
    expect(e.cap.sent).toHaveLength(1);
    await e.clock.advance(5 * S);
    fire(e, { alertname: 'A', instance: 'a2' });
    await e.clock.advance(54 * S); // 69s after start: tick at 70s
    expect(e.cap.sent).toHaveLength(1);
    await e.clock.advance(1 * S);
    expect(e.cap.sent).toHaveLength(2);
    expect(names(e)).toEqual(['a1:firing', 'a2:firing']);
  });

  it('an unchanged group notifies again only after repeat_interval', async () => {
    const e = setup(BASE);
    const t0 = e.clock.now();
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S);
    expect(e.cap.sent).toHaveLength(1);
    // Keep the alert alive (resolve_timeout 5m) as a sender re-sending it would.
    for (let i = 0; i < 12; i++) {
      fire(e, { alertname: 'A', instance: 'a1' }, { startsAt: t0 });
      await e.clock.advance(M);
    }
    // Ticks every minute after the first flush at 10s; the log entry must be older than
    // repeat_interval (strictly, as DedupStage), so the tick at 10m10s does not repeat and 11m10s does.
    expect(e.cap.sent.map((s) => s.at - e.cap.sent[0]!.at)).toEqual([0, 11 * M]);
  });

  it('sends resolved notifications when the integration wants them, then forgets the alert', async () => {
    const e = setup(BASE);
    const t0 = e.clock.now();
    fire(e, { alertname: 'A', instance: 'a1' });
    fire(e, { alertname: 'A', instance: 'a2' });
    await e.clock.advance(10 * S);
    resolve(e, { alertname: 'A', instance: 'a1' }, t0);
    await e.clock.advance(M);
    expect(e.cap.sent).toHaveLength(2);
    expect(names(e)).toEqual(['a1:resolved', 'a2:firing']);
    // The resolved alert left the group after the successful flush.
    const g = e.am.groups();
    expect(g).toHaveLength(1);
    expect(g[0]!.alerts.map((a) => a.labels.instance)).toEqual(['a2']);
  });

  it('send_resolved: false does not send a resolved-only group, but logs it (no repeat later)', async () => {
    const e = setup(BASE.replace('capture_configs: [{}]', 'capture_configs: [{send_resolved: false}]'));
    const t0 = e.clock.now();
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S);
    resolve(e, { alertname: 'A', instance: 'a1' }, t0);
    await e.clock.advance(M);
    expect(e.cap.sent).toHaveLength(1);
    const entry = e.am.nflog.entries()[0]!;
    expect(entry.firingAlerts).toEqual([]);
    expect(entry.resolvedAlerts).toEqual([fingerprint({ alertname: 'A', instance: 'a1' })]);
  });

  it('alerts without endsAt resolve after resolve_timeout', async () => {
    const e = setup(`global: {resolve_timeout: 2m}\n${BASE}`);
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S);
    expect(e.am.firing()).toBe(1);
    await e.clock.advance(2 * M);
    expect(e.am.firing()).toBe(0);
    await e.clock.advance(M);
    expect(names(e)).toEqual(['a1:resolved']);
  });
});

describe('routing', () => {
  it('continue sends an alert to every matching route; without it the first match wins', async () => {
    const e = setup(`
route:
  receiver: default
  group_wait: 1s
  routes:
    - matchers: [team="db"]
      receiver: db
      continue: true
    - matchers: [severity="page"]
      receiver: pager
    - matchers: [severity="page"]
      receiver: never
receivers:
  - name: default
    capture_configs: [{}]
  - name: db
    capture_configs: [{}]
  - name: pager
    capture_configs: [{}]
  - name: never
    capture_configs: [{}]
`);
    fire(e, { alertname: 'X', team: 'db', severity: 'page' });
    fire(e, { alertname: 'Y', team: 'web' });
    await e.clock.advance(1 * S);
    expect(e.cap.sent.map((s) => `${s.receiver}:${s.alerts[0]!.labels.alertname}`).sort()).toEqual(['db:X', 'default:Y', 'pager:X']);
    expect(e.am.receiversOf({ alertname: 'X', team: 'db', severity: 'page' })).toEqual(['db', 'pager']);
  });
});

describe('muting', () => {
  const INHIBIT = `
route:
  receiver: cap
  group_by: [alertname]
  group_wait: 5s
  group_interval: 1m
receivers:
  - name: cap
    capture_configs: [{}]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
`;
  it('inhibits targets while a source with the same equal labels fires', async () => {
    const e = setup(INHIBIT);
    fire(e, { alertname: 'Crit', severity: 'critical', cluster: 'c1' });
    fire(e, { alertname: 'Warn', severity: 'warning', cluster: 'c1', instance: 'w1' });
    fire(e, { alertname: 'Warn', severity: 'warning', cluster: 'c2', instance: 'w2' });
    await e.clock.advance(5 * S);
    const warn = e.cap.sent.find((s) => s.groupLabels.alertname === 'Warn')!;
    expect(warn.alerts.map((a) => a.labels.instance)).toEqual(['w2']);
    const w1 = e.am.store.get(fingerprint({ alertname: 'Warn', severity: 'warning', cluster: 'c1', instance: 'w1' }))!;
    expect(e.am.marker.status(w1.fingerprint)).toMatchObject({ state: 'suppressed', inhibitedBy: [fingerprint({ alertname: 'Crit', severity: 'critical', cluster: 'c1' })] });
    expect(e.am.firing()).toBe(2);
  });

  it('silenced alerts are not sent; expiring the silence lets them through at the next tick', async () => {
    const e = setup(BASE);
    const id = e.am.silences.set({ matchers: [{ name: 'instance', type: '=', value: 'a1' }], startsAt: e.clock.now(), endsAt: e.clock.now() + 3600_000, createdBy: 't', comment: 'c' });
    fire(e, { alertname: 'A', instance: 'a1' });
    fire(e, { alertname: 'A', instance: 'a2' });
    await e.clock.advance(10 * S);
    expect(names(e)).toEqual(['a2:firing']);
    expect(e.am.marker.status(fingerprint({ alertname: 'A', instance: 'a1' })).silencedBy).toEqual([id]);
    e.am.silences.expire(id);
    await e.clock.advance(M);
    expect(names(e)).toEqual(['a1:firing', 'a2:firing']);
  });

  it('mute_time_intervals and active_time_intervals hold notifications back', async () => {
    // The fake clock starts Monday 2026-01-05 12:00 UTC.
    const e = setup(`
route:
  receiver: cap
  group_by: [alertname]
  group_wait: 1s
  routes:
    - matchers: [kind="muted"]
      mute_time_intervals: [lunch]
    - matchers: [kind="active"]
      active_time_intervals: [nights]
    - matchers: [kind="open"]
      mute_time_intervals: [nights]
receivers:
  - name: cap
    capture_configs: [{}]
time_intervals:
  - name: lunch
    time_intervals: [{times: [{start_time: "11:30", end_time: "13:00"}]}]
  - name: nights
    time_intervals: [{times: [{start_time: "00:00", end_time: "06:00"}]}]
`);
    const endsAt = e.clock.now() + 3 * 3600_000;
    fire(e, { alertname: 'M', kind: 'muted' }, { endsAt });
    fire(e, { alertname: 'N', kind: 'active' }, { endsAt });
    fire(e, { alertname: 'O', kind: 'open' }, { endsAt });
    await e.clock.advance(1 * S);
    expect(e.cap.sent.map((s) => s.groupLabels.alertname)).toEqual(['O']);
    expect(e.am.marker.status(fingerprint({ alertname: 'M', kind: 'muted' })).mutedBy).toEqual(['lunch']);
    // At 13:00 lunch is over: the muted group's next tick (group_interval 5m) sends it.
    await e.clock.advance(55 * M);
    expect(e.cap.sent.map((s) => s.groupLabels.alertname)).toEqual(['O']);
    await e.clock.advance(5 * M);
    expect(e.cap.sent.map((s) => s.groupLabels.alertname)).toEqual(['O', 'M']);
    expect(e.cap.sent[1]!.at).toBe(Date.UTC(2026, 0, 5, 13, 0, 1));
    expect(e.cap.sent.map((s) => s.groupLabels.alertname)).not.toContain('N');
  });
});

describe('notification log', () => {
  it('a restart neither re-notifies nor forgets: the persisted log dedups, repeat_interval still counts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-'));
    const clock = new FakeClock();
    const e1 = setup(BASE, { dir, clock });
    const t0 = clock.now();
    fire(e1, { alertname: 'A', instance: 'a1' });
    await clock.advance(10 * S);
    expect(e1.cap.sent).toHaveLength(1);
    await e1.am.stop();
    envs.splice(envs.indexOf(e1), 1);
    expect(fs.existsSync(path.join(dir, 'nflog.json'))).toBe(true);

    // A new process: the rule engine sends the same alert again.
    const e2 = setup(BASE, { dir, clock });
    fire(e2, { alertname: 'A', instance: 'a1' }, { startsAt: t0 });
    await clock.advance(M);
    expect(e2.cap.sent).toHaveLength(0);
    // A new alert in the group is news.
    fire(e2, { alertname: 'A', instance: 'a2' });
    await clock.advance(M);
    expect(names(e2)).toEqual(['a1:firing', 'a2:firing']);
  });

  it('a corrupt nflog.json is moved aside and the log starts empty', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-'));
    fs.writeFileSync(path.join(dir, 'nflog.json'), '{"entries": [ {"broken"');
    const logs: string[] = [];
    const clock = new FakeClock();
    const am = new Alerting({ dataDir: dir, clock, externalURL: '', logger: (_l, m) => logs.push(m) });
    expect(am.nflog.size).toBe(0);
    expect(logs.some((l) => l.includes('corrupt') && l.includes('nflog.json'))).toBe(true);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('nflog.json.corrupt-'))).toBe(true);
    await am.stop();
  });

  it('records attempts newest first for the UI', async () => {
    const e = setup(BASE);
    fire(e, { alertname: 'A', instance: 'a1' });
    fire(e, { alertname: 'B', instance: 'b1' });
    await e.clock.advance(10 * S);
    const recent = e.am.nflog.recent(10);
    expect(recent).toHaveLength(2);
    expect(recent.every((r) => r.ok && r.attempts === 1 && r.firing === 1 && r.resolved === 0 && r.receiver === 'cap')).toBe(true);
    expect(e.am.nflog.recent(1)).toHaveLength(1);
  });
});

describe('retry', () => {
  it('retries retryable errors with exponential backoff until success', async () => {
    const e = setup(BASE);
    e.cap.script = [
      { ok: false, retry: true, error: 'boom 1' },
      { ok: false, retry: true, error: 'boom 2' },
    ];
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S + 2 * S);
    expect(e.cap.sent).toHaveLength(1);
    const at = e.cap.attempts.map((a) => a.at - e.cap.attempts[0]!.at);
    // random() = 0.5 removes the jitter: waits of 500ms, then 750ms.
    expect(at).toEqual([0, 500, 1250]);
    const rec = e.am.nflog.recent(1)[0]!;
    expect(rec).toMatchObject({ ok: true, attempts: 3 });
    expect(e.am.selfMetrics()).toMatch(/alertmanager_notification_requests_failed_total\{integration="capture"\} 2/);
  });

  it('gives up at once on an error that is not retryable, and tries again at the next tick', async () => {
    const e = setup(BASE);
    e.cap.script = [{ ok: false, retry: false, error: 'bad request' }];
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S + 5 * S);
    expect(e.cap.attempts).toHaveLength(1);
    expect(e.cap.sent).toHaveLength(0);
    const rec = e.am.nflog.recent(1)[0]!;
    expect(rec.ok).toBe(false);
    expect(rec.error).toMatch(/unrecoverable error after 1 attempts: bad request/);
    expect(e.am.selfMetrics()).toMatch(/alertmanager_notifications_failed_total\{integration="capture",reason="clientError"\} 1/);
    await e.clock.advance(M);
    expect(e.cap.sent).toHaveLength(1);
  });

  it('stops retrying at the flush timeout (max(group_interval, 10s))', async () => {
    const e = setup(BASE);
    e.cap.script = Array.from({ length: 1000 }, () => ({ ok: false, retry: true, error: 'down' }));
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S + M + 1);
    const flushAt = e.cap.attempts[0]!.at;
    const n = e.cap.attempts.filter((a) => a.at < flushAt + M).length;
    expect(n).toBeGreaterThan(5);
    const rec = e.am.nflog.recent(10).find((r) => !r.ok)!;
    expect(rec.ok).toBe(false);
    expect(rec.attempts).toBe(n);
    expect(e.am.selfMetrics()).toMatch(/reason="contextDeadlineExceeded"\} 1/);
    const receivers = e.am.integrationState.get('cap/capture/0')!;
    expect(receivers.failures).toBe(1);
    expect(receivers.lastError).toMatch(/down/);
  });

  it('an attempt that hangs is cut at the deadline', async () => {
    const e = setup(BASE);
    e.cap.hang = true;
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S + M + 1);
    const rec = e.am.nflog.recent(1)[0]!;
    expect(rec).toMatchObject({ ok: false });
    expect(e.cap.attempts.length).toBeGreaterThanOrEqual(1);
  });
});

describe('reload', () => {
  it('groups of unchanged routes keep their state; changed routes start afresh', async () => {
    const e = setup(BASE);
    fire(e, { alertname: 'A', instance: 'a1' });
    await e.clock.advance(10 * S);
    expect(e.cap.sent).toHaveLength(1);
    // Same route: reloading does not notify again nor restart group_wait.
    e.am.applyConfig(loadTestConfig(BASE, e.cap, e.clock));
    await e.clock.advance(M);
    expect(e.cap.sent).toHaveLength(1);
    // Another grouping: a new group, group_wait again, and the log does not know its key.
    e.am.applyConfig(loadTestConfig(BASE.replace('group_by: [alertname]', 'group_by: [alertname, instance]'), e.cap, e.clock));
    await e.clock.advance(10 * S);
    expect(e.cap.sent).toHaveLength(2);
    expect(e.cap.sent[1]!.groupKey).toBe('{}:{alertname="A", instance="a1"}');
  });
});
