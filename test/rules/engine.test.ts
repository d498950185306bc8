/**
 * The rule engine on a fake clock, over the real storage and PromQL engine: the alert state
 * machine (for, keep_firing_for, resolved alerts kept 15 minutes), ALERTS / ALERTS_FOR_STATE and
 * recording-rule series with their staleness markers, limit errors, `for` restore after a restart
 * with the grace period, reloads, and the API's shapes and filters.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labelsFromRecord, labelsToRecord } from '../../src/common/model/labels';
import { Matcher } from '../../src/common/model/matcher';
import { isStaleNaN, StaleNaN } from '../../src/common/model/value';
import { Engine } from '../../src/main/promql/engine';
import { openStorage, type StorageEngine } from '../../src/main/storage';
import { ValueType } from '../../src/main/storage/interface';
import { RouteTable } from '../../src/main/api/table';
import { loadRuleFile } from '../../src/main/rules/file';
import { Group, type GroupOptions, type NotifyAlert } from '../../src/main/rules/group';
import { RuleManager, engineQueryFunc, type Clock } from '../../src/main/rules/manager';
import { ruleRoutes } from '../../src/main/rules/routes';
import { AlertState, type AlertingRuleRT } from '../../src/main/rules/rule';
import { nopLogger } from '../../src/main/util/log';

const S = 1000;
const M = 60 * S;
const T0 = 1_700_000_000_000;

const stores: StorageEngine[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function store(p = ':memory:'): StorageEngine {
  const st = openStorage({ path: p });
  stores.push(st);
  return st;
}

function write(st: StorageEngine, rec: Record<string, string>, t: number, v: number): void {
  const app = st.appender();
  app.append(0, labelsFromRecord(rec), t, v);
  app.commit();
}

/** raw returns every stored sample of the series matching name and the extra equality matchers. */
function raw(st: StorageEngine, name: string, eq: Record<string, string> = {}): { labels: Record<string, string>; samples: [number, number | 'stale'][] }[] {
  const q = st.querier(0, T0 + 1000 * M);
  const ms = [new Matcher('=', '__name__', name), ...Object.entries(eq).map(([k, v]) => new Matcher('=', k, v))];
  const out = q.select(true, null, ms).series.map((s) => {
    const it = s.iterator();
    // Stale markers are told apart here: V8 may canonicalize a NaN stored in an array.
    const samples: [number, number | 'stale'][] = [];
    while (it.next() === ValueType.Float) samples.push([it.atT(), isStaleNaN(it.atF()) ? 'stale' : it.atF()]);
    return { labels: labelsToRecord(s.labels), samples };
  });
  q.close();
  return out;
}

function group(st: StorageEngine, yaml: string, o: Partial<GroupOptions> & { restore?: boolean; now?: () => number } = {}): Group {
  const rf = loadRuleFile(yaml);
  expect(rf.errors).toEqual([]);
  const engine = new Engine();
  const opts: GroupOptions = {
    query: engineQueryFunc(engine, st),
    appendable: st,
    queryable: st,
    externalLabels: { cluster: 'lab' },
    externalURL: 'http://vigil.test',
    logger: nopLogger,
    now: () => T0,
    forGracePeriodMs: 10 * M,
    outageToleranceMs: 60 * M,
    resendDelayMs: M,
    notify: () => {},
    ...o,
  };
  return new Group(rf.groups[0]!, 'rules.yml', { intervalMs: 15 * S, queryOffsetMs: 0 }, opts, o.restore ?? false);
}

const ALERTS_YAML = `
groups:
  - name: g
    rules:
      - alert: HighLoad
        expr: load > 0.5
        for: 2m
        labels: { severity: page, instance_upper: '{{ $labels.instance | toUpper }}' }
        annotations:
          summary: 'load of {{ $labels.instance }} is {{ $value | humanizePercentage }} in {{ $externalLabels.cluster }}'
      - alert: Sticky
        expr: load > 0.5
        keep_firing_for: 5m
`;

