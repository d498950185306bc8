/**
 * Gaps Vigil caused itself (rules/gap.ts) on the rule manager's fake Clock, over the real storage
 * and PromQL engine: the wall clock jumps 30 minutes (sleep/resume) and no alert fires for the
 * gap, an alert firing before it stays firing (its ALERTS series continues), and once fresh
 * scrapes arrive evaluation resumes and a real problem fires. Every target of one cluster failing
 * at once holds that cluster's alerts only (rules about Vigil's own view of it still fire); a
 * stalled event loop is a gap; the gaps route and the vigil_gap self-metric show them.
 */
import { describe, expect, it } from 'vitest';
import { labelsFromRecord, labelsToRecord } from '../../src/common/model/labels';
import { Matcher } from '../../src/common/model/matcher';
import { isStaleNaN } from '../../src/common/model/value';
import { RouteTable } from '../../src/main/api/table';
import { Engine } from '../../src/main/promql/engine';
import { GapDetector, gapRoutes, type ClusterTargets } from '../../src/main/rules/gap';
import { RuleManager, engineQueryFunc, type Clock } from '../../src/main/rules/manager';
import { AlertState, type AlertingRuleRT } from '../../src/main/rules/rule';
import { openStorage, type StorageEngine } from '../../src/main/storage';
import { ValueType } from '../../src/main/storage/interface';
import { nopLogger } from '../../src/main/util/log';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const S = 1000;
const M = 60 * S;
const T0 = 1_700_000_000_000;

/** JumpClock is a fake wall clock and monotonic clock: advance moves both, jump only the wall clock (sleep), stall both without running timers. */
class JumpClock implements Clock {
  t = T0;
  m = 5_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private id = 0;
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.m;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.id;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  /** advance runs the timers due in the next ms, each at its time (both clocks move). */
  advance(ms: number, each?: (t: number) => void): void {
    const end = this.t + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      if (next.at > this.t) {
        this.m += next.at - this.t;
        this.t = next.at;
      }
      each?.(this.t);
      next.fn();
    }
    this.m += end - this.t;
    this.t = end;
  }
  /** jump moves the wall clock only (the machine slept), then runs the overdue timers. */
  jump(ms: number): void {
    this.t += ms;
    this.advance(0);
  }
  /** stall moves both clocks without running timers (a blocked event loop), then runs the overdue ones. */
  stall(ms: number): void {
    this.t += ms;
    this.m += ms;
    this.advance(0);
  }
}

const RULES = `groups:
  - name: g
    interval: 15s
    rules:
      - alert: Problem
        expr: problem > 0
      - alert: HeartbeatMissing
        expr: absent(heartbeat{cluster="c1"})
      - alert: TargetDown
        expr: up == 0
        for: 1m
      - alert: ClusterUnreachable
        expr: vigil_cluster_up == 0
        annotations:
          vigil_hold: cluster-gaps-ignored
`;

