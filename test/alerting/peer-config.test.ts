/**
 * Peer tests of the loader and the router against amtool 0.25: `amtool check-config` and Vigil
 * agree on a table of alertmanager.yml files (Vigil names the line of what is broken), the route
 * tree amtool prints has Vigil's matchers, continue flags and receivers, and `amtool config routes
 * test` sends label sets to the receivers Vigil's matchRoutes picks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AlertmanagerConfigError, loadAlertmanagerConfig, walkRoutes } from '../../src/main/alerting/config';
import { formatMatchers } from '../../src/main/alerting/matchers';
import { matchRoutes } from '../../src/main/alerting/route';
import type { AlertmanagerFile, RouteNode } from '../../src/main/alerting/types';
import { amtool } from './alertmanager-peer';
import { TEST_TYPES } from './testtypes';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-peer-'));
  fs.mkdirSync(path.join(dir, 'tmpl'));
  fs.writeFileSync(path.join(dir, 'tmpl', 'a.tmpl'), '{{ define "my.title" }}[{{ .Status }}] {{ .GroupLabels.alertname }}{{ end }}');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(text: string): string {
  const f = path.join(dir, `am-${n++}.yml`);
  fs.writeFileSync(f, text);
  return f;
}

function vigil(text: string, file: string): { ok: true; cfg: AlertmanagerFile } | { ok: false; err: AlertmanagerConfigError } {
  try {
    return { ok: true, cfg: loadAlertmanagerConfig(text, file, { integrationTypes: TEST_TYPES }) };
  } catch (e) {
    if (e instanceof AlertmanagerConfigError) return { ok: false, err: e };
    throw e;
  }
}

const FULL = `
global:
  resolve_timeout: 2m
  smtp_smarthost: 'mail.example.org:587'
  smtp_from: 'am@example.org'
  smtp_require_tls: false
  slack_api_url: 'https://hooks.example.org/x'
templates: ['tmpl/*.tmpl']
route:
  receiver: default
  group_by: [alertname, cluster]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 3h
  routes:
  - matchers: ['team="db"', 'severity=~"crit|page"']
    receiver: db
    continue: true
    mute_time_intervals: [nights]
    routes:
    - match: {env: prod}
      match_re: {service: "^(pg|mysql).*"}
      receiver: db-pager
      active_time_intervals: [office]
  - matchers: ['{team="web", env!="dev"}']
    receiver: web
    group_by: ['...']
  - receiver: web
    matchers: ['quote="a \\"b\\", c"']
receivers:
- name: default
- name: db
  webhook_configs:
  - url: 'http://127.0.0.1:9/db'
    send_resolved: false
- name: db-pager
  pagerduty_configs:
  - routing_key: abc123
- name: web
  webhook_configs:
  - url: 'https://example.org/hook'
inhibit_rules:
- source_match: {severity: critical}
  target_match_re: {severity: "warn.*"}
  equal: [alertname]
- source_matchers: ['alertname="ClusterDown"']
  target_matchers: ['alertname!="ClusterDown"']
  equal: [cluster]
mute_time_intervals:
- name: nights
  time_intervals:
  - times: [{start_time: '00:00', end_time: '06:00'}]
    location: Europe/Berlin
time_intervals:
- name: office
  time_intervals:
  - weekdays: ['monday:friday']
    days_of_month: ['1:-1']
    months: ['january:december']
    years: ['2020:2040']
`;

const VALID: [string, string][] = [
  ['minimal', 'route:\n  receiver: a\nreceivers:\n- name: a\n'],
  ['full', FULL],
  ['anchors and merge keys', `
receivers:
- name: a
  webhook_configs:
  - &hook
    url: "http://127.0.0.1:9/x"
  - <<: *hook
    send_resolved: false
route:
  receiver: a
`],
  ['http_config', 'global:\n  http_config:\n    follow_redirects: false\n    tls_config: {insecure_skip_verify: true}\n    proxy_url: "ftp//x"\nroute:\n  receiver: a\nreceivers:\n- name: a\n'],
  ['several YAML documents (the first counts)', '---\nroute:\n  receiver: a\nreceivers:\n- name: a\n---\nfoo: bar\n'],
  ['month numbers out of range', 'route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: x\n  time_intervals:\n  - months: ["13", "0:12"]\n'],
  ['empty sections', 'global:\nroute:\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules: []\ntemplates: []\n'],
];

// [name, text, line Vigil must name]
const BROKEN: [string, string, number][] = [
  ['unknown route field', 'route:\n  receiver: a\n  recevier: b\nreceivers:\n- name: a\n', 3],
  ['undefined receiver', 'route:\n  receiver: a\n  routes:\n  - receiver: b\nreceivers:\n- name: a\n', 4],
  ['root matchers', 'route:\n  receiver: a\n  matchers: [\'x="y"\']\nreceivers:\n- name: a\n', 3],
  ['bad matcher', 'route:\n  receiver: a\n  routes:\n  - matchers: [\'x~y\']\nreceivers:\n- name: a\n', 4],
  ['bad match_re', 'route:\n  receiver: a\n  routes:\n  - match_re:\n      x: "(("\nreceivers:\n- name: a\n', 5],
  ['duplicate receiver', 'route:\n  receiver: a\nreceivers:\n- name: a\n- name: a\n', 5],
  ['unknown time interval', 'route:\n  receiver: a\n  routes:\n  - mute_time_intervals: [x]\nreceivers:\n- name: a\n', 4],
  ['bad weekday', 'route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: x\n  time_intervals:\n  - weekdays: [caturday]\n', 8],
  ['bad duration', 'route:\n  receiver: a\n  group_wait: 10x\nreceivers:\n- name: a\n', 3],
  ['receiver without name', 'route:\n  receiver: a\nreceivers:\n- name: a\n- webhook_configs: []\n', 5],
  ['wildcard and labels', 'route:\n  receiver: a\n  group_by: [\'...\', x]\nreceivers:\n- name: a\n', 3],
  ['yaml syntax', 'route:\n  receiver: a\n receivers:\n- name: a\n', 3],
  ['bad location', 'route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: x\n  time_intervals:\n  - location: Not/AZone\n', 8],
  ['root continue', 'route:\n  receiver: a\n  continue: true\nreceivers:\n- name: a\n', 3],
  ['smarthost without port', 'global:\n  smtp_smarthost: mail.example.org\nroute:\n  receiver: a\nreceivers:\n- name: a\n', 2],
  ['no route', 'receivers:\n- name: a\n', 0],
  ['root without receiver', 'route:\n  group_by: [a]\nreceivers:\n- name: a\n', 1],
  ['unknown receiver field', 'route:\n  receiver: a\nreceivers:\n- name: a\n  hipchat_configs: []\n', 5],
  ['bad webhook url', 'route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: "ftp://x/y"\n', 6],
  ['bad equal label', 'route:\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules:\n- equal: ["a-b"]\n', 6],
  ['group_by invalid label', 'route:\n  receiver: a\n  group_by: ["a.b"]\nreceivers:\n- name: a\n', 3],
  ['bearer token twice', 'global:\n  http_config:\n    bearer_token: a\n    bearer_token_file: b\nroute:\n  receiver: a\nreceivers:\n- name: a\n', 4],
  ['basic auth and bearer', 'global:\n  http_config:\n    basic_auth: {username: u, password: p}\n    bearer_token: x\nroute:\n  receiver: a\nreceivers:\n- name: a\n', 2],
  ['unknown basic_auth field', 'global:\n  http_config:\n    basic_auth:\n      usr: u\nroute:\n  receiver: a\nreceivers:\n- name: a\n', 4],
  ['authorization type basic', 'global:\n  http_config:\n    authorization:\n      type: Basic\nroute:\n  receiver: a\nreceivers:\n- name: a\n', 4],
  ['templates not a list', 'templates: x\nroute:\n  receiver: a\nreceivers:\n- name: a\n', 1],
  ['matchers not a list', 'route:\n  receiver: a\n  routes:\n  - matchers: \'a="b"\'\nreceivers:\n- name: a\n', 4],
  ['continue as a string', 'route:\n  receiver: a\n  routes:\n  - continue: "true"\nreceivers:\n- name: a\n', 4],
  ['time without leading zero', 'route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: x\n  time_intervals:\n  - times:\n    - start_time: "9:00"\n      end_time: "10:00"\n', 9],
  ['duplicate route key', 'route:\n  receiver: a\n  receiver: b\nreceivers:\n- name: a\n', 3],
  ['null match_re value', 'route:\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules:\n- source_match_re:\n    a: ~\n', 7],
  ['negative duration', 'route:\n  receiver: a\n  group_wait: -1s\nreceivers:\n- name: a\n', 3],
  ['zero repeat_interval', 'route:\n  receiver: a\n  repeat_interval: 0s\nreceivers:\n- name: a\n', 3],
];

describe('amtool check-config and the loader agree', () => {
  it.each(VALID)('valid: %s', async (_name, text) => {
    const f = write(text);
    const am = await amtool(['check-config', f]);
    expect(am.stdout).toContain('SUCCESS');
    expect(am.code).toBe(0);
    const v = vigil(text, f);
    if (!v.ok) throw new Error(`Vigil rejected what amtool accepts:\n${v.err.message}`);
    expect(v.cfg.receivers.size).toBeGreaterThan(0);
  });

  it('the full file: templates found, unsupported receivers warned about', () => {
    const v = vigil(FULL, path.join(dir, 'full.yml'));
    if (!v.ok) throw v.err;
    expect(v.cfg.templates).toEqual([path.join(dir, 'tmpl', 'a.tmpl')]);
    expect(v.cfg.warnings.map((w) => w.path)).toEqual(['receivers[2].pagerduty_configs']);
    expect(v.cfg.inhibitRules).toHaveLength(2);
    expect([...v.cfg.timeIntervals.keys()]).toEqual(['nights', 'office']);
  });

  it.each(BROKEN)('broken: %s', async (_name, text, line) => {
    const f = write(text);
    const am = await amtool(['check-config', f]);
    expect(am.stdout).toContain('FAILED');
    expect(am.code).not.toBe(0);
    const v = vigil(text, f);
    if (v.ok) throw new Error(`Vigil accepted what amtool rejects: ${am.stdout}`);
    if (line > 0) expect(v.err.problems.map((p) => p.line)).toContain(line);
    expect(v.err.message).toContain(f);
  });
});

/** amtoolSlugs reads `amtool config routes` output into one slug per node, depth-first. */
function amtoolSlugs(out: string): string[] {
  return out
    .split('\n')
    .slice(1)
    .map((l) => l.replace(/^[\s│├└─.]+/u, '').trimEnd())
    .filter((l) => l !== '');
}

