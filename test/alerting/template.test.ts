import { describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TemplateGroup, Template } from '../../src/main/template/template';
import { GoMap, GoStruct, typedSlice } from '../../src/main/template/gofmt';
import { durationString, fingerprint, formatTime, loadTemplateSet, notificationData, queryUnescape } from '../../src/main/alerting/template/index';
import type { Alert, NotificationData } from '../../src/main/alerting/types';
import { title as promTitle } from '../../src/main/template/expand';

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

function alert(labels: Record<string, string>, annotations: Record<string, string>, endsAt = T0 + 3600_000): Alert {
  return { labels, annotations, startsAt: T0, endsAt, generatorURL: 'http://vigil:9797/graph?g0.expr=up', updatedAt: T0, timeout: false };
}

/** DATA: two firing alerts of one group and one resolved, as the dispatcher hands them over. */
function data(): NotificationData {
  return notificationData(
    { receiver: 'team.x', groupKey: '{}:{alertname="KubePodCrashLooping"}', groupLabels: { alertname: 'KubePodCrashLooping' }, now: T0 + 60_000, externalURL: 'http://vigil:9797' },
    [
      alert({ alertname: 'KubePodCrashLooping', cluster: 'prod', namespace: 'shop', pod: 'web-1', severity: 'warning' }, { summary: 'web-1 restarts', runbook: 'http://rb' }),
      alert({ alertname: 'KubePodCrashLooping', cluster: 'prod', namespace: 'shop', pod: 'web-2', severity: 'warning' }, { summary: 'web-2 restarts', runbook: 'http://rb' }),
      alert({ alertname: 'KubePodCrashLooping', cluster: 'prod', namespace: 'shop', pod: 'web-3', severity: 'warning' }, { summary: 'web-3 restarts' }, T0 + 30_000),
    ],
  );
}

const set = loadTemplateSet([], { now: () => T0 + 90_061_500 });
const run = (text: string, d: NotificationData = data()): string => set.execute(text, d);

