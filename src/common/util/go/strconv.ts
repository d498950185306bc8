/**
 * Go's strconv as Prometheus uses it, byte-exact: quoting (Quote, QuoteRune, IsPrint), unquoting
 * (Prometheus's strutil.Unquote and Go's Unquote), integer and float parsing (ParseInt base 0,
 * ParseFloat, with Go's error texts) and float formatting (FormatFloat 'f' and 'g', shortest or
 * with a precision). Strings follow the surrogate-escape convention described in utf8.ts.
 */
import { decodeUTF8, utf8Bytes } from './utf8';

// ---------------------------------------------------------------------------------------------
// Quoting.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** isPrint reports whether the code point is printable in Go's sense (strconv.IsPrint, unicode.IsPrint). */
export function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
  if (cp < 0x7f) return true;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

/** hex renders n in lower-case hexadecimal, zero-padded to width digits. */
export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function quoteWith(s: string, quote: number): string {
  let out = String.fromCharCode(quote);
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    // Printable ASCII other than the quote and the backslash stands for itself (the common case).
    if (c >= 0x20 && c < 0x7f && c !== quote && c !== 92) {
      out += s[i]!;
      i++;
      continue;
    }
    const cp = s.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (cp >= 0xdc80 && cp <= 0xdcff) {
      out += '\\x' + hex(cp - 0xdc00, 2);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate is an invalid rune; Go prints U+FFFD for it.
      out += '\\ufffd';
      continue;
    }
    out += escapeRune(cp, quote);
  }
  return out + String.fromCharCode(quote);
}

function escapeRune(cp: number, quote: number): string {
  if (cp === quote || cp === 92) return '\\' + String.fromCharCode(cp);
  if (isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 7: return '\\a';
    case 8: return '\\b';
    case 12: return '\\f';
    case 10: return '\\n';
    case 13: return '\\r';
    case 9: return '\\t';
    case 11: return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

/** goQuote renders s as Go's strconv.Quote (and fmt's %q for strings) would. */
export function goQuote(s: string): string {
  return quoteWith(s, 34);
}

/** goQuoteRune renders a code point as Go's strconv.QuoteRune (fmt's %q for a rune). */
export function goQuoteRune(cp: number): string {
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return "'" + escapeRune(cp, 39) + "'";
}

// ---------------------------------------------------------------------------------------------
// Unquoting.

/** GoUnquoteError is thrown by goUnquote for a malformed string literal ("invalid syntax"). */
export class GoUnquoteError extends Error {
  constructor() {
    super('invalid syntax');
    this.name = 'GoUnquoteError';
  }
}

function unhex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * goUnquote interprets a PromQL string literal written with double quotes, single quotes or
 * backticks (Prometheus's strutil.Unquote): Go escapes in the first two, none in raw strings.
 * Throws GoUnquoteError on malformed input.
 */
export function goUnquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new GoUnquoteError();
  const quote = s[0]!;
  if (quote !== s[n - 1]) throw new GoUnquoteError();
  const body = s.slice(1, n - 1);
  if (quote === '`') {
    if (body.includes('`')) throw new GoUnquoteError();
    return body;
  }
  if (quote !== '"' && quote !== "'") throw new GoUnquoteError();
  if (body.includes('\n')) throw new GoUnquoteError();
  if (!body.includes('\\') && !body.includes(quote)) return body;
  // Work on bytes so that \x and octal escapes can produce bytes that are not UTF-8.
  const src = utf8Bytes(body);
  const out: number[] = [];
  const q = quote.charCodeAt(0);
  let i = 0;
  const pushRune = (cp: number) => {
    for (const b of utf8Bytes(String.fromCodePoint(cp))) out.push(b);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === q) throw new GoUnquoteError();
    if (c !== 92) {
      out.push(c);
      i++;
      continue;
    }
    if (i + 1 >= src.length) throw new GoUnquoteError();
    const e = src[i + 1]!;
    i += 2;
    switch (e) {
      case 97: out.push(7); break; // \a
      case 98: out.push(8); break; // \b
      case 102: out.push(12); break; // \f
      case 110: out.push(10); break; // \n
      case 114: out.push(13); break; // \r
      case 116: out.push(9); break; // \t
      case 118: out.push(11); break; // \v
      case 92: out.push(92); break;
      case 39:
      case 34:
        if (e !== q) throw new GoUnquoteError();
        out.push(e);
        break;
      case 120: // \x
      case 117: // \u
      case 85: { // \U
        const len = e === 120 ? 2 : e === 117 ? 4 : 8;
        if (i + len > src.length) throw new GoUnquoteError();
        let v = 0;
        for (let k = 0; k < len; k++) {
          const h = unhex(src[i + k]!);
          if (h < 0) throw new GoUnquoteError();
          v = v * 16 + h;
        }
        i += len;
        if (e === 120) {
          out.push(v);
        } else {
          if (v > 0x10ffff) throw new GoUnquoteError();
          // Go's utf8.EncodeRune writes U+FFFD for surrogate code points.
          pushRune(v >= 0xd800 && v <= 0xdfff ? 0xfffd : v);
        }
        break;
      }
      default:
        if (e >= 48 && e <= 55) {
          if (i + 2 > src.length) throw new GoUnquoteError();
          let v = e - 48;
          for (let k = 0; k < 2; k++) {
            const d = src[i + k]! - 48;
            if (d < 0 || d > 7) throw new GoUnquoteError();
            v = v * 8 + d;
          }
          i += 2;
          if (v > 255) throw new GoUnquoteError();
          out.push(v);
          break;
        }
        throw new GoUnquoteError();
    }
  }
  return decodeUTF8(out);
}

/**
 * goUnquoteString is Go's strconv.Unquote for string literals: `"..."` with escapes, or a raw
 * `` `...` `` string with carriage returns removed. Single-quoted (rune) literals and malformed
 * input give null.
 */
export function goUnquoteString(s: string): string | null {
  if (s[0] !== '"' && s[0] !== '`') return null;
  try {
    const v = goUnquote(s);
    return s[0] === '`' ? v.replace(/\r/g, '') : v;
  } catch (e) {
    if (e instanceof GoUnquoteError) return null;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing numbers.

/** GoNumberError is a strconv-style failure; message is Go's text, e.g. `strconv.ParseFloat: parsing "x": invalid syntax`. */
export class GoNumberError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoNumberError';
  }
}

function lower(c: string): string {
  return c.toLowerCase();
}

/** underscoreOK reports whether underscores in s are placed as Go's number syntax allows. */
export function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]!))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * goParseInt0 is strconv.ParseInt(s, 0, 64): decimal, 0x hex, 0o/0 octal, 0b binary, with Go's
 * underscore rules. Returns the value as a float64 (like float64(n) in Go), or undefined on error.
 */
