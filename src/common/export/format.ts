/**
 * Rendering of query results for people and spreadsheets: CSV (RFC 4180) and aligned text tables.
 * Rows are produced one at a time through a writer, so a large matrix is never built as one string.
 */
import { MetricName, type Labels } from '../../common/model/labels';
import { formatSampleValue } from '../../common/model/value';
import type { Value } from '../promql/value';

/** csvField quotes a field when it needs it. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function labelColumns(metrics: Labels[]): string[] {
  const names = new Set<string>();
  for (const m of metrics) for (const l of m) names.add(l.name);
  const out = [...names].filter((n) => n !== MetricName).sort();
  return names.has(MetricName) ? [MetricName, ...out] : out;
}

function valueOf(m: Labels, name: string): string {
  for (const l of m) if (l.name === name) return l.value;
  return '';
}

/** isoTime renders ms as RFC 3339 with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * writeCsv writes a result as CSV: one row per point, label columns first, then `timestamp`
 * (Unix seconds) and `value`.
 */
export function writeCsv(v: Value, write: (line: string) => void): void {
  const row = (fields: string[]): void => write(fields.map(csvField).join(',') + '\r\n');
  switch (v.type) {
    case 'scalar':
    case 'string':
      row(['timestamp', 'value']);
      row([String(v.t / 1000), v.type === 'scalar' ? formatSampleValue(v.v) : v.v]);
      return;
    case 'vector': {
      const cols = labelColumns(v.samples.map((s) => s.metric));
      row([...cols, 'timestamp', 'value']);
      for (const s of v.samples) row([...cols.map((c) => valueOf(s.metric, c)), String(s.t / 1000), s.h ? `histogram(count=${s.h.count},sum=${s.h.sum})` : formatSampleValue(s.f)]);
      return;
    }
    case 'matrix': {
      const cols = labelColumns(v.series.map((s) => s.metric));
      row([...cols, 'timestamp', 'value']);
      for (const s of v.series) {
        const ls = cols.map((c) => valueOf(s.metric, c));
        for (const p of s.floats) row([...ls, String(p.t / 1000), formatSampleValue(p.f)]);
        for (const p of s.histograms) row([...ls, String(p.t / 1000), `histogram(count=${p.h.count},sum=${p.h.sum})`]);
      }
      return;
    }
  }
}

/** seriesName renders a label set as PromQL does, for table output. */
function seriesName(m: Labels): string {
  const name = valueOf(m, MetricName);
  const rest = m.filter((l) => l.name !== MetricName).map((l) => `${l.name}=${JSON.stringify(l.value)}`);
  return `${name}{${rest.join(', ')}}`;
}

/** writeTable writes a result as an aligned text table for a terminal. */
export function writeTable(v: Value, write: (line: string) => void): void {
  const rows: string[][] = [];
  switch (v.type) {
    case 'scalar':
      rows.push(['TIME', 'VALUE'], [isoTime(v.t), formatSampleValue(v.v)]);
      break;
    case 'string':
      rows.push(['TIME', 'VALUE'], [isoTime(v.t), v.v]);
      break;
    case 'vector':
      rows.push(['SERIES', 'TIME', 'VALUE']);
      for (const s of v.samples) rows.push([seriesName(s.metric), isoTime(s.t), s.h ? `histogram(count=${s.h.count})` : formatSampleValue(s.f)]);
      break;
    case 'matrix':
      rows.push(['SERIES', 'TIME', 'VALUE']);
      for (const s of v.series) {
        for (const p of s.floats) rows.push([seriesName(s.metric), isoTime(p.t), formatSampleValue(p.f)]);
        for (const p of s.histograms) rows.push([seriesName(s.metric), isoTime(p.t), `histogram(count=${p.h.count})`]);
      }
      break;
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
}
