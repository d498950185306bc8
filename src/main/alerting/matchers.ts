/**
 * Alertmanager's label matchers (pkg/labels in Alertmanager 0.25, the "classic" syntax): a list
 * `{a="b", c=~"x.*", d!=e}` as routes' `matchers`, inhibit rules, `amtool` and the silences API
 * take it, single matchers as the API's `filter` parameter takes them, anchored regexes, and the
 * printed form Alertmanager uses in route keys and group keys.
 */
import { translateRE2 } from '../../common/model/regex';
import type { LabelSet, Matcher, MatchType } from './types';

/** MatcherError is a matcher that does not parse; position is the 0-based offset of text in the input. */
export class MatcherError extends Error {
  constructor(
    /** reason is Alertmanager's message without the offending text, e.g. "bad matcher format". */
    readonly reason: string,
    readonly text: string,
    readonly position: number,
  ) {
    super(`${reason}: ${text} (at character ${position + 1})`);
    this.name = 'MatcherError';
  }
}

// '=~' before '=' so that the operator is taken whole; the name may hold ':' as the classic parser allows.
// RE2's \s is [\t\n\f\r ], narrower than JavaScript's.
const MATCHER_RE = /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/;

/**
 * parseMatchers parses a comma-separated list of matchers; a leading `{` and a trailing `}` are
 * optional, commas inside double quotes do not separate, and a trailing comma is allowed.
 */
export function parseMatchers(input: string): Matcher[] {
  let s = input;
  let offset = 0;
  if (s.startsWith('{')) {
    s = s.slice(1);
    offset = 1;
  }
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: { text: string; at: number }[] = [];
  let inQuotes = false;
  let escaped = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ',' && !inQuotes) {
      tokens.push({ text: s.slice(start, i), at: offset + start });
      start = i + 1;
      continue;
    }
    if (c === '"') {
      if (!escaped) inQuotes = !inQuotes;
      else escaped = false;
    } else if (c === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
  }
  const last = s.slice(start);
  if (last.trim() !== '') tokens.push({ text: last, at: offset + start });
  return tokens.map((t) => parseMatcherAt(t.text, t.at));
}

/** parseMatcher parses one matcher `name op value` (value optionally double-quoted, OpenMetrics escapes). */
export function parseMatcher(s: string): Matcher {
  return parseMatcherAt(s, 0);
}

function parseMatcherAt(s: string, at: number): Matcher {
  const m = MATCHER_RE.exec(s);
  const lead = s.length - s.trimStart().length;
  if (!m) throw new MatcherError('bad matcher format', s, at + lead);
  const [, name, op, raw] = m as unknown as [string, string, MatchType, string];
  let p = s.indexOf(op, s.indexOf(name) + name.length) + op.length;
  while (p < s.length && /[\t\n\f\r ]/.test(s[p]!)) p++;
  const rawAt = at + p;
  let rv = raw;
  let expectQuote = false;
  if (rv.startsWith('"')) {
    rv = rv.slice(1);
    expectQuote = true;
  }
  let value = '';
  let esc = false;
  for (let i = 0; i < rv.length; i++) {
    const c = rv[i]!;
    if (esc) {
      esc = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      else value += '\\' + c;
      continue;
    }
    if (c === '\\') {
      if (i < rv.length - 1) {
        esc = true;
        continue;
      }
      value += '\\';
    } else if (c === '"') {
      if (!expectQuote || i < rv.length - 1) throw new MatcherError('matcher value contains unescaped double quote', raw, rawAt);
      expectQuote = false;
    } else {
      value += c;
    }
  }
  if (expectQuote) throw new MatcherError('matcher value contains unescaped double quote', raw, rawAt);
  const out: Matcher = { name, type: op, value };
  if (op === '=~' || op === '!~') {
    try {
      compileMatcherRegex(value);
    } catch (e) {
      throw new MatcherError((e as Error).message, raw, rawAt);
    }
  }
  return out;
}

const reCache = new Map<string, RegExp>();

/**
 * compileMatcherRegex compiles a matcher's RE2 pattern as Alertmanager does, `^(?:v)$` (so `.`
 * does not match a newline unless the pattern asks with `(?s)`); throws with RE2's wording.
 */
