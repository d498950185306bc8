/**
 * API results as the columns a chart draws: one x column of the query's step grid (seconds, a
 * Float64Array) and one y column per series. A series with no gap is a Float64Array straight from
 * the decoded values; one with gaps (no sample at a step) holds null there, which the chart draws
 * as a break. Results are downsampled by the query step only: the chart never drops points.
 */
import type { ApiMatrixSeries, ApiMetric } from '../../common/api/types';

/** Column is one series' y values. */
export type Column = Float64Array | (number | null)[];

/** SeriesColumns are a range result laid out for the chart. */
export interface SeriesColumns {
  xs: Float64Array;
  ys: Column[];
  metrics: ApiMetric[];
  /** points is the number of samples placed (for the stats line). */
  points: number;
}

/** metricText renders a series' labels as `name{a="b", ...}`. */
export function metricText(m: ApiMetric): string {
  const name = m.__name__ ?? '';
  const rest = Object.keys(m)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${m[k]}"`);
  if (rest.length === 0) return name || '{}';
  return `${name}{${rest.join(', ')}}`;
}

/** legendText applies a Grafana legend format (`{{pod}} on {{node}}`); empty format: the labels. */
export function legendText(m: ApiMetric, format: string): string {
  if (!format) return metricText(m);
  return format.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, k: string) => m[k] ?? '');
}

/** toColumns lays a matrix out on the grid start..end by step (seconds); off-grid points get their own x. */
export function toColumns(series: readonly ApiMatrixSeries[], start: number, end: number, step: number): SeriesColumns {
  const n = Math.floor((end - start) / step + 1e-9) + 1;
  // Points are usually on the grid (the engine evaluates at start + i*step).
  let offGrid = false;
  for (const s of series) {
    for (const [t] of s.values ?? []) {
      const i = (t - start) / step;
      if (Math.abs(i - Math.round(i)) > 1e-6) {
        offGrid = true;
        break;
      }
    }
    if (offGrid) break;
  }
  let xs: Float64Array;
  let index: (t: number) => number;
  if (!offGrid) {
    xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = start + i * step;
    index = (t) => Math.round((t - start) / step);
  } else {
    const set = new Set<number>();
    for (let i = 0; i < n; i++) set.add(Math.round((start + i * step) * 1000) / 1000);
    for (const s of series) for (const [t] of s.values ?? []) set.add(Math.round(t * 1000) / 1000);
    xs = Float64Array.from([...set].sort((a, b) => a - b));
    const map = new Map<number, number>();
    xs.forEach((x, i) => map.set(x, i));
    index = (t) => map.get(Math.round(t * 1000) / 1000) ?? -1;
  }
  const ys: Column[] = [];
  let points = 0;
  for (const s of series) {
    const vals = s.values ?? [];
    if (vals.length === xs.length) {
      const col = new Float64Array(xs.length);
      let ok = true;
      for (let i = 0; i < vals.length; i++) {
        const f = Number(vals[i]![1]);
        if (!Number.isFinite(f) || index(vals[i]![0]) !== i) {
          ok = false;
          break;
        }
        col[i] = f;
      }
      if (ok) {
        ys.push(col);
        points += vals.length;
        continue;
      }
    }
    const col: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const [t, v] of vals) {
      const i = index(t);
      const f = Number(v);
      if (i >= 0) col[i] = Number.isFinite(f) ? f : null;
    }
    points += vals.length;
    ys.push(col);
  }
  return { xs, ys, metrics: series.map((s) => s.metric), points };
}

/** stack turns columns into cumulative sums (stacked areas), nulls as 0 below the first value. */
export function stack(ys: readonly Column[]): Column[] {
  if (ys.length === 0) return [];
  const n = ys[0]!.length;
  const acc = new Float64Array(n);
  return ys.map((c) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      acc[i] += (c[i] as number | null) ?? 0;
      out[i] = acc[i]!;
    }
    return out;
  });
}

/** PALETTE gives series colours that read on light and dark backgrounds. */
export const PALETTE = [
  '#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#84cc16', '#06b6d4',
  '#6366f1', '#eab308', '#22c55e', '#e11d48', '#a855f7', '#0ea5e9', '#d97706', '#65a30d', '#db2777', '#0891b2',
];