export function goParseInt0(s: string): number | undefined {
  if (s === '') return undefined;
  const s0 = s;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
    if (s === '') return undefined;
  }
  let base = 10;
  if (s[0] === '0') {
    if (s.length >= 3 && lower(s[1]!) === 'x') {
      base = 16;
      s = s.slice(2);
    } else if (s.length >= 3 && lower(s[1]!) === 'o') {
      base = 8;
      s = s.slice(2);
    } else if (s.length >= 3 && lower(s[1]!) === 'b') {
      base = 2;
      s = s.slice(2);
    } else {
      base = 8;
      s = s.slice(1);
    }
  }
  let n = 0n;
  const b = BigInt(base);
  let underscores = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    let d: number;
    if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
    else if (lower(c) >= 'a' && lower(c) <= 'z') d = lower(c).charCodeAt(0) - 87;
    else return undefined;
    if (d >= base) return undefined;
    n = n * b + BigInt(d);
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  if (neg) n = -n;
  if (n > INT64_MAX || n < INT64_MIN) return undefined;
  return Number(n);
}

/**
 * floatStatus carries the outcome of the last parseFloatRange call: err is '' on success and Go's
 * message otherwise; slow is true when the input was not a plain decimal the fast path converts.
 */
export const floatStatus = { err: '', slow: false };

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * parseFloatRange is strconv.ParseFloat(s[start:end], 64): decimal and hexadecimal (`0x1.8p3`)
 * floats with Go's underscore rules, and inf, infinity and nan in any case. On error it returns 0
 * and sets floatStatus.err to Go's message; on success floatStatus.err is ''.
 */
