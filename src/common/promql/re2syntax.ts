/**
 * re2SyntaxError checks a regular expression with the rules of Go's regexp/syntax parser (flags
 * Perl|DotNL, what Prometheus's label matchers use) and returns Go's error text, e.g.
 * "error parsing regexp: missing closing ): `(a`", or null when Go would accept the pattern.
 * It validates only; compiling is left to model/regex.ts.
 */

const CODES = {
  escape: 'invalid escape sequence',
  charClass: 'invalid character class',
  charRange: 'invalid character class range',
  namedCapture: 'invalid named capture',
  perlOp: 'invalid or unsupported Perl syntax',
  repeatOp: 'invalid nested repetition operator',
  repeatSize: 'invalid repeat count',
  utf8: 'invalid UTF-8',
  missingBracket: 'missing closing ]',
  missingParen: 'missing closing )',
  missingRepeatArg: 'missing argument to repetition operator',
  trailingBackslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )',
  nestingDepth: 'expression nests too deeply',
} as const;

class RE2Error {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {}
}

const POSIX_GROUPS = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

function isUnicodeTable(name: string): boolean {
  if (name === 'Any' || CATEGORIES.has(name)) return true;
  if (!/^[A-Za-z_]+$/.test(name)) return false;
  try {
    new RegExp(`\\p{Script=${name}}`, 'u');
    return true;
  } catch {
    return false;
  }
}

function isAlnum(c: string): boolean {
  return /^[0-9A-Za-z]$/.test(c);
}

function unhex(c: string): number {
  return /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1;
}

/** nextRune returns the first code point of s and the rest, or throws on invalid UTF-8 (lone surrogates). */
function nextRune(s: string): [string, string] {
  const cp = s.codePointAt(0);
  if (cp === undefined) return ['', ''];
  if (cp >= 0xd800 && cp <= 0xdfff) throw new RE2Error(CODES.utf8, s);
  const n = cp > 0xffff ? 2 : 1;
  return [s.slice(0, n), s.slice(n)];
}

type StackItem = 'lparen' | 'bar' | 'x';

class Checker {
  private readonly whole: string;
  private stack: StackItem[] = [];
  private depth = 0;

  constructor(s: string) {
    this.whole = s;
  }

