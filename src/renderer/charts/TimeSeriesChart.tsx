/**
 * A uPlot line chart of a range-query result. uPlot draws to a canvas and takes columnar data;
 * the component recreates the plot when the data change and resizes it with its container.
 */
import { useEffect, useRef, type ReactElement } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { PALETTE, type ChartData } from './data';

/** TimeSeriesChart draws ChartData. */
export function TimeSeriesChart({ chart, height = 360 }: { chart: ChartData; height?: number }): ReactElement {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height,
      legend: { show: chart.labels.length <= 30 },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { size: 70 }],
      series: [
        {},
        ...chart.labels.map((label, i) => ({
          label,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: false,
          points: { show: false },
        })),
      ],
    };
    const plot = new uPlot(opts, chart.data as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [chart, height]);
  return <div className="chart" ref={ref} data-testid="chart" />;
}