export function parseFloatRange(s: string, start: number, end: number): number {
  floatStatus.err = '';
  floatStatus.slow = false;
  let i = start;
  if (i >= end) return syntaxError(s.slice(start, end));
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === 43 /* + */ || c === 45 /* - */) {
    neg = c === 45;
    if (++i >= end) return syntaxError(s.slice(start, end));
    c = s.charCodeAt(i);
  }
  // Fast path (Clinger): a decimal mantissa below 2^53 scaled by an exact power of ten <= 1e22 is
  // computed with one correctly rounded division or multiplication. Rounding is monotonic and
  // 2^53 is representable, so a computed mantissa below 2^53 means every step was exact.
  let mant = 0;
  const intStart = i;
  while (c >= 48 && c <= 57) {
    mant = mant * 10 + (c - 48);
    if (++i >= end) break;
    c = s.charCodeAt(i);
  }
  let nd = i - intStart;
  let frac = 0;
  if (i < end && c === 46) {
    const f0 = ++i;
    if (i < end) {
      c = s.charCodeAt(i);
      while (c >= 48 && c <= 57) {
        mant = mant * 10 + (c - 48);
        if (++i >= end) break;
        c = s.charCodeAt(i);
      }
    }
    frac = i - f0;
    nd += frac;
  }
  if (nd === 0) return parseFloatSlow(s.slice(start, end));
  let exp = 0;
  if (i < end) {
    if (c !== 101 && c !== 69 /* e E */) return parseFloatSlow(s.slice(start, end));
    if (++i >= end) return parseFloatSlow(s.slice(start, end));
    c = s.charCodeAt(i);
    let eneg = false;
    if (c === 43 || c === 45) {
      eneg = c === 45;
      if (++i >= end) return parseFloatSlow(s.slice(start, end));
    }
    for (; i < end; i++) {
      const d = s.charCodeAt(i);
      if (d < 48 || d > 57) return parseFloatSlow(s.slice(start, end));
      if (exp < 100000) exp = exp * 10 + (d - 48);
    }
    if (eneg) exp = -exp;
  }
  if (mant >= 9007199254740992) return parseFloatSlow(s.slice(start, end));
  const e10 = exp - frac;
  let v: number;
  if (e10 === 0 || mant === 0) v = mant;
  else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10]!;
  else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10]!;
  else return parseFloatSlow(s.slice(start, end));
  return neg ? -v : v;
}

function syntaxError(str: string): number {
  floatStatus.err = `strconv.ParseFloat: parsing ${goQuote(str)}: invalid syntax`;
  return 0;
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/;

/** parseFloatSlow validates Go's whole float grammar and converts with the platform's correctly rounded parser. */
function parseFloatSlow(str: string): number {
  floatStatus.slow = true;
  const sp = special(str);
  if (sp !== null) return sp;
  const underscores = str.includes('_');
  if (underscores && !underscoreOK(str)) return syntaxError(str);
  let v: number;
  if (DECIMAL_FLOAT.test(str)) {
    // The mantissa needs a digit ("_" alone matches the pattern).
    if (!/[0-9]/.test(str.replace(/[eE].*$/, ''))) return syntaxError(str);
    v = Number(underscores ? str.replace(/_/g, '') : str);
  } else {
    const m = HEX_FLOAT.exec(underscores ? str.replace(/_/g, '') : str);
    if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return syntaxError(str);
    v = hexFloat(m[2]! + (m[3] ?? ''), parseInt(m[4]!, 10) - 4 * (m[3] ?? '').length);
    if (m[1] === '-') v = -v;
  }
  if (Number.isNaN(v)) return syntaxError(str);
  if (!Number.isFinite(v)) {
    floatStatus.err = `strconv.ParseFloat: parsing ${goQuote(str)}: value out of range`;
    return 0;
  }
  return v;
}

/** hexFloat is digits (hexadecimal) times 2^exp, correctly rounded except for subnormal results. */
function hexFloat(digits: string, exp: number): number {
  let v = Number(BigInt('0x' + digits));
  if (v === 0) return 0;
  while (exp > 0 && Number.isFinite(v)) {
    const k = Math.min(exp, 1000);
    v *= 2 ** k;
    exp -= k;
  }
  while (exp < 0 && v !== 0) {
    const k = Math.min(-exp, 1000);
    v /= 2 ** k;
    exp += k;
  }
  return v;
}

/** special recognises Go's spellings of infinity (optionally signed) and NaN (unsigned), any case. */
function special(str: string): number | null {
  switch (str.toLowerCase()) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
  }
  return null;
}

