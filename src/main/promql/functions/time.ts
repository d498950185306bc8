/**
 * Time functions: time(), timestamp() and the calendar functions (minute, hour, day_of_week, ...),
 * all in UTC.
 */
import type { EvalNodeHelper, InstantFunction } from '../kernel/helper';
import { dropMetadata } from '../kernel/labels';
import type { EVector } from '../kernel/types';

/** funcTime implements time(): the evaluation time in seconds. */
export const funcTime: InstantFunction = (_v, _a, enh) => {
  enh.out.push({ metric: [], t: 0, f: enh.ts / 1000, h: null, dropName: false });
  return enh.out;
};

/** funcTimestamp implements timestamp(v): the timestamp of each sample in seconds. */
export const funcTimestamp: InstantFunction = (vals, _a, enh) => {
  for (const el of vals[0]!) {
    enh.out.push({ metric: enh.enableDelayedNameRemoval ? el.metric : dropMetadata(el.metric), t: el.t, f: el.t / 1000, h: null, dropName: true });
  }
  return enh.out;
};

function dateWrapper(vals: EVector[], enh: EvalNodeHelper, f: (d: Date) => number): EVector {
  if (vals.length === 0) {
    enh.out.push({ metric: [], t: 0, f: f(new Date(Math.trunc(enh.ts / 1000) * 1000)), h: null, dropName: false });
    return enh.out;
  }
  for (const el of vals[0]!) {
    if (el.h !== null) continue;
    const secs = Math.trunc(el.f);
    const d = new Date(secs * 1000);
    const v = Number.isNaN(d.getTime()) ? NaN : f(d);
    enh.out.push({ metric: enh.enableDelayedNameRemoval ? el.metric : dropMetadata(el.metric), t: el.t, f: v, h: null, dropName: true });
  }
  return enh.out;
}

function date(f: (d: Date) => number): InstantFunction {
  return (vals, _a, enh) => dateWrapper(vals, enh, f);
}

function dayOfYear(d: Date): number {
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.floor((d.getTime() - start) / 86400000) + 1;
}

/** funcDaysInMonth implements Calendar functions. */
export const funcDaysInMonth = date((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate());
/** funcDayOfMonth implements day_of_month(). */
export const funcDayOfMonth = date((d) => d.getUTCDate());
/** funcDayOfWeek implements day_of_week(). */
export const funcDayOfWeek = date((d) => d.getUTCDay());
/** funcDayOfYear implements day_of_year(). */
export const funcDayOfYear = date(dayOfYear);
/** funcHour implements hour(). */
export const funcHour = date((d) => d.getUTCHours());
/** funcMinute implements minute(). */
export const funcMinute = date((d) => d.getUTCMinutes());
/** funcMonth implements month(). */
export const funcMonth = date((d) => d.getUTCMonth() + 1);
/** funcYear implements year(). */
export const funcYear = date((d) => d.getUTCFullYear());

function scalarOut(enh: EvalNodeHelper, v: number): EVector {
  enh.out.push({ metric: [], t: 0, f: v, h: null, dropName: false });
  return enh.out;
}

/** funcStart implements start(): the query's start time in seconds. */
export const funcStart: InstantFunction = (_v, _a, enh) => scalarOut(enh, enh.queryStart / 1000);
/** funcEnd implements end(): the query's end time in seconds. */
export const funcEnd: InstantFunction = (_v, _a, enh) => scalarOut(enh, enh.queryEnd / 1000);
/** funcRange implements range(): the query's time range (end - start) in seconds. */
export const funcRange: InstantFunction = (_v, _a, enh) => scalarOut(enh, (enh.queryEnd - enh.queryStart) / 1000);
/** funcStep implements step(): the query's resolution step in seconds (0 for instant queries). */
export const funcStep: InstantFunction = (_v, _a, enh) => scalarOut(enh, enh.queryStep / 1000);