function vigilSlugs(root: RouteNode): string[] {
  const out: string[] = [];
  walkRoutes(root, (r) => {
    let s = r.matchers.length === 0 ? 'default-route' : formatMatchers(r.matchers);
    if (r.continue) s += '  continue: true';
    out.push(`${s}  receiver: ${r.receiver}`);
  });
  return out;
}

const ROUTING = `
route:
  receiver: default
  routes:
  - matchers: ['team="db"']
    receiver: db
    continue: true
    routes:
    - matchers: ['severity=~"page|crit.*"']
      receiver: db-pager
    - match: {env: staging}
      receiver: db-staging
  - matchers: ['team=~"db|web"', 'env!="dev"']
    receiver: dev
    continue: true
  - matchers: ['team="web"']
    receiver: web
  - match_re: {service: "api-.*"}
    receiver: api
    routes:
    - matchers: ['env="prod"', 'region!~"eu-.*"']
      receiver: api-prod-us
  - matchers: ['msg="x\\\\y", quote="a\\"b"']
    receiver: odd
receivers: [{name: default}, {name: db}, {name: db-pager}, {name: db-staging}, {name: dev}, {name: web}, {name: api}, {name: api-prod-us}, {name: odd}]
`;

const LABEL_SETS: Record<string, string>[] = [
  {},
  { team: 'db' },
  { team: 'db', severity: 'page' },
  { team: 'db', severity: 'critical', env: 'dev' },
  { team: 'db', env: 'staging' },
  { team: 'web', env: 'prod' },
  { team: 'web', env: 'dev' },
  { service: 'api-gw', env: 'prod', region: 'us-east' },
  { service: 'api-gw', env: 'prod', region: 'eu-west' },
  { service: 'xapi-gw' },
  { team: 'other', service: 'api-x' },
];

