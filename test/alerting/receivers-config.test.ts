/**
 * The slack, email and desktop receivers inside alertmanager.yml, through the configuration loader:
 * a file amtool check-config accepts loads without problems and builds its integrations; entries
 * with mistakes are reported with their path and line.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { AlertmanagerConfigError, loadAlertmanagerConfig } from '../../src/main/alerting/index';

const AM_FILE = `
global:
  smtp_smarthost: 'mail.example.org:587'
  smtp_from: 'am@example.org'
  smtp_auth_username: am
  smtp_auth_password: secret
  slack_api_url: 'https://hooks.example.org/services/T/B/X'
  http_config:
    basic_auth: {username: u, password_file: /dev/null}
route:
  receiver: team
receivers:
- name: team
  slack_configs:
  - channel: '#alerts'
    send_resolved: true
    title: '{{ template "slack.default.title" . }}'
    fields:
    - {title: Severity, value: '{{ .CommonLabels.severity }}', short: true}
    actions:
    - {type: button, text: Runbook, url: '{{ .CommonAnnotations.runbook }}'}
    - {type: button, text: Ack, name: ack, value: '1', confirm: {text: 'Sure'}}
    http_config:
      authorization: {credentials: tok}
      tls_config: {insecure_skip_verify: true}
  - api_url: 'https://hooks.example.org/services/other'
    link_names: true
    mrkdwn_in: [text]
  email_configs:
  - to: 'oncall@example.org, lead@example.org'
    headers: {Subject: 'Alert: {{ .GroupLabels.alertname }}', X-Team: web}
    require_tls: true
    tls_config: {server_name: mail.example.org}
    text: '{{ template "__text_alert_list" .Alerts }}'
  - to: other@example.org
    smarthost: 'smtp.example.net:465'
    auth_password_file: /dev/null
`;

function amtoolCheck(text: string): Promise<{ ok: boolean; out: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-amtool-'));
  const f = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(f, text);
  return new Promise((resolve) =>
    execFile('/usr/bin/amtool', ['check-config', f], { timeout: 20_000 }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ ok: !err, out: stdout + stderr });
    }),
  );
}

describe('receivers in alertmanager.yml', () => {
  test('a file amtool accepts loads with its slack and email integrations', async () => {
    const check = await amtoolCheck(AM_FILE);
    expect(check.ok, check.out).toBe(true);
    const f = loadAlertmanagerConfig(AM_FILE, 'alertmanager.yml');
    const r = f.receivers.get('team')!;
    expect(r.integrations.map((i) => `${i.type.name}[${i.index}]`)).toEqual(['slack[0]', 'slack[1]', 'email[0]', 'email[1]']);
    const [s0, s1, e0, e1] = r.integrations.map((i) => i.config as Record<string, unknown>);
    expect(s0!.apiUrl).toBe('https://hooks.example.org/services/T/B/X');
    expect(s1!.apiUrl).toBe('https://hooks.example.org/services/other');
    expect((s1!.httpConfig as { basicAuth: unknown }).basicAuth).toEqual({ username: 'u', usernameFile: '', password: '', passwordFile: '/dev/null' });
    expect(e0!.smarthost).toEqual({ host: 'mail.example.org', port: 587 });
    expect((e0!.headers as Record<string, string>)['X-Team']).toBe('web');
    expect(e1!.smarthost).toEqual({ host: 'smtp.example.net', port: 465 });
  });

  test('desktop_configs load (Vigil only); mistakes are reported with their path and line', async () => {
    const ok = loadAlertmanagerConfig('route:\n  receiver: me\nreceivers:\n- name: me\n  desktop_configs:\n  - {}\n  - title: "{{ .Status }}"\n    send_resolved: false\n', 'a.yml');
    expect(ok.receivers.get('me')!.integrations.map((i) => i.type.name)).toEqual(['desktop', 'desktop']);
    const bad = 'route:\n  receiver: me\nreceivers:\n- name: me\n  slack_configs:\n  - channel: "#x"\n    fields:\n    - {title: t}\n  email_configs:\n  - to: a@b\n    smarthost: nohost\n';
    // amtool refuses it too (it stops at the first problem).
    expect((await amtoolCheck(bad)).ok).toBe(false);
    let err: AlertmanagerConfigError | null = null;
    try {
      loadAlertmanagerConfig(bad, 'a.yml');
    } catch (e) {
      err = e as AlertmanagerConfigError;
    }
    expect(err).toBeInstanceOf(AlertmanagerConfigError);
    const msgs = err!.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
    expect(msgs).toContain('6: receivers[0].slack_configs[0]: no global Slack API URL set either inline or in a file');
    expect(msgs).toContain('8: receivers[0].slack_configs[0].fields[0]: missing value in Slack field configuration');
    expect(msgs.some((m) => m.includes('receivers[0].email_configs[0]') && m.includes('no global SMTP from set'))).toBe(true);
    expect(msgs.some((m) => m.includes('receivers[0].email_configs[0].smarthost') && m.includes('missing port'))).toBe(true);
  });
});
