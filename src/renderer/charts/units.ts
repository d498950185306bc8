/**
 * Units of a panel's values and their formatting, as Grafana names them: `short` (1.2K, 3.4M),
 * `bytes` (IEC: KiB, MiB), `decbytes` (SI), `s` (seconds: µs .. days), `percentunit` (0..1 as
 * percent), `percent` (0..100), `ops` (per second), `Bps` (bytes per second), `cores`, `none`.
 * Axis ticks and hover values use the same formatter, so a 2,000,000,000 never clips as ",000,000".
 */

export type Unit = 'short' | 'none' | 'bytes' | 'decbytes' | 'Bps' | 's' | 'ms' | 'percentunit' | 'percent' | 'ops' | 'reqps' | 'cores';

export const UNITS: { id: Unit; label: string }[] = [
  { id: 'short', label: 'Number (short)' },
  { id: 'none', label: 'Number (raw)' },
  { id: 'bytes', label: 'Bytes (IEC)' },
  { id: 'decbytes', label: 'Bytes (SI)' },
  { id: 'Bps', label: 'Bytes/s' },
  { id: 's', label: 'Seconds' },
  { id: 'ms', label: 'Milliseconds' },
  { id: 'percentunit', label: 'Percent (0-1)' },
  { id: 'percent', label: 'Percent (0-100)' },
  { id: 'ops', label: 'Operations/s' },
  { id: 'reqps', label: 'Requests/s' },
  { id: 'cores', label: 'CPU cores' },
];

function trim(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  const d = a >= 100 ? Math.max(0, digits - 2) : a >= 10 ? Math.max(0, digits - 1) : digits;
  return Number(x.toFixed(d)).toString();
}

function scaled(v: number, base: number, units: string[], digits: number, sep = ' '): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < units.length - 1) {
    x /= base;
    i++;
  }
  return `${trim(x, digits)}${units[i] ? sep + units[i] : ''}`;
}

function duration(v: number, digits: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0 s';
  if (a < 1e-6) return `${trim(v * 1e9, digits)} ns`;
  if (a < 1e-3) return `${trim(v * 1e6, digits)} µs`;
  if (a < 1) return `${trim(v * 1e3, digits)} ms`;
  if (a < 60) return `${trim(v, digits)} s`;
  if (a < 3600) return `${trim(v / 60, digits)} min`;
  if (a < 86400) return `${trim(v / 3600, digits)} h`;
  return `${trim(v / 86400, digits)} day`;
}

/** formatValue formats v in unit with about `digits` significant decimals. */
export function formatValue(v: number | null | undefined, unit: Unit = 'short', digits = 2): string {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'none':
      return String(v);
    case 'bytes':
      return scaled(v, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'], digits);
    case 'decbytes':
      return scaled(v, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB'], digits);
    case 'Bps':
      return scaled(v, 1024, ['B/s', 'KiB/s', 'MiB/s', 'GiB/s', 'TiB/s'], digits);
    case 's':
      return duration(v, digits);
    case 'ms':
      return duration(v / 1000, digits);
    case 'percentunit':
      return `${trim(v * 100, digits)}%`;
    case 'percent':
      return `${trim(v, digits)}%`;
    case 'ops':
      return `${scaled(v, 1000, ['', 'K', 'M', 'G', 'T'], digits, '')} ops/s`;
    case 'reqps':
      return `${scaled(v, 1000, ['', 'K', 'M', 'G', 'T'], digits, '')} req/s`;
    case 'cores':
      return Math.abs(v) < 1 && v !== 0 ? `${trim(v * 1000, digits)}m` : `${trim(v, digits)}`;
    default:
      return Math.abs(v) < 1000 ? trim(v, digits + 1) : scaled(v, 1000, ['', 'K', 'M', 'B', 'T', 'P'], digits, '');
  }
}

/** isUnit says whether a string names a Unit. */
export function isUnit(s: string): s is Unit {
  return UNITS.some((u) => u.id === s);
}
