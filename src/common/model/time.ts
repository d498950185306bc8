/**
 * Durations and timestamps: Prometheus's model.Duration syntax and the API's time formats.
 * All timestamps inside Vigil are integer milliseconds since the Unix epoch.
 */

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
