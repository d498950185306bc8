/**
 * The chart benchmark's page (#/dashboards/bench, not listed): window.__vigilBench(series, points)
 * builds a query_range response body of that size (as the API sends it), then measures from the
 * body to the chart drawn: JSON.parse, toColumns, the React commit, uPlot's draw and the next frame.
 */
import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { ApiMatrixSeries } from '../../../common/api/types';
import { Chart } from '../../charts/Chart';
import { legendText, toColumns, type SeriesColumns } from '../../charts/columns';

declare global {
  interface Window {
    __vigilBench?: (series: number, points: number) => Promise<{ ms: number; parseMs: number; columnsMs: number; bytes: number; drawn: number }>;
  }
}

/** syntheticBody is a query_range answer with `series` series of `points` points (step 15 s). */
function syntheticBody(series: number, points: number): { body: string; start: number; end: number; step: number } {
  const step = 15;
  const end = Math.floor(Date.now() / 1000 / step) * step;
  const start = end - (points - 1) * step;
  const parts: string[] = [];
  for (let s = 0; s < series; s++) {
    const vals: string[] = [];
    let v = 100 + s;
    for (let i = 0; i < points; i++) {
      v += Math.sin(i / 40 + s) * 2;
      vals.push(`[${start + i * step},"${v.toFixed(3)}"]`);
    }
    parts.push(`{"metric":{"__name__":"bench","pod":"pod-${s}","namespace":"ns-${s % 7}"},"values":[${vals.join(',')}]}`);
  }
  return { body: `{"status":"success","data":{"resultType":"matrix","result":[${parts.join(',')}]}}`, start, end, step };
}

export function BenchPage(): ReactElement {
  const [data, setData] = useState<{ cols: SeriesColumns; labels: string[]; n: number } | null>(null);
  const pending = useRef<(() => void) | null>(null);
  useEffect(() => {
    window.__vigilBench = async (series, points) => {
      const { body, start, end, step } = syntheticBody(series, points);
      setData(null);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const t0 = performance.now();
      const parsed = JSON.parse(body) as { data: { result: ApiMatrixSeries[] } };
      const t1 = performance.now();
      const cols = toColumns(parsed.data.result, start, end, step);
      const labels = cols.metrics.map((m) => legendText(m, '{{namespace}}/{{pod}}'));
      const t2 = performance.now();
      await new Promise<void>((resolve) => {
        pending.current = resolve;
        setData({ cols, labels, n: series });
      });
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const t3 = performance.now();
      const drawn = Number(document.querySelector('[data-testid="bench-chart"]')?.getAttribute('data-series') ?? 0);
      return { ms: t3 - t0, parseMs: t1 - t0, columnsMs: t2 - t1, bytes: body.length, drawn };
    };
    return () => {
      delete window.__vigilBench;
    };
  }, []);
  // Children's effects (the chart's uPlot) have run when this one runs.
  useEffect(() => {
    if (data && pending.current) {
      const r = pending.current;
      pending.current = null;
      queueMicrotask(r);
    }
  }, [data]);
  return (
    <div className="page bench-page" data-testid="bench-page">
      <h2>Chart benchmark</h2>
      {data ? <Chart xs={data.cols.xs} ys={data.cols.ys} labels={data.labels} unit="short" height={300} testId="bench-chart" /> : <p className="muted">Call window.__vigilBench(series, points).</p>}
    </div>
  );
}
