/**
 * Label matchers, as in Prometheus's model/labels/matcher.go.
 */
import { compileAnchoredRegex } from './regex';

/** MatchType is one of the four matcher operators. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** Matcher tests one label's value. An absent label has the value ''. */
export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  private readonly re: RegExp | null;
  /** For regex matchers whose pattern is a plain alternation of literals, the set of literals. */
  readonly setMatches: ReadonlySet<string> | null;

  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    if (type === '=~' || type === '!~') {
      this.re = compileAnchoredRegex(value);
      this.setMatches = literalAlternation(value);
    } else {
      this.re = null;
      this.setMatches = null;
    }
  }

  /** matches reports whether the label value v satisfies the matcher. */
  matches(v: string): boolean {
    switch (this.type) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return this.setMatches ? this.setMatches.has(v) : this.re!.test(v);
      case '!~':
        return this.setMatches ? !this.setMatches.has(v) : !this.re!.test(v);
    }
  }

  /** matchesEmpty reports whether a series lacking the label matches. */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  /** toString renders the matcher as PromQL does: name="value". */
  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}

/** literalAlternation returns the literals of a pattern like `a|b|c`, or null if it has metacharacters. */
function literalAlternation(p: string): Set<string> | null {
  if (/[\\^$.*+?()[\]{}]/.test(p)) return null;
  return new Set(p.split('|'));
}