function setup(): {
  clock: JumpClock;
  st: StorageEngine;
  m: RuleManager;
  gaps: GapDetector;
  health: Map<string, ClusterTargets>;
  apiUp: Map<string, boolean>;
  write: (rec: Record<string, string>, t: number, v: number) => void;
  firing: () => string[];
  pending: () => string[];
} {
  const clock = new JumpClock();
  const st = openStorage({ path: ':memory:' });
  const health = new Map<string, ClusterTargets>();
  const apiUp = new Map<string, boolean>();
  const gaps = new GapDetector({
    clock,
    logger: nopLogger,
    intervalMs: () => 15 * S,
    settleMs: () => 15 * S,
    sources: { targets: () => [...health.values()].map((h) => ({ ...h })), apiServers: () => [...apiUp].map(([cluster, up]) => ({ cluster, up })) },
  });
  gaps.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-gap-'));
  const file = path.join(dir, 'g.rules.yml');
  fs.writeFileSync(file, RULES);
  const m = new RuleManager({ query: engineQueryFunc(new Engine(), st), appendable: st, queryable: st, logger: nopLogger, clock, watchDebounceMs: 0, hold: () => gaps.hold() });
  expect(m.update([file]).ok).toBe(true);
  fs.rmSync(dir, { recursive: true, force: true });
  const write = (rec: Record<string, string>, t: number, v: number): void => {
    const app = st.appender();
    app.append(0, labelsFromRecord(rec), t, v);
    app.commit();
  };
  const alerts = (state: AlertState): string[] =>
    m
      .ruleGroups()
      .flatMap((g) => g.alertingRules())
      .flatMap((r: AlertingRuleRT) => r.activeAlerts().filter((a) => a.state === state))
      .map((a) => {
        const l = labelsToRecord(a.labels);
        return `${l.alertname}${l.cluster ? `@${l.cluster}` : ''}${l.instance ? `/${l.instance}` : ''}`;
      })
      .sort();
  return { clock, st, m, gaps, health, apiUp, write, firing: () => alerts(AlertState.Firing), pending: () => alerts(AlertState.Pending) };
}

/** scrapeAll writes one scrape of both clusters' targets at t and records their health. */
function scraper(s: ReturnType<typeof setup>): (t: number, o?: { c1Down?: boolean; problemA?: number; problemB?: number }) => void {
  let last = 0;
  return (t, o = {}) => {
    if (t <= last) return;
    last = t;
    for (const cluster of ['c1', 'c2']) {
      const down = cluster === 'c1' && o.c1Down === true;
      for (const instance of ['a', 'b', 'c']) s.write({ __name__: 'up', cluster, job: 'kubelet', instance }, t, down ? 0 : 1);
      if (!down) {
        s.write({ __name__: 'heartbeat', cluster }, t, 1);
        s.write({ __name__: 'problem', cluster, instance: 'a' }, t, cluster === 'c1' ? (o.problemA ?? 1) : 0);
        s.write({ __name__: 'problem', cluster, instance: 'b' }, t, o.problemB ?? 0);
      }
      s.write({ __name__: 'vigil_cluster_up', cluster }, t, s.apiUp.get(cluster) === false ? 0 : 1);
      const prev = s.health.get(cluster);
      s.health.set(cluster, { cluster, targets: 3, up: down ? 0 : 3, lastUpMs: down ? (prev?.lastUpMs ?? 0) : t });
    }
  };
}

function alertsSamples(st: StorageEngine, alertname: string): [number, number | 'stale'][] {
  const q = st.querier(0, T0 + 1000 * M);
  const out: [number, number | 'stale'][] = [];
  for (const s of q.select(true, null, [new Matcher('=', '__name__', 'ALERTS'), new Matcher('=', 'alertname', alertname), new Matcher('=', 'alertstate', 'firing')]).series) {
    const it = s.iterator();
    while (it.next() === ValueType.Float) out.push([it.atT(), isStaleNaN(it.atF()) ? 'stale' : it.atF()]);
  }
  q.close();
  return out;
}