describe('alerting rules', () => {
  it('go inactive -> pending -> firing after for, resolve, are kept 15 minutes, then dropped; ALERTS follows with staleness', () => {
    const st = store();
    const sent: NotifyAlert[][] = [];
    const g = group(st, ALERTS_YAML, { notify: (a) => sent.push(a) });
    const rule = g.rules[0] as AlertingRuleRT;
    write(st, { __name__: 'load', instance: 'a' }, T0, 0.75);
    g.eval(T0);
    expect(rule.state()).toBe(AlertState.Pending);
    const a = rule.activeAlerts()[0]!;
    expect(labelsToRecord(a.labels)).toEqual({ alertname: 'HighLoad', instance: 'a', instance_upper: 'A', severity: 'page' });
    expect(labelsToRecord(a.annotations)).toEqual({ summary: 'load of a is 75% in lab' });
    expect(a.activeAt).toBe(T0);
    expect(sent).toHaveLength(1); // Sticky (for 0) fires at once and is sent; pending alerts are not
    expect(labelsToRecord(sent[0]![0]!.labels).alertname).toBe('Sticky');

    write(st, { __name__: 'load', instance: 'a' }, T0 + M, 0.8);
    g.eval(T0 + M);
    expect(rule.state()).toBe(AlertState.Pending);
    expect(rule.activeAlerts()[0]!.value).toBe(0.8);
    write(st, { __name__: 'load', instance: 'a' }, T0 + 2 * M, 0.9);
    g.eval(T0 + 2 * M);
    expect(rule.state()).toBe(AlertState.Firing);
    expect(rule.activeAlerts()[0]!.firedAt).toBe(T0 + 2 * M);

    const pending = raw(st, 'ALERTS', { alertname: 'HighLoad', alertstate: 'pending' });
    expect(pending).toHaveLength(1);
    expect(pending[0]!.labels).toEqual({ __name__: 'ALERTS', alertname: 'HighLoad', alertstate: 'pending', instance: 'a', instance_upper: 'A', severity: 'page' });
    expect(pending[0]!.samples.slice(0, 2)).toEqual([
      [T0, 1],
      [T0 + M, 1],
    ]);
    expect(pending[0]!.samples[2]![0]).toBe(T0 + 2 * M);
    expect(pending[0]!.samples[2]![1]).toBe('stale');
    expect(raw(st, 'ALERTS', { alertname: 'HighLoad', alertstate: 'firing' })[0]!.samples).toEqual([[T0 + 2 * M, 1]]);
    expect(raw(st, 'ALERTS_FOR_STATE', { alertname: 'HighLoad' })[0]!.samples.map((s) => s[1])).toEqual([T0 / 1000, T0 / 1000, T0 / 1000]);

    // The series goes away: HighLoad resolves; Sticky keeps firing for 5 minutes.
    write(st, { __name__: 'load', instance: 'a' }, T0 + 3 * M - 1, StaleNaN);
    g.eval(T0 + 10 * M);
    expect(rule.state()).toBe(AlertState.Inactive);
    expect(rule.activeAlerts()).toEqual([]);
    expect(rule.active.size).toBe(1); // resolved, kept
    expect([...rule.active.values()][0]!.resolvedAt).toBe(T0 + 10 * M);
    const sticky = g.rules[1] as AlertingRuleRT;
    expect(sticky.state()).toBe(AlertState.Firing);
    expect(sticky.activeAlerts()[0]!.keepFiringSince).toBe(T0 + 10 * M);
    const firing = raw(st, 'ALERTS', { alertname: 'HighLoad', alertstate: 'firing' })[0]!.samples;
    expect(firing[firing.length - 1]![0]).toBe(T0 + 10 * M);
    expect(firing[firing.length - 1]![1]).toBe('stale');

    g.eval(T0 + 14 * M);
    expect(sticky.state()).toBe(AlertState.Firing);
    g.eval(T0 + 15 * M);
    expect(sticky.state()).toBe(AlertState.Inactive);
    // Resolved HighLoad is dropped once 15 minutes have passed since it resolved.
    g.eval(T0 + 25 * M);
    expect(rule.active.size).toBe(1);
    g.eval(T0 + 25 * M + 1);
    expect(rule.active.size).toBe(0);
  });

  it('reports limit errors as Prometheus does and counts the failure', () => {
    const st = store();
    const g = group(st, 'groups:\n  - name: g\n    limit: 1\n    rules:\n      - alert: A\n        expr: load > 0\n      - record: r\n        expr: load\n');
    write(st, { __name__: 'load', instance: 'a' }, T0, 1);
    write(st, { __name__: 'load', instance: 'b' }, T0, 1);
    g.iterate(T0);
    expect(g.rules[0]!.health).toBe('err');
    expect(g.rules[0]!.lastError).toBe('exceeded limit of 1 with 2 alerts');
    expect(g.rules[1]!.lastError).toBe('exceeded limit of 1 with 2 series');
    expect(g.stats.failures).toBe(2);
    expect(g.stats.evaluations).toBe(2);
    expect((g.rules[0] as AlertingRuleRT).active.size).toBe(0);
  });
});

