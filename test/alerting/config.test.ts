import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AlertmanagerConfigError, loadAlertmanagerConfig, loadAlertmanagerConfigFile, walkRoutes } from '../../src/main/alerting/config';
import { containsTime, type TimeInterval } from '../../src/main/alerting/timeinterval';
import type { RouteNode } from '../../src/main/alerting/types';
import { TEST_TYPES } from './testtypes';

const load = (text: string, file = '/tmp/vigil-am-test/alertmanager.yml') => loadAlertmanagerConfig(text, file, { integrationTypes: TEST_TYPES });

function problemsOf(text: string): { path: string; line?: number; message: string }[] {
  try {
    load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(AlertmanagerConfigError);
    return (e as AlertmanagerConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadAlertmanagerConfig: defaults and inheritance', () => {
  it('fills the global and route defaults', () => {
    const c = load('route:\n  receiver: a\nreceivers:\n- name: a\n');
    expect(c.global.resolveTimeoutMs).toBe(5 * 60_000);
    expect(c.global.smtpRequireTls).toBe(true);
    expect(c.global.smtpHello).toBe('localhost');
    expect(c.route).toMatchObject({ id: '{}', key: '{}', receiver: 'a', groupBy: [], groupByAll: false, groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 4 * 3600_000, continue: false });
    expect([...c.receivers.keys()]).toEqual(['a']);
    expect(c.text).toContain('receiver: a');
  });

  it('children inherit receiver, grouping and timers, but not continue or time intervals', () => {
    const c = load(`
global:
  resolve_timeout: 1m
route:
  receiver: root
  group_by: [alertname, cluster]
  group_wait: 10s
  repeat_interval: 1h
  routes:
  - matchers: ['team="db"']
    group_interval: 2m
    continue: true
    mute_time_intervals: [night]
    routes:
    - match: {severity: page}
      receiver: pager
  - matchers: ['team="web"']
    group_by: ['...']
  - matchers: ['team="ops"']
    group_by: []
time_intervals:
- name: night
  time_intervals:
  - times: [{start_time: "00:00", end_time: "06:00"}]
receivers:
- name: root
- name: pager
`);
    expect(c.global.resolveTimeoutMs).toBe(60_000);
    const [db, web, ops] = c.route.routes as [RouteNode, RouteNode, RouteNode];
    expect(db).toMatchObject({ receiver: 'root', groupBy: ['alertname', 'cluster'], groupWaitMs: 10_000, groupIntervalMs: 120_000, repeatIntervalMs: 3600_000, continue: true, muteTimeIntervals: ['night'] });
    const pager = db.routes[0]!;
    expect(pager).toMatchObject({ receiver: 'pager', groupIntervalMs: 120_000, groupWaitMs: 10_000, continue: false, muteTimeIntervals: [] });
    expect(web.groupByAll).toBe(true);
    // An empty group_by list inherits, as dispatch.NewRoute only replaces a non-nil list.
    expect(ops).toMatchObject({ groupBy: ['alertname', 'cluster'], groupByAll: false });
    expect(c.timeIntervals.has('night')).toBe(true);
    const night = c.timeIntervals.get('night') as TimeInterval[];
    expect(containsTime(night[0]!, Date.UTC(2024, 0, 1, 3, 0))).toBe(true);
    expect(containsTime(night[0]!, Date.UTC(2024, 0, 1, 7, 0))).toBe(false);
  });

  it("builds Alertmanager's route ids and keys from sorted matchers (match, match_re and matchers together)", () => {
    const c = load(`
route:
  receiver: a
  routes:
  - matchers: ['b="2"', 'a=~"x|y"']
    match: {c: "3"}
    routes:
    - match_re: {d: "e.*"}
    - matchers: ['q!="w\\"x"']
  - receiver: a
receivers: [{name: a}]
`);
    const ids: string[] = [];
    const keys: string[] = [];
    walkRoutes(c.route, (r) => {
      ids.push(r.id);
      keys.push(r.key);
    });
    expect(ids).toEqual([
      '{}',
      '{}/{a=~"x|y",b="2",c="3"}/0',
      '{}/{a=~"x|y",b="2",c="3"}/0/{d=~"^(?:e.*)$"}/0',
      '{}/{a=~"x|y",b="2",c="3"}/0/{q!="w\\"x"}/1',
      '{}/{}/1',
    ]);
    expect(keys[2]).toBe('{}/{a=~"x|y",b="2",c="3"}/{d=~"^(?:e.*)$"}');
    expect(keys[4]).toBe('{}/{}');
  });

  it('parses receivers through the integration types and warns about unsupported ones, naming the receiver', () => {
    const c = load(`
route: {receiver: team}
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:9/hook
    send_resolved: false
  - url: https://example.invalid/x
  pagerduty_configs:
  - routing_key: abc
`);
    const r = c.receivers.get('team')!;
    expect(r.integrations.map((i) => [i.type.name, i.index, i.config])).toEqual([
      ['webhook', 0, { url: 'http://127.0.0.1:9/hook', sendResolved: false }],
      ['webhook', 1, { url: 'https://example.invalid/x', sendResolved: true }],
    ]);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatchObject({ path: 'receivers[0].pagerduty_configs', line: 9 });
    expect(c.warnings[0]!.message).toContain('"team"');
    expect(c.warnings[0]!.message).toContain('pagerduty_configs');
  });

  it('resolves templates relative to the file, through globs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-tmpl-'));
    try {
      fs.mkdirSync(path.join(dir, 't'));
      for (const f of ['a.tmpl', 'b.tmpl', 'c.txt']) fs.writeFileSync(path.join(dir, 't', f), '{{ define "x" }}x{{ end }}');
      const c = load("route: {receiver: a}\nreceivers: [{name: a}]\ntemplates: ['t/*.tmpl', 't/missing.tmpl']\n", path.join(dir, 'alertmanager.yml'));
      expect(c.templates).toEqual([path.join(dir, 't', 'a.tmpl'), path.join(dir, 't', 'b.tmpl')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads inhibit rules with the deprecated and the new matchers', () => {
    const c = load(`
route: {receiver: a}
receivers: [{name: a}]
inhibit_rules:
- source_match: {severity: critical}
  target_match_re: {severity: "warn.*"}
  target_matchers: ['team!="x"']
  equal: [alertname, cluster]
`);
    expect(c.inhibitRules).toEqual([
      {
        sourceMatchers: [{ name: 'severity', type: '=', value: 'critical' }],
        targetMatchers: [
          { name: 'severity', type: '=~', value: '^(?:warn.*)$' },
          { name: 'team', type: '!=', value: 'x' },
        ],
        equal: ['alertname', 'cluster'],
      },
    ]);
  });
});

describe('loadAlertmanagerConfig: problems', () => {
  it('reports every problem with its path and line at once', () => {
    const ps = problemsOf(`route:
  receiver: nobody
  group_wait: 5x
  routes:
  - matchers: ['a=~"("']
    bogus: 1
  - group_by: ['...', x]
receivers:
- name: a
- name: a
- webhook_configs: []
`);
    const got = ps.map((p) => [p.path, p.line, p.message]);
    expect(got).toContainEqual(['receivers[1].name', 10, 'notification config name "a" is not unique']);
    expect(got).toContainEqual(['receivers[2]', 11, 'missing name in receiver']);
    expect(got).toContainEqual(['route.group_wait', 3, 'not a valid duration string: "5x"']);
    expect(got).toContainEqual(['route.routes[0]', 6, 'field bogus not found in type config.plain']);
    expect(got).toContainEqual(['route.routes[1].group_by', 7, 'cannot have wildcard group_by (`...`) and other other labels at the same time']);
    expect(got).toContainEqual(['route.receiver', 2, 'undefined receiver "nobody" used in route']);
    const re = ps.find((p) => p.path === 'route.routes[0].matchers[0]')!;
    expect(re.line).toBe(5);
    expect(re.message).toMatch(/missing closing \)/);
    expect(re.message).toContain('a=~"("');
  });

  it.each([
    ['no route', 'receivers: [{name: a}]\n', 'route', 'no route provided in config'],
    ['empty file', '', 'route', 'no route provided in config'],
    ['root without receiver', 'route: {group_wait: 1s}\nreceivers: [{name: a}]\n', 'route', 'root route must specify a default receiver'],
    ['root with matchers', 'route: {receiver: a, matchers: [\'a="b"\']}\nreceivers: [{name: a}]\n', 'route.matchers', 'root route must not have any matchers'],
    ['root with match', 'route: {receiver: a, match: {a: b}}\nreceivers: [{name: a}]\n', 'route.match', 'root route must not have any matchers'],
    ['root continue', 'route: {receiver: a, continue: true}\nreceivers: [{name: a}]\n', 'route.continue', 'cannot have continue in root route'],
    ['root mute intervals', 'route: {receiver: a, mute_time_intervals: [x]}\nreceivers: [{name: a}]\ntime_intervals: [{name: x}]\n', 'route.mute_time_intervals', 'root route must not have any mute time intervals'],
    ['unknown top key', 'route: {receiver: a}\nreceivers: [{name: a}]\nfoo: 1\n', '', 'field foo not found in type config.plain'],
    ['unknown receiver key', 'route: {receiver: a}\nreceivers: [{name: a, foo_configs: []}]\n', 'receivers[0]', 'field foo_configs not found in type config.plain'],
    ['undefined interval', 'route:\n  receiver: a\n  routes: [{active_time_intervals: [x]}]\nreceivers: [{name: a}]\n', 'route.routes[0].active_time_intervals[0]', 'undefined time interval "x" used in route'],
    ['duplicate interval', 'route: {receiver: a}\nreceivers: [{name: a}]\nmute_time_intervals: [{name: x}]\ntime_intervals: [{name: x}]\n', 'time_intervals[0].name', 'time interval "x" is not unique'],
    ['zero group_interval', 'route: {receiver: a, group_interval: 0s}\nreceivers: [{name: a}]\n', 'route.group_interval', 'group_interval cannot be zero'],
    ['bad group_by label', 'route: {receiver: a, group_by: ["a-b"]}\nreceivers: [{name: a}]\n', 'route.group_by[0]', 'invalid label name "a-b" in group_by list'],
    ['duplicate group_by', 'route: {receiver: a, group_by: [x, x]}\nreceivers: [{name: a}]\n', 'route.group_by[1]', 'duplicated label "x" in group_by'],
    ['bad match label', 'route:\n  receiver: a\n  routes: [{match: {"a b": c}}]\nreceivers: [{name: a}]\n', 'route.routes[0].match.a b', 'invalid label name "a b"'],
    ['bad smarthost', 'global: {smtp_smarthost: "mail.example.org"}\nroute: {receiver: a}\nreceivers: [{name: a}]\n', 'global.smtp_smarthost', 'address mail.example.org: missing port in address'],
    ['bad slack url', 'global: {slack_api_url: "ftp://x/y"}\nroute: {receiver: a}\nreceivers: [{name: a}]\n', 'global.slack_api_url', 'unsupported scheme "ftp" for URL'],
    ['bad equal label', 'route: {receiver: a}\nreceivers: [{name: a}]\ninhibit_rules: [{equal: ["a.b"]}]\n', 'inhibit_rules[0].equal[0]', '"a.b" is not a valid label name'],
    ['bad weekday', 'route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals: [{name: x, time_intervals: [{weekdays: [funday]}]}]\n', 'time_intervals[0].time_intervals[0].weekdays[0]', 'funday is not a valid weekday'],
    ['bad location', 'route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals: [{name: x, time_intervals: [{location: Mars/Base}]}]\n', 'time_intervals[0].time_intervals[0].location', 'unknown time zone Mars/Base'],
    ['integration problem', 'route: {receiver: a}\nreceivers:\n- name: a\n  webhook_configs:\n  - url: nope\n', 'receivers[0].webhook_configs[0].url', 'one of url or url_file must be configured'],
    ['duplicate key', 'route: {receiver: a}\nroute: {receiver: a}\nreceivers: [{name: a}]\n', '', 'mapping key "route" already defined at line 1'],
  ])('%s', (_name, text, p, message) => {
    const ps = problemsOf(text);
    expect(ps.map((x) => [x.path, x.message])).toContainEqual([p, message]);
    const hit = ps.find((x) => x.path === p && x.message === message)!;
    if (text.trim() !== '' && p !== 'route') expect(hit.line).toBeGreaterThan(0);
  });

  it('names the line of a YAML syntax error and the file in the message', () => {
    try {
      load('route:\n  receiver: a\n   bad: [\n', '/etc/am/alertmanager.yml');
      throw new Error('not rejected');
    } catch (e) {
      const err = e as AlertmanagerConfigError;
      expect(err.problems.length).toBeGreaterThan(0);
      expect(err.problems[0]!.line).toBeGreaterThanOrEqual(2);
      expect(err.message).toMatch(/^\/etc\/am\/alertmanager\.yml:\d+: /);
    }
  });

  it('an unreadable file is a problem naming it', () => {
    expect(() => loadAlertmanagerConfigFile('/nonexistent/alertmanager.yml')).toThrow(/^\/nonexistent\/alertmanager\.yml: cannot read the file: ENOENT/);
  });
});
