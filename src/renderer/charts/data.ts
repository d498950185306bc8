/**
 * Conversion of API results into uPlot's columnar data: [xs, ys1, ys2, ...] with null for gaps.
 * Alignment to steps happens in the engine; this only lays points out on the shared x axis.
 */
import type { ApiMatrixSeries, ApiMetric } from '../../common/api/types';

/** ChartData is uPlot's AlignedData plus one legend label per series. */
export interface ChartData {
  data: [number[], ...(number | null)[][]];
  labels: string[];
}

/** metricLabel renders a series' labels as `name{a="b", ...}`. */
export function metricLabel(m: ApiMetric): string {
  const name = m.__name__ ?? '';
  const rest = Object.keys(m)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${m[k]}"`);
  if (rest.length === 0) return name || '{}';
  return `${name}{${rest.join(', ')}}`;
}

/**
 * matrixToChartData builds the chart columns for a range result on the grid start..end by step
 * (seconds). Points off the grid are placed on their own x values.
 */
export function matrixToChartData(series: ApiMatrixSeries[], start: number, end: number, step: number): ChartData {
  const xsSet = new Set<number>();
  const n = Math.floor((end - start) / step + 1e-9);
  for (let i = 0; i <= n; i++) xsSet.add(round3(start + i * step));
  for (const s of series) for (const [t] of s.values ?? []) xsSet.add(round3(t));
  const xs = [...xsSet].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const ys: (number | null)[][] = [];
  const labels: string[] = [];
  for (const s of series) {
    const col: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const [t, v] of s.values ?? []) {
      const f = Number(v);
      col[index.get(round3(t))!] = Number.isFinite(f) ? f : null;
    }
    ys.push(col);
    labels.push(metricLabel(s.metric));
  }
  return { data: [xs, ...ys], labels };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** PALETTE gives series colours that stay distinct on a light background. */
export const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354', '#756bb1', '#636363',
];
