/**
 * Prometheus's template functions (template/template.go and prometheus/common's helpers) over the
 * Go-template interpreter, and the alert-template expander: the `$labels`, `$externalLabels`,
 * `$externalURL` and `$value` definitions, and the `<error expanding template: ...>` text.
 */
import { formatFloat, GoMap, GoStruct, goTypeName, sprintf, typedSlice, type GoValue } from './gofmt';
import { Template, TemplateError, type GoFunc } from './template';

/** QuerySample is one element of a `query` result. */
export interface QuerySample {
  labels: Record<string, string>;
  value: number;
}

/** TemplateQuery runs PromQL at the evaluation time; throws an Error on failure. */
export type TemplateQuery = (query: string) => QuerySample[];

/** convertToFloat is common/helpers/templates.ConvertToFloat. */
export function convertToFloat(i: GoValue): number {
  if (typeof i === 'number') return i;
  if (typeof i === 'bigint') return Number(i);
  if (typeof i === 'string') return parseGoFloat(i);
  throw new Error(`can't convert ${goTypeName(i)} to float`);
}

function parseGoFloat(s: string): number {
  const t = s.trim() === s ? s : '';
  const m = /^[+-]?(inf|infinity)$/i.exec(t);
  if (m) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (/^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) || /^[+-]?0[xX][\da-fA-F]+$/.test(t)) return Number(t.replace(/_/g, ''));
  throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
}

const g4 = (v: number): string => formatFloat(v, 'g', 4);

