/**
 * The alerting UI in serve mode, against `vigil serve --demo` with a rule file, an alertmanager.yml
 * and a webhook receiver of the test's own on loopback: the alerts page (grouped, annotations, the
 * rule link, inhibition, the cluster and text filters), a silence made from an alert (pre-filled,
 * previewed, validated, saved, muting the alert, expired), the API's refusal shown next to the
 * form, the notification log against the route and what the webhook received, the receivers in
 * Settings with a test notification (one that works, one that fails), alertmanager.yml, the rule
 * editor (validate, errors at line:column that select their line, a refused and an accepted save)
 * and the starter pack's switches. Each page is saved as a screenshot in test-results/ (docs/ with
 * VIGIL_UPDATE_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AmAlert, AmSilence, NotificationEntry, ReceiverState, RuleFileEntry, StarterSettings } from '../../src/common/api/alerting';
import { ROOT, getJson, launchChromium, startVigil, waitFor, type VigilProcess, type Envelope } from './helpers';

let vigil: VigilProcess;
let browser: Browser;
let hook: http.Server;
let dir = '';
const received: { body: { status: string; receiver: string; alerts: { labels: Record<string, string> }[] } }[] = [];

const SHOTS = path.join(ROOT, process.env.VIGIL_UPDATE_SCREENSHOTS === '1' ? 'docs' : 'test-results');

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

async function api<T>(p: string): Promise<T> {
  const r = await getJson<Envelope<T>>(`${vigil.url}${p}`);
  if (r.status !== 'success') throw new Error(`${p}: ${r.error}`);
  return r.data;
}

async function open(hash: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(`${vigil.url}/${hash}`);
  return page;
}

const RULES = [
  'groups:',
  '  - name: e2e',
  '    interval: 1s',
  '    rules:',
  '      - alert: E2ETargetsUp',
  '        expr: count by (cluster) (up{cluster!=""} == 1) > 0',
  '        labels: {severity: info}',
  '        annotations:',
  '          summary: "{{ $value }} targets up in {{ $labels.cluster }}"',
  '          description: "The demo cluster answers."',
  '      - alert: E2ECritical',
  '        expr: vector(1)',
  '        labels: {severity: critical, cluster: demo}',
  '      - alert: E2EInhibited',
  '        expr: vector(1)',
  '        labels: {severity: warning, cluster: demo}',
  '      - alert: E2EPending',
  '        expr: vector(1)',
  '        for: 1h',
  '        labels: {severity: info, cluster: demo}',
  '',
].join('\n');

beforeAll(async () => {
  received.length = 0;
  hook = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof received)[number]['body'] });
      } catch {
        // not JSON: not a webhook
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as AddressInfo).port;
  // A port nothing listens on, for the receiver that fails.
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));

  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-alerting-'));
  fs.writeFileSync(path.join(dir, 'rules.yml'), RULES);
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global: {scrape_interval: 15s, evaluation_interval: 1s}\nrule_files: [${JSON.stringify(path.join(dir, 'rules.yml'))}]\n`);
  fs.writeFileSync(
    path.join(dir, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: team',
      '  group_by: [alertname, cluster]',
      '  group_wait: 1s',
      '  group_interval: 2s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: team',
      '    webhook_configs:',
      `      - url: http://127.0.0.1:${port}/hook`,
      '        send_resolved: true',
      '  - name: broken',
      '    webhook_configs:',
      `      - url: http://127.0.0.1:${closedPort}/hook`,
      'inhibit_rules:',
      '  - source_matchers: [severity="critical"]',
      '    target_matchers: [severity="warning"]',
      '    equal: [cluster]',
      '',
    ].join('\n'),
  );
  vigil = await startVigil(['--demo', '--config', path.join(dir, 'prometheus.yml'), '--alertmanager.config.file', path.join(dir, 'alertmanager.yml')]);
  browser = await launchChromium();
  // The rule engine fires, and Alertmanager holds the firing alerts.
  await waitFor(async () => {
    const a = await api<AmAlert[]>('/api/v1/alerting/alerts');
    const names = new Set(a.map((x) => x.labels.alertname));
    return ['E2ETargetsUp', 'E2ECritical', 'E2EInhibited'].every((n) => names.has(n)) ? true : undefined;
  }, 60_000, 'the e2e alerts in Alertmanager');
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
  await new Promise((r) => (hook ? hook.close(r) : r(undefined)));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const row = (name: string): string => `[data-testid="alert-row"]:has([data-testid="alert-rule"]:text-is("${name}"))`;

describe('alerts page', () => {
  it('shows firing and pending alerts with annotations, inhibition and the rule link, grouped', async () => {
    const page = await open('#/alerts');
    await page.waitForSelector(row('E2EPending'));
    await page.waitForSelector(`${row('E2EInhibited')} [data-testid="inhibited-by"]`, { timeout: 20_000 });
    expect(await page.getAttribute(row('E2ETargetsUp'), 'data-state')).toBe('firing');
    expect(await page.getAttribute(row('E2EPending'), 'data-state')).toBe('pending');
    const up = (await page.textContent(row('E2ETargetsUp'))) ?? '';
    expect(up).toMatch(/\d+ targets up in demo/);
    expect(up).toContain('The demo cluster answers.');
    expect(up).toContain('severity="info"');
    // Inhibited by the critical alert of the same cluster, as Alertmanager says.
    const am = await api<AmAlert[]>('/api/v1/alerting/alerts');
    const inhibited = am.find((a) => a.labels.alertname === 'E2EInhibited')!;
    const critical = am.find((a) => a.labels.alertname === 'E2ECritical')!;
    expect(inhibited.status.inhibitedBy).toEqual([critical.fingerprint]);
    expect(await page.textContent(`${row('E2EInhibited')} [data-testid="inhibited-by"]`)).toContain('alertname="E2ECritical"');
    expect(await page.getAttribute(row('E2EInhibited'), 'data-muted')).toBe('1');
    // Grouped by the dispatcher's groups (alertname, cluster): one group per e2e alert.
    const groups = await page.$$eval('[data-testid="alert-group"] .group-title code', (els) => els.map((e) => e.textContent ?? ''));
    expect(groups).toContain('{alertname="E2ETargetsUp", cluster="demo"}');
    expect(groups.some((g) => g.startsWith('Pending'))).toBe(true);
    await shot(page, 'alerts');
    // By rule.
    await page.selectOption('[data-testid="alerts-group-by"]', 'rule');
    await page.waitForSelector('[data-testid="alert-group"] .group-title code:text-is("E2ECritical")');
    // The rule link opens the Rules page narrowed to that rule.
    await page.click(`${row('E2ETargetsUp')} [data-testid="alert-rule"]`);
    await page.waitForSelector('[data-testid="rule-only"]');
    await page.waitForSelector('[data-testid="rule-row"]');
    const rules = await page.$$eval('[data-testid="rule-row"] td:first-child', (els) => els.map((e) => e.textContent));
    expect(rules).toEqual(['E2ETargetsUp']);
    await page.close();
  });

  it('filters by state, text and the cluster switcher', async () => {
    const page = await open('#/alerts?q=E2E');
    await page.waitForSelector(row('E2EPending'));
    await page.selectOption('[data-testid="alerts-state"]', 'pending');
    await waitFor(async () => ((await page.$(row('E2ETargetsUp'))) === null ? true : undefined), 5000, 'firing alerts to be filtered out');
    const states = await page.$$eval('[data-testid="alert-row"]', (els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((s) => s === 'pending')).toBe(true);
    await page.selectOption('[data-testid="alerts-state"]', 'all');
    await page.fill('[data-testid="alerts-filter"]', 'severity="critical", alertname=~"E2E.*"');
    await waitFor(async () => {
      const names = await page.$$eval('[data-testid="alert-rule"]', (els) => els.map((e) => e.textContent));
      return names.length === 1 && names[0] === 'E2ECritical' ? true : undefined;
    }, 5000, 'only the critical alert');
    expect(decodeURIComponent(page.url())).toContain('q=severity="critical"');
    // The cluster switcher's label: the demo cluster has them, another has none.
    await page.fill('[data-testid="alerts-filter"]', 'E2E');
    await page.goto(`${vigil.url}/#/alerts?q=E2E&cluster=elsewhere`);
    await page.waitForSelector('[data-testid="alerts-none-shown"]');
    expect(await page.textContent('[data-testid="alerts-none-shown"]')).toContain('in cluster elsewhere');
    await page.goto(`${vigil.url}/#/alerts?q=E2E&cluster=demo`);
    await page.waitForSelector(row('E2ECritical'));
    const gaps = await api<{ cluster: string | null; to: number | null }[]>('/api/v1/vigil/gaps');
    const openGaps = gaps.filter((g) => g.to === null && (g.cluster === null || g.cluster === 'demo'));
    expect((await page.$$('[data-testid="gap-marker"]')).length > 0).toBe(openGaps.length > 0);
    await page.close();
  });
});

describe('silences', () => {
  it('silences an alert from the alerts page: pre-filled, previewed, validated, saved, muting it, then expired', async () => {
    const page = await open('#/alerts?q=E2ETargetsUp');
    await page.waitForSelector(row('E2ETargetsUp'));
    await page.click(`${row('E2ETargetsUp')} [data-testid="silence-alert"]`);
    await page.waitForSelector('[data-testid="silence-form"]');
    const am = await api<AmAlert[]>('/api/v1/alerting/alerts');
    const target = am.find((a) => a.labels.alertname === 'E2ETargetsUp')!;
    const names = await page.$$eval('[data-testid="matcher-name"]', (els) => els.map((e) => (e as HTMLInputElement).value));
    expect(names).toEqual(['alertname', ...Object.keys(target.labels).filter((k) => k !== 'alertname').sort()]);
    // The preview is the alerts Alertmanager holds that the matchers select: this one.
    await waitFor(async () => ((await page.textContent('[data-testid="preview-count"]')) === '1' ? true : undefined), 10_000, 'the preview');
    // Remove all but alertname: still one alert.
    const last = (): ReturnType<Page['locator']> => page.locator('[data-testid="matcher-row"]').last();
    while ((await page.$$('[data-testid="matcher-row"]')).length > 1) await last().locator('[data-testid="matcher-remove"]').click();
    expect(await page.textContent('[data-testid="matcher-text"]')).toBe('{alertname="E2ETargetsUp"}');
    // Validation: no comment yet, and a broken regex.
    await page.click('[data-testid="matcher-add"]');
    await last().locator('[data-testid="matcher-name"]').fill('severity');
    await last().locator('[data-testid="matcher-op"]').selectOption('=~');
    await last().locator('[data-testid="matcher-value"]').fill('(');
    await page.fill('[data-testid="silence-author"]', 'e2e');
    await page.click('[data-testid="silence-submit"]');
    expect(await page.textContent('[data-testid="matcher-error"]')).toContain('invalid regular expression');
    expect(await page.textContent('[data-testid="error-comment"]')).toContain('comment is required');
    await last().locator('[data-testid="matcher-value"]').fill('inf.*');
    await page.fill('[data-testid="silence-comment"]', 'e2e: looking into it');
    await page.fill('[data-testid="silence-duration"]', '90m');
    await shot(page, 'silence-form');
    await page.click('[data-testid="silence-submit"]');
    await page.waitForSelector('[data-testid="silence-saved"]');
    const id = new URLSearchParams(page.url().split('?')[1] ?? '').get('saved') ?? '';
    const silences = await api<AmSilence[]>('/api/v1/alerting/silences');
    const s = silences.find((x) => x.id === id);
    expect(s, `silence ${id} among ${silences.map((x) => x.id).join(', ')}`).toBeDefined();
    expect(s!.status.state).toBe('active');
    expect(s!.createdBy).toBe('e2e');
    expect(s!.comment).toBe('e2e: looking into it');
    expect(s!.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual ?? true]).sort()).toEqual([
      ['alertname', 'E2ETargetsUp', false, true],
      ['severity', 'inf.*', true, true],
    ]);
    const span = Date.parse(s!.endsAt) - Date.parse(s!.startsAt);
    expect(Math.abs(span - 90 * 60_000)).toBeLessThan(120_000);
    await page.waitForSelector(`[data-testid="silences-active"] [data-testid="silence-row"][data-id="${id}"]`);
    await shot(page, 'silences');
    // The list filters by text and by the labels of an alert a silence would mute.
    await page.fill('[data-testid="silences-filter"]', 'alertname="E2ETargetsUp", severity="info"');
    await page.waitForSelector(`[data-testid="silence-row"][data-id="${id}"]`);
    await page.fill('[data-testid="silences-filter"]', 'alertname="E2ETargetsUp", severity="critical"');
    await waitFor(async () => ((await page.$(`[data-testid="silence-row"][data-id="${id}"]`)) === null ? true : undefined), 5000, 'the silence to be filtered out');
    await page.fill('[data-testid="silences-filter"]', '');
    // The alert is now silenced by it.
    await waitFor(async () => {
      const a = (await api<AmAlert[]>('/api/v1/alerting/alerts')).find((x) => x.labels.alertname === 'E2ETargetsUp');
      return a?.status.silencedBy.includes(id) ? true : undefined;
    }, 10_000, 'Alertmanager to mark the alert silenced');
    await page.goto(`${vigil.url}/#/alerts?q=E2ETargetsUp`);
    await page.waitForSelector(`${row('E2ETargetsUp')} [data-testid="silenced-by"]`);
    expect(await page.getAttribute(`${row('E2ETargetsUp')} [data-testid="silenced-by"]`, 'href')).toContain(`/silences/edit/${id}`);
    // Expire it from the list.
    await page.goto(`${vigil.url}/#/silences`);
    await page.click(`[data-testid="silence-row"][data-id="${id}"] [data-testid="expire-silence"]`);
    await waitFor(async () => ((await api<AmSilence[]>('/api/v1/alerting/silences')).find((x) => x.id === id)?.status.state === 'expired' ? true : undefined), 10_000, 'the silence to expire');
    await page.click('[data-testid="toggle-expired"]');
    await page.waitForSelector(`[data-testid="silences-expired"] [data-testid="silence-row"][data-id="${id}"]`);
    await page.close();
  });

  it('shows the API’s refusal next to the form', async () => {
    const page = await open(`#/silences/new?matchers=${encodeURIComponent('{alertname="E2ECritical"}')}`);
    await page.waitForSelector('[data-testid="silence-form"]');
    expect(await page.inputValue('[data-testid="matcher-value"]')).toBe('E2ECritical');
    // The core's answer for a silence it refuses, whatever the reason, is shown as it came.
    await page.route('**/api/v1/alerting/silences', async (r) => {
      if (r.request().method() !== 'POST') return r.continue();
      await r.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "matchers": refused by the test' }) });
    });
    await page.fill('[data-testid="silence-author"]', 'e2e');
    await page.fill('[data-testid="silence-comment"]', 'refused');
    await page.click('[data-testid="silence-submit"]');
    await page.waitForSelector('[data-testid="silence-api-error"]');
    expect(await page.textContent('[data-testid="silence-api-error"]')).toContain('refused by the test');
    expect(page.url()).toContain('/silences/new');
    await page.close();
  });
});

