import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labelsFromRecord, labelsToRecord } from '../../src/common/model/labels';
import { expandTemplate, hashmod, relabel, relabelConfig, validateRelabelConfig } from '../../src/main/relabel/index';
import type { RelabelConfig } from '../../src/main/relabel/index';

interface Case {
  name: string;
  input: Record<string, string>;
  rules: Partial<RelabelConfig>[];
  output: Record<string, string> | null;
}

const CASES: Case[] = [
  { name: 'replace with ${1} twice', input: { a: 'foo', b: 'bar', c: 'baz' }, rules: [{ sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd', replacement: 'ch${1}-ch${1}' }], output: { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' } },
  {
    name: 'replace joins source labels with the separator',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [{ sourceLabels: ['a', 'b'], regex: 'f(.*);(.*)r', targetLabel: 'a', replacement: 'b${1}${2}m' }],
    output: { a: 'boobam', b: 'bar', c: 'baz' },
  },
  {
    name: 'rules apply in order, each seeing the previous result',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [
      { sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd', replacement: 'ch${1}-ch${1}' },
      { sourceLabels: ['d'], regex: '(.*)-(.*)', targetLabel: 'e', replacement: '${2}!' },
    ],
    output: { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo', e: 'choo!' },
  },
  { name: 'custom separator', input: { a: 'x', b: 'y' }, rules: [{ sourceLabels: ['a', 'b'], separator: '|', targetLabel: 'c' }], output: { a: 'x', b: 'y', c: 'x|y' } },
  { name: 'missing source labels join as empty strings', input: { a: 'x' }, rules: [{ sourceLabels: ['a', 'nope', 'a'], targetLabel: 'c' }], output: { a: 'x', c: 'x;;x' } },
  { name: 'replace without match changes nothing', input: { a: 'foo' }, rules: [{ sourceLabels: ['a'], regex: 'bar(.*)', targetLabel: 'd' }], output: { a: 'foo' } },
  { name: 'regex is anchored at both ends', input: { a: 'foo' }, rules: [{ sourceLabels: ['a'], regex: 'o', action: 'drop' }], output: { a: 'foo' } },
  { name: 'empty replacement result deletes the target', input: { a: 'foo', b: 'bar' }, rules: [{ sourceLabels: ['nope'], targetLabel: 'b' }], output: { a: 'foo' } },
  { name: 'static label through the default regex', input: { a: 'foo' }, rules: [{ targetLabel: 'env', replacement: 'prod' }], output: { a: 'foo', env: 'prod' } },
  { name: '$1x names the group "1x" (Go semantics) and expands to nothing', input: { a: 'foo' }, rules: [{ sourceLabels: ['a'], regex: '(.*)', targetLabel: 'b', replacement: '$1x' }], output: { a: 'foo' } },
  { name: '${1}x expands group 1', input: { a: 'foo' }, rules: [{ sourceLabels: ['a'], regex: '(.*)', targetLabel: 'b', replacement: '${1}x' }], output: { a: 'foo', b: 'foox' } },
  { name: '$$ is a literal dollar; malformed $ stays', input: { a: 'foo' }, rules: [{ sourceLabels: ['a'], targetLabel: 'b', replacement: '$$1-$-${' }], output: { a: 'foo', b: '$1-$-${' } },
  { name: 'named groups', input: { a: 'host:9100' }, rules: [{ sourceLabels: ['a'], regex: '(?P<host>[^:]+):(?P<port>\\d+)', targetLabel: 'b', replacement: '${port}/$host' }], output: { a: 'host:9100', b: '9100/host' } },
  { name: 'templated target label', input: { a: 'some-name-value' }, rules: [{ sourceLabels: ['a'], regex: 'some-([^-]+)-([^,]+)', targetLabel: '${1}', replacement: '${2}' }], output: { a: 'some-name-value', name: 'value' } },
  { name: 'templated target expanding to an empty name is ignored', input: { a: 'x' }, rules: [{ sourceLabels: ['a'], regex: '(.*)', targetLabel: '${3}', replacement: 'v' }], output: { a: 'x' } },
  { name: 'UTF-8 target label names are valid in Prometheus 3', input: { a: 'x' }, rules: [{ sourceLabels: ['a'], targetLabel: 'dotted.name' }], output: { a: 'x', 'dotted.name': 'x' } },
  { name: 'drop on match', input: { a: 'foo' }, rules: [{ sourceLabels: ['a'], regex: '.*o.*', action: 'drop' }], output: null },
  { name: 'keep without match drops', input: { a: 'foo' }, rules: [{ sourceLabels: ['a'], regex: 'no-match', action: 'keep' }], output: null },
  { name: 'keep with match keeps', input: { a: 'foo' }, rules: [{ sourceLabels: ['a'], regex: 'f.*', action: 'keep' }], output: { a: 'foo' } },
  { name: 'keep on an absent label matches the empty string', input: { a: 'foo' }, rules: [{ sourceLabels: ['b'], regex: '', action: 'keep' }], output: { a: 'foo' } },
  { name: '. matches newlines', input: { a: 'f\noo' }, rules: [{ sourceLabels: ['a'], regex: 'f.*', action: 'keep' }], output: { a: 'f\noo' } },
  { name: '(?i) flag', input: { a: 'FOO' }, rules: [{ sourceLabels: ['a'], regex: '(?i)foo', action: 'keep' }], output: { a: 'FOO' } },
  { name: 'alternation is anchored as a whole', input: { a: 'foobar' }, rules: [{ sourceLabels: ['a'], regex: 'foo|bar', action: 'drop' }], output: { a: 'foobar' } },
  { name: 'keepequal keeps when equal', input: { a: 'x', b: 'x' }, rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'keepequal' }], output: { a: 'x', b: 'x' } },
  { name: 'keepequal drops when different', input: { a: 'x', b: 'y' }, rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'keepequal' }], output: null },
  { name: 'dropequal drops when equal', input: { a: 'x', b: 'x' }, rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'dropequal' }], output: null },
  { name: 'dropequal keeps when different', input: { a: 'x', b: 'y' }, rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'dropequal' }], output: { a: 'x', b: 'y' } },
  { name: 'hashmod: MD5 last 8 bytes big-endian mod', input: { a: 'foo', b: 'bar', c: 'baz' }, rules: [{ sourceLabels: ['c'], targetLabel: 'd', action: 'hashmod', modulus: 1000 }], output: { a: 'foo', b: 'bar', c: 'baz', d: '976' } },
  { name: 'hashmod of a value with a newline', input: { a: 'foo\nbar' }, rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'hashmod', modulus: 1000 }], output: { a: 'foo\nbar', b: '734' } },
  { name: 'labelmap copies matching names', input: { __meta_kubernetes_pod_label_app: 'web', __meta_x: 'y', a: 'b' }, rules: [{ regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' }], output: { __meta_kubernetes_pod_label_app: 'web', __meta_x: 'y', a: 'b', app: 'web' } },
  { name: 'labelmap with a template', input: { a: 'foo', b: 'bar' }, rules: [{ regex: '(.*)', action: 'labelmap', replacement: '${1}_copy' }], output: { a: 'foo', b: 'bar', a_copy: 'foo', b_copy: 'bar' } },
  { name: 'labeldrop', input: { a: 'foo', b1: 'x', b2: 'y' }, rules: [{ regex: 'b.*', action: 'labeldrop' }], output: { a: 'foo' } },
  { name: 'labelkeep', input: { a: 'foo', b1: 'x', b2: 'y' }, rules: [{ regex: 'b.*', action: 'labelkeep' }], output: { b1: 'x', b2: 'y' } },
  { name: 'lowercase', input: { a: 'FoO' }, rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'lowercase' }], output: { a: 'FoO', b: 'foo' } },
  { name: 'uppercase of joined values', input: { a: 'foo', b: 'bar' }, rules: [{ sourceLabels: ['a', 'b'], targetLabel: 'c', action: 'uppercase' }], output: { a: 'foo', b: 'bar', c: 'FOO;BAR' } },
  { name: 'lowercase of nothing deletes the target', input: { a: 'foo', b: 'x' }, rules: [{ sourceLabels: ['nope'], targetLabel: 'b', action: 'lowercase' }], output: { a: 'foo' } },
];