  run(): void {
    let t = this.whole;
    let lastRepeat = '';
    while (t !== '') {
      let repeat = '';
      const c = t[0]!;
      switch (c) {
        case '(':
          if (t[1] === '?') {
            t = this.parsePerlFlags(t);
            break;
          }
          this.push('lparen');
          t = t.slice(1);
          break;
        case '|':
          this.stack.push('bar');
          t = t.slice(1);
          break;
        case ')':
          this.rightParen();
          t = t.slice(1);
          break;
        case '^':
        case '$':
        case '.':
          this.stack.push('x');
          t = t.slice(1);
          break;
        case '[':
          t = this.parseClass(t);
          this.stack.push('x');
          break;
        case '*':
        case '+':
        case '?': {
          const before = t;
          const after = this.repeat(before, t.slice(1), lastRepeat);
          repeat = before;
          t = after;
          break;
        }
        case '{': {
          const before = t;
          const r = parseRepeat(t);
          if (!r) {
            this.stack.push('x');
            t = t.slice(1);
            break;
          }
          const { min, max, rest } = r;
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)) {
            throw new RE2Error(CODES.repeatSize, before.slice(0, before.length - rest.length));
          }
          t = this.repeat(before, rest, lastRepeat);
          repeat = before;
          break;
        }
        case '\\':
          t = this.parseBackslash(t);
          break;
        default: {
          const [, rest] = nextRune(t);
          this.stack.push('x');
          t = rest;
        }
      }
      lastRepeat = repeat;
    }
    let open = 0;
    for (const it of this.stack) if (it === 'lparen') open++;
    if (open > 0) throw new RE2Error(CODES.missingParen, this.whole);
  }

  private push(it: StackItem): void {
    this.stack.push(it);
    if (it === 'lparen' && ++this.depth > 1000) throw new RE2Error(CODES.nestingDepth, this.whole);
  }

  private rightParen(): void {
    let i = this.stack.length - 1;
    while (i >= 0 && this.stack[i] !== 'lparen') i--;
    if (i < 0) throw new RE2Error(CODES.unexpectedParen, this.whole);
    this.stack.length = i;
    this.stack.push('x');
    this.depth--;
  }

  private repeat(before: string, after: string, lastRepeat: string): string {
    if (after[0] === '?') after = after.slice(1);
    if (lastRepeat !== '') throw new RE2Error(CODES.repeatOp, lastRepeat.slice(0, lastRepeat.length - after.length));
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top === 'lparen' || top === 'bar') {
      throw new RE2Error(CODES.missingRepeatArg, before.slice(0, before.length - after.length));
    }
    return after;
  }

  private parsePerlFlags(s: string): string {
    const t = s;
    if ((t.length > 4 && t[2] === 'P' && t[3] === '<') || (t.length > 3 && t[2] === '<')) {
      const begin = t[2] === 'P' ? 4 : 3;
      const end = t.indexOf('>');
      if (end < 0) {
        nextRunes(t);
        throw new RE2Error(CODES.namedCapture, s);
      }
      const capture = t.slice(0, end + 1);
      const name = t.slice(begin, end);
      nextRunes(name);
      if (name === '' || !/^[0-9A-Za-z_]+$/.test(name)) throw new RE2Error(CODES.namedCapture, capture);
      this.push('lparen');
      return t.slice(end + 1);
    }
    let rest = t.slice(2);
    let sign = 1;
    let sawFlag = false;
    while (rest !== '') {
      const [c, r] = nextRune(rest);
      rest = r;
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        sawFlag = true;
        continue;
      }
      if (c === '-') {
        if (sign < 0) break;
        sign = -1;
        sawFlag = false;
        continue;
      }
      if (c === ':' || c === ')') {
        if (sign < 0 && !sawFlag) break;
        if (c === ':') this.push('lparen');
        return rest;
      }
      break;
    }
    throw new RE2Error(CODES.perlOp, s.slice(0, s.length - rest.length));
  }

  private parseBackslash(t: string): string {
    const n = t[1];
    if (n !== undefined) {
      switch (n) {
        case 'A':
        case 'b':
        case 'B':
        case 'z':
          this.stack.push('x');
          return t.slice(2);
        case 'C':
          throw new RE2Error(CODES.escape, t.slice(0, 2));
        case 'Q': {
          const end = t.indexOf('\\E', 2);
          const lit = end < 0 ? t.slice(2) : t.slice(2, end);
          nextRunes(lit);
          if (lit !== '') this.stack.push('x');
          return end < 0 ? '' : t.slice(end + 2);
        }
        case 'p':
        case 'P': {
          const r = parseUnicodeClass(t);
          if (r !== null) {
            this.stack.push('x');
            return r;
          }
          break;
        }
        case 'd':
        case 'D':
        case 's':
        case 'S':
        case 'w':
        case 'W':
          this.stack.push('x');
          return t.slice(2);
      }
    }
    const rest = parseEscape(t);
    this.stack.push('x');
    return rest;
  }

  private parseClass(s: string): string {
    let t = s.slice(1);
    if (t[0] === '^') t = t.slice(1);
    let first = true;
    while (t === '' || t[0] !== ']' || first) {
      first = false;
      if (t.length > 2 && t[0] === '[' && t[1] === ':') {
        const i = t.indexOf(':]', 2);
        if (i >= 0) {
          const name = t.slice(0, i + 2);
          let g = name.slice(2, -2);
          if (g.startsWith('^')) g = g.slice(1);
          if (!POSIX_GROUPS.has(g)) throw new RE2Error(CODES.charRange, name);
          t = t.slice(i + 2);
          continue;
        }
      }
      if (t.length >= 2 && t[0] === '\\' && (t[1] === 'p' || t[1] === 'P')) {
        const r = parseUnicodeClass(t);
        if (r !== null) {
          t = r;
          continue;
        }
      }
      if (t.length >= 2 && t[0] === '\\' && 'dDsSwW'.includes(t[1]!)) {
        t = t.slice(2);
        continue;
      }
      const rng = t;
      const [lo, t1] = parseClassChar(t, s);
      t = t1;
      if (t.length >= 2 && t[0] === '-' && t[1] !== ']') {
        const [hi, t2] = parseClassChar(t.slice(1), s);
        t = t2;
        if (hi < lo) throw new RE2Error(CODES.charRange, rng.slice(0, rng.length - t.length));
      }
    }
    return t.slice(1);
  }
}

function nextRunes(s: string): void {
  for (let t = s; t !== ''; ) t = nextRune(t)[1];
}

function parseInt10(s: string): { n: number; rest: string } | null {
  if (s === '' || !(s[0]! >= '0' && s[0]! <= '9')) return null;
  if (s.length >= 2 && s[0] === '0' && s[1]! >= '0' && s[1]! <= '9') return null;
  let i = 0;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
  let n = 0;
  for (let k = 0; k < i; k++) {
    if (n >= 1e8) {
      n = -1;
      break;
    }
    n = n * 10 + s.charCodeAt(k) - 48;
  }
  return { n, rest: s.slice(i) };
}

