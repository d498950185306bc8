/**
 * Number syntax of the exposition formats, exactly as Prometheus accepts it: Go's
 * strconv.ParseFloat restricted to pre-Go-1.13 forms (no hex floats, no underscores), and the
 * OpenMetrics float formatting Prometheus 3 applies to `le` and `quantile` label values.
 */
import type { MetricType } from './types';

/** floatStatus carries the error of the last parseGoFloat call ('' when it succeeded). */
export const floatStatus = { err: '' };

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * parseGoFloat parses s[start, end) as Prometheus's parseFloat does. On error it returns 0 and sets
 * floatStatus.err to Go's message; on success floatStatus.err is ''.
 */
export function parseGoFloat(s: string, start: number, end: number): number {
  floatStatus.err = '';
  let i = start;
  if (i >= end) return syntaxError(s, start, end);
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === 43 /* + */ || c === 45 /* - */) {
    neg = c === 45;
    if (++i >= end) return syntaxError(s, start, end);
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
  if (nd === 0) return slowPath(s, start, end);
  let exp = 0;
  if (i < end) {
    if (c !== 101 && c !== 69 /* e E */) return slowPath(s, start, end);
    if (++i >= end) return slowPath(s, start, end);
    c = s.charCodeAt(i);
    let eneg = false;
    if (c === 43 || c === 45) {
      eneg = c === 45;
      if (++i >= end) return slowPath(s, start, end);
    }
    for (; i < end; i++) {
      const d = s.charCodeAt(i);
      if (d < 48 || d > 57) return slowPath(s, start, end);
      if (exp < 100000) exp = exp * 10 + (d - 48);
    }
    if (eneg) exp = -exp;
  }
  if (mant >= 9007199254740992) return slowPath(s, start, end);
  const e10 = exp - frac;
  let v: number;
  if (e10 === 0 || mant === 0) v = mant;
  else if (e10 < 0 && e10 >= -22) v = mant / POW10[-e10]!;
  else if (e10 > 0 && e10 <= 22) v = mant * POW10[e10]!;
  else return slowPath(s, start, end);
  return neg ? -v : v;
}

function syntaxError(s: string, start: number, end: number): number {
  floatStatus.err = `strconv.ParseFloat: parsing ${goQuote(s.slice(start, end))}: invalid syntax`;
  return 0;
}

/** slowPath validates Go's grammar fully and converts with the platform's correctly rounded parser. */
function slowPath(s: string, start: number, end: number): number {
  const str = s.slice(start, end);
  for (let k = 0; k < str.length; k++) {
    const c = str.charCodeAt(k);
    if (c === 112 || c === 80 || c === 95) {
      floatStatus.err = 'unsupported character in float';
      return 0;
    }
  }
  const sp = special(str);
  if (sp !== null) return sp;
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(str)) return syntaxError(s, start, end);
  const v = Number(str);
  if (v === Infinity || v === -Infinity) {
    floatStatus.err = `strconv.ParseFloat: parsing ${goQuote(str)}: value out of range`;
    return 0;
  }
  return v;
}

/** special recognises Go's spellings of infinity (optionally signed) and NaN (unsigned), any case. */
function special(str: string): number | null {
  const l = str.toLowerCase();
  switch (l) {
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

/**
 * formatOpenMetricsFloat renders f as Prometheus's formatOpenMetricsFloat: Go's shortest 'g'
 * format, with ".0" appended when the result has neither '.' nor an exponent.
 */
export function formatOpenMetricsFloat(f: number): string {
  if (f === 1) return '1.0';
  if (f === 0) return '0.0';
  if (f === -1) return '-1.0';
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const g = formatGoG(f);
  return g.includes('e') || g.includes('.') ? g : g + '.0';
}

/** formatGoG renders f as strconv.FormatFloat(f, 'g', -1, 64) does. */
export function formatGoG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // toExponential() without an argument yields the shortest round-tripping digits.
  const ex = f.toExponential();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(ex)!;
  const sign = m[1]!;
  const digits = m[2]! + (m[3] ?? '');
  const exp = parseInt(m[4]!, 10);
  // Go switches to %e when the exponent is < -4 or >= 6 for the shortest representation.
  if (exp < -4 || exp >= 6) {
    // %e with the shortest digits and at least two exponent digits.
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' + ae : ae}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * normalizeLabelValue applies Prometheus 3's normalisation of float-valued label values: `quantile`
 * of summaries and `le` of histograms are re-rendered with formatOpenMetricsFloat, so `le="1"` and
 * `le="1.0"` are the same series.
 */
export function normalizeLabelValue(type: MetricType, name: string, value: string): string {
  if ((type === 'summary' && name === 'quantile') || (type === 'histogram' && name === 'le')) {
    const hit = normCache.get(value);
    if (hit !== undefined) return hit;
    const f = parseGoFloat(value, 0, value.length);
    let out = value;
    if (floatStatus.err === '') out = formatOpenMetricsFloat(f);
    floatStatus.err = '';
    if (normCache.size >= 4096) normCache.clear();
    normCache.set(value, out);
    return out;
  }
  return value;
}

/** normCache memoises normalised bucket bounds and quantiles, which repeat across series. */
const normCache = new Map<string, string>();

/** goQuote renders s like Go's %q for the characters expositions contain. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 9) out += '\\t';
    else if (c === 13) out += '\\r';
    else if (c < 32 || c === 127) out += '\\x' + (c < 16 ? '0' : '') + c.toString(16);
    else out += s[i];
  }
  return out + '"';
}
