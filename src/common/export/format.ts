/**
 * Rendering of query results for people and spreadsheets: CSV (RFC 4180) and aligned text tables,
 * from the API's result data (what /api/v1/query and /api/v1/query_range return), so that
 * `vigil query --format csv`, a remote server's answer and the UI's export give the same bytes.
 * Rows are produced one at a time through a writer, so a large matrix is never built as one string.
 */
import type { ApiHistogram, ApiMetric, ApiQueryData } from '../api/types';

const NAME = '__name__';

/** csvField quotes a field when it needs it. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function labelColumns(metrics: ApiMetric[]): string[] {
  const names = new Set<string>();
  for (const m of metrics) for (const k of Object.keys(m)) names.add(k);
  const out = [...names].filter((n) => n !== NAME).sort();
  return names.has(NAME) ? [NAME, ...out] : out;
}

/** isoTime renders Unix seconds as RFC 3339 with milliseconds. */
export function isoTime(sec: number): string {
  return new Date(Math.round(sec * 1000)).toISOString();
}

function histogramText(h: ApiHistogram, withSum: boolean): string {
  return withSum ? `histogram(count=${h.count},sum=${h.sum})` : `histogram(count=${h.count})`;
}

/** isEmptyResult reports whether a result has no series (vectors and matrices only). */
export function isEmptyResult(d: ApiQueryData): boolean {
  return (d.resultType === 'vector' || d.resultType === 'matrix') && d.result.length === 0;
}

/**
 * writeCsv writes a result as CSV: one row per point, label columns first, then `timestamp`
 * (Unix seconds) and `value`.
 */
export function writeCsv(d: ApiQueryData, write: (line: string) => void): void {
  const row = (fields: string[]): void => write(fields.map(csvField).join(',') + '\r\n');
  switch (d.resultType) {
    case 'scalar':
    case 'string':
      row(['timestamp', 'value']);
      row([String(d.result[0]), d.result[1]]);
      return;
    case 'vector': {
      const cols = labelColumns(d.result.map((s) => s.metric));
      row([...cols, 'timestamp', 'value']);
      for (const s of d.result) {
        const ls = cols.map((c) => s.metric[c] ?? '');
        if (s.histogram) row([...ls, String(s.histogram[0]), histogramText(s.histogram[1], true)]);
        else if (s.value) row([...ls, String(s.value[0]), s.value[1]]);
      }
      return;
    }
    case 'matrix': {
      const cols = labelColumns(d.result.map((s) => s.metric));
      row([...cols, 'timestamp', 'value']);
      for (const s of d.result) {
        const ls = cols.map((c) => s.metric[c] ?? '');
        for (const p of s.values ?? []) row([...ls, String(p[0]), p[1]]);
        for (const p of s.histograms ?? []) row([...ls, String(p[0]), histogramText(p[1], true)]);
      }
      return;
    }
  }
}

/** seriesName renders a label set as PromQL does, for table output. */
function seriesName(m: ApiMetric): string {
  const rest = Object.keys(m)
    .filter((k) => k !== NAME)
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`);
  return `${m[NAME] ?? ''}{${rest.join(', ')}}`;
}

/** writeTable writes a result as an aligned text table for a terminal. */
export function writeTable(d: ApiQueryData, write: (line: string) => void): void {
  const rows: string[][] = [];
  switch (d.resultType) {
    case 'scalar':
    case 'string':
      rows.push(['TIME', 'VALUE'], [isoTime(d.result[0]), d.result[1]]);
      break;
    case 'vector':
      rows.push(['SERIES', 'TIME', 'VALUE']);
      for (const s of d.result) {
        if (s.histogram) rows.push([seriesName(s.metric), isoTime(s.histogram[0]), histogramText(s.histogram[1], false)]);
        else if (s.value) rows.push([seriesName(s.metric), isoTime(s.value[0]), s.value[1]]);
      }
      break;
    case 'matrix':
      rows.push(['SERIES', 'TIME', 'VALUE']);
      for (const s of d.result) {
        for (const p of s.values ?? []) rows.push([seriesName(s.metric), isoTime(p[0]), p[1]]);
        for (const p of s.histograms ?? []) rows.push([seriesName(s.metric), isoTime(p[0]), histogramText(p[1], false)]);
      }
      break;
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
}
