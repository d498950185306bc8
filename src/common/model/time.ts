/**
 * Durations and timestamps: Prometheus's model.Duration syntax and the API's time formats.
 * All timestamps inside Vigil are integer milliseconds since the Unix epoch.
 *
 * parseDuration/formatDuration serve configuration and the API (milliseconds);
 * parseModelDuration/formatModelDuration are the byte-exact forms PromQL needs (nanoseconds, Go's
 * error texts, model.Duration.String()).
 */
import { GoNumberError, goQuote } from '../util/go/strconv';
import { goRound } from '../util/go/math';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];

/** parseDuration parses a Prometheus duration such as `1h30m`, `5m`, `250ms` or `0` into ms. */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new Error('empty duration string');
  const re = /(\d+)(ms|y|w|d|h|m|s)/y;
  let pos = 0;
  let total = 0;
  let lastUnit = -1;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`not a valid duration string: ${JSON.stringify(s)}`);
    const u = ORDER.indexOf(m[2]!);
    if (u <= lastUnit) throw new Error(`not a valid duration string: ${JSON.stringify(s)}`);
    lastUnit = u;
    total += parseInt(m[1]!, 10) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (!Number.isSafeInteger(total)) throw new Error(`duration out of range: ${JSON.stringify(s)}`);
  return total;
}

/** formatDuration renders ms as Prometheus does (`1h30m`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let r = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const u of ORDER) {
    const n = UNITS[u]!;
    if (r >= n) {
      const k = Math.floor(r / n);
      out += `${k}${u}`;
      r -= k * n;
    }
  }
  return out;
}

/**
 * parseTime parses an API time parameter: a float of Unix seconds or an RFC 3339 timestamp.
 * Returns integer ms. Throws on anything else.
 */
export function parseTime(s: string): number {
  const t = s.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const f = Number(t);
    return Math.round(f * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

/** parseDurationOrSeconds parses a step/timeout parameter: a float of seconds or a duration. */
export function parseDurationOrSeconds(s: string): number {
  const t = s.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const f = Number(t);
    if (!Number.isFinite(f)) throw new Error(`cannot parse ${JSON.stringify(s)} to a valid duration. It overflows int64`);
    return Math.round(f * 1000);
  }
  return parseDuration(t);
}

const INT64_MAX = (1n << 63n) - 1n;

const MODEL_UNITS: Record<string, { pos: number; mult: bigint }> = {
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
    const unit = MODEL_UNITS[u];
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
