/**
 * Go values as templates see them, and Go's fmt for them: %v printing, Sprintf with the common
 * verbs, and float formatting (%g shortest, %.4g, %e, %f) as strconv.FormatFloat does it.
 *
 * Representation: string -> string, float64 -> number, int -> bigint, bool -> boolean,
 * nil -> null, slices -> arrays, maps -> GoMap, structs and pointers to structs -> GoStruct.
 */

/**
 * GoMethod is a method of a Go type as templates call it: the receiver first, then the evaluated
 * arguments (params are their Go types, as GoFunc's); it returns a value or throws an Error.
 */
export interface GoMethod {
  params: string[];
  variadic?: boolean;
  fn: (recv: GoValue, ...args: GoValue[]) => GoValue;
}

/** GoMethods are a type's methods by name. */
export type GoMethods = Readonly<Record<string, GoMethod>>;

/** GoMap is a Go map with string keys; zero is what a missing key gives (missingkey=zero). */
export class GoMap {
  constructor(
    readonly entries: Map<string, GoValue>,
    readonly typeName: string,
    readonly zero: GoValue,
    /** methods of the map's named type (a method wins over a key of the same name, as in Go). */
    readonly methods?: GoMethods,
  ) {}

  static strings(rec: Readonly<Record<string, string>>): GoMap {
    return new GoMap(new Map(Object.entries(rec)), 'map[string]string', '');
  }
}

/** GoStruct is a Go struct (or pointer to one) with named fields. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Record<string, GoValue>,
    readonly pointer = false,
    readonly methods?: GoMethods,
  ) {}
}

/** GoSlice marks an array with its Go type name (plain arrays are []interface {}). */
export type GoValue = string | number | bigint | boolean | null | GoMap | GoStruct | GoValue[];

const SLICE_TYPES = new WeakMap<GoValue[], string>();
const SLICE_METHODS = new WeakMap<GoValue[], GoMethods>();

/** typedSlice names an array's Go type (e.g. template.queryResult), with the type's methods if it has any. */
export function typedSlice(xs: GoValue[], typeName: string, methods?: GoMethods): GoValue[] {
  SLICE_TYPES.set(xs, typeName);
  if (methods) SLICE_METHODS.set(xs, methods);
  return xs;
}

/** methodsOf returns the methods of a value's type (undefined when it has none). */
export function methodsOf(v: GoValue): GoMethods | undefined {
  if (v instanceof GoMap || v instanceof GoStruct) return v.methods;
  if (Array.isArray(v)) return SLICE_METHODS.get(v);
  return undefined;
}

/** goTypeName is the name Go's %T and error messages give a value. */
export function goTypeName(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return SLICE_TYPES.get(v) ?? '[]interface {}';
  if (v instanceof GoMap) return v.typeName;
  return (v.pointer ? '*' : '') + v.typeName;
}

/** truth is Go template truthiness (false, 0, nil, empty string/slice/map are false). */
export function truth(v: GoValue): boolean {
  if (v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  return true;
}

/** formatFloat is strconv.FormatFloat(v, fmt, prec, 64) for 'g', 'e' and 'f' (prec -1: shortest). */
export function formatFloat(v: number, fmt: 'g' | 'e' | 'f', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const shortest = prec < 0;
  if (fmt === 'f' && !shortest) {
    let s = Math.abs(v) < 1e21 ? Math.abs(v).toFixed(prec) : bigFixed(Math.abs(v), prec);
    if (Math.abs(v) < 1e21 && prec < 60) {
      // An exact half rounds to even in Go (JavaScript's toFixed rounds it up).
      const full = Math.abs(v).toFixed(100);
      const dot = full.indexOf('.');
      const rest = full.slice(dot + 1 + prec);
      const last = prec > 0 ? full[dot + prec]! : full[dot - 1]!;
      if (/^50*$/.test(rest) && parseInt(last, 10) % 2 === 0) s = full.slice(0, prec > 0 ? dot + 1 + prec : dot);
    }
    return (v < 0 || Object.is(v, -0) ? '-' : '') + s;
  }
  let p = prec;
  if (fmt === 'g' && p === 0) p = 1;
  const d = digitsOf(v, shortest ? -1 : fmt === 'e' ? p + 1 : fmt === 'g' ? p : -1);
  if (shortest) p = fmt === 'e' ? Math.max(d.nd - 1, 0) : fmt === 'f' ? Math.max(d.nd - d.dp, 0) : d.nd;
  const sign = d.neg ? '-' : '';
  if (fmt === 'e') return sign + fmtE(d, p);
  if (fmt === 'f') return sign + fmtF(d, p);
  let eprec = p;
  if (eprec > d.nd && d.nd >= d.dp) eprec = d.nd;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (p > d.nd) p = d.nd;
    return sign + fmtE(d, p - 1);
  }
  if (p > d.dp) p = d.nd;
  return sign + fmtF(d, Math.max(p - d.dp, 0));
}

interface Digits {
  neg: boolean;
  /** digits without trailing zeros ('' for zero), nd = digits.length, dp = decimal point position. */
  digits: string;
  nd: number;
  dp: number;
}

/** digitsOf rounds to n significant digits (shortest round-trip when n < 0), as strconv's decimal. */
function digitsOf(v: number, n: number): Digits {
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (a === 0) return { neg, digits: '', nd: 0, dp: 0 };
  let s = n < 0 ? a.toExponential() : a.toExponential(Math.min(Math.max(n - 1, 0), 100));
  if (n > 0 && n < 60) {
    // JavaScript rounds exact halves up; Go's decimal rounds them to even.
    const full = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(a.toExponential(100))!;
    const all = full[1]! + (full[2] ?? '');
    if (/^50*$/.test(all.slice(n)) && parseInt(all[n - 1]!, 10) % 2 === 0) {
      const kept = all.slice(0, n);
      s = `${kept[0]}${kept.length > 1 ? '.' + kept.slice(1) : ''}e${full[3]}`;
    }
  }
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  const digits = (m[1]! + (m[2] ?? '')).replace(/0+$/, '');
  return { neg, digits, nd: digits.length, dp: parseInt(m[3]!, 10) + 1 };
}

