/**
 * Time ranges as Grafana writes them: `from`/`to` are relative (`now-1h`, `now`) or absolute
 * (Unix milliseconds), kept in the URL; resolve() turns them into seconds at a moment. The query
 * step follows the range and the chart's width as Grafana computes it (interval = range / max data
 * points, rounded to a nice interval, never below the minimum).
 */

/** TimeRange is a from/to pair as the URL holds it. */
export interface TimeRange {
  from: string;
  to: string;
}

/** RELATIVE_RANGES are the picker's quick ranges (5m .. 30d). */
export const RELATIVE_RANGES: { label: string; from: string }[] = [
  { label: 'Last 5 minutes', from: 'now-5m' },
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last 30 minutes', from: 'now-30m' },
  { label: 'Last 1 hour', from: 'now-1h' },
  { label: 'Last 3 hours', from: 'now-3h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 12 hours', from: 'now-12h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 2 days', from: 'now-2d' },
  { label: 'Last 7 days', from: 'now-7d' },
  { label: 'Last 30 days', from: 'now-30d' },
];

/** REFRESH_INTERVALS are the auto-refresh choices ('' is off). */
export const REFRESH_INTERVALS = ['', '5s', '10s', '30s', '1m', '5m'];

export const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** parseDuration reads `90s`, `5m`, `1h30m`, `2d` into seconds (NaN when malformed). */
export function parseDuration(d: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
  let total = 0;
  let used = 0;
  for (let m = re.exec(d); m; m = re.exec(d)) {
    total += Number(m[1]) * (m[2] === 'ms' ? 0.001 : UNIT_S[m[2]!]!);
    used += m[0].length;
  }
  return used === d.length && used > 0 ? total : NaN;
}

/** resolveTime turns `now`, `now-1h` or Unix milliseconds into Unix seconds at nowMs. */
export function resolveTime(v: string, nowMs: number): number {
  if (v === 'now') return nowMs / 1000;
  const rel = /^now-(.+)$/.exec(v);
  if (rel) {
    const d = parseDuration(rel[1]!);
    return Number.isFinite(d) ? nowMs / 1000 - d : NaN;
  }
  const n = Number(v);
  return Number.isFinite(n) && v.trim() !== '' ? n / 1000 : NaN;
}

/** resolve returns [start, end] in Unix seconds, or null when the range is invalid. */
export function resolve(r: TimeRange, nowMs = Date.now()): { start: number; end: number } | null {
  const start = resolveTime(r.from, nowMs);
  const end = resolveTime(r.to, nowMs);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return null;
  return { start, end };
}

/** isRelative says whether the range moves with the clock (refreshes show new data). */
export function isRelative(r: TimeRange): boolean {
  return r.to === 'now' || r.to.startsWith('now');
}

/** NICE_STEPS are the intervals a step is rounded to (seconds). */
const NICE_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/**
 * stepFor is the query step for a range drawn `widthPx` wide: about one point per pixel, rounded
 * up to a nice interval, at least minStep (the scrape interval, default 15 s in Vigil's demo).
 */
export function stepFor(rangeS: number, widthPx: number, minStep = 1): number {
  const maxPoints = Math.max(100, Math.min(11000, Math.floor(widthPx)));
  const raw = Math.max(minStep, rangeS / maxPoints);
  for (const s of NICE_STEPS) if (s >= raw) return s;
  return Math.ceil(raw / 86400) * 86400;
}

/** formatStep renders a step in seconds as `15s`, `2m`, `1h`. */
export function formatStep(s: number): string {
  if (s % 86400 === 0) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** describeRange is the picker's label for a range. */
export function describeRange(r: TimeRange): string {
  const quick = RELATIVE_RANGES.find((q) => q.from === r.from && r.to === 'now');
  if (quick) return quick.label;
  const fmt = (v: string): string => (/^now/.test(v) ? v : new Date(Number(v)).toLocaleString());
  return `${fmt(r.from)} to ${fmt(r.to)}`;
}

/** shiftRange moves a range by a fraction of its length (negative: back in time); the result is absolute. */
export function shiftRange(r: TimeRange, fraction: number, nowMs = Date.now()): TimeRange {
  const res = resolve(r, nowMs);
  if (!res) return r;
  const d = (res.end - res.start) * fraction;
  const end = Math.min(res.end + d, nowMs / 1000);
  const start = end - (res.end - res.start);
  return { from: String(Math.round(start * 1000)), to: String(Math.round(end * 1000)) };
}
