/**
 * Go number and duration semantics that PromQL inherits: strconv.ParseInt(s, 0, 64) and
 * strconv.ParseFloat(s, 64) (with their error texts), prometheus/common model.ParseDuration and
 * model.Duration.String, and the float formats Prometheus prints ('f' and 'g' shortest, %.3f, %f).
 */
import { goQuote } from './gostrings';

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

const DECIMAL_FLOAT = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;

/**
 * goParseFloat is strconv.ParseFloat(s, 64) for the inputs the PromQL lexer can produce (decimal
 * numbers, Inf, NaN, and hex integers that are out of int64 range). Throws GoNumberError with Go's
 * message on error.
 */
export function goParseFloat(s: string): number {
  const fail = (why: string) => new GoNumberError(`strconv.ParseFloat: parsing ${goQuote(s)}: ${why}`);
  let body = s;
  let sign = 1;
  if (body[0] === '+' || body[0] === '-') {
    sign = body[0] === '-' ? -1 : 1;
    body = body.slice(1);
  }
  const low = body.toLowerCase();
  if (low === 'inf' || low === 'infinity') return sign * Infinity;
  if (low === 'nan' && s === body) return NaN;
  if (!DECIMAL_FLOAT.test(s) || !/[0-9]/.test(s.replace(/[eE].*$/, ''))) throw fail('invalid syntax');
  if (s.includes('_') && !underscoreOK(s)) throw fail('invalid syntax');
  // The exponent must contain a digit, and underscores may not start the mantissa.
  const v = Number(s.replace(/_/g, ''));
  if (Number.isNaN(v)) throw fail('invalid syntax');
  if (!Number.isFinite(v)) throw fail('value out of range');
  return v;
}

/**
 * goParseNumber is Prometheus's parser.number: ParseInt(val, 0, 64) first, then ParseFloat.
 * Throws GoNumberError with the ParseFloat error when both fail.
 */
export function goParseNumber(s: string): number {
  const i = goParseInt0(s);
  if (i !== undefined) return i;
  return goParseFloat(s);
}

const UNITS: Record<string, { pos: number; mult: bigint }> = {
  ms: { pos: 7, mult: 1_000_000n },
  s: { pos: 6, mult: 1_000_000_000n },
  m: { pos: 5, mult: 60_000_000_000n },
  h: { pos: 4, mult: 3_600_000_000_000n },
  d: { pos: 3, mult: 86_400_000_000_000n },
  w: { pos: 2, mult: 604_800_000_000_000n },
  y: { pos: 1, mult: 31_536_000_000_000_000n },
};

/**
 * parseModelDuration is prometheus/common model.ParseDuration: `1h30m`, `5m`, `0`. Returns the
 * duration in nanoseconds. Throws GoNumberError with the upstream message.
 */
export function parseModelDuration(s: string): bigint {
  if (s === '0') return 0n;
  if (s === '') throw new GoNumberError('empty duration string');
  const orig = s;
  const invalid = () => new GoNumberError(`not a valid duration string: ${goQuote(orig)}`);
  let dur = 0n;
  let lastUnitPos = 0;
  while (s !== '') {
    if (!(s[0]! >= '0' && s[0]! <= '9')) throw invalid();
    let i = 0;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    const v = BigInt(s.slice(0, i));
    if (v > 18446744073709551615n) throw invalid();
    s = s.slice(i);
    i = 0;
    while (i < s.length && !(s[i]! >= '0' && s[i]! <= '9')) i++;
    if (i === 0) throw invalid();
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (!unit) throw new GoNumberError(`unknown unit ${goQuote(u)} in duration ${goQuote(orig)}`);
    if (unit.pos <= lastUnitPos) throw invalid();
    lastUnitPos = unit.pos;
    if (v > (1n << 63n) / unit.mult) throw new GoNumberError('duration out of range');
    dur += v * unit.mult;
    if (dur > INT64_MAX) throw new GoNumberError('duration out of range');
  }
  return dur;
}

