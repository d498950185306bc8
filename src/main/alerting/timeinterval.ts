/**
 * Alertmanager's time intervals (timeinterval/timeinterval.go): `times`, `weekdays`,
 * `days_of_month` (negative counts from the month's end), `months`, `years` and `location` (an
 * IANA zone, evaluated through Intl). A named time interval is a list of these; it is active when
 * any of them contains the instant.
 */
import type { ConfigProblem } from './types';

/** Range is an inclusive range of integers. */
export interface Range {
  begin: number;
  end: number;
}

/** TimeInterval is one entry of a named interval's `time_intervals`; null fields are unconstrained. */
export interface TimeInterval {
  /** times are [startMinute, endMinute) of the day. */
  times: { startMinute: number; endMinute: number }[] | null;
  weekdays: Range[] | null;
  daysOfMonth: Range[] | null;
  months: Range[] | null;
  years: Range[] | null;
  /** location is an IANA zone name, 'Local' for the system's, or null for UTC. */
  location: string | null;
}

const WEEKDAYS: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };
const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};
const MONTH_NAMES = Object.keys(MONTHS);

const FIELDS = ['times', 'weekdays', 'days_of_month', 'months', 'years', 'location'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** scalarString reads a scalar as yaml.v2 decodes one into a string (null is ''); undefined if not a scalar. */
function scalarString(v: unknown): string | undefined {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** atoi is Go's strconv.Atoi for the forms a range member takes. */
function atoi(s: string): number | null {
  return /^[+-]?\d+$/.test(s) ? Number(s) : null;
}

type Member = (s: string) => number;

function rangeFromString(raw: string, member: Member): Range {
  const s = raw.toLowerCase();
  if (s.includes(':')) {
    const parts = s.split(':');
    if (parts.length !== 2) throw new Error(`couldn't parse range ${s}, invalid format`);
    return { begin: member(parts[0]!), end: member(parts[1]!) };
  }
  const v = member(s);
  return { begin: v, end: v };
}

function intMember(s: string): number {
  const n = atoi(s);
  if (n === null) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return n;
}

function parseWeekdays(s: string): Range {
  const r = rangeFromString(s, (x) => {
    const v = WEEKDAYS[x];
    if (v === undefined) throw new Error(`${x} is not a valid weekday`);
    return v;
  });
  if (r.begin > r.end) throw new Error('start day cannot be before end day');
  return r;
}

function parseDayOfMonth(s: string): Range {
  const r = rangeFromString(s, intMember);
  if (r.begin === 0 || r.begin < -31 || r.begin > 31) throw new Error(`${r.begin} is not a valid day of the month: out of range`);
  if (r.end === 0 || r.end < -31 || r.end > 31) throw new Error(`${r.end} is not a valid day of the month: out of range`);
  if (r.begin < 0 && r.end > 0) throw new Error('end day must be negative if start day is negative');
  const cb = r.begin < 0 ? 28 + r.begin : r.begin;
  const ce = r.end < 0 ? 28 + r.end : r.end;
  if (cb > ce) throw new Error(`end day ${r.end} is always before start day ${r.begin}`);
  return r;
}

function parseMonth(s: string): Range {
  const r = rangeFromString(s, (x) => {
    const v = MONTHS[x];
    if (v !== undefined) return v;
    const n = atoi(x);
    if (n === null) throw new Error(`${x} is not a valid month`);
    return n;
  });
  // As Alertmanager, a month number out of 1..12 is accepted (it never matches).
  if (r.begin > r.end) throw new Error(`end month ${MONTH_NAMES[r.end - 1] ?? ''} is before start month ${MONTH_NAMES[r.begin - 1] ?? ''}`);
  return r;
}

function parseYear(s: string): Range {
  const r = rangeFromString(s, intMember);
  if (r.begin > r.end) throw new Error(`end year ${r.end} is before start year ${r.begin}`);
  return r;
}

/** parseClock converts "HH:MM" (00:00 to 24:00) into minutes of the day. */
function parseClock(s: string): number {
  if (!/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/.test(s)) throw new Error(`couldn't parse timestamp ${s}, invalid format`);
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** validZone reports whether Intl knows an IANA zone name. */
export function validZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * parseTimeInterval reads one `time_intervals` entry (a plain value decoded from YAML); problems
 * name the field, e.g. `time_intervals[0].time_intervals[1].weekdays[0]`.
 */
export function parseTimeInterval(raw: unknown, path: string): { interval: TimeInterval | null; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const out: TimeInterval = { times: null, weekdays: null, daysOfMonth: null, months: null, years: null, location: null };
  if (raw === null || raw === undefined) return { interval: out, problems };
  if (!isRecord(raw)) return { interval: null, problems: [{ path, message: 'cannot unmarshal into timeinterval.TimeInterval: expected a mapping' }] };
  for (const k of Object.keys(raw)) if (!FIELDS.includes(k)) problems.push({ path: `${path}.${k}`, message: `field ${k} not found in type timeinterval.TimeInterval` });

  const list = (key: string, parse: (s: string) => Range): Range[] | null => {
    const v = raw[key];
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) {
      problems.push({ path: `${path}.${key}`, message: `cannot unmarshal ${typeof v} into []${key}: expected a list` });
      return null;
    }
    const rs: Range[] = [];
    v.forEach((item, i) => {
      const s = scalarString(item);
      if (s === undefined) {
        problems.push({ path: `${path}.${key}[${i}]`, message: 'expected a string' });
        return;
      }
      try {
        rs.push(parse(s));
      } catch (e) {
        problems.push({ path: `${path}.${key}[${i}]`, message: (e as Error).message });
      }
    });
    return rs;
  };
  out.weekdays = list('weekdays', parseWeekdays);
  out.daysOfMonth = list('days_of_month', parseDayOfMonth);
  out.months = list('months', parseMonth);
  out.years = list('years', parseYear);

  const times = raw.times;
  if (times !== undefined && times !== null) {
    if (!Array.isArray(times)) problems.push({ path: `${path}.times`, message: 'cannot unmarshal into []timeinterval.TimeRange: expected a list' });
    else {
      out.times = [];
      times.forEach((t, i) => {
        const p = `${path}.times[${i}]`;
        if (!isRecord(t)) {
          problems.push({ path: p, message: 'cannot unmarshal into timeinterval.yamlTimeRange: expected a mapping' });
          return;
        }
        for (const k of Object.keys(t)) if (k !== 'start_time' && k !== 'end_time') problems.push({ path: `${p}.${k}`, message: `field ${k} not found in type timeinterval.yamlTimeRange` });
        const st = scalarString(t.start_time) ?? '';
        const et = scalarString(t.end_time) ?? '';
        if (st === '' || et === '') {
          problems.push({ path: p, message: 'both start and end times must be provided' });
          return;
        }
        try {
          const s = parseClock(st);
          let e: number;
          try {
            e = parseClock(et);
          } catch (err) {
            problems.push({ path: `${p}.end_time`, message: (err as Error).message });
            return;
          }
          if (s >= e) problems.push({ path: p, message: 'start time cannot be equal or greater than end time' });
          else out.times!.push({ startMinute: s, endMinute: e });
        } catch (err) {
          problems.push({ path: `${p}.start_time`, message: (err as Error).message });
        }
      });
    }
  }

  const loc = raw.location;
  if (loc !== undefined && loc !== null) {
    const s = scalarString(loc);
    if (s === undefined) problems.push({ path: `${path}.location`, message: 'expected a time zone name' });
    else if (s === '' || s === 'UTC') out.location = null;
    else if (s === 'Local') out.location = 'Local';
    else if (!validZone(s)) problems.push({ path: `${path}.location`, message: `unknown time zone ${s}` });
    else out.location = s;
  }
  return { interval: problems.length ? null : out, problems };
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WD_SHORT: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** wallClock returns the calendar fields of tMs in a zone (null: UTC). */
export function wallClock(tMs: number, zone: string | null): WallClock {
  if (zone === null) {
    const d = new Date(tMs);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
  }
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      ...(zone === 'Local' ? {} : { timeZone: zone }),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(tMs))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: WD_SHORT[parts.weekday!] ?? 0,
  };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function clamp(n: number, lo: number, hi: number): number {
  return n <= lo ? lo : n >= hi ? hi : n;
}

/** containsTime reports whether one time interval contains the instant tMs. */
export function containsTime(ti: TimeInterval, tMs: number): boolean {
  const t = wallClock(tMs, ti.location);
  if (ti.times !== null) {
    const m = t.hour * 60 + t.minute;
    if (!ti.times.some((r) => m >= r.startMinute && m < r.endMinute)) return false;
  }
  if (ti.daysOfMonth !== null) {
    const dim = daysInMonth(t.year, t.month);
    const ok = ti.daysOfMonth.some((r) => {
      let begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      let end = r.end < 0 ? dim + r.end + 1 : r.end;
      if (begin > dim) return false;
      begin = clamp(begin, -dim, dim);
      end = clamp(end, -dim, dim);
      return t.day >= begin && t.day <= end;
    });
    if (!ok) return false;
  }
  if (ti.months !== null && !ti.months.some((r) => t.month >= r.begin && t.month <= r.end)) return false;
  if (ti.weekdays !== null && !ti.weekdays.some((r) => t.weekday >= r.begin && t.weekday <= r.end)) return false;
  if (ti.years !== null && !ti.years.some((r) => t.year >= r.begin && t.year <= r.end)) return false;
  return true;
}

/** intervalActive reports whether any of the intervals contains tMs (a named interval's list). */
export function intervalActive(intervals: readonly TimeInterval[], tMs: number): boolean {
  return intervals.some((ti) => containsTime(ti, tMs));
}

/**
 * namedIntervalActive looks a name up in a configuration's timeIntervals (as config.ts stores
 * them) and reports whether it is active at tMs; an unknown name is inactive.
 */
export function namedIntervalActive(timeIntervals: ReadonlyMap<string, unknown>, name: string, tMs: number): boolean {
  const list = timeIntervals.get(name) as readonly TimeInterval[] | undefined;
  return list !== undefined && intervalActive(list, tMs);
}