describe('a sleep of 30 minutes (the wall clock jumps)', () => {
  it('fires no alert for the gap, keeps the firing alert firing, and resumes after fresh scrapes', async () => {
    const s = setup();
    const scrape = scraper(s);
    // Five minutes of normal life: Problem@c1/a fires.
    s.clock.advance(5 * M, (t) => {
      if (t % (15 * S) === 0) scrape(t);
    });
    s.clock.advance(30 * S, (t) => {
      if (t % (15 * S) === 0) scrape(t);
    });
    expect(s.firing()).toEqual(['Problem@c1/a']);
    expect(s.pending()).toEqual([]);
    const sleptAt = s.clock.now();

    // The lid closes for 30 minutes: nothing is scraped; the wall clock jumps.
    s.clock.jump(30 * M);
    const woke = s.clock.now();
    const gaps = s.gaps.gaps();
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ cluster: null, reason: 'sleep', to: woke });
    expect(Math.abs(gaps[0]!.from - sleptAt)).toBeLessThanOrEqual(1000);
    // No data for 30 minutes: absent() and the vanished `problem` would fire / resolve; held instead.
    s.clock.advance(10 * S);
    expect(s.firing()).toEqual(['Problem@c1/a']);
    expect(s.pending()).toEqual([]);
    expect(s.gaps.selfMetrics()).toContain('vigil_gap{reason="sleep"} 1');
    const routes = new RouteTable(gapRoutes(() => s.gaps));
    const r = await routes.dispatch({ method: 'GET', path: '/api/v1/vigil/gaps', params: {} });
    expect(r.kind === 'json' && r.body.data).toEqual([{ cluster: null, from: gaps[0]!.from, to: woke, reason: 'sleep' }]);

    // Fresh scrapes after the wake: problem a is gone now, b is a real new problem.
    const resumed = s.clock.now();
    let t = Math.ceil(resumed / (15 * S)) * 15 * S;
    for (; t <= woke + 2 * M; t += 15 * S) {
      s.clock.advance(t - s.clock.now());
      scrape(t, { problemA: 0, problemB: 1 });
      // while the gap holds (a scrape interval after it, with a fresh scrape), nothing changes
      if (t < woke + 15 * S) expect(s.firing()).toEqual(['Problem@c1/a']);
    }
    s.clock.advance(30 * S, (tt) => {
      if (tt % (15 * S) === 0) scrape(tt, { problemA: 0, problemB: 1 });
    });
    expect(s.firing()).toEqual(['Problem@c1/b', 'Problem@c2/b']);
    expect(s.pending()).toEqual([]);
    expect(s.gaps.selfMetrics()).not.toContain('vigil_gap{');
    expect(s.gaps.selfMetrics()).toContain('vigil_gaps_total{reason="sleep"} 1');

    // The firing alert's ALERTS series went on through the hold (samples at the held evaluations).
    const samples = alertsSamples(s.st, 'Problem');
    expect(samples.some(([ts, v]) => ts > woke && ts < woke + 15 * S && v === 1)).toBe(true);
    s.m.stop();
    s.gaps.stop();
    s.st.close();
  });

  it('without the gap detector the same sleep fires absent() and resolves the alert (the hold is what prevents it)', () => {
    const s = setup();
    const scrape = scraper(s);
    for (let t = T0; t <= T0 + 5 * M; t += 15 * S) scrape(t);
    s.clock.advance(5 * M + 30 * S);
    s.gaps.stop();
    const m2 = new RuleManager({ query: engineQueryFunc(new Engine(), s.st), appendable: s.st, queryable: s.st, logger: nopLogger, clock: s.clock, watchDebounceMs: 0 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-gap-'));
    fs.writeFileSync(path.join(dir, 'g.yml'), RULES);
    m2.update([path.join(dir, 'g.yml')]);
    fs.rmSync(dir, { recursive: true, force: true });
    s.m.stop();
    s.clock.advance(30 * S);
    s.clock.jump(30 * M);
    s.clock.advance(10 * S);
    const firing = m2
      .ruleGroups()
      .flatMap((g) => g.alertingRules())
      .flatMap((r) => r.activeAlerts().filter((a) => a.state === AlertState.Firing).map((a) => labelsToRecord(a.labels).alertname));
    expect(firing).toContain('HeartbeatMissing');
    expect(firing).not.toContain('Problem');
    m2.stop();
    s.st.close();
  });
});