function parseRepeat(s: string): { min: number; max: number; rest: string } | null {
  if (s[0] !== '{') return null;
  let t = s.slice(1);
  const a = parseInt10(t);
  if (!a) return null;
  let min = a.n;
  let max: number;
  t = a.rest;
  if (t === '') return null;
  if (t[0] !== ',') {
    max = min;
  } else {
    t = t.slice(1);
    if (t === '') return null;
    if (t[0] === '}') {
      max = -1;
    } else {
      const b = parseInt10(t);
      if (!b) return null;
      max = b.n;
      t = b.rest;
      if (max < 0) min = -1;
    }
  }
  if (t === '' || t[0] !== '}') return null;
  return { min, max, rest: t.slice(1) };
}

/** parseUnicodeClass parses \pX, \p{Name}, \PX, \P{^Name}; returns the rest, or null if s is not one. */
function parseUnicodeClass(s: string): string | null {
  if (s.length < 2 || s[0] !== '\\' || (s[1] !== 'p' && s[1] !== 'P')) return null;
  let t = s.slice(2);
  const [c, rest] = nextRune(t);
  t = rest;
  let seq: string;
  let name: string;
  if (c !== '{') {
    seq = s.slice(0, s.length - t.length);
    name = seq.slice(2);
  } else {
    const end = s.indexOf('}');
    if (end < 0) {
      nextRunes(s);
      throw new RE2Error(CODES.charRange, s);
    }
    seq = s.slice(0, end + 1);
    t = s.slice(end + 1);
    name = s.slice(3, end);
    nextRunes(name);
  }
  if (name.startsWith('^')) name = name.slice(1);
  if (!isUnicodeTable(name)) throw new RE2Error(CODES.charRange, seq);
  return t;
}

function parseClassChar(s: string, wholeClass: string): [number, string] {
  if (s === '') throw new RE2Error(CODES.missingBracket, wholeClass);
  if (s[0] === '\\') {
    const before = s;
    const rest = parseEscape(s);
    return [escapeValue(before.slice(0, before.length - rest.length)), rest];
  }
  const [c, rest] = nextRune(s);
  return [c.codePointAt(0)!, rest];
}

/** escapeValue computes the code point a valid escape stands for (for range order checks). */
function escapeValue(esc: string): number {
  const c = esc[1]!;
  switch (c) {
    case 'a': return 7;
    case 'f': return 12;
    case 'n': return 10;
    case 'r': return 13;
    case 't': return 9;
    case 'v': return 11;
  }
  if (c >= '0' && c <= '7') return parseInt(esc.slice(1), 8);
  if (c === 'x') return parseInt(esc.slice(2).replace(/[{}]/g, ''), 16);
  return esc.slice(1).codePointAt(0)!;
}

/** parseEscape validates one escape sequence at the start of s (after no special handling) and returns the rest. */
function parseEscape(s: string): string {
  let t = s.slice(1);
  if (t === '') throw new RE2Error(CODES.trailingBackslash, '');
  const [c, r] = nextRune(t);
  t = r;
  const fail = () => new RE2Error(CODES.escape, s.slice(0, s.length - t.length));
  if (c.length === 1 && c.charCodeAt(0) < 0x80 && !isAlnum(c)) return t;
  switch (c) {
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
      // A single non-zero digit would be a backreference, which RE2 does not support.
      if (c !== '0' && (t === '' || t[0]! < '0' || t[0]! > '7')) throw fail();
      for (let i = 1; i < 3; i++) {
        if (t === '' || t[0]! < '0' || t[0]! > '7') break;
        t = t.slice(1);
      }
      return t;
    case 'x': {
      if (t === '') throw fail();
      let [d, r2] = nextRune(t);
      t = r2;
      if (d === '{') {
        let nhex = 0;
        let v = 0;
        for (;;) {
          if (t === '') throw fail();
          [d, r2] = nextRune(t);
          t = r2;
          if (d === '}') break;
          const h = unhex(d);
          if (h < 0) throw fail();
          v = v * 16 + h;
          if (v > 0x10ffff) throw fail();
          nhex++;
        }
        if (nhex === 0) throw fail();
        return t;
      }
      const x = unhex(d);
      [d, r2] = nextRune(t);
      t = r2;
      if (x < 0 || unhex(d) < 0) throw fail();
      return t;
    }
    case 'a': case 'f': case 'n': case 'r': case 't': case 'v':
      return t;
  }
  throw fail();
}

/**
 * re2SyntaxError returns Go's "error parsing regexp: ..." text for an invalid pattern, or null.
 */
export function re2SyntaxError(pattern: string): string | null {
  try {
    new Checker(pattern).run();
    return null;
  } catch (e) {
    if (e instanceof RE2Error) return `error parsing regexp: ${e.code}: \`${e.expr}\``;
    throw e;
  }
}