describe('routing agrees with amtool config routes', () => {
  it('prints the same route tree (matchers, continue, receivers)', async () => {
    const f = write(ROUTING);
    const am = await amtool(['config', 'routes', `--config.file=${f}`]);
    expect(am.code).toBe(0);
    const v = vigil(ROUTING, f);
    if (!v.ok) throw v.err;
    expect(vigilSlugs(v.cfg.route)).toEqual(amtoolSlugs(am.stdout));
    // And the full file's tree, with match_re's anchored form.
    const f2 = write(FULL);
    const am2 = await amtool(['config', 'routes', `--config.file=${f2}`]);
    const v2 = vigil(FULL, f2);
    if (!v2.ok) throw v2.err;
    expect(vigilSlugs(v2.cfg.route)).toEqual(amtoolSlugs(am2.stdout));
  });

  it.each(LABEL_SETS.map((l) => [JSON.stringify(l), l] as const))('routes %s to the same receivers', async (_s, labels) => {
    const f = path.join(dir, 'routing.yml');
    if (!fs.existsSync(f)) fs.writeFileSync(f, ROUTING);
    const am = await amtool(['config', 'routes', 'test', `--config.file=${f}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    expect(am.code).toBe(0);
    const v = vigil(ROUTING, f);
    if (!v.ok) throw v.err;
    const got = matchRoutes(v.cfg.route, labels).map((r) => r.receiver).join(',');
    expect(got).toBe(am.stdout.trim().split('\n').pop());
  });
});

const GOOD_MATCHERS = [
  'foo=bar',
  '{foo = "bar", dings != "bums", }',
  'foo=bar,dings!=bums',
  'quote="She said: \\"Hi, ladies! That\'s gender-neutral…\\""',
  'statuscode=~"5.."',
  'a=~"x,y"',
  'x="a\\nb\\\\c\\q"',
  'x=unquoted value with spaces',
  'job:rate=~"a|b"',
  'a=',
  'a!~"(?i)foo"',
  '{a="1"}',
  'a="é ü"',
  'a = "b" , c = d',
  'a="trailing\\\\"',
  'b!="x\\\\"',
];

const BAD_MATCHERS = ['a~b', 'a="b"c"', 'a="b', 'a=~"("', '1a=b', 'a=~"(?=x)"', 'a=~"x{2,1}"', 'a=~"[z-a]"', '=b', 'a=~"x**"'];

const yamlQuote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

describe('matcher strings agree with Alertmanager', () => {
  it('parses and prints the good ones as amtool does', async () => {
    const text = `route:\n  receiver: a\n  routes:\n${GOOD_MATCHERS.map((m) => `  - matchers: [${yamlQuote(m)}]\n`).join('')}receivers:\n- name: a\n`;
    const f = write(text);
    const am = await amtool(['config', 'routes', `--config.file=${f}`]);
    expect(am.code).toBe(0);
    const v = vigil(text, f);
    if (!v.ok) throw v.err;
    expect(vigilSlugs(v.cfg.route)).toEqual(amtoolSlugs(am.stdout));
  });

  it.each(BAD_MATCHERS)('both reject %s, Vigil naming the line', async (m) => {
    const text = `route:\n  receiver: a\n  routes:\n  - receiver: a\n    matchers:\n    - ${yamlQuote(m)}\nreceivers:\n- name: a\n`;
    const f = write(text);
    const am = await amtool(['check-config', f]);
    expect(am.code).not.toBe(0);
    const v = vigil(text, f);
    if (v.ok) throw new Error(`Vigil accepted ${m}; amtool: ${am.stdout}`);
    expect(v.err.problems).toHaveLength(1);
    expect(v.err.problems[0]).toMatchObject({ path: 'route.routes[0].matchers[0]', line: 6 });
  });
});

describe("Debian's packaged alertmanager.yml", () => {
  const FILE = '/etc/prometheus/alertmanager.yml';
  it('loads in both, with the same route tree and routing', async () => {
    const text = fs.readFileSync(FILE, 'utf8');
    const am = await amtool(['check-config', FILE]);
    expect(am.code).toBe(0);
    const v = vigil(text, FILE);
    if (!v.ok) throw v.err;
    const tree = await amtool(['config', 'routes', `--config.file=${FILE}`]);
    expect(vigilSlugs(v.cfg.route)).toEqual(amtoolSlugs(tree.stdout));
    const sets: Record<string, string>[] = [{ service: 'foo1', severity: 'critical' }, { service: 'files' }, { service: 'database', owner: 'team-Y' }, { service: 'baz2' }];
    for (const labels of sets) {
      const r = await amtool(['config', 'routes', 'test', `--config.file=${FILE}`, ...Object.entries(labels).map(([k, x]) => `${k}=${x}`)]);
      expect(matchRoutes(v.cfg.route, labels).map((x) => x.receiver).join(',')).toBe(r.stdout.trim().split('\n').pop());
    }
  });
});