describe('the interpreter: define, template, block and methods', () => {
  test('define and template, with and without a pipeline; a later definition replaces an earlier one', () => {
    const g = new TemplateGroup({});
    g.parse('a.tmpl', '{{ define "greet" }}hello {{ . }}{{ end }}{{ define "nil" }}[{{ . }}]{{ end }}');
    g.parse('main', '{{ template "greet" "you" }} {{ template "nil" }}');
    expect(g.execute('main', null)).toBe('hello you [<no value>]');
    g.parse('b.tmpl', '{{ define "greet" }}hi {{ . }}{{ end }}');
    expect(g.execute('main', null)).toBe('hi you [<no value>]');
    // An empty redefinition does not replace a full one (Go's AddParseTree).
    g.parse('c.tmpl', '{{ define "greet" }}  {{ end }}');
    expect(g.execute('main', null)).toBe('hi you [<no value>]');
  });

  test('block defines and runs its body; a definition elsewhere overrides it', () => {
    const g = new TemplateGroup({});
    g.parse('page', 'A{{ block "part" . }}default {{ .x }}{{ end }}B');
    const dot = GoMap.strings({ x: '1' });
    expect(g.execute('page', dot)).toBe('Adefault 1B');
    g.parse('override', '{{ define "part" }}custom {{ .x }}{{ end }}');
    expect(g.execute('page', dot)).toBe('Acustom 1B');
  });

  test('$ inside a called template is its own dot; variables of the caller are not visible', () => {
    const g = new TemplateGroup({});
    g.parse('t', '{{ define "inner" }}{{ $ }}{{ end }}{{ $x := "outer" }}{{ template "inner" "in" }}{{ $x }}');
    expect(g.execute('t', null)).toBe('inouter');
    expect(() => g.parse('u', '{{ define "v" }}{{ $x }}{{ end }}')).toThrow('template: u:1: undefined variable "$x"');
  });

  test("Go's errors: undefined template, bad clause, duplicate definition, define inside a block, recursion bound", () => {
    expect(() => new Template('t', '{{ template "nope" . }}', {}).execute(null)).toThrow('template: t:1:12: executing "t" at <{{template "nope" .}}>: template "nope" not defined');
    expect(() => new Template('t', '{{ template . }}', {})).toThrow('template: t:1: unexpected <.> in template clause');
    expect(() => new Template('t', '{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}', {})).toThrow('template: t:1: template: multiple definition of template "a"');
    expect(() => new Template('t', '{{ if true }}{{ define "a" }}x{{ end }}{{ end }}', {})).toThrow('unexpected <define> in command');
    expect(() => new Template('t', '{{ define "a" }}x{{ else }}y{{ end }}', {})).toThrow('template: t:1: unexpected {{else}} in define clause');
    // (go1.26 messages for the same texts.)
    expect(() => new Template('t', '{{ break }}', {})).toThrow('template: t:1: {{break}} outside {{range}}');
    expect(() => new Template('t', '{{ range . }}{{ template "x" }}{{ end }}{{ define "x" }}{{ continue }}{{ end }}', {})).toThrow('template: t:1: {{continue}} outside {{range}}');
    expect(new Template('t', '{{ range . }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}', {}).execute([1n, 2n, 3n])).toBe('1');
    expect(() => new Template('t', '{{ block "x" }}{{ end }}', {})).toThrow('template: t:1: missing value for block clause');
    expect(() => new Template('t', '{{ define "x" }}', {})).toThrow('template: t:1: unexpected EOF');
    expect(() => new Template('t', '{{ define x }}{{ end }}', {})).toThrow('template: t:1: unexpected "x" in define clause');
    const loop = new Template('t', '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', {});
    expect(() => loop.execute(null)).toThrow(/exceeded maximum template depth \(100000\)/);
  });

  test('an error inside a defined template names the file it was defined in and the template', () => {
    const g = new TemplateGroup({});
    g.parse('defs.tmpl', '\n{{ define "x" }}{{ .Nope }}{{ end }}');
    g.parse('main', '{{ template "x" . }}');
    const s = new GoStruct('main.T', { A: '' });
    expect(() => g.execute('main', s)).toThrow('template: defs.tmpl:2:19: executing "x" at <.Nope>: can\'t evaluate field Nope in type main.T');
  });

  test('methods: no arguments, arguments, the piped value as the last argument, and their errors', () => {
    const methods = {
      Hello: { params: [], fn: () => 'hi' },
      Add: { params: ['string', 'string'], fn: (r: unknown, a: unknown, b: unknown) => `${a as string}+${b as string}` },
    };
    const s = new GoStruct('main.S', { F: 'field' }, false, methods);
    const t = (src: string): string => new Template('t', src, {}).execute(s);
    expect(t('{{ .Hello }} {{ .Add "a" "b" }} {{ "z" | .Add "y" }} {{ .F }}')).toBe('hi a+b y+z field');
    expect(() => t('{{ .Add "a" }}')).toThrow('executing "t" at <.Add>: wrong number of args for Add: want 2 got 1');
    expect(() => t('{{ .Add 1 "b" }}')).toThrow('template: t:1:8: executing "t" at <1>: expected string; found 1');
    expect(() => t('{{ .Add .F .Hello }}')).not.toThrow();
    expect(() => new Template('t', '{{ .Add (len "x") "b" }}', {}).execute(s)).toThrow('wrong type for value; expected string; got int');
    expect(() => t('{{ .F "x" }}')).toThrow('F has arguments but cannot be invoked as function');
    const m = new GoMap(new Map([['k', 'v']]), 'main.M', '', { Keys: { params: [], fn: () => typedSlice(['k'], '[]string') } });
    expect(new Template('t', '{{ .Keys }} {{ .k }} {{ .missing }}', {}).execute(m)).toBe('[k] v ');
    expect(() => new Template('t', '{{ .k "x" }}', {}).execute(m)).toThrow('k is not a method but has arguments');
    // A method's value chains on: .Keys then a field of a slice is an error, as in Go.
    expect(() => new Template('t', '{{ .Keys.X }}', {}).execute(m)).toThrow("can't evaluate field X in type []string");
  });

  test('fields separated by a space are separate arguments, not a chain', () => {
    const s = new GoStruct('main.S', { A: 'a', B: 'b' });
    expect(new Template('t', '{{ print .A .B }}', {}).execute(s)).toBe('ab');
  });
});