/** durationSeconds is Go's time.Duration.Seconds() for a nanosecond count. */
export function durationSeconds(ns: bigint): number {
  const sec = ns / 1_000_000_000n;
  const nsec = ns % 1_000_000_000n;
  return Number(sec) + Number(nsec) / 1e9;
}

/** goRound is Go's math.Round: half away from zero. */
export function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  if (Math.abs(x - t) >= 0.5) return t + Math.sign(x);
  return t === 0 ? 0 * Math.sign(x) || 0 : t;
}

/** secondsToMs converts float seconds to whole milliseconds as Prometheus does (round to ns, truncate to ms). */
export function secondsToMs(sec: number): number {
  const ns = goRound(sec * 1e9);
  return Math.trunc(ns / 1e6) || 0;
}

/** formatModelDuration renders a millisecond count as prometheus/common model.Duration.String(). */
export function formatModelDuration(msIn: number): string {
  let ms = Math.trunc(msIn);
  if (ms === 0) return '0s';
  let sign = '';
  if (ms < 0) {
    sign = '-';
    ms = -ms;
  }
  let r = '';
  const f = (unit: string, mult: number, exact: boolean) => {
    if (exact && ms % mult !== 0) return;
    const v = Math.floor(ms / mult);
    if (v > 0) {
      r += `${v}${unit}`;
      ms -= v * mult;
    }
  };
  f('y', 31_536_000_000, true);
  f('w', 604_800_000, true);
  f('d', 86_400_000, false);
  f('h', 3_600_000, false);
  f('m', 60_000, false);
  f('s', 1000, false);
  f('ms', 1, false);
  return sign + r;
}

/** shortestDigits returns the shortest round-trip decimal digits of |v| and the decimal point position. */
function shortestDigits(v: number): { digits: string; dp: number } {
  const s = Math.abs(v).toExponential();
  const [mant, exp] = s.split('e') as [string, string];
  const digits = mant.replace('.', '');
  return { digits, dp: parseInt(exp, 10) + 1 };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return undefined;
}

/** formatFloatF is strconv.FormatFloat(v, 'f', -1, 64), with Go's NaN, +Inf and -Inf. */
export function formatFloatF(v: number): string {
  const sp = special(v);
  if (sp) return sp;
  const neg = v < 0 || Object.is(v, -0);
  if (v === 0) return neg ? '-0' : '0';
  const { digits, dp } = shortestDigits(v);
  let out: string;
  if (dp <= 0) out = '0.' + '0'.repeat(-dp) + digits;
  else if (dp >= digits.length) out = digits + '0'.repeat(dp - digits.length);
  else out = digits.slice(0, dp) + '.' + digits.slice(dp);
  return (neg ? '-' : '') + out;
}

/** formatFloatG is strconv.FormatFloat(v, 'g', -1, 64), which is also fmt's %v for a float64. */
export function formatFloatG(v: number): string {
  const sp = special(v);
  if (sp) return sp;
  const neg = v < 0 || Object.is(v, -0);
  if (v === 0) return neg ? '-0' : '0';
  const { digits, dp } = shortestDigits(v);
  const exp = dp - 1;
  let out: string;
  if (exp < -4 || exp >= 6) {
    out = digits[0]! + (digits.length > 1 ? '.' + digits.slice(1) : '');
    const e = Math.abs(exp);
    out += 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' + e : String(e));
  } else if (dp <= 0) out = '0.' + '0'.repeat(-dp) + digits;
  else if (dp >= digits.length) out = digits + '0'.repeat(dp - digits.length);
  else out = digits.slice(0, dp) + '.' + digits.slice(dp);
  return (neg ? '-' : '') + out;
}

/** formatFloatFixed is fmt's %.Nf (strconv 'f' with precision N), including NaN and ±Inf. */
export function formatFloatFixed(v: number, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Math.abs(v) < 1e21) return v.toFixed(prec);
  // Large doubles are integers; print their exact decimal expansion.
  return BigInt(v).toString() + (prec > 0 ? '.' + '0'.repeat(prec) : '');
}