/** goParseFloat is strconv.ParseFloat(s, 64); throws GoNumberError with Go's message on error. */
export function goParseFloat(s: string): number {
  const v = parseFloatRange(s, 0, s.length);
  if (floatStatus.err !== '') {
    const err = floatStatus.err;
    floatStatus.err = '';
    throw new GoNumberError(err);
  }
  return v;
}

/**
 * goParseNumber is ParseInt(s, 0, 64) first, then ParseFloat (Prometheus's parser.number and the
 * test scripts' parseNumber). Throws GoNumberError with the ParseFloat error when both fail.
 */
export function goParseNumber(s: string): number {
  const i = goParseInt0(s);
  if (i !== undefined) return i;
  return goParseFloat(s);
}

// ---------------------------------------------------------------------------------------------
// Formatting floats.

/** formatFloatF is strconv.FormatFloat(v, 'f', -1, 64) (the API's sample values), with Go's NaN, +Inf and -Inf. */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  // JavaScript prints the same shortest digits; only its exponent form needs expanding.
  const s = String(v);
  if (!s.includes('e')) return s;
  return expandExponent(s);
}

function expandExponent(s: string): string {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [mant, expStr] = body.split('e') as [string, string];
  const exp = parseInt(expStr, 10);
  const [ip, fp = ''] = mant.split('.') as [string, string?];
  const digits = ip + fp;
  const point = ip.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}

/**
 * formatFloatG is strconv.FormatFloat(v, 'g', -1, 64), which is also fmt's %v and %g for a
 * float64: the shortest digits, in exponent form (at least two exponent digits) when the decimal
 * exponent is < -4 or >= 6.
 */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = f.toExponential(); // shortest round-trip digits, e.g. "1.5e+7"
  const idx = e.indexOf('e');
  const exp = parseInt(e.slice(idx + 1), 10);
  if (exp < -4 || exp >= 6) {
    const mant = e.slice(0, idx);
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  // In this range JavaScript prints the same digits without an exponent.
  return String(f);
}

/** formatFloatFixed is strconv.FormatFloat(v, 'f', prec, 64) and fmt's %.Nf, including NaN and ±Inf. */
export function formatFloatFixed(v: number, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Math.abs(v) < 1e21) return v.toFixed(prec);
  // Large doubles are integers; print their exact decimal expansion.
  return BigInt(v).toString() + (prec > 0 ? '.' + '0'.repeat(prec) : '');
}

/**
 * formatFloatGPrec is strconv.FormatFloat(f, 'g', prec, 64) and fmt's %.<prec>g: prec significant
 * digits (trailing zeros dropped), exponent form when the exponent is < -4 or >= the precision.
 */
export function formatFloatGPrec(f: number, prec: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (prec < 1) prec = 1;
  const neg = f < 0 || Object.is(f, -0);
  let e = Math.abs(f).toExponential(prec - 1); // "d.ddde+x"; JavaScript rounds ties up
  if (prec <= 100) {
    // Go rounds an exact tie to even: detect "...5000..." in the exact expansion.
    const full = Math.abs(f).toExponential(100);
    const fe = full.indexOf('e');
    const fd = full.slice(0, fe).replace('.', '');
    if (fd[prec] === '5' && /^0*$/.test(fd.slice(prec + 1)) && Number(fd[prec - 1]) % 2 === 0) {
      e = `${fd[0]}${prec > 1 ? '.' + fd.slice(1, prec) : ''}${full.slice(fe)}`;
    }
  }
  const idx = e.indexOf('e');
  const digits = e.slice(0, idx).replace('.', '').replace(/0+$/, '') || '0';
  const nd = digits.length;
  const dp = f === 0 ? 1 : parseInt(e.slice(idx + 1), 10) + 1;
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  const exp = dp - 1;
  let out: string;
  if (exp < -4 || exp >= eprec) {
    const mant = nd > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const a = Math.abs(exp);
    out = `${mant}e${exp < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
  } else if (dp <= 0) {
    out = `0.${'0'.repeat(-dp)}${digits}`;
  } else if (dp >= nd) {
    out = digits + '0'.repeat(dp - nd);
  } else {
    out = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  }
  return neg ? `-${out}` : out;
}
