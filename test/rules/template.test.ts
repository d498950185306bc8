/**
 * The alert-template interpreter against what Go's text/template with Prometheus's functions
 * prints: the expected strings are Prometheus's template_test.go cases and Go's documented output.
 */
import { describe, expect, it } from 'vitest';
import { expandAlertText, expandTemplate, expandText, templateFuncs, type QuerySample } from '../../src/main/template/expand';
import { formatFloat, sprintf, GoMap } from '../../src/main/template/gofmt';
import type { GoValue } from '../../src/main/template/gofmt';

const noQuery = (): QuerySample[] => [];

/** run is NewTemplateExpander(ctx, text, "test", data, 0, query, nil, nil).Expand(). */
function run(text: string, data: GoValue = null, query: (q: string) => QuerySample[] = noQuery, nowMs = 0): string {
  return expandTemplate('test', text, data, templateFuncs(query, 'http://example.com/alerts', nowMs));
}

describe('Go float formatting', () => {
  it('prints %v (shortest %g) like fmt', () => {
    const cases: [number, string][] = [
      [1, '1'],
      [0.5, '0.5'],
      [100000, '100000'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [123456789, '1.23456789e+08'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [-2.5, '-2.5'],
      [0, '0'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
      [1353755652, '1.353755652e+09'],
    ];
    for (const [v, want] of cases) expect(formatFloat(v, 'g', -1), String(v)).toBe(want);
  });
  it('prints %.4g, %e and %f like fmt', () => {
    expect(formatFloat(1, 'g', 4)).toBe('1');
    expect(formatFloat(1234.5678, 'g', 4)).toBe('1235');
    expect(formatFloat(12345, 'g', 4)).toBe('1.234e+04');
    expect(formatFloat(0.000012345, 'g', 4)).toBe('1.234e-05');
    expect(formatFloat(123.5, 'g', 4)).toBe('123.5');
    expect(formatFloat(1.5, 'e', 6)).toBe('1.500000e+00');
    expect(formatFloat(1, 'e', -1)).toBe('1e+00');
    expect(formatFloat(0.25, 'e', -1)).toBe('2.5e-01');
    expect(formatFloat(3.14159, 'f', 2)).toBe('3.14');
    expect(formatFloat(2, 'f', 6)).toBe('2.000000');
    // exact halves round to even, as Go's decimal does
    expect(formatFloat(0.125, 'f', 2)).toBe('0.12');
    expect(formatFloat(0.375, 'f', 2)).toBe('0.38');
    expect(formatFloat(2.5, 'f', 0)).toBe('2');
  });
  it('Sprintf handles the verbs alert templates use, and Go\'s bad-verb texts', () => {
    expect(sprintf('%s is %d', ['a', 3n])).toBe('a is 3');
    expect(sprintf('%.2f%%', [99.4567])).toBe('99.46%');
    expect(sprintf('%f', [1.5])).toBe('1.500000');
    expect(sprintf('%v|%v|%v', [1.5, 2n, 'x'])).toBe('1.5|2|x');
    expect(sprintf('%q', ['a"b'])).toBe('"a\\"b"');
    expect(sprintf('%5.1f|%-4s|%03d', [3.14159, 'ab', 7n])).toBe('  3.1|ab  |007');
    expect(sprintf('%d', [1.5])).toBe('%!d(float64=1.5)');
    expect(sprintf('%s', [2n])).toBe('%!s(int=2)');
    expect(sprintf('%d %d', [1n])).toBe('1 %!d(MISSING)');
    expect(sprintf('%d', [1n, 'x'])).toBe('1%!(EXTRA string=x)');
  });
});

describe("Prometheus's template_test.go cases", () => {
  it('prints literals and plain text', () => {
    expect(run('plain text')).toBe('plain text');
    expect(run('{{ 1 }}')).toBe('1');
    expect(run('{{ .Foo }}', null)).toBe('<no value>');
    expect(run('{{ .Foo }}', GoMap.strings({}))).toBe('');
  });
  it('query, first, value, label and sortByLabel', () => {
    const q = (s: string): QuerySample[] =>
      s === '1.5'
        ? [{ labels: {}, value: 1.5 }]
        : s === 'metric'
          ? [
              { labels: { __name__: 'metric', instance: 'b' }, value: 21 },
              { labels: { __name__: 'metric', instance: 'a' }, value: 11 },
            ]
          : s === "metric{instance='a'}"
            ? [{ labels: { __name__: 'metric', instance: 'a' }, value: 11 }]
            : [];
    expect(run('{{ query "1.5" | first | value }}', null, q)).toBe('1.5');
    expect(run(`{{ query "metric{instance='a'}" | first | value }}`, null, q)).toBe('11');
    expect(run(`{{ query "metric{instance='a'}" | first | label "instance" }}`, null, q)).toBe('a');
    expect(run(`{{ query "metric{instance='a'}" | first | label "foo" }}`, null, q)).toBe('');
    expect(run('{{ $x := query "metric" | first }}{{ $x.Labels.foo }}', null, q)).toBe('');
    expect(run('{{ range query "metric" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}}', null, q)).toBe('a:11: b:21: ');
  });
  it('reports errors with position and context', () => {
    expect(() => run('{{')).toThrow('error parsing template test: template: test:1: unclosed action');
    expect(() => run('{{ query "missing" | first }}')).toThrow(
      'error executing template test: template: test:1:21: executing "test" at <first>: error calling first: first() called on vector with no elements',
    );
    expect(() => run('{{ humanize "one" }}')).toThrow(
      'error executing template test: template: test:1:3: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax',
    );
    expect(() => run('{{ "one" | humanizePercentage }}')).toThrow(
      'error executing template test: template: test:1:11: executing "test" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "one": invalid syntax',
    );
    expect(() => run('{{ range . }}{{ humanizeTimestamp . }}:{{ end }}', [-9223372036854775808 / 1])).toThrow(
      'error executing template test: template: test:1:16: executing "test" at <humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64',
    );
    expect(() => run('{{ foo }}')).toThrow('error parsing template test: template: test:1: function "foo" not defined');
    expect(() => run('{{ $x }}')).toThrow('error parsing template test: template: test:1: undefined variable "$x"');
  });
  it('reReplaceAll', () => {
    expect(run('{{ reReplaceAll "(a)b" "x$1" "ab" }}')).toBe('xa');
    expect(run('{{ reReplaceAll "(a)b" "$1x" "ab" }}')).toBe(''); // Go reads $1x as the group named "1x"
    expect(run('{{ reReplaceAll "(?P<host>[^:]+):\\\\d+" "${host}" "node1:9100" }}')).toBe('node1');
    expect(run('{{ reReplaceAll "o" "0" "foo boo" }}')).toBe('f00 b00');
  });
  it('humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp', () => {
    expect(run('{{ range . }}{{ humanize . }}:{{ end }}', [0, 1, 1234567, 0.12])).toBe('0:1:1.235M:120m:');
    expect(run('{{ range . }}{{ humanize . }}:{{ end }}', [0n, -1n, 1n, 1234567n, 9223372036854775807n])).toBe('0:-1:1:1.235M:9.223E:');
    expect(run('{{ range . }}{{ humanize1024 . }}:{{ end }}', [0, 1, 1048576, 0.12])).toBe('0:1:1Mi:0.12:');
    expect(run('{{ range . }}{{ humanizeDuration . }}:{{ end }}', [0, 1, 60, 3600, 86400, 86400 + 3600, -(3 * 86400 * 0 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5), 899.99])).toBe(
      '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:',
    );
    expect(run('{{ range . }}{{ humanizeDuration . }}:{{ end }}', [0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345])).toBe('100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:');
    expect(run('{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}', [Infinity, -Infinity, NaN])).toBe(
      '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
    );
    expect(run('{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}')).toBe('-22.22%:0%:12.35%:123.5%');
    expect(run('{{ range . }}{{ humanizePercentage . }}:{{ end }}', [0n, -1n, 1n, 1234567n, 9223372036854775807n])).toBe('0%:-100%:100%:1.235e+08%:9.223e+20%:');
    expect(run('{{ range . }}{{ humanizeTimestamp . }}:{{ end }}', [0, -1, 1, 1234567, 9223372036])).toBe(
      '1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:',
    );
    expect(run('{{ 1435065584.128 | humanizeTimestamp }}')).toBe('2015-06-23 13:19:44.128 +0000 UTC');
    expect(run('{{ "1435065584.128" | humanizeTimestamp }}')).toBe('2015-06-23 13:19:44.128 +0000 UTC');
    expect(run('{{ now }}', null, noQuery, 1353755652000)).toBe('1.353755652e+09');
  });
  it('string functions', () => {
    expect(run('{{ "aa bb CC" | toUpper }}|{{ "aA" | toLower }}|{{ "hello world-wide" | title }}')).toBe('AA BB CC|aa|Hello World-Wide');
    expect(run('{{ match "^a.c$" "abc" }} {{ match "x" "abc" }}')).toBe('true false');
    expect(run('{{ "foo.example.com:12345" | stripPort }} {{ "[2001:0DB8::1]:12345" | stripPort }} {{ "2001:0DB8::1" | stripPort }}')).toBe('foo.example.com 2001:0DB8::1 2001:0DB8::1');
  });
});

describe('text/template semantics', () => {
  const alert = (text: string, labels: Record<string, string> = { instance: 'host:9100', job: 'node' }, value = 0.934512): string =>
    expandAlertText(text, { name: '__alert_HighLoad', labels, externalLabels: { cluster: 'prod' }, externalURL: 'http://vigil:9090', value, timeMs: 1_700_000_000_000, query: noQuery });

  it('the alert definitions: $labels, $value, $externalLabels, .Labels, .Value', () => {
    expect(alert('{{ $labels.instance }} of {{ $labels.job }} is {{ $value }}')).toBe('host:9100 of node is 0.934512');
    expect(alert('{{ .Labels.instance }} {{ .Value }} {{ $externalLabels.cluster }} {{ $externalURL }}')).toBe('host:9100 0.934512 prod http://vigil:9090');
    expect(alert('{{ $labels.missing }}|')).toBe('|');
    expect(alert('{{ $value | humanizePercentage }} {{ printf "%.2f" $value }}')).toBe('93.45% 0.93');
    expect(alert('{{ printf "%s=%v" "v" $value }}')).toBe('v=0.934512');
  });
  it('if / else if / else, comparisons, and/or/not', () => {
    const t = '{{ if gt $value 0.9 }}high{{ else if gt $value 0.5 }}mid{{ else }}low{{ end }}';
    expect(alert(t, {}, 0.95)).toBe('high');
    expect(alert(t, {}, 0.6)).toBe('mid');
    expect(alert(t, {}, 0.1)).toBe('low');
    expect(alert('{{ if and (eq $labels.job "node") (not (eq $labels.instance "x")) }}y{{ end }}')).toBe('y');
    expect(alert('{{ or "" "fallback" }}|{{ and 1 0 }}|{{ ne 1 2 }}|{{ le 2 2 }}|{{ lt "a" "b" }}|{{ ge 1.5 2.5 }}')).toBe('fallback|0|true|true|true|false');
    expect(alert('{{ eq $labels.job "a" "node" }}')).toBe('true');
    // An int constant against a float64 is an error in Go's comparisons.
    expect(alert('{{ if gt $value 1 }}x{{ end }}')).toBe(
      '<error expanding template: error executing template __alert_HighLoad: template: __alert_HighLoad:1:118: executing "__alert_HighLoad" at <gt $value 1>: error calling gt: incompatible types for comparison>',
    );
  });
  it('range, with, variables, len, index', () => {
    expect(alert('{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}')).toBe('instance=host:9100;job=node;');
    expect(alert('{{ range $i, $e := query "x" }}{{ $i }}{{ else }}none{{ end }}')).toBe('none');
    expect(alert('{{ with $labels.job }}job {{ . }}{{ end }}{{ with $labels.nope }}x{{ else }}-{{ end }}')).toBe('job node-');
    expect(alert('{{ $n := len $labels }}{{ $n }} {{ len "héllo" }} {{ index $labels "job" }}')).toBe('2 6 node');
    expect(alert('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}')).toBe('2');
    expect(alert('{{ range 3 }}{{ . }}{{ end }}')).toBe('012');
    expect(alert('a  {{- " b " -}}  c')).toBe('a b c');
    expect(alert('x{{/* a comment */}}y')).toBe('xy');
  });
  it('query inside an alert template runs at the evaluation time', () => {
    const seen: string[] = [];
    const out = expandAlertText('{{ with query "up == 0" }}{{ len . }} down: {{ range . }}{{ .Labels.instance }} {{ end }}{{ end }}', {
      name: '__alert_X',
      labels: {},
      externalLabels: {},
      externalURL: '',
      value: 1,
      timeMs: 5000,
      query: (q) => {
        seen.push(q);
        return [
          { labels: { __name__: 'up', instance: 'a' }, value: 0 },
          { labels: { __name__: 'up', instance: 'b' }, value: 0 },
        ];
      },
    });
    expect(out).toBe('2 down: a b ');
    expect(seen).toEqual(['up == 0']);
  });
  it('errors read as Prometheus shows them in an annotation', () => {
    expect(alert('{{ $labels.instance | nosuchfunc }}')).toBe(
      '<error expanding template: error parsing template __alert_HighLoad: template: __alert_HighLoad:1: function "nosuchfunc" not defined>',
    );
    expect(alert('{{ query "x" | first | value }}')).toBe(
      '<error expanding template: error executing template __alert_HighLoad: template: __alert_HighLoad:1:127: executing "__alert_HighLoad" at <first>: error calling first: first() called on vector with no elements>',
    );
    expect(() => expandText('{{ if }}', { name: 'n', labels: {}, externalLabels: {}, externalURL: '', value: 0, timeMs: 0, query: noQuery })).toThrow(/error parsing template n: template: n:1: missing value for if/);
  });
});