describe('every target of one cluster failing at once', () => {
  it('holds that cluster only: its TargetDown does not fire, the other cluster and Vigil-view rules still do', () => {
    const s = setup();
    const scrape = scraper(s);
    s.clock.advance(3 * M, (t) => {
      if (t % (15 * S) === 0) scrape(t, { problemA: 0 });
    });
    expect(s.firing()).toEqual([]);
    // The network to c1 goes: every target fails, its API server does not answer; c2 gets a real problem.
    s.apiUp.set('c1', false);
    s.clock.advance(5 * M, (t) => {
      if (t % (15 * S) === 0) scrape(t, { c1Down: true, problemA: 0, problemB: 1 });
    });
    const open = s.gaps.gaps().filter((g) => g.to === null);
    expect(open.map((g) => [g.cluster, g.reason]).sort()).toEqual([
      ['c1', 'apiserver_unreachable'],
      ['c1', 'targets_down'],
    ]);
    expect(s.firing()).toEqual(['ClusterUnreachable@c1', 'Problem@c2/b']);
    expect(s.pending()).toEqual([]);
    expect(s.gaps.selfMetrics()).toContain('vigil_gap{cluster="c1",reason="targets_down"} 1');

    // c1 comes back; a scrape interval later (with fresh scrapes) its evaluation resumes.
    s.apiUp.set('c1', true);
    s.clock.advance(3 * M, (t) => {
      if (t % (15 * S) === 0) scrape(t, { problemA: 1, problemB: 1 });
    });
    expect(s.gaps.gaps().every((g) => g.to !== null)).toBe(true);
    expect(s.firing()).toEqual(['Problem@c1/a', 'Problem@c1/b', 'Problem@c2/b']);
    s.m.stop();
    s.gaps.stop();
    s.st.close();
  });
});

describe('targets of a cluster failing one by one', () => {
  it('is real trouble, not a gap: TargetDown fires', () => {
    const s = setup();
    const scrape = scraper(s);
    s.clock.advance(2 * M, (t) => {
      if (t % (15 * S) === 0) scrape(t, { problemA: 0 });
    });
    // one more of c1's three targets fails every 2 minutes (its API server still answers)
    const downAt = s.clock.now();
    let lastT = 0;
    s.clock.advance(8 * M, (t) => {
      if (t % (15 * S) !== 0 || t <= lastT) return;
      lastT = t;
      const n = Math.min(3, 1 + Math.floor((t - downAt) / (2 * M)));
      for (const [i, instance] of ['a', 'b', 'c'].entries()) s.write({ __name__: 'up', cluster: 'c1', job: 'kubelet', instance }, t, i < n ? 0 : 1);
      for (const instance of ['a', 'b', 'c']) s.write({ __name__: 'up', cluster: 'c2', job: 'kubelet', instance }, t, 1);
      s.write({ __name__: 'heartbeat', cluster: 'c1' }, t, 1);
      s.health.set('c1', { cluster: 'c1', targets: 3, up: 3 - n, lastUpMs: n < 3 ? t : (s.health.get('c1')?.lastUpMs ?? 0) });
      s.health.set('c2', { cluster: 'c2', targets: 3, up: 3, lastUpMs: t });
    });
    expect(s.gaps.gaps()).toEqual([]);
    expect(s.firing()).toEqual(['TargetDown@c1/a', 'TargetDown@c1/b', 'TargetDown@c1/c']);
    s.m.stop();
    s.gaps.stop();
    s.st.close();
  });
});

describe('a stalled event loop', () => {
  it('is a gap of every cluster while both clocks agree', () => {
    const clock = new JumpClock();
    const gaps = new GapDetector({ clock, logger: nopLogger, intervalMs: () => 15 * S, settleMs: () => 15 * S });
    gaps.start();
    clock.advance(10 * S);
    expect(gaps.gaps()).toEqual([]);
    clock.stall(2 * M);
    expect(gaps.gaps()).toMatchObject([{ cluster: null, reason: 'stall', to: clock.now() }]);
    expect(gaps.hold()).toMatchObject({ all: true });
    clock.advance(20 * S);
    expect(gaps.hold()).toBeNull();
    // a short delay is no gap
    clock.stall(20 * S);
    expect(gaps.gaps()).toHaveLength(1);
    gaps.stop();
  });
});