describe('notification log and receivers', () => {
  it('lists the notifications newest first, as the route and the webhook saw them', async () => {
    await waitFor(async () => (received.some((r) => r.body.alerts.some((a) => a.labels.alertname === 'E2ECritical')) ? true : undefined), 30_000, 'the webhook to receive E2ECritical');
    const log = await waitFor(async () => {
      const l = await api<NotificationEntry[]>('/api/v1/alerting/notifications');
      return l.some((n) => n.receiver === 'team' && n.ok) ? l : undefined;
    }, 20_000, 'a logged notification');
    const page = await open('#/alerts/notifications');
    await page.waitForSelector('[data-testid="log-row"]');
    const rows = await page.$$eval('[data-testid="log-row"]', (els) => els.map((e) => Array.from(e.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    expect(rows.length).toBeGreaterThanOrEqual(Math.min(log.length, 1));
    const first = rows[0]!;
    const newest = [...log].sort((a, b) => b.time - a.time)[0]!;
    expect(first[1]).toBe(newest.receiver);
    expect(first[2]).toBe(`${newest.integration}[${newest.index}]`);
    expect(first[4]).toBe(String(newest.firing));
    expect(first[6]).toContain(newest.ok ? 'ok' : 'error');
    expect(first[7]).toBe(String(newest.attempts));
    expect(rows.some((r) => r[3]!.includes('alertname="E2ECritical"'))).toBe(true);
    await shot(page, 'notification-log');
    await page.selectOption('[data-testid="log-status"]', 'error');
    const errors = log.filter((n) => !n.ok).length;
    await waitFor(async () => ((await page.$$('[data-testid="log-row"]')).length === errors ? true : undefined), 5000, 'the error rows');
    // A row links to its group on the alerts page, as a desktop notice does (#/alerts?group=<key>&receiver=<name>).
    await page.selectOption('[data-testid="log-status"]', 'all');
    const entry = log.find((n) => n.groupLabels.alertname === 'E2ECritical')!;
    await page.locator('[data-testid="log-row"]:has-text("E2ECritical") [data-testid="log-group"]').first().click();
    await page.waitForSelector('[data-testid="alerts-scope"]');
    expect(new URLSearchParams(page.url().split('?')[1] ?? '').get('group')).toBe(entry.groupKey);
    await page.waitForSelector('[data-testid="alert-group"]');
    expect(await page.$$eval('[data-testid="alert-group"] .group-title code', (els) => els.map((e) => e.textContent))).toEqual(['{alertname="E2ECritical", cluster="demo"}']);
    await page.close();
  });

  it('shows receivers with their integrations, sends a test notification through each, and shows alertmanager.yml', async () => {
    const receivers = await api<ReceiverState[]>('/api/v1/alerting/receivers');
    expect(receivers.map((r) => r.name).sort()).toEqual(['broken', 'team']);
    const page = await open('#/settings');
    await page.waitForSelector('[data-testid="receiver-team"] [data-testid="integration-row"]');
    expect(await page.textContent('[data-testid="receiver-team"] [data-testid="integration-row"] td:first-child')).toBe('webhook[0]');
    const before = received.length;
    await page.click('[data-testid="receiver-team"] [data-testid="test-receiver"]');
    await page.waitForSelector('[data-testid="receiver-team"] [data-testid="test-outcome"]');
    expect(await page.textContent('[data-testid="receiver-team"] [data-testid="test-outcome"]')).toBe('1 of 1 integration accepted the test notification.');
    expect(received.length).toBeGreaterThan(before);
    await page.click('[data-testid="receiver-broken"] [data-testid="test-receiver"]');
    await page.waitForSelector('[data-testid="receiver-broken"] [data-testid="test-outcome"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="receiver-broken"] [data-testid="test-outcome"]')).toMatch(/^1 of 1 failed: webhook\[0\]: .+/);
    // alertmanager.yml in use, with no problems.
    const cfg = await api<{ file: string; text: string; problems: unknown[] }>('/api/v1/alerting/config');
    expect(cfg.file).toBe(path.join(dir, 'alertmanager.yml'));
    expect(await page.textContent('[data-testid="am-config-text"]')).toBe(cfg.text);
    expect(await page.$('[data-testid="am-config-ok"]')).not.toBeNull();
    await page.evaluate(() => document.querySelector('[data-testid="settings-receivers"]')?.scrollIntoView({ block: 'start' }));
    await shot(page, 'receivers');
    await page.close();
  });
});

describe('rules page', () => {
  it('edits a rule file: validate shows line:column errors that select their line, a bad save is refused, a good one reloads the rules', async () => {
    const files = await api<RuleFileEntry[]>('/api/v1/rules/files');
    const mine = files.find((f) => f.path === path.join(dir, 'rules.yml'));
    expect(mine, files.map((f) => f.path).join(', ')).toBeDefined();
    expect(mine!.editable).toBe(true);
    const page = await open(`#/rules/files?file=${encodeURIComponent(mine!.path)}`);
    await page.waitForSelector('[data-testid="rule-text"]');
    expect(await page.inputValue('[data-testid="rule-text"]')).toBe(RULES);
    expect(await page.$$eval('[data-testid="rule-gutter"] > div', (els) => els.length)).toBe(RULES.split('\n').length);
    const bad = RULES + '      - alert: E2EBroken\n        expr: rate(up[5m]\n';
    await page.fill('[data-testid="rule-text"]', bad);
    await page.click('[data-testid="rule-validate"]');
    await page.waitForSelector('[data-testid="rule-error"]');
    const check = await (await fetch(`${vigil.url}/api/v1/rules/check`, { method: 'POST', body: new URLSearchParams({ text: bad }) })).json() as Envelope<{ errors: { line: number; column: number; message: string }[] }>;
    const e0 = check.data.errors[0]!;
    expect(await page.textContent('[data-testid="rule-error"]')).toBe(`${e0.line}:${e0.column}: ${e0.message}`);
    await page.click('[data-testid="rule-error"]');
    const sel = await page.$eval('[data-testid="rule-text"]', (t) => (t as HTMLTextAreaElement).selectionStart);
    expect(sel).toBe(bad.split('\n').slice(0, e0.line - 1).join('\n').length + (e0.line > 1 ? 1 : 0));
    await shot(page, 'rule-editor');
    await page.click('[data-testid="rule-save"]');
    await page.waitForSelector('[data-testid="rule-message"]:has-text("Not saved")');
    expect(fs.readFileSync(mine!.path, 'utf8')).toBe(RULES);
    const good = RULES + '      - alert: E2EAdded\n        expr: vector(1)\n        labels: {cluster: demo}\n';
    await page.fill('[data-testid="rule-text"]', good);
    await page.click('[data-testid="rule-save"]');
    await page.waitForSelector('[data-testid="rule-message"]:has-text("Saved")');
    expect(fs.readFileSync(mine!.path, 'utf8')).toBe(good);
    await waitFor(async () => {
      const g = await api<{ groups: { rules: { name: string }[] }[] }>('/api/v1/rules');
      return g.groups.some((x) => x.rules.some((r) => r.name === 'E2EAdded')) ? true : undefined;
    }, 10_000, 'the new rule to load');
    await page.close();
  });

  it('switches a starter rule off and the starter pack on and off', async () => {
    const before = await api<StarterSettings>('/api/v1/rules/starter');
    const page = await open('#/rules/starter');
    await page.waitForSelector('[data-testid="starter-pack"]');
    expect(await page.isChecked('[data-testid="starter-enabled"]')).toBe(before.enabled);
    if (!before.enabled) {
      await page.check('[data-testid="starter-enabled"]');
    }
    const first = page.locator('[data-testid^="starter-rule-"]').first();
    const name = ((await first.getAttribute('data-testid')) ?? '').replace('starter-rule-', '');
    expect(name).not.toBe('');
    await first.uncheck();
    await page.click('[data-testid="starter-save"]');
    await page.waitForSelector('[data-testid="starter-message"]:has-text("Saved")');
    const after = await api<StarterSettings>('/api/v1/rules/starter');
    expect(after.enabled).toBe(true);
    expect(after.disabled).toContain(name);
    await shot(page, 'starter-pack');
    await page.uncheck('[data-testid="starter-enabled"]');
    await page.click('[data-testid="starter-save"]');
    await waitFor(async () => ((await api<StarterSettings>('/api/v1/rules/starter')).enabled === false ? true : undefined), 5000, 'the pack to be off');
    await page.close();
  });
});