function fmtE(d: Digits, prec: number): string {
  let s = d.nd === 0 ? '0' : d.digits[0]!;
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += i < d.nd ? d.digits[i] : '0';
  }
  const e = d.nd === 0 ? 0 : d.dp - 1;
  const ae = Math.abs(e);
  return `${s}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
}

function fmtF(d: Digits, prec: number): string {
  let s = '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) s += i < d.nd ? d.digits[i] : '0';
  } else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      s += j >= 0 && j < d.nd ? d.digits[j] : '0';
    }
  }
  return s;
}

function bigFixed(a: number, prec: number): string {
  const int = BigInt(a).toString();
  return prec > 0 ? `${int}.${'0'.repeat(prec)}` : int;
}

/** quote is strconv.Quote for the common cases. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** printValue is fmt.Sprint of one value (%v). */
export function printValue(v: GoValue, top = true): string {
  if (v === null) return '<nil>';
  // A value whose type has a String() method prints through it (fmt's Stringer).
  const str = methodsOf(v)?.String;
  if (str !== undefined && str.params.length === 0) return String(str.fn(v));
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloat(v, 'g', -1);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map((x) => printValue(x, false)).join(' ') + ']';
  if (v instanceof GoMap) {
    const keys = [...v.entries.keys()].sort();
    return 'map[' + keys.map((k) => `${k}:${printValue(v.entries.get(k)!, false)}`).join(' ') + ']';
  }
  const body = '{' + Object.values(v.fields).map((x) => printValue(x, false)).join(' ') + '}';
  return v.pointer && top ? '&' + body : v.pointer ? `0x${'c000010000'}` : body;
}

/** sprintf is fmt.Sprintf for the verbs templates use: %v %s %d %f %F %g %e %q %x %X %t %T %%. */
export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let ai = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    i++;
    let flags = '';
    while (i < format.length && '-+# 0'.includes(format[i]!)) flags += format[i++];
    let width = -1;
    let w = '';
    while (i < format.length && /\d/.test(format[i]!)) w += format[i++];
    if (w !== '') width = parseInt(w, 10);
    let prec = -1;
    if (format[i] === '.') {
      i++;
      let p = '';
      while (i < format.length && /\d/.test(format[i]!)) p += format[i++];
      prec = p === '' ? 0 : parseInt(p, 10);
    }
    const verb = format[i];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[ai++]!;
    out += pad(formatOne(verb, a, flags, prec), width, flags);
  }
  if (ai < args.length) {
    out += '%!(EXTRA ' + args.slice(ai).map((a) => `${goTypeName(a)}=${printValue(a)}`).join(', ') + ')';
  }
  return out;
}

function pad(s: string, width: number, flags: string): string {
  if (width < 0 || s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width, ' ');
  if (flags.includes('0') && /^[+-]?[\d.]/.test(s) && !/[a-zA-Z]{3}/.test(s)) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width, ' ');
}

function bad(verb: string, a: GoValue): string {
  return `%!${verb}(${goTypeName(a)}=${printValue(a)})`;
}

function signed(s: string, flags: string): string {
  if (s.startsWith('-')) return s;
  if (flags.includes('+')) return '+' + s;
  if (flags.includes(' ')) return ' ' + s;
  return s;
}

function formatOne(verb: string, a: GoValue, flags: string, prec: number): string {
  switch (verb) {
    case 'v':
      if (typeof a === 'number') return signed(formatFloat(a, 'g', prec), flags);
      if (typeof a === 'string' && prec >= 0) return a.slice(0, prec);
      return printValue(a);
    case 's':
      if (typeof a === 'string') return prec >= 0 ? a.slice(0, prec) : a;
      if (Array.isArray(a) || a instanceof GoMap || a instanceof GoStruct) return printValue(a);
      return bad(verb, a);
    case 'q':
      if (typeof a === 'string') return quote(a);
      if (typeof a === 'bigint') return `'${String.fromCodePoint(Number(a))}'`;
      return bad(verb, a);
    case 'd':
      if (typeof a === 'bigint') return signed(a.toString(), flags);
      return bad(verb, a);
    case 't':
      return typeof a === 'boolean' ? String(a) : bad(verb, a);
    case 'T':
      return goTypeName(a);
    case 'x':
    case 'X': {
      let s: string;
      if (typeof a === 'bigint') s = (a < 0n ? '-' : '') + (a < 0n ? -a : a).toString(16);
      else if (typeof a === 'string') s = Buffer.from(a, 'utf8').toString('hex');
      else return bad(verb, a);
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'f':
    case 'F':
      if (typeof a === 'number') return signed(formatFloat(a, 'f', prec < 0 ? 6 : prec), flags);
      return bad(verb, a);
    case 'e':
    case 'E':
      if (typeof a === 'number') {
        const s = signed(formatFloat(a, 'e', prec < 0 ? 6 : prec), flags);
        return verb === 'E' ? s.toUpperCase() : s;
      }
      return bad(verb, a);
    case 'g':
    case 'G':
      if (typeof a === 'number') {
        const s = signed(formatFloat(a, 'g', prec), flags);
        return verb === 'G' ? s.toUpperCase() : s;
      }
      return bad(verb, a);
    default:
      return bad(verb, a);
  }
}