describe("Alertmanager's data and methods", () => {
  test('status, firing and resolved alerts, common labels and annotations, receiver quoted', () => {
    const d = data();
    expect(d.status).toBe('firing');
    expect(d.receiver).toBe('team\\.x');
    expect(d.commonLabels).toEqual({ alertname: 'KubePodCrashLooping', cluster: 'prod', namespace: 'shop', severity: 'warning' });
    expect(d.commonAnnotations).toEqual({});
    expect(run('{{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }} {{ range .Alerts.Resolved }}{{ .Labels.pod }}{{ end }}')).toBe('3 2 1 web-3');
  });

  test('KV: SortedPairs puts alertname first, Names, Values, Remove; Pairs: Names and Values', () => {
    expect(run('{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }},{{ end }}')).toBe('alertname=KubePodCrashLooping,cluster=prod,namespace=shop,severity=warning,');
    expect(run('{{ .CommonLabels.Names }}|{{ .CommonLabels.Values }}')).toBe('[alertname cluster namespace severity]|[KubePodCrashLooping prod shop warning]');
    expect(run('{{ (.CommonLabels.Remove .GroupLabels.Names).Names }}')).toBe('[cluster namespace severity]');
    expect(run('{{ .CommonLabels.SortedPairs.Names }} {{ .GroupLabels.SortedPairs.Values }}')).toBe('[alertname cluster namespace severity] [KubePodCrashLooping]');
    expect(run('{{ (.CommonLabels.Remove (stringSlice "cluster" "namespace")).Values }}')).toBe('[KubePodCrashLooping warning]');
  });

  test('the fingerprint is Prometheus model.LabelSet.Fingerprint', () => {
    // Values from prometheus/common's signature tests (empty set and {foo="bar"}-like sets computed with FNV-1a).
    expect(fingerprint({})).toBe('cbf29ce484222325');
    expect(fingerprint({ a: 'b' })).not.toBe(fingerprint({ a: 'c' }));
    expect(fingerprint({ a: 'b', c: 'd' })).toBe(fingerprint({ c: 'd', a: 'b' }));
    expect(run('{{ (index .Alerts 0).Fingerprint }}')).toMatch(/^[0-9a-f]{16}$/);
  });

  test('times: printing, Format, Unix, date, tz, since, humanizeDuration', () => {
    expect(run('{{ (index .Alerts 0).StartsAt }}')).toBe('2024-01-02 03:04:05.678 +0000 UTC');
    expect(run('{{ (index .Alerts 0).StartsAt.Format "2006-01-02T15:04:05Z07:00" }}')).toBe('2024-01-02T03:04:05Z');
    expect(run('{{ (index .Alerts 0).StartsAt.Unix }}')).toBe(String(Math.floor(T0 / 1000)));
    expect(run('{{ date "Mon Jan _2 3:04PM .000" (index .Alerts 0).StartsAt }}')).toBe('Tue Jan  2 3:04AM .678');
    expect(run('{{ (index .Alerts 0).StartsAt | tz "America/New_York" | date "2006-01-02 15:04 -0700" }}')).toBe('2024-01-01 22:04 -0500');
    expect(() => run('{{ tz "Nowhere/Place" (index .Alerts 0).StartsAt }}')).toThrow('error calling tz: unknown time zone Nowhere/Place');
    // now is T0 + 25h 1m 1.5s in this set.
    expect(run('{{ since (index .Alerts 0).StartsAt }}')).toBe('25h1m1.5s');
    expect(run('{{ humanizeDuration (since (index .Alerts 0).StartsAt) }}')).toBe('1d 1h 1m 1s');
    expect(run('{{ humanizeDuration 90 }} {{ humanizeDuration "0.25" }}')).toBe('1m 30s 250ms');
    expect(durationString(0n)).toBe('0s');
    expect(durationString(3600_000_000_000n)).toBe('1h0m0s');
    expect(durationString(1_500_000n)).toBe('1.5ms');
    expect(formatTime(Date.UTC(2024, 6, 1, 12), 'Europe/Berlin', '15:04 -07:00')).toBe('14:00 +02:00');
    // Zone abbreviations as Go's time package prints them (go1.26 output for the same instants).
    const zones: [string, string][] = [
      ['Europe/Paris', '2024-01-02 04:04:05 CET +01:00'],
      ['Asia/Kolkata', '2024-01-02 08:34:05 IST +05:30'],
      ['America/New_York', '2024-01-01 22:04:05 EST -05:00'],
      ['Europe/London', '2024-01-02 03:04:05 GMT +00:00'],
      ['Australia/Sydney', '2024-01-02 14:04:05 AEDT +11:00'],
      ['America/Sao_Paulo', '2024-01-02 00:04:05 -03 -03:00'],
    ];
    for (const [z, want] of zones) expect([z, formatTime(T0, z, '2006-01-02 15:04:05 MST -07:00')]).toEqual([z, want]);
    expect(formatTime(Date.UTC(2024, 6, 2), 'Europe/Paris', 'MST')).toBe('CEST');
  });

  test("title as golang.org/x/text/cases.Title (x/text v0.40 output): Alertmanager lower-cases the rest, Prometheus keeps it", () => {
    const cases: [string, string, string][] = [
      ['hello wIDE world', 'Hello Wide World', 'Hello WIDE World'],
      ["o'neil DISK-full", "O'neil Disk-Full", "O'neil DISK-Full"],
      ['kube_pod_CRASH', 'Kube_pod_crash', 'Kube_pod_CRASH'],
      ['123abc x.y', '123Abc X.y', '123Abc X.y'],
      ['a.b.c d:e f-g', 'A.b.c D:e F-G', 'A.b.c D:e F-G'],
      ['éCOLE ça', 'École Ça', 'ÉCOLE Ça'],
      ['foo  bar\tbaz\nqux', 'Foo  Bar\tBaz\nQux', 'Foo  Bar\tBaz\nQux'],
      ['x1y z2', 'X1y Z2', 'X1y Z2'],
      ["it's 3.5x", "It's 3.5X", "It's 3.5X"],
      ['hello.', 'Hello.', 'Hello.'],
      ["'quoted' \"dq\"", "'Quoted' \"Dq\"", "'Quoted' \"Dq\""],
      ['a/b c,d', 'A/B C,D', 'A/B C,D'],
      ['ß straße', 'Ss Straße', 'Ss Straße'],
    ];
    for (const [s, am, prom] of cases) {
      expect([s, run(`{{ title ${JSON.stringify(s)} }}`)]).toEqual([s, am]);
      expect([s, promTitle(s)]).toEqual([s, prom]);
    }
  });

  test("regexp syntax errors are worded as Go's regexp package words them (go1.26 output)", () => {
    const cases: [string, string][] = [
      ['(', 'missing closing ): `(`'],
      ['a)', 'unexpected ): `a)`'],
      ['*a', 'missing argument to repetition operator: `*`'],
      ['[a', 'missing closing ]: `[a`'],
      ['a**', 'invalid nested repetition operator: `**`'],
      ['a{2,1}', 'invalid repeat count: `{2,1}`'],
      ['(?P<n>a', 'missing closing ): `(?P<n>a`'],
      ['x[b-a]', 'invalid character class range: `b-a`'],
    ];
    for (const [p, want] of cases) {
      let got = 'ok';
      try {
        run(`{{ match ${JSON.stringify(p)} "x" }}`);
      } catch (e) {
        got = (e as Error).message;
      }
      expect([p, got]).toEqual([p, `template: :1:3: executing "" at <match ${JSON.stringify(p)} "x">: error calling match: error parsing regexp: ${want}`]);
    }
  });

  test('string functions: toUpper, toLower, title, trimSpace, join, match, safeHtml, safeUrl, urlUnescape, reReplaceAll, stringSlice', () => {
    expect(run('{{ toUpper "aBc" }} {{ toLower "AbC" }} {{ title "hello wIDE world" }} [{{ trimSpace "  x \\n" }}]')).toBe('ABC abc Hello Wide World [x]');
    expect(run('{{ join ", " (stringSlice "a" "b" "c") }} {{ stringSlice }}')).toBe('a, b, c []');
    expect(run('{{ match "^web-[0-9]$" "web-1" }} {{ match "^x" "web" }}')).toBe('true false');
    expect(() => run('{{ match "(" "x" }}')).toThrow(/error calling match: error parsing regexp/);
    expect(run('{{ safeHtml "<b>" }} {{ safeUrl "http://x/?a=1&b=2" }}')).toBe('<b> http://x/?a=1&b=2');
    expect(run('{{ urlUnescape "a%20b+c%2Fd" }}')).toBe('a b c/d');
    expect(() => queryUnescape('%zz')).toThrow('invalid URL escape "%zz"');
    expect(run('{{ reReplaceAll "web-(\\\\d)" "pod $1" "web-7" }}')).toBe('pod 7');
    expect(() => run('{{ join "," "notaslice" }}')).toThrow('template: :1:12: executing "" at <"notaslice">: can\'t handle "notaslice" for arg of type []string');
    expect(() => run('{{ join "," .Receiver }}')).toThrow('wrong type for value; expected []string; got string');
  });
});