describe('relabel actions', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const rules = c.rules.map((r) => relabelConfig(r));
      for (const r of rules) expect(validateRelabelConfig(r)).toBeNull();
      const out = relabel(labelsFromRecord(c.input), rules);
      expect(out === null ? null : labelsToRecord(out)).toEqual(c.output);
      if (out !== null) expect(out.map((l) => l.name)).toEqual([...out.map((l) => l.name)].sort());
    });
  }
});

describe('hashmod', () => {
  it('equals the big-endian uint64 of MD5 bytes 8..15 modulo the modulus, for large moduli too', () => {
    for (const v of ['', 'a', 'node-1:9100', 'é€😀']) {
      const hex = createHash('md5').update(v).digest('hex').slice(16);
      for (const m of [1n, 7n, 1000n, 2n ** 53n + 1n]) expect(hashmod(v, m)).toBe(BigInt('0x' + hex) % m);
    }
  });
});

describe('template expansion', () => {
  it('follows Go regexp.Expand', () => {
    const m = /^(a)(b)?(?<n>c)$/.exec('ac')!;
    expect(expandTemplate('$1|$2|${3}|$n|${n}|$9|$01|$$|$', m)).toBe('a||c|c|c|||$|$');
    expect(expandTemplate('${1', m)).toBe('${1');
    expect(expandTemplate('no dollars', m)).toBe('no dollars');
  });
});

