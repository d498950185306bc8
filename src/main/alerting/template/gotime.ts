/**
 * Go's time.Time and time.Duration as notification templates see them: printing (String), the
 * reference-layout Format ("2006-01-02 15:04:05"), Unix, UTC, In a named zone (through Intl), and
 * durations as Go prints them ("1h2m3.5s").
 */
import { GoStruct, type GoMethods, type GoValue } from '../../template/gofmt';

/** ZERO_TIME_MS is Go's zero time.Time (0001-01-01 00:00:00 UTC) in ms since the epoch. */
export const ZERO_TIME_MS = -62135596800000;

/** Wall is a time's calendar fields in its zone. */
interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
  offsetSec: number;
  abbrev: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** checkZone throws Go's error for a zone name Intl does not know. */
export function checkZone(name: string): string {
  if (name === '' || name === 'UTC') return 'UTC';
  if (name === 'Local') return Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  return name;
}

function wallOf(ms: number, zone: string): Wall {
  const secMs = Math.floor(ms / 1000) * 1000;
  if (zone === 'UTC') {
    const d = new Date(secMs);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay(), offsetSec: 0, abbrev: 'UTC' };
  }
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(secMs))) parts[p.type] = p.value;
  const w = { year: +parts.year!, month: +parts.month!, day: +parts.day!, hour: +parts.hour! % 24, minute: +parts.minute!, second: +parts.second! };
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(w.year, w.month - 1, w.day);
  asUtc.setUTCHours(w.hour, w.minute, w.second, 0);
  const offsetSec = Math.round((asUtc.getTime() - secMs) / 1000);
  return { ...w, weekday: asUtc.getUTCDay(), offsetSec, abbrev: abbreviation(zone, secMs, parts.timeZoneName ?? '', offsetSec) };
}

/** ABBREV_LOCALES are tried in turn for a zone's abbreviation (ICU names "CET" in en-GB, "IST" in en-IN, "AEDT" in en-AU). */
const ABBREV_LOCALES = ['en-GB', 'en-IN', 'en-AU'];