describe('recording rules', () => {
  it('write name = record plus labels at the evaluation timestamp (minus query_offset), and staleness markers for series that vanish', () => {
    const st = store();
    const g = group(st, 'groups:\n  - name: rec\n    query_offset: 10s\n    rules:\n      - record: job:x:sum\n        expr: sum by (job) (x)\n        labels: { team: db }\n');
    write(st, { __name__: 'x', job: 'a', i: '1' }, T0 - 10 * S, 2);
    write(st, { __name__: 'x', job: 'a', i: '2' }, T0 - 10 * S, 3);
    write(st, { __name__: 'x', job: 'b', i: '1' }, T0 - 10 * S, 5);
    g.eval(T0);
    const got = raw(st, 'job:x:sum');
    expect(got.map((s) => [s.labels, s.samples])).toEqual([
      [{ __name__: 'job:x:sum', job: 'a', team: 'db' }, [[T0 - 10 * S, 5]]],
      [{ __name__: 'job:x:sum', job: 'b', team: 'db' }, [[T0 - 10 * S, 5]]],
    ]);
    // job b's input goes stale: its recorded series gets a staleness marker at the next evaluation.
    write(st, { __name__: 'x', job: 'a', i: '1' }, T0 + 5 * S, 4);
    write(st, { __name__: 'x', job: 'b', i: '1' }, T0 + 5 * S - 1, StaleNaN);
    g.eval(T0 + 15 * S);
    const b = raw(st, 'job:x:sum', { job: 'b' })[0]!.samples;
    expect(b).toHaveLength(2);
    expect(b[1]![0]).toBe(T0 + 5 * S);
    expect(b[1]![1]).toBe('stale');
    expect(raw(st, 'job:x:sum', { job: 'a' })[0]!.samples[1]).toEqual([T0 + 5 * S, 7]);
    expect(g.rules[0]!.health).toBe('ok');
  });

  it('aligns evaluation to the interval with a per-group offset', () => {
    const st = store();
    const g = group(st, 'groups:\n  - name: rec\n    interval: 30s\n    rules:\n      - record: r\n        expr: vector(1)\n');
    const ts = g.evalTimestamp(T0 + 12_345);
    expect(ts).toBeLessThanOrEqual(T0 + 12_345);
    expect(T0 + 12_345 - ts).toBeLessThan(30 * S);
    expect(g.evalTimestamp(ts + 30 * S)).toBe(ts + 30 * S);
    expect(g.evalTimestamp(ts + 30 * S - 1)).toBe(ts);
  });
});

describe('for state restore', () => {
  const YAML = 'groups:\n  - name: g\n    rules:\n      - alert: Long\n        expr: up == 0\n        for: 30m\n        labels: { team: x }\n';

  function restartAfter(activeForMs: number, downMs: number): { activeAt: number; now: number; state: AlertState } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-restore-'));
    dirs.push(dir);
    const file = path.join(dir, 'db');
    let st = openStorage({ path: file });
    const g1 = group(st, YAML);
    for (let t = T0; t <= T0 + activeForMs; t += M) {
      write(st, { __name__: 'up', job: 'j' }, t, 0);
      g1.eval(t);
    }
    expect((g1.rules[0] as AlertingRuleRT).activeAlerts()[0]!.activeAt).toBe(T0);
    st.close();
    // Restart: a new group (restore pending) on the reopened storage.
    st = store(file);
    const up = T0 + activeForMs + downMs;
    const g2 = group(st, YAML, { restore: true });
    const rule = g2.rules[0] as AlertingRuleRT;
    expect(rule.restored).toBe(false);
    write(st, { __name__: 'up', job: 'j' }, up, 0);
    g2.eval(up);
    write(st, { __name__: 'up', job: 'j' }, up + 15 * S, 0);
    g2.eval(up + 15 * S);
    // Not restored yet: no ALERTS written since the restart.
    expect(raw(st, 'ALERTS').flatMap((s) => s.samples).filter(([t]) => t >= up)).toEqual([]);
    g2.restoreForState(up + 20 * S);
    expect(rule.restored).toBe(true);
    write(st, { __name__: 'up', job: 'j' }, up + 30 * S, 0);
    g2.eval(up + 30 * S);
    const a = rule.activeAlerts()[0]!;
    return { activeAt: a.activeAt, now: up + 20 * S, state: a.state };
  }

  it('shifts activeAt by the downtime when enough of `for` remains', () => {
    const r = restartAfter(10 * M, 5 * M);
    expect(r.activeAt).toBe(T0 + 5 * M + 20 * S); // T0 + (restore time - last sample time)
    expect(r.state).toBe(AlertState.Pending);
  });

  it('gives the grace period when less than it remains', () => {
    const r = restartAfter(25 * M, 2 * M);
    expect(r.activeAt).toBe(r.now + 10 * M - 30 * M);
    expect(r.state).toBe(AlertState.Pending);
  });

  it('fires again at once when it was firing before the restart', () => {
    const r = restartAfter(31 * M, 2 * M);
    expect(r.activeAt).toBe(T0);
    expect(r.state).toBe(AlertState.Firing);
  });
});

