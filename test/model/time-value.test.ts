import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseDurationOrSeconds, parseTime } from '../../src/common/model/time';
import { StaleNaN, float64Bits, formatSampleValue, isStaleNaN } from '../../src/common/model/value';

describe('durations and times', () => {
  it('parses Prometheus durations', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1y')).toBe(31_536_000_000);
    expect(parseDuration('0')).toBe(0);
    expect(() => parseDuration('5')).toThrow();
    expect(() => parseDuration('1m1h')).toThrow();
    expect(() => parseDuration('-1m')).toThrow();
  });

  it('formats durations', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(1500)).toBe('1s500ms');
  });

  it('parses API times and steps', () => {
    expect(parseTime('1700000000')).toBe(1_700_000_000_000);
    expect(parseTime('1700000000.123')).toBe(1_700_000_000_123);
    expect(parseTime('2023-11-14T22:13:20Z')).toBe(1_700_000_000_000);
    expect(parseTime('2023-11-14T22:13:20.5+01:00')).toBe(1_699_996_400_500);
    expect(() => parseTime('yesterday')).toThrow(/cannot parse/);
    expect(parseDurationOrSeconds('15')).toBe(15_000);
    expect(parseDurationOrSeconds('0.5')).toBe(500);
    expect(parseDurationOrSeconds('1m')).toBe(60_000);
  });
});

describe('sample values', () => {
  it('recognizes the stale marker bit-exactly', () => {
    expect(isStaleNaN(StaleNaN)).toBe(true);
    expect(isStaleNaN(NaN)).toBe(false);
    expect(isStaleNaN(1)).toBe(false);
    expect(float64Bits(StaleNaN)).toEqual([2, 0x7ff00000]);
    // Stores into typed arrays keep the payload (plain double arrays would canonicalize it).
    const a = new Float64Array(1);
    a[0] = StaleNaN;
    expect(isStaleNaN(a[0]!)).toBe(true);
    const o = { v: 0.5 };
    o.v = StaleNaN;
    expect(isStaleNaN(o.v)).toBe(true);
  });

  it('formats values as the API does', () => {
    expect(formatSampleValue(1)).toBe('1');
    expect(formatSampleValue(0.1)).toBe('0.1');
    expect(formatSampleValue(NaN)).toBe('NaN');
    expect(formatSampleValue(Infinity)).toBe('+Inf');
    expect(formatSampleValue(-Infinity)).toBe('-Inf');
    expect(formatSampleValue(1e21)).toBe('1000000000000000000000');
    expect(formatSampleValue(1.5e-7)).toBe('0.00000015');
    expect(formatSampleValue(-2.5e-8)).toBe('-0.000000025');
  });
});
