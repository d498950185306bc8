/**
 * The Table view's rows: one per series of the instant results, its labels and its value; a range
 * vector (`foo[5m]`) prints its points as `value @time` lines; a scalar or string one row.
 */
import type { ApiMetric, ApiPoint, ApiQueryData } from '../../../common/api/types';

/** TableRow is one series (or scalar) of a query's instant result. */
export interface TableRow {
  /** query is the index of the query in the panel. */
  query: number;
  metric: ApiMetric;
  /** value is the API's value string (a sample, a scalar, a string, or a histogram's summary). */
  value: string;
  /** points are a range vector's points (value is then empty). */
  points?: ApiPoint[];
}

/** tableRows flattens the instant results of a panel's queries. */
export function tableRows(results: readonly { query: number; data: ApiQueryData }[]): TableRow[] {
  const out: TableRow[] = [];
  for (const { query, data } of results) {
    switch (data.resultType) {
      case 'scalar':
      case 'string':
        out.push({ query, metric: {}, value: data.result[1] });
        break;
      case 'vector':
        for (const s of data.result) {
          const h = s.histogram?.[1];
          out.push({ query, metric: s.metric, value: s.value ? s.value[1] : h ? `histogram(count=${h.count},sum=${h.sum})` : '' });
        }
        break;
      case 'matrix':
        for (const s of data.result) out.push({ query, metric: s.metric, value: '', points: s.values ?? [] });
        break;
    }
  }
  return out;
}

/** labelColumns are the label names of the rows: `__name__` first when present, the rest sorted. */
export function labelColumns(rows: readonly TableRow[]): string[] {
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.metric)) names.add(k);
  const rest = [...names].filter((n) => n !== '__name__').sort();
  return names.has('__name__') ? ['__name__', ...rest] : rest;
}

/** pointsText prints a range vector's points, one `value @time` a line. */
export function pointsText(points: readonly ApiPoint[]): string {
  return points.map(([t, v]) => `${v} @${t}`).join('\n');
}