/** abbreviation is the zone's abbreviation as tzdata (and so Go) names it when ICU knows it, else Go's "+01" form. */
function abbreviation(zone: string, ms: number, usName: string, offsetSec: number): string {
  const isOffset = (n: string): boolean => /^(GMT|UTC)([+-]|$)/.test(n);
  if (usName !== '' && !isOffset(usName)) return usName;
  for (const loc of ABBREV_LOCALES) {
    const n = new Intl.DateTimeFormat(loc, { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (n !== '' && !isOffset(n)) return n;
  }
  if (usName === 'GMT' && offsetSec === 0) return 'GMT';
  return offsetName(offsetSec);
}

/** offsetName is how Go names a zone without an abbreviation: "+01", "+0530". */
function offsetName(off: number): string {
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const h = String(Math.floor(a / 3600)).padStart(2, '0');
  const m = Math.floor((a % 3600) / 60);
  return sign + h + (m !== 0 ? String(m).padStart(2, '0') : '');
}

const p2 = (n: number): string => String(n).padStart(2, '0');

function zoneOffset(off: number, colon: boolean, seconds: boolean, short: boolean, z: boolean): string {
  if (z && off === 0) return 'Z';
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const h = p2(Math.floor(a / 3600));
  const m = p2(Math.floor((a % 3600) / 60));
  const s = p2(a % 60);
  if (short) return sign + h;
  return sign + h + (colon ? ':' : '') + m + (seconds ? (colon ? ':' : '') + s : '');
}

const CHUNKS = [
  'January', 'Jan', 'Monday', 'Mon', 'MST', '2006', '002', '01', '02', '03', '04', '05', '06', '15', '_2', '1', '2', '3', '4', '5', 'PM', 'pm',
  '-07:00:00', '-070000', '-07:00', '-0700', '-07', 'Z07:00:00', 'Z070000', 'Z07:00', 'Z0700', 'Z07',
];

/** formatTime is Go's Time.Format with the reference layout (Mon Jan 2 15:04:05 MST 2006). */
export function formatTime(ms: number, zone: string, layout: string): string {
  const w = wallOf(ms, zone);
  const frac = ((ms % 1000) + 1000) % 1000; // milliseconds: the precision Vigil keeps
  const yday = (() => {
    const start = new Date(0);
    start.setUTCFullYear(w.year, 0, 1);
    const cur = new Date(0);
    cur.setUTCFullYear(w.year, w.month - 1, w.day);
    return Math.round((cur.getTime() - start.getTime()) / 86400000) + 1;
  })();
  let out = '';
  for (let i = 0; i < layout.length; ) {
    const fm = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (fm) {
      const n = fm[1]!.length;
      const digits = (String(frac).padStart(3, '0') + '000000').slice(0, n);
      if (fm[1]![0] === '0') out += layout[i] + digits;
      else {
        const t = digits.replace(/0+$/, '');
        if (t !== '') out += layout[i] + t;
      }
      i += fm[0].length;
      continue;
    }
    const c = CHUNKS.find((k) => layout.startsWith(k, i));
    if (c === undefined) {
      out += layout[i];
      i++;
      continue;
    }
    i += c.length;
    const h12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
    switch (c) {
      case 'January': out += MONTHS[w.month - 1]; break;
      case 'Jan': out += MONTHS[w.month - 1]!.slice(0, 3); break;
      case 'Monday': out += DAYS[w.weekday]; break;
      case 'Mon': out += DAYS[w.weekday]!.slice(0, 3); break;
      case 'MST': out += w.abbrev; break;
      case '2006': out += String(w.year).padStart(4, '0'); break;
      case '06': out += p2(w.year % 100); break;
      case '002': out += String(yday).padStart(3, '0'); break;
      case '01': out += p2(w.month); break;
      case '1': out += String(w.month); break;
      case '02': out += p2(w.day); break;
      case '_2': out += String(w.day).padStart(2, ' '); break;
      case '2': out += String(w.day); break;
      case '15': out += p2(w.hour); break;
      case '03': out += p2(h12); break;
      case '3': out += String(h12); break;
      case '04': out += p2(w.minute); break;
      case '4': out += String(w.minute); break;
      case '05': out += p2(w.second); break;
      case '5': out += String(w.second); break;
      case 'PM': out += w.hour >= 12 ? 'PM' : 'AM'; break;
      case 'pm': out += w.hour >= 12 ? 'pm' : 'am'; break;
      default: {
        const z = c.startsWith('Z');
        const body = z ? c.slice(1) : c.slice(1);
        out += zoneOffset(w.offsetSec, body.includes(':'), body.length >= 6, body === '07', z);
      }
    }
  }
  return out;
}

/** GoTime is a time.Time: an instant (ms) in a zone ('UTC' or an IANA name). */
export class GoTime extends GoStruct {
  constructor(
    readonly ms: number,
    readonly zone = 'UTC',
  ) {
    super('time.Time', {}, false, TIME_METHODS);
  }
}

/** GoDuration is a time.Duration (nanoseconds). */
export class GoDuration extends GoStruct {
  constructor(readonly ns: bigint) {
    super('time.Duration', {}, false, DURATION_METHODS);
  }
}

/** goTime is the template value of a time in ms (0, Vigil's unset, is Go's zero time). */
export function goTime(ms: number): GoTime {
  return new GoTime(ms === 0 ? ZERO_TIME_MS : ms);
}

/** durationString is Go's Duration.String. */
export function durationString(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  const u = neg ? -ns : ns;
  const frac = (v: bigint, digits: number): string => {
    const d = 10n ** BigInt(digits);
    const f = (v % d).toString().padStart(digits, '0').replace(/0+$/, '');
    return (v / d).toString() + (f !== '' ? '.' + f : '');
  };
  let s: string;
  if (u < 1000000000n) {
    if (u < 1000n) s = `${u}ns`;
    else if (u < 1000000n) s = frac(u, 3) + 'µs';
    else s = frac(u, 6) + 'ms';
  } else {
    const secs = u / 1000000000n;
    const f = (u % 1000000000n).toString().padStart(9, '0').replace(/0+$/, '');
    s = `${secs % 60n}${f !== '' ? '.' + f : ''}s`;
    const mins = secs / 60n;
    if (mins > 0n) {
      s = `${mins % 60n}m` + s;
      const hours = mins / 60n;
      if (hours > 0n) s = `${hours}h` + s;
    }
  }
  return (neg ? '-' : '') + s;
}

const t = (v: GoValue): GoTime => v as GoTime;
const dur = (v: GoValue): GoDuration => v as GoDuration;

const TIME_METHODS: GoMethods = {
  String: { params: [], fn: (v) => formatTime(t(v).ms, t(v).zone, '2006-01-02 15:04:05.999999999 -0700 MST') },
  Format: { params: ['string'], fn: (v, layout) => formatTime(t(v).ms, t(v).zone, layout as string) },
  Unix: { params: [], fn: (v) => BigInt(Math.floor(t(v).ms / 1000)) },
  UnixMilli: { params: [], fn: (v) => BigInt(t(v).ms) },
  UTC: { params: [], fn: (v) => new GoTime(t(v).ms, 'UTC') },
  Local: { params: [], fn: (v) => new GoTime(t(v).ms, checkZone('Local')) },
  IsZero: { params: [], fn: (v) => t(v).ms === ZERO_TIME_MS },
  Before: { params: ['time.Time'], fn: (v, u) => t(v).ms < t(u).ms },
  After: { params: ['time.Time'], fn: (v, u) => t(v).ms > t(u).ms },
  Sub: { params: ['time.Time'], fn: (v, u) => new GoDuration(BigInt(t(v).ms - t(u).ms) * 1000000n) },
};

const DURATION_METHODS: GoMethods = {
  String: { params: [], fn: (v) => durationString(dur(v).ns) },
  Seconds: { params: [], fn: (v) => Number(dur(v).ns) / 1e9 },
  Minutes: { params: [], fn: (v) => Number(dur(v).ns) / 6e10 },
  Hours: { params: [], fn: (v) => Number(dur(v).ns) / 3.6e12 },
  Milliseconds: { params: [], fn: (v) => dur(v).ns / 1000000n },
};