describe('relabel config validation', () => {
  const bad: [Partial<RelabelConfig>, string][] = [
    [{ action: 'hashmod', targetLabel: 'x', modulus: 0 }, 'relabel configuration for hashmod requires non-zero modulus'],
    [{ action: 'replace', targetLabel: '' }, "relabel configuration for replace action requires 'target_label' value"],
    [{ action: 'lowercase' }, "relabel configuration for lowercase action requires 'target_label' value"],
    [{ action: 'keepequal', targetLabel: 'x', regex: 'a' }, "keepequal action requires only 'source_labels' and `target_label`, and no other fields"],
    [{ action: 'dropequal', targetLabel: 'x', separator: ',' }, "dropequal action requires only 'source_labels' and `target_label`, and no other fields"],
    [{ action: 'uppercase', targetLabel: 'x', replacement: 'y' }, "'replacement' can not be set for uppercase action"],
    [{ action: 'labeldrop', sourceLabels: ['a'] }, "labeldrop action requires only 'regex', and no other fields"],
    [{ action: 'labelkeep', targetLabel: 'a' }, "labelkeep action requires only 'regex', and no other fields"],
    [{ action: 'replace', targetLabel: 'x', regex: '(' }, 'error parsing regexp'],
    [{ action: 'replace', targetLabel: 'x', sourceLabels: [''] }, '"" is not a valid label name'],
  ];
  for (const [cfg, msg] of bad) {
    it(`rejects: ${msg}`, () => {
      expect(validateRelabelConfig(relabelConfig(cfg))).toContain(msg);
    });
  }

  it('applies the legacy name rules when asked', () => {
    expect(validateRelabelConfig(relabelConfig({ targetLabel: 'a.b' }), 'legacy')).toBe('"a.b" is invalid \'target_label\' for replace action');
    expect(validateRelabelConfig(relabelConfig({ targetLabel: 'a.b' }), 'utf8')).toBeNull();
    expect(validateRelabelConfig(relabelConfig({ targetLabel: '${1}_x' }), 'legacy')).toBeNull();
    expect(validateRelabelConfig(relabelConfig({ action: 'labelmap', replacement: 'a-$1' }), 'legacy')).toContain("is invalid 'replacement' for labelmap action");
  });
});
