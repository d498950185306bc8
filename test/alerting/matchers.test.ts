import { describe, expect, it } from 'vitest';
import { compileMatcherRegex, formatMatcher, formatMatchers, fromApiMatcher, MatcherError, matches, parseMatcher, parseMatchers, sortMatchers, toApiMatcher } from '../../src/main/alerting/matchers';
import type { Matcher } from '../../src/main/alerting/types';

const m = (name: string, type: Matcher['type'], value: string): Matcher => ({ name, type, value });

describe('parseMatchers', () => {
  it.each([
    ['{foo = "bar", dings != "bums", }', [m('foo', '=', 'bar'), m('dings', '!=', 'bums')]],
    ['foo=bar,dings!=bums', [m('foo', '=', 'bar'), m('dings', '!=', 'bums')]],
    ['foo=bar, dings!=bums', [m('foo', '=', 'bar'), m('dings', '!=', 'bums')]],
    ['{quote="She said: \\"Hi, ladies! That\'s gender-neutral…\\""}', [m('quote', '=', 'She said: "Hi, ladies! That\'s gender-neutral…"')]],
    ['statuscode=~"5.."', [m('statuscode', '=~', '5..')]],
    ['a=~"x,y", b!~z', [m('a', '=~', 'x,y'), m('b', '!~', 'z')]],
    ['{}', []],
    ['', []],
    ['a=""', [m('a', '=', '')]],
    ['a=', [m('a', '=', '')]],
    ['job:rate=~"a|b"', [m('job:rate', '=~', 'a|b')]],
    ['x="a\\nb\\\\c\\q"', [m('x', '=', 'a\nb\\c\\q')]],
    ['x=unquoted value with spaces  ', [m('x', '=', 'unquoted value with spaces')]],
    ['x="trailing backslash\\', null],
  ])('%s', (input, want) => {
    if (want === null) {
      expect(() => parseMatchers(input)).toThrow(MatcherError);
      return;
    }
    expect(parseMatchers(input)).toEqual(want);
  });

  it('names the position and the text of a bad matcher', () => {
    let err: MatcherError | null = null;
    try {
      parseMatchers('a="b", c~d');
    } catch (e) {
      err = e as MatcherError;
    }
    expect(err).toBeInstanceOf(MatcherError);
    expect(err!.reason).toBe('bad matcher format');
    expect(err!.text.trim()).toBe('c~d');
    expect('a="b", c~d'.slice(err!.position)).toBe('c~d');
    expect(err!.message).toContain('at character 8');
  });

  it('rejects unescaped quotes inside a value and bad regexes, with RE2 wording', () => {
    expect(() => parseMatcher('a="b"c"')).toThrow(/matcher value contains unescaped double quote: "b"c"/);
    expect(() => parseMatcher('a="b')).toThrow(/unescaped double quote/);
    expect(() => parseMatcher('a=~"("')).toThrow(/error parsing regexp: missing closing \): `\(`/);
    expect(() => parseMatcher('a=~"(?=x)"')).toThrow(/invalid or unsupported Perl syntax/);
    expect(() => parseMatcher('a=~"(x)\\\\1"')).toThrow(/invalid escape sequence/);
    expect(() => parseMatcher('1a="b"')).toThrow(/bad matcher format: 1a="b"/);
  });
});

describe('matches', () => {
  it('anchors regexes and treats a missing label as ""', () => {
    expect(matches(m('a', '=~', 'b.*'), { a: 'bcd' })).toBe(true);
    expect(matches(m('a', '=~', 'b'), { a: 'abc' })).toBe(false);
    expect(matches(m('a', '=~', 'x|y'), { a: 'xy' })).toBe(false);
    expect(matches(m('a', '!~', 'x|y'), { a: 'xy' })).toBe(true);
    expect(matches(m('a', '=', ''), {})).toBe(true);
    expect(matches(m('a', '!=', ''), {})).toBe(false);
    expect(matches(m('a', '=~', '.*'), {})).toBe(true);
    expect(matches([m('a', '=', '1'), m('b', '!=', '2')], { a: '1', b: '3' })).toBe(true);
    expect(matches([m('a', '=', '1'), m('b', '!=', '2')], { a: '1', b: '2' })).toBe(false);
  });

  it('compiles as Alertmanager: `.` does not cross a newline unless (?s), (?i) works', () => {
    expect(compileMatcherRegex('a.b').test('a\nb')).toBe(false);
    expect(compileMatcherRegex('(?s)a.b').test('a\nb')).toBe(true);
    expect(compileMatcherRegex('(?i)abc').test('ABC')).toBe(true);
  });
});

describe('formatMatcher', () => {
  it('prints as Alertmanager, with OpenMetrics escapes and in its sort order', () => {
    expect(formatMatcher(m('a', '=~', 'x"y\\z\nw'))).toBe('a=~"x\\"y\\\\z\\nw"');
    const ms = sortMatchers([m('b', '=', '1'), m('a', '!=', 'z'), m('a', '=', 'z'), m('a', '=', 'y')]);
    expect(formatMatchers(ms)).toBe('{a="y",a="z",a!="z",b="1"}');
    expect(formatMatchers([])).toBe('{}');
  });

  it('round-trips through the parser', () => {
    for (const s of ['a="x\\"y"', 'b=~"\\\\d+"', 'c!~"multi\\nline"', 'd!=""']) {
      expect(formatMatcher(parseMatcher(s))).toBe(s);
    }
  });

  it('converts to and from the API shape', () => {
    for (const t of ['=', '!=', '=~', '!~'] as const) expect(fromApiMatcher(toApiMatcher(m('a', t, 'v')))).toEqual(m('a', t, 'v'));
    expect(fromApiMatcher({ name: 'a', value: 'b', isRegex: false })).toEqual(m('a', '=', 'b'));
  });
});