/** humanize renders a number with an SI prefix (4 significant digits). */
export function humanize(i: GoValue): string {
  let v = convertToFloat(i);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

/** humanize1024 renders a number with a binary prefix. */
export function humanize1024(i: GoValue): string {
  let v = convertToFloat(i);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

/** humanizeDuration renders seconds as "1d 2h 3m 4s" or "1.234s" / "100ms". */
export function humanizeDuration(i: GoValue): string {
  let v = convertToFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const d = Math.trunc(v);
    const seconds = d % 60;
    const minutes = Math.trunc(d / 60) % 60;
    const hours = Math.trunc(d / 3600) % 24;
    const days = Math.trunc(d / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/** humanizeTimestamp renders unix seconds as Go prints a UTC time.Time (millisecond precision). */
export function humanizeTimestamp(i: GoValue): string {
  const v = convertToFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  const ns = v * 1e9;
  if (ns > 9223372036854775807 || ns < -9223372036854775808) {
    throw new Error(`${formatFloat(v, 'g', -1)} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  const ms = Math.trunc(ns / 1e6);
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  let frac = '';
  const msPart = ((ms % 1000) + 1000) % 1000;
  if (msPart !== 0) frac = '.' + p(msPart, 3).replace(/0+$/, '');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac} +0000 UTC`;
}

/** goRegexp compiles an RE2 pattern as a JavaScript RegExp (named groups and leading flags translated). */
export function goRegexp(pattern: string, global = false): RegExp {
  let flags = global ? 'gu' : 'u';
  let src = pattern;
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    src = src.slice(m[0].length);
    if (m[1]!.includes('i')) flags += 'i';
    if (m[1]!.includes('s')) flags += 's';
    if (m[1]!.includes('m')) flags += 'm';
  }
  src = src.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new Error(`error parsing regexp: ${re2Message((e as Error).message, pattern)}`);
  }
}

/** re2Message words a JavaScript RegExp syntax error as Go's regexp package words it (the common cases). */
function re2Message(js: string, pattern: string): string {
  const reason = js.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  if (reason === 'Unterminated group') return `missing closing ): \`${pattern}\``;
  if (reason === "Unmatched ')'") return `unexpected ): \`${pattern}\``;
  if (reason === 'Unterminated character class') return `missing closing ]: \`${pattern.slice(pattern.lastIndexOf('['))}\``;
  if (reason === 'Nothing to repeat') {
    const nested = /[*+?][*+?]/.exec(pattern);
    if (nested && !/^[*+?]/.test(pattern)) return `invalid nested repetition operator: \`${nested[0]}\``;
    const op = /[*+?]|\{\d+(,\d*)?\}/.exec(pattern);
    return `missing argument to repetition operator: \`${op ? op[0] : pattern}\``;
  }
  if (reason === 'numbers out of order in {} quantifier') return `invalid repeat count: \`${/\{\d+(,\d*)?\}/.exec(pattern)?.[0] ?? pattern}\``;
  if (reason === 'Range out of order in character class') return `invalid character class range: \`${/(.)-(.)/.exec(pattern.slice(pattern.indexOf('[') + 1))?.[0] ?? pattern}\``;
  if (/\\ at end of pattern/.test(reason)) return 'trailing backslash at end of expression: ``';
  return `${reason}: \`${pattern}\``;
}

/** goExpand is regexp.Expand's template: $1, ${1}, $name, ${name}, $$. */
function goExpand(repl: string, groups: (string | undefined)[], named: Record<string, string | undefined> | undefined): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c !== '$' || i + 1 >= repl.length) {
      out += c;
      continue;
    }
    if (repl[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (repl[i + 1] === '{') {
      const close = repl.indexOf('}', i + 2);
      const inner = close < 0 ? '' : repl.slice(i + 2, close);
      if (close < 0 || !/^[\w]+$/.test(inner)) {
        out += c;
        continue;
      }
      name = inner;
      end = close;
    } else {
      const mm = /^\w+/.exec(repl.slice(i + 1));
      if (!mm) {
        out += c;
        continue;
      }
      name = mm[0];
      end = i + mm[0].length;
    }
    if (/^\d+$/.test(name)) out += groups[parseInt(name, 10)] ?? '';
    else out += named?.[name] ?? '';
    i = end;
  }
  return out;
}

/** reReplaceAll is regexp.MustCompile(pattern).ReplaceAllString(text, repl). */
export function reReplaceAll(pattern: string, repl: string, text: string): string {
  const re = goRegexp(pattern, true);
  return text.replace(re, (...args: unknown[]) => {
    const hasNamed = typeof args[args.length - 1] === 'object';
    const named = hasNamed ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const groups = args.slice(0, hasNamed ? -3 : -2) as (string | undefined)[];
    return goExpand(repl, groups, named);
  });
}

/**
 * titleCase is golang.org/x/text/cases.Title: words found as Unicode word segmentation finds them
 * (letters, digits and connectors, with `.`, `'`, `:` inside a word between letters and `.`, `,`,
 * `;` between digits), the first cased letter of each title-cased and, when lowerRest (Alertmanager's
 * default), the rest lower-cased; Prometheus keeps the rest (cases.NoLower).
 */
export function titleCase(s: string, lowerRest: boolean): string {
  const chars = [...s];
  const isLetter = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{M}]/u.test(c);
  const isDigit = (c: string | undefined): boolean => c !== undefined && /\p{Nd}/u.test(c);
  const isConn = (c: string | undefined): boolean => c !== undefined && /\p{Pc}/u.test(c);
  const isWord = (c: string | undefined): boolean => isLetter(c) || isDigit(c) || isConn(c);
  const midLetter = new Set([':', '\u00b7', '.', "'", '\u2019']);
  const midNum = new Set([',', ';', '.', "'", '\u2019']);
  let out = '';
  let i = 0;
  while (i < chars.length) {
    if (!isWord(chars[i])) {
      out += chars[i];
      i++;
      continue;
    }
    let j = i + 1;
    for (;;) {
      const c = chars[j];
      if (isWord(c)) {
        j++;
        continue;
      }
      const prev = chars[j - 1];
      const next = chars[j + 1];
      if (c !== undefined && ((midLetter.has(c) && isLetter(prev) && isLetter(next)) || (midNum.has(c) && isDigit(prev) && isDigit(next)))) {
        j += 2;
        continue;
      }
      break;
    }
    let done = false;
    for (const c of chars.slice(i, j)) {
      if (!done && c.toUpperCase() !== c.toLowerCase()) {
        out += c === '\u00df' ? 'Ss' : c.toUpperCase().length === 1 ? c.toUpperCase() : c.toUpperCase()[0] + c.toUpperCase().slice(1).toLowerCase();
        done = true;
      } else out += lowerRest ? c.toLowerCase() : c;
    }
    i = j;
  }
  return out;
}

/** title is Prometheus's template function: cases.Title with NoLower (the rest of each word kept). */
export function title(s: string): string {
  return titleCase(s, false);
}

const SAMPLE_TYPE = 'template.sample';

function sampleValue(s: QuerySample): GoStruct {
  return new GoStruct(SAMPLE_TYPE, { Labels: GoMap.strings(s.labels), Value: s.value }, true);
}

/** templateFuncs returns Prometheus's template functions; query runs PromQL at the evaluation time. */
export function templateFuncs(query: TemplateQuery, externalURL: string, nowMs: number): Record<string, GoFunc> {
  const sampleParam = '*template.sample';
  return {
    query: {
      params: ['string'],
      fn: (q) => typedSlice(query(q as string).map(sampleValue), 'template.queryResult'),
    },
    first: {
      params: ['template.queryResult'],
      fn: (v) => {
        const xs = v as GoValue[];
        if (xs.length > 0) return xs[0]!;
        throw new Error('first() called on vector with no elements');
      },
    },
    label: { params: ['string', sampleParam], fn: (l, s) => ((s as GoStruct).fields.Labels as GoMap).entries.get(l as string) ?? '' },
    value: { params: [sampleParam], fn: (s): GoValue => (s as GoStruct).fields.Value! },
    strvalue: { params: [sampleParam], fn: (s) => ((s as GoStruct).fields.Labels as GoMap).entries.get('__value__') ?? '' },
    args: {
      params: ['any'],
      variadic: true,
      fn: (...a) => new GoMap(new Map(a.map((x, i) => [`arg${i}`, x])), 'map[string]interface {}', null),
    },
    reReplaceAll: { params: ['string', 'string', 'string'], fn: (p, r, t) => reReplaceAll(p as string, r as string, t as string) },
    match: { params: ['string', 'string'], fn: (p, t) => goRegexp(p as string).test(t as string) },
    title: { params: ['string'], fn: (s) => title(s as string) },
    toUpper: { params: ['string'], fn: (s) => (s as string).toUpperCase() },
    toLower: { params: ['string'], fn: (s) => (s as string).toLowerCase() },
    safeHtml: { params: ['string'], fn: (s) => s },
    sortByLabel: {
      params: ['string', 'template.queryResult'],
      fn: (l, v) => {
        const xs = [...(v as GoValue[])];
        const key = (x: GoValue): string => String(((x as GoStruct).fields.Labels as GoMap).entries.get(l as string) ?? '');
        xs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        return typedSlice(xs, 'template.queryResult');
      },
    },
    stripPort: {
      params: ['string'],
      fn: (hp) => {
        const s = hp as string;
        const m = /^\[([^\]]*)\]:[^:]*$/.exec(s) ?? /^([^:]*):[^:]*$/.exec(s);
        return m ? m[1]! : s;
      },
    },
    stripDomain: {
      params: ['string'],
      fn: (hp) => {
        const s = hp as string;
        const m = /^([^:]*):([^:]*)$/.exec(s);
        const host = m ? m[1]! : s;
        if (/^[\d.]+$/.test(host) || host.includes(':')) return s;
        const h = host.split('.')[0]!;
        return m ? `${h}:${m[2]}` : h;
      },
    },
    humanize: { params: ['any'], fn: humanize },
    humanize1024: { params: ['any'], fn: humanize1024 },
    humanizeDuration: { params: ['any'], fn: humanizeDuration },
    humanizePercentage: { params: ['any'], fn: (i) => `${g4(convertToFloat(i) * 100)}%` },
    humanizeTimestamp: { params: ['any'], fn: humanizeTimestamp },
    now: { params: [], fn: () => nowMs / 1000 },
    externalURL: { params: [], fn: () => externalURL },
    pathPrefix: {
      params: [],
      fn: () => {
        try {
          return new URL(externalURL).pathname.replace(/\/$/, '');
        } catch {
          return '';
        }
      },
    },
    urlQueryEscape: { params: ['string'], fn: (s) => encodeURIComponent(s as string).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()) },
    parseDuration: {
      params: ['string'],
      fn: (d) => {
        const m = /^(-)?((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/.exec(d as string);
        if (!m || d === '' || d === '-') throw new Error(`not a valid duration string: ${JSON.stringify(d)}`);
        const n = (i: number): number => (m[i] ? parseInt(m[i]!, 10) : 0);
        const s = n(3) * 31536000 + n(5) * 604800 + n(7) * 86400 + n(9) * 3600 + n(11) * 60 + n(13) + n(15) / 1000;
        return m[1] ? -s : s;
      },
    },
  };
}

/** ExpandOptions are what one expansion sees. */
export interface ExpandOptions {
  /** name is the template's name (alerts: "__alert_" + the alert's name). */
  name: string;
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number;
  /** timeMs is the evaluation time (the `query` function's and `now`'s time). */
  timeMs: number;
  query: TemplateQuery;
}

const DEFS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/** expandText expands a template as Prometheus's Expander does; throws Error with Prometheus's message. */
export function expandText(text: string, o: ExpandOptions, withDefs = true): string {
  const data = new GoStruct('struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }', {
    Labels: GoMap.strings(o.labels),
    ExternalLabels: GoMap.strings(o.externalLabels),
    ExternalURL: o.externalURL,
    Value: o.value,
  });
  return expandTemplate(o.name, (withDefs ? DEFS : '') + text, data, templateFuncs(o.query, o.externalURL, o.timeMs));
}

/** expandTemplate is Prometheus's Expander.Expand: parse, execute, errors worded as Prometheus words them. */
export function expandTemplate(name: string, text: string, data: GoValue, funcs: Record<string, GoFunc>): string {
  let tmpl: Template;
  try {
    tmpl = new Template(name, text, funcs);
  } catch (e) {
    throw new Error(`error parsing template ${name}: ${(e as Error).message}`);
  }
  try {
    return tmpl.execute(data);
  } catch (e) {
    if (e instanceof TemplateError) throw new Error(`error executing template ${name}: ${e.message}`);
    throw new Error(`panic expanding template ${name}: ${(e as Error).message}`);
  }
}

/** expandAlertText expands a label or annotation: errors become "<error expanding template: ...>". */
export function expandAlertText(text: string, o: ExpandOptions): string {
  try {
    return expandText(text, o);
  } catch (e) {
    return `<error expanding template: ${(e as Error).message}>`;
  }
}

export { sprintf, GoMap, GoStruct, typedSlice, type GoValue };
