/**
 * Alertmanager's template functions (template.DefaultFuncs): toUpper, toLower, title, trimSpace,
 * join, match, safeHtml, safeUrl, urlUnescape, reReplaceAll, stringSlice, date, tz, now, since and
 * humanizeDuration.
 */
import { GoStruct, typedSlice, type GoMethods, type GoValue } from '../../template/gofmt';
import { convertToFloat, goRegexp, humanizeDuration, reReplaceAll, titleCase } from '../../template/expand';
import type { GoFunc } from '../../template/template';
import { checkZone, formatTime, GoDuration, GoTime } from './gotime';

const SAFE_METHODS: GoMethods = { String: { params: [], fn: (v) => (v as GoStruct).fields.s as string } };

/** safeValue is html/template's HTML or URL: printed as is (HTML escaping leaves it alone). */
function safeValue(typeName: string, s: string): GoStruct {
  return new GoStruct(typeName, { s }, false, SAFE_METHODS);
}

/** goToUpper is strings.ToUpper: rune by rune, a rune without a one-rune upper case (ß) kept. */
export function goToUpper(s: string): string {
  let out = '';
  for (const c of s) {
    const u = c.toUpperCase();
    out += [...u].length === 1 ? u : c;
  }
  return out;
}

/** goToLower is strings.ToLower: rune by rune (İ becomes i, as unicode.ToLower maps it). */
export function goToLower(s: string): string {
  let out = '';
  for (const c of s) out += [...c.toLowerCase()][0] ?? c;
  return out;
}

/** queryUnescape is Go's url.QueryUnescape ('+' is a space; a bad escape is an error naming it). */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  const src = Buffer.from(s, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x25) {
      const hex = src.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        const bad = src.subarray(i, Math.min(i + 3, src.length)).toString('utf8');
        throw new Error(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(c === 0x2b ? 0x20 : c);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** alertmanagerFuncs are the functions notification templates may call; nowMs is the clock of now and since. */
export function alertmanagerFuncs(nowMs: () => number = Date.now): Record<string, GoFunc> {
  return {
    toUpper: { params: ['string'], fn: (s) => goToUpper(s as string) },
    toLower: { params: ['string'], fn: (s) => goToLower(s as string) },
    // Alertmanager's title is cases.Title(language.AmericanEnglish): the rest of each word is lower-cased (Prometheus's keeps it).
    title: { params: ['string'], fn: (s) => titleCase(s as string, true) },
    trimSpace: { params: ['string'], fn: (s) => (s as string).trim() },
    join: { params: ['string', '[]string'], fn: (sep, xs) => ((xs as string[] | null) ?? []).join(sep as string) },
    match: { params: ['string', 'string'], fn: (p, s) => goRegexp(p as string).test(s as string) },
    safeHtml: { params: ['string'], fn: (s) => safeValue('template.HTML', s as string) },
    safeUrl: { params: ['string'], fn: (s) => safeValue('template.URL', s as string) },
    urlUnescape: { params: ['string'], fn: (s) => queryUnescape(s as string) },
    reReplaceAll: { params: ['string', 'string', 'string'], fn: (p, r, s) => reReplaceAll(p as string, r as string, s as string) },
    stringSlice: { params: ['string'], variadic: true, fn: (...xs) => typedSlice(xs, '[]string') },
    date: { params: ['string', 'time.Time'], fn: (layout, t) => formatTime((t as GoTime).ms, (t as GoTime).zone, layout as string) },
    tz: { params: ['string', 'time.Time'], fn: (name, t) => new GoTime((t as GoTime).ms, checkZone(name as string)) },
    now: { params: [], fn: () => new GoTime(nowMs()) },
    since: { params: ['time.Time'], fn: (t) => new GoDuration(BigInt(nowMs() - (t as GoTime).ms) * 1000000n) },
    humanizeDuration: { params: ['any'], fn: (v: GoValue) => humanizeDuration(v instanceof GoDuration ? Number(v.ns) / 1e9 : convertToFloat(v)) },
  };
}
