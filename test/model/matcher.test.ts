import { describe, expect, it } from 'vitest';
import { Matcher } from '../../src/common/model/matcher';
import { compileAnchoredRegex, RegexError } from '../../src/common/model/regex';

describe('matchers', () => {
  it('implements the four operators with absent labels as empty', () => {
    expect(new Matcher('=', 'a', 'x').matches('x')).toBe(true);
    expect(new Matcher('=', 'a', '').matchesEmpty()).toBe(true);
    expect(new Matcher('!=', 'a', 'x').matches('')).toBe(true);
    expect(new Matcher('=~', 'a', 'x|y').matches('y')).toBe(true);
    expect(new Matcher('=~', 'a', 'x|y').matches('xy')).toBe(false);
    expect(new Matcher('!~', 'a', 'x.*').matches('xyz')).toBe(false);
    expect(new Matcher('!~', 'a', 'x.*').matches('yx')).toBe(true);
    expect(new Matcher('=~', 'a', '.*').matchesEmpty()).toBe(true);
    expect(new Matcher('=~', 'a', '.+').matchesEmpty()).toBe(false);
  });

  it('anchors regexes fully and lets . match newlines, as Prometheus 3 does', () => {
    expect(new Matcher('=~', 'a', 'b').matches('abc')).toBe(false);
    expect(new Matcher('=~', 'a', 'a.c').matches('a\nc')).toBe(true);
    // Alternation must stay inside the anchors.
    expect(new Matcher('=~', 'a', 'x|yz').matches('xyz')).toBe(false);
  });

  it('translates RE2-only syntax', () => {
    expect(compileAnchoredRegex('(?i)foo').test('FOO')).toBe(true);
    expect(compileAnchoredRegex('(?P<n>a)b').test('ab')).toBe(true);
    expect(compileAnchoredRegex('[[:digit:]]+').test('123')).toBe(true);
    expect(compileAnchoredRegex('\\Qa.b\\E').test('a.b')).toBe(true);
    expect(compileAnchoredRegex('\\Qa.b\\E').test('axb')).toBe(false);
  });

  it('rejects invalid patterns with a typed error', () => {
    expect(() => compileAnchoredRegex('(')).toThrow(RegexError);
    expect(() => new Matcher('=~', 'a', '[')).toThrow(/error parsing regexp/);
  });
});
