import { describe, expect, it } from 'vitest';
import { containsTime, intervalActive, parseTimeInterval, type TimeInterval } from '../../src/main/alerting/timeinterval';

function ti(raw: unknown): TimeInterval {
  const r = parseTimeInterval(raw, 'x');
  expect(r.problems).toEqual([]);
  return r.interval!;
}

describe('parseTimeInterval', () => {
  it('reads every field', () => {
    const t = ti({
      times: [{ start_time: '09:00', end_time: '17:30' }],
      weekdays: ['monday:friday', 'Sunday'],
      days_of_month: ['1:5', '-3:-1', 10],
      months: ['january:march', '12'],
      years: ['2020:2030'],
      location: 'Europe/Berlin',
    });
    expect(t.times).toEqual([{ startMinute: 540, endMinute: 1050 }]);
    expect(t.weekdays).toEqual([{ begin: 1, end: 5 }, { begin: 0, end: 0 }]);
    expect(t.daysOfMonth).toEqual([{ begin: 1, end: 5 }, { begin: -3, end: -1 }, { begin: 10, end: 10 }]);
    expect(t.months).toEqual([{ begin: 1, end: 3 }, { begin: 12, end: 12 }]);
    expect(t.years).toEqual([{ begin: 2020, end: 2030 }]);
    expect(t.location).toBe('Europe/Berlin');
  });

  it.each([
    [{ weekdays: ['friday:monday'] }, 'x.weekdays[0]', 'start day cannot be before end day'],
    [{ weekdays: ['mon'] }, 'x.weekdays[0]', 'mon is not a valid weekday'],
    [{ days_of_month: ['0'] }, 'x.days_of_month[0]', '0 is not a valid day of the month: out of range'],
    [{ days_of_month: ['-1:5'] }, 'x.days_of_month[0]', 'end day must be negative if start day is negative'],
    [{ days_of_month: ['10:2'] }, 'x.days_of_month[0]', 'end day 2 is always before start day 10'],
    [{ months: ['march:january'] }, 'x.months[0]', 'end month january is before start month march'],
    [{ months: ['smarch'] }, 'x.months[0]', 'smarch is not a valid month'],
    [{ years: ['2030:2020'] }, 'x.years[0]', 'end year 2020 is before start year 2030'],
    [{ times: [{ start_time: '10:00' }] }, 'x.times[0]', 'both start and end times must be provided'],
    [{ times: [{ start_time: '10:00', end_time: '09:00' }] }, 'x.times[0]', 'start time cannot be equal or greater than end time'],
    [{ times: [{ start_time: '25:00', end_time: '26:00' }] }, 'x.times[0].start_time', "couldn't parse timestamp 25:00, invalid format"],
    [{ location: 'Nowhere/City' }, 'x.location', 'unknown time zone Nowhere/City'],
    [{ week_days: ['monday'] }, 'x.week_days', 'field week_days not found in type timeinterval.TimeInterval'],
  ])('%j', (raw, p, message) => {
    const r = parseTimeInterval(raw, 'x');
    expect(r.interval).toBeNull();
    expect(r.problems).toContainEqual({ path: p, message });
  });
});

describe('containsTime', () => {
  it('evaluates times and weekdays in the location', () => {
    const t = ti({ times: [{ start_time: '09:00', end_time: '17:00' }], weekdays: ['monday:friday'], location: 'Europe/Berlin' });
    // Monday 2024-07-01 07:30 UTC is 09:30 in Berlin (CEST): inside.
    expect(containsTime(t, Date.UTC(2024, 6, 1, 7, 30))).toBe(true);
    // Monday 2024-01-08 07:30 UTC is 08:30 in Berlin (CET): outside.
    expect(containsTime(t, Date.UTC(2024, 0, 8, 7, 30))).toBe(false);
    // Saturday.
    expect(containsTime(t, Date.UTC(2024, 6, 6, 10, 0))).toBe(false);
    // Sunday 23:30 UTC is Monday 01:30 in Berlin: weekday ok, time not.
    expect(containsTime(t, Date.UTC(2024, 6, 7, 23, 30))).toBe(false);
    // The end minute is exclusive.
    expect(containsTime(t, Date.UTC(2024, 6, 1, 15, 0))).toBe(false);
    expect(containsTime(t, Date.UTC(2024, 6, 1, 14, 59))).toBe(true);
  });

  it('counts negative days from the end of the month', () => {
    const last = ti({ days_of_month: ['-1'] });
    expect(containsTime(last, Date.UTC(2024, 1, 29, 12))).toBe(true);
    expect(containsTime(last, Date.UTC(2024, 1, 28, 12))).toBe(false);
    expect(containsTime(last, Date.UTC(2023, 1, 28, 12))).toBe(true);
    const lastThree = ti({ days_of_month: ['-3:-1'] });
    expect(containsTime(lastThree, Date.UTC(2024, 3, 28, 0))).toBe(true);
    expect(containsTime(lastThree, Date.UTC(2024, 3, 27, 23, 59))).toBe(false);
    // A start beyond a short month's end never matches that month.
    expect(containsTime(ti({ days_of_month: ['30:31'] }), Date.UTC(2024, 1, 29))).toBe(false);
  });

  it('checks months and years, and a named list is active when any entry is', () => {
    const summer = ti({ months: ['june:august'], years: ['2024'] });
    expect(containsTime(summer, Date.UTC(2024, 6, 1))).toBe(true);
    expect(containsTime(summer, Date.UTC(2025, 6, 1))).toBe(false);
    expect(containsTime(summer, Date.UTC(2024, 8, 1))).toBe(false);
    const weekend = ti({ weekdays: ['saturday', 'sunday'] });
    expect(intervalActive([summer, weekend], Date.UTC(2025, 6, 5))).toBe(true);
    expect(intervalActive([summer, weekend], Date.UTC(2025, 6, 4))).toBe(false);
    expect(intervalActive([], Date.UTC(2025, 6, 4))).toBe(false);
    expect(containsTime(ti({}), Date.UTC(2025, 6, 4))).toBe(true);
  });
});