class FakeClock implements Clock {
  t = T0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private id = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.id;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

describe('RuleManager and the API', () => {
  function setup(): { dir: string; file: string; clock: FakeClock; m: RuleManager; st: StorageEngine; routes: RouteTable; logs: string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-rules-'));
    dirs.push(dir);
    const file = path.join(dir, 'a.rules.yml');
    fs.writeFileSync(file, ALERTS_YAML + '  - name: rec\n    interval: 30s\n    rules:\n      - record: load:max\n        expr: max(load)\n');
    const st = store();
    const clock = new FakeClock();
    const logs: string[] = [];
    const m = new RuleManager({ query: engineQueryFunc(new Engine(), st), appendable: st, queryable: st, logger: (l, msg) => logs.push(`${l} ${msg}`), clock, watchDebounceMs: 0 });
    return { dir, file, clock, m, st, routes: new RouteTable(ruleRoutes(() => m)), logs };
  }

  async function get(routes: RouteTable, p: string, params: Record<string, string | string[]> = {}): Promise<{ status: string; data: Record<string, unknown>; error?: string; errorType?: string }> {
    const r = await routes.dispatch({ method: 'GET', path: p, params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])) });
    if (r.kind !== 'json') throw new Error('not json');
    return r.body as { status: string; data: Record<string, unknown> };
  }

  it('runs the groups on schedule, serves /api/v1/rules and /api/v1/alerts in Prometheus shapes, with filters', async () => {
    const { file, clock, m, st, routes } = setup();
    expect(m.update([file]).ok).toBe(true);
    for (let t = T0 - 5 * M; t <= T0 + 10 * M; t += 15 * S) write(st, { __name__: 'load', instance: 'a' }, t, 0.75);
    clock.advance(3 * M);
    const groups = m.ruleGroups();
    expect(groups.map((g) => g.key)).toEqual([`${file};g`, `${file};rec`]);
    expect(groups[0]!.stats.iterations).toBeGreaterThanOrEqual(3); // the global default of 1m
    expect(groups[1]!.stats.iterations).toBeGreaterThanOrEqual(5);

    const rules = await get(routes, '/api/v1/rules');
    expect(rules.status).toBe('success');
    const gs = rules.data.groups as Record<string, unknown>[];
    expect(gs).toHaveLength(2);
    expect(gs[0]).toMatchObject({ name: 'g', file, interval: 60, limit: 0 });
    const hl = (gs[0]!.rules as Record<string, unknown>[])[0]!;
    expect(Object.keys(hl)).toEqual(['state', 'name', 'query', 'labels', 'duration', 'keepFiringFor', 'annotations', 'alerts', 'health', 'evaluationTime', 'lastEvaluation', 'type']);
    expect(hl).toMatchObject({ state: 'firing', name: 'HighLoad', query: 'load > 0.5', duration: 120, keepFiringFor: 0, health: 'ok', type: 'alerting' });
    expect(hl.labels).toEqual({ severity: 'page', instance_upper: '{{ $labels.instance | toUpper }}' });
    expect(hl.alerts).toEqual([
      {
        labels: { alertname: 'HighLoad', instance: 'a', instance_upper: 'A', severity: 'page' },
        annotations: { summary: 'load of a is 75% in ' },
        state: 'firing',
        activeAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        value: '7.5e-01',
      },
    ]);
    const rec = (gs[1]!.rules as Record<string, unknown>[])[0]!;
    expect(rec).toMatchObject({ name: 'load:max', query: 'max(load)', labels: {}, health: 'ok', type: 'recording' });
    expect('lastError' in rec).toBe(false);

    expect(((await get(routes, '/api/v1/rules', { type: 'record' })).data.groups as { name: string }[]).map((g) => g.name)).toEqual(['rec']);
    expect(((await get(routes, '/api/v1/rules', { type: 'alert' })).data.groups as { name: string }[]).map((g) => g.name)).toEqual(['g']);
    const byName = (await get(routes, '/api/v1/rules', { 'rule_name[]': 'Sticky' })).data.groups as { rules: { name: string }[] }[];
    expect(byName.flatMap((g) => g.rules.map((r) => r.name))).toEqual(['Sticky']);
    expect(((await get(routes, '/api/v1/rules', { 'rule_group[]': 'rec' })).data.groups as unknown[]).length).toBe(1);
    expect(((await get(routes, '/api/v1/rules', { 'file[]': '/nope.yml' })).data.groups as unknown[]).length).toBe(0);
    const ex = (await get(routes, '/api/v1/rules', { exclude_alerts: 'true', type: 'alert' })).data.groups as { rules: { alerts: unknown }[] }[];
    expect(ex[0]!.rules[0]!.alerts).toBeNull();
    const bad = await get(routes, '/api/v1/rules', { type: 'x' });
    expect(bad).toMatchObject({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "type": not supported value "x"' });

    const alerts = (await get(routes, '/api/v1/alerts')).data.alerts as { labels: { alertname: string }; state: string }[];
    expect(alerts.map((a) => [a.labels.alertname, a.state])).toEqual([
      ['HighLoad', 'firing'],
      ['Sticky', 'firing'],
    ]);
    expect(m.selfMetrics()).toContain(`prometheus_rule_group_rules{rule_group="${file};g"} 2`);
    expect(m.selfMetrics()).toMatch(new RegExp(`prometheus_rule_evaluations_total\\{rule_group="${file.replace(/[.]/g, '\\.')};rec"\\} [1-9]`));
    expect(raw(st, 'load:max')[0]!.samples.length).toBeGreaterThanOrEqual(5);
    m.stop();
  });

  it('reloads: keeps alert state of changed groups, keeps the old rules when a file does not load, marks removed groups stale', async () => {
    const { file, clock, m, st, routes, logs } = setup();
    m.update([file]);
    for (let t = T0 - 5 * M; t <= T0 + 10 * M; t += 15 * S) write(st, { __name__: 'load', instance: 'a' }, t, 0.75);
    clock.advance(90 * S);
    const before = (m.ruleGroups()[0]!.rules[0] as AlertingRuleRT).activeAlerts()[0]!;
    // Change the group (an annotation): the new group takes over the alert with its activeAt.
    fs.writeFileSync(file, ALERTS_YAML.replace('load of', 'LOAD of'));
    expect(m.update([file]).ok).toBe(true);
    expect(m.ruleGroups().map((g) => g.name)).toEqual(['g']);
    const after = (m.ruleGroups()[0]!.rules[0] as AlertingRuleRT).activeAlerts()[0]!;
    expect(after.activeAt).toBe(before.activeAt);
    clock.advance(60 * S);
    expect(((await get(routes, '/api/v1/alerts')).data.alerts as { annotations: { summary?: string } }[])[0]!.annotations.summary).toMatch(/^LOAD of a/);
    // The removed group's recorded series got a staleness marker.
    const recSeries = raw(st, 'load:max')[0]!.samples;
    expect(recSeries[recSeries.length - 1]![1]).toBe('stale');
    // A broken file: errors with file:line:col, and the running rules stay.
    fs.writeFileSync(file, 'groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: sum(\n');
    const r = m.update([file]);
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:5:15: could not parse expression`));
    expect(logs.some((l) => l.startsWith('error loading rule files failed, the previous rules are kept') && l.includes(`${file}:5:15`))).toBe(true);
    expect(m.ruleGroups()[0]!.rules.map((x) => x.name)).toEqual(['HighLoad', 'Sticky']);
    m.stop();
  });

  it('reloads when a watched rule file changes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-watch-'));
    dirs.push(dir);
    const file = path.join(dir, 'w.yml');
    fs.writeFileSync(file, 'groups:\n  - name: one\n    rules:\n      - record: a\n        expr: vector(1)\n');
    const st = store();
    const m = new RuleManager({ query: engineQueryFunc(new Engine(), st), appendable: st, queryable: st, logger: nopLogger, watchDebounceMs: 50 });
    const cfg = { ruleFiles: [path.join(dir, '*.yml')], global: { evaluationInterval: 15_000, ruleQueryOffset: 0, externalLabels: [] } } as unknown as Parameters<RuleManager['applyConfig']>[0];
    expect(m.applyConfig(cfg).ok).toBe(true);
    expect(m.ruleGroups().map((g) => g.name)).toEqual(['one']);
    fs.writeFileSync(file, 'groups:\n  - name: two\n    rules:\n      - record: b\n        expr: vector(2)\n');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && m.ruleGroups()[0]?.name !== 'two') await new Promise((r) => setTimeout(r, 20));
    expect(m.ruleGroups().map((g) => g.name)).toEqual(['two']);
    m.stop();
  });
});