describe('the default templates', () => {
  test('__subject, the Slack title and fallback, the email subject', () => {
    expect(run('{{ template "__subject" . }}')).toBe('[FIRING:2] KubePodCrashLooping (prod shop warning)');
    expect(run('{{ template "slack.default.title" . }}')).toBe('[FIRING:2] KubePodCrashLooping (prod shop warning)');
    expect(run('{{ template "slack.default.fallback" . }}')).toBe('[FIRING:2] KubePodCrashLooping (prod shop warning) | http://vigil:9797/#/alerts?receiver=team%5C.x');
    expect(run('{{ template "email.default.subject" . }}')).toBe('[FIRING:2] KubePodCrashLooping (prod shop warning)');
    expect(run('{{ template "slack.default.text" . }}|{{ template "slack.default.username" . }}')).toBe('|Alertmanager');
    // Every alert resolved, group labels covering the common ones: no count, a trailing space.
    const resolved = notificationData({ receiver: 'r', groupKey: 'k', groupLabels: { alertname: 'A', job: 'j' }, now: T0 + 7200_000, externalURL: 'http://x' }, [alert({ alertname: 'A', job: 'j' }, {})]);
    expect(run('{{ template "__subject" . }}', resolved)).toBe('[RESOLVED] A j ');
  });

  test('__text_alert_list and the e-mail body', () => {
    expect(run('{{ template "__text_alert_list" .Alerts.Resolved }}')).toBe(
      'Labels:\n - alertname = KubePodCrashLooping\n - cluster = prod\n - namespace = shop\n - pod = web-3\n - severity = warning\nAnnotations:\n - summary = web-3 restarts\nSource: http://vigil:9797/graph?g0.expr=up\n',
    );
    const html = set.executeHTML('{{ template "email.default.html" . }}', data());
    expect(html).toContain('<title>[FIRING:2] KubePodCrashLooping (prod shop warning)</title>');
    expect(html).toContain('3 alerts for alertname=KubePodCrashLooping');
    expect(html).toContain('[2] Firing');
    expect(html).toContain('[1] Resolved');
    expect(html).toContain('pod = web-3<br>');
    expect(html).toContain('href="http://vigil:9797/#/alerts?receiver=team%5C.x"');
  });

  test('the e-mail body escapes label values', () => {
    const d = notificationData({ receiver: 'r', groupKey: 'k', groupLabels: { alertname: 'A' }, now: T0, externalURL: 'http://x' }, [alert({ alertname: 'A', x: '<script>' }, { summary: 'a & b' })]);
    const html = set.executeHTML('{{ template "email.default.html" . }}', d);
    expect(html).toContain('x = &lt;script&gt;<br>');
    expect(html).toContain('summary = a &amp; b<br>');
    expect(html).not.toContain('<script>');
    // As html/template: every action escaped, safeHtml's value not; the text form escapes nothing.
    expect(set.executeHTML('{{ "<i>" }}{{ safeHtml "<b>" }}{{ .CommonLabels.x }}', d)).toBe('&lt;i&gt;<b>&lt;script&gt;');
    expect(set.execute('{{ "<i>" }}{{ safeHtml "<b>" }}', d)).toBe('<i><b>');
  });

  test('the desktop title and body', () => {
    expect(run('{{ template "desktop.default.title" . }}')).toBe('[FIRING:2] KubePodCrashLooping (prod)');
    expect(run('{{ template "desktop.default.body" . }}')).toBe('web-1 restarts\nweb-2 restarts\nResolved: web-3 restarts');
    const many = notificationData(
      { receiver: 'r', groupKey: 'k', groupLabels: { alertname: 'A', cluster: 'dev' }, now: T0, externalURL: 'http://x' },
      Array.from({ length: 7 }, (_, i) => alert({ alertname: 'A', cluster: 'dev', pod: `p${i}` }, {})),
    );
    expect(run('{{ template "desktop.default.title" . }}', many)).toBe('[FIRING:7] A dev');
    expect(run('{{ template "desktop.default.body" . }}', many)).toBe('p0\np1\np2\np3\np4\n(5 of 7 shown)');
  });
});

