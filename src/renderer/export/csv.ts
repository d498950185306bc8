/**
 * CSV of a query result, through the same formatter as `vigil query --format csv`
 * (src/common/export/format.ts), so a download holds exactly the bytes the command prints for the
 * same result: instant results one row per series (label columns, timestamp, value), range results
 * in long format (one row per point). wideCsv lays a range result out one row per timestamp and
 * one column per series, for spreadsheets.
 */
import type { ApiMatrixSeries, ApiQueryData } from '../../common/api/types';
import { csvField, writeCsv } from '../../common/export/format';

/** csvOf renders a result as the CLI's CSV. */
export function csvOf(d: ApiQueryData): string {
  const parts: string[] = [];
  writeCsv(d, (line) => parts.push(line));
  return parts.join('');
}

/**
 * mergeResults joins the results of a panel's queries into one (their series one after the
 * other); a single result is returned as it is, so one query exports exactly the CLI's bytes.
 */
export function mergeResults(ds: readonly ApiQueryData[]): ApiQueryData | null {
  if (ds.length === 0) return null;
  if (ds.length === 1) return ds[0]!;
  if (ds.every((d) => d.resultType === 'vector')) return { resultType: 'vector', result: ds.flatMap((d) => (d.resultType === 'vector' ? d.result : [])) };
  if (ds.every((d) => d.resultType === 'matrix')) return { resultType: 'matrix', result: ds.flatMap((d) => (d.resultType === 'matrix' ? d.result : [])) };
  return ds[0]!;
}

/**
 * wideCsv renders a matrix one row per timestamp: `timestamp,<series 1>,<series 2>,...`, a cell
 * empty where that series has no point; names are the columns' headers (default: the labels).
 */
export function wideCsv(series: readonly ApiMatrixSeries[], names: readonly string[]): string {
  const ts = new Set<number>();
  for (const s of series) for (const [t] of s.values ?? []) ts.add(t);
  const times = [...ts].sort((a, b) => a - b);
  const at = series.map((s) => new Map((s.values ?? []).map(([t, v]) => [t, v])));
  const lines = [['timestamp', ...series.map((_, i) => names[i] ?? `series ${i + 1}`)].map(csvField).join(',') + '\r\n'];
  for (const t of times) lines.push([String(t), ...at.map((m) => m.get(t) ?? '')].map(csvField).join(',') + '\r\n');
  return lines.join('');
}
