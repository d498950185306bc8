import { describe, expect, it } from 'vitest';
import { loadAlertmanagerConfig } from '../../src/main/alerting/config';
import { findRoute, formatLabelSet, groupKey, groupLabels, matchRoutes } from '../../src/main/alerting/route';

const cfg = loadAlertmanagerConfig(
  `
route:
  receiver: default
  group_by: [alertname]
  routes:
  - matchers: ['team="db"']
    receiver: db
    continue: true
    routes:
    - matchers: ['severity="page"']
      receiver: db-pager
  - matchers: ['team=~"db|web"']
    receiver: dev
    group_by: ['...']
  - matchers: ['team="web"']
    receiver: never
  - matchers: ['env!="prod"']
    receiver: staging
    group_by: [cluster, alertname]
receivers: [{name: default}, {name: db}, {name: db-pager}, {name: dev}, {name: never}, {name: staging}]
`,
  '',
);

const receivers = (labels: Record<string, string>) => matchRoutes(cfg.route, labels).map((r) => r.receiver);

describe('matchRoutes', () => {
  it('walks depth-first, stops at the first match unless continue, and falls back to the parent', () => {
    expect(receivers({ team: 'db', severity: 'page', env: 'prod' })).toEqual(['db-pager', 'dev']);
    expect(receivers({ team: 'db', env: 'prod' })).toEqual(['db', 'dev']);
    expect(receivers({ team: 'web', env: 'prod' })).toEqual(['dev']);
    expect(receivers({ env: 'prod' })).toEqual(['default']);
    // A missing env label is "" which is != "prod".
    expect(receivers({})).toEqual(['staging']);
  });

  it('finds routes by id', () => {
    const r = matchRoutes(cfg.route, { team: 'db', severity: 'page', env: 'prod' })[0]!;
    expect(r.id).toBe('{}/{team="db"}/0/{severity="page"}/0');
    expect(findRoute(cfg.route, r.id)).toBe(r);
    expect(findRoute(cfg.route, 'nope')).toBeNull();
  });
});

describe('group labels and keys', () => {
  it('groups by the route group_by (only labels present) or by every label for ...', () => {
    const staging = matchRoutes(cfg.route, { alertname: 'A', env: 'dev', instance: 'i' })[0]!;
    expect(groupLabels(staging, { alertname: 'A', env: 'dev', instance: 'i' })).toEqual({ alertname: 'A' });
    const dev = matchRoutes(cfg.route, { team: 'web', env: 'prod', alertname: 'B' })[0]!;
    expect(groupLabels(dev, { team: 'web', env: 'prod', alertname: 'B' })).toEqual({ alertname: 'B', env: 'prod', team: 'web' });
  });

  it("builds Alertmanager's group key `{route key}:{labels}`", () => {
    const r = matchRoutes(cfg.route, { team: 'db', severity: 'page', env: 'prod' })[0]!;
    expect(groupKey(r, { alertname: 'Disk"Full', cluster: 'c\n1' })).toBe('{}/{team="db"}/{severity="page"}:{alertname="Disk\\"Full", cluster="c\\n1"}');
    expect(groupKey(cfg.route, {})).toBe('{}:{}');
    expect(formatLabelSet({ b: '2', a: '1' })).toBe('{a="1", b="2"}');
  });
});