describe('loadTemplateSet', () => {
  test("the user's files are defined on top of the defaults, named by base name; errors name the file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tmpl-'));
    try {
      const good = path.join(dir, 'mine.tmpl');
      fs.writeFileSync(good, '{{ define "slack.default.title" }}custom {{ .Status }}{{ end }}{{ define "mine" }}M{{ end }}');
      const s = loadTemplateSet([good]);
      expect(s.execute('{{ template "slack.default.title" . }} {{ template "mine" }}', data())).toBe('custom firing M');
      expect(s.names()).toContain('email.default.html');
      const bad = path.join(dir, 'bad.tmpl');
      fs.writeFileSync(bad, '\n\n{{ define "x" }}{{ .Foo | }}{{ end }}');
      expect(() => loadTemplateSet([good, bad])).toThrow(`template file ${bad}: template: bad.tmpl:3: missing command after pipe`);
      expect(() => loadTemplateSet([path.join(dir, 'missing.tmpl')])).toThrow(`template file ${path.join(dir, 'missing.tmpl')}: no such file`);
      const fn = path.join(dir, 'fn.tmpl');
      fs.writeFileSync(fn, '{{ define "y" }}{{ nosuchfunc . }}{{ end }}');
      expect(() => loadTemplateSet([fn])).toThrow(`template file ${fn}: template: fn.tmpl:1: function "nosuchfunc" not defined`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a notification text may define its own templates without changing the set; empty text is empty', () => {
    expect(run('{{ define "slack.default.title" }}local{{ end }}{{ template "slack.default.title" . }}')).toBe('local');
    expect(run('{{ template "slack.default.title" . }}')).toBe('[FIRING:2] KubePodCrashLooping (prod shop warning)');
    expect(run('')).toBe('');
  });
});