export function compileMatcherRegex(v: string): RegExp {
  const hit = reCache.get(v);
  if (hit) return hit;
  const bad = /\(\?<?[=!]|\\[1-9]/.exec(v);
  if (bad) {
    throw new Error(
      bad[0].startsWith('\\') ? `error parsing regexp: invalid escape sequence: \`${bad[0]}\`` : `error parsing regexp: invalid or unsupported Perl syntax: \`${bad[0].slice(0, 3)}\``,
    );
  }
  const { source, flags } = translateRE2(v);
  const dotAll = /^\(\?[imU]*s[imsU]*\)/.test(v) ? 's' : '';
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, flags + dotAll);
  } catch (e) {
    throw new Error(`error parsing regexp: ${re2Message((e as Error).message, v)}`);
  }
  if (reCache.size > 5000) reCache.clear();
  reCache.set(v, re);
  return re;
}

/** re2Message words a JavaScript RegExp error as Go's regexp package does for the common cases. */
function re2Message(js: string, v: string): string {
  const why = js.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  if (/Unterminated group/.test(why)) return `missing closing ): \`${v}\``;
  if (/Unmatched '\)'/.test(why)) return `unexpected ): \`${v}\``;
  if (/Unterminated character class/.test(why)) return `missing closing ]: \`${v.slice(v.lastIndexOf('['))}\``;
  if (/Nothing to repeat/.test(why)) {
    const op = /(?:^|[(|])([*+?]|\{\d+(?:,\d*)?\})/.exec(v);
    return `missing argument to repetition operator: \`${op ? op[1] : '*'}\``;
  }
  if (/numbers out of order/.test(why)) return `invalid repeat count: \`${/\{\d+,\d+\}/.exec(v)?.[0] ?? v}\``;
  if (/Range out of order/.test(why)) return `invalid character class range: \`${/.-./.exec(v.slice(v.indexOf('[')))?.[0] ?? v}\``;
  return why;
}

/** matchesValue reports whether one matcher accepts the value v. */
export function matchesValue(m: Matcher, v: string): boolean {
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return compileMatcherRegex(m.value).test(v);
    case '!~':
      return !compileMatcherRegex(m.value).test(v);
  }
}

/** matches reports whether labels satisfy a matcher (or every matcher of a list); a missing label is "". */
export function matches(m: Matcher | readonly Matcher[], labels: LabelSet): boolean {
  if (Array.isArray(m)) return (m as readonly Matcher[]).every((x) => matchesValue(x, labels[x.name] ?? ''));
  const one = m as Matcher;
  return matchesValue(one, labels[one.name] ?? '');
}

/** openMetricsEscape escapes `\`, newline and `"` as Alertmanager prints matcher values. */
export function openMetricsEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** formatMatcher prints a matcher as Alertmanager does: name="value" with OpenMetrics escapes. */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}"${openMetricsEscape(m.value)}"`;
}

/** formatMatchers prints a list as Alertmanager's labels.Matchers.String: `{a="b",c=~"d"}`. */
export function formatMatchers(ms: readonly Matcher[]): string {
  return `{${ms.map(formatMatcher).join(',')}}`;
}

const TYPE_ORDER: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/** compareMatchers orders matchers as Alertmanager's labels.Matchers sort: name, value, then type. */
export function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
}

/** sortMatchers returns the matchers in Alertmanager's order (a new array). */
export function sortMatchers(ms: readonly Matcher[]): Matcher[] {
  return [...ms].sort(compareMatchers);
}

/** toApiMatcher is a matcher in the v2 API's shape. */
export function toApiMatcher(m: Matcher): { name: string; value: string; isRegex: boolean; isEqual: boolean } {
  return { name: m.name, value: m.value, isRegex: m.type === '=~' || m.type === '!~', isEqual: m.type === '=' || m.type === '=~' };
}

/** fromApiMatcher reads the v2 API's matcher shape (isEqual defaults to true, isRegex to false). */
export function fromApiMatcher(a: { name: string; value: string; isRegex?: boolean; isEqual?: boolean }): Matcher {
  const eq = a.isEqual ?? true;
  const re = a.isRegex ?? false;
  const type: MatchType = re ? (eq ? '=~' : '!~') : eq ? '=' : '!=';
  return { name: a.name, type, value: a.value };
}
