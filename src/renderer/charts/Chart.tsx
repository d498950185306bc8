/**
 * A uPlot time-series chart over columns (charts/columns.ts): lines or stacked areas, the y axis
 * and hover values formatted in the panel's unit, a compact legend (one line per series, long
 * label sets cut with the full text on hover, click to hide or show, shift-click to show only
 * that one), drag to zoom (the shared time range changes, so every panel follows), and one
 * cursor shared by the charts of a page (syncKey), and the gaps Vigil caused itself shaded
 * behind the series (charts/gaps.ts). Hover values are written into the legend's DOM directly, so
 * moving the mouse does not re-render React.
 */
import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useGaps } from '../app/gaps';
import { PALETTE, stack, type Column } from './columns';
import { gapBands } from './gaps';
import { formatValue, type Unit } from './units';

/** ChartProps are what a chart draws. */
export interface ChartProps {
  xs: Float64Array;
  ys: readonly Column[];
  labels: readonly string[];
  unit?: Unit;
  stacked?: boolean;
  height?: number;
  /** syncKey shares the cursor between the charts with the same key. */
  syncKey?: string;
  /** onZoom receives a dragged range (seconds). */
  onZoom?: (start: number, end: number) => void;
  /** testId names the chart for the tests (default "chart"). */
  testId?: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Chart draws one panel's series. */
export function Chart({ xs, ys, labels, unit = 'short', stacked = false, height = 260, syncKey, onZoom, testId = 'chart' }: ChartProps): ReactElement {
  const plotEl = useRef<HTMLDivElement>(null);
  const legendEl = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const theme = document.documentElement.dataset.theme ?? 'light';
  const { gaps, cluster } = useGaps();
  const bands = useMemo(() => (xs.length > 0 ? gapBands(gaps, cluster, xs[0]!, xs[xs.length - 1]!, Date.now()) : []), [gaps, cluster, xs]);
  const bandsKey = JSON.stringify(bands);

  // Hidden series drop out of the stack too.
  const data = useMemo(() => {
    const visible = ys.map((c, i) => (hidden.has(i) ? null : c));
    if (!stacked) return visible;
    const shown = visible.filter((c): c is Column => c !== null);
    const st = stack(shown);
    let k = 0;
    return visible.map((c) => (c === null ? null : st[k++]!));
  }, [ys, hidden, stacked]);

  useEffect(() => {
    const el = plotEl.current;
    if (!el) return undefined;
    const axis = cssVar('--muted', '#667085');
    const grid = cssVar('--grid', 'rgba(127,127,127,0.15)');
    const gapFill = cssVar('--gap', 'rgba(234,179,8,0.16)');
    const fmt = (v: number | null): string => formatValue(v, unit);
    // The legend's value cells, found once per plot (the cursor moves far more often than the legend changes).
    const box = legendEl.current;
    const cells: [number, HTMLElement][] = box ? [...box.querySelectorAll<HTMLElement>('[data-v]')].map((c) => [Number(c.dataset.v), c]) : [];
    const timeCell = box?.querySelector<HTMLElement>('[data-t]') ?? null;
    const series: uPlot.Series[] = [
      {},
      ...labels.map((label, i) => {
        const color = PALETTE[i % PALETTE.length]!;
        return {
          label,
          show: !hidden.has(i),
          stroke: color,
          width: 1.25,
          fill: stacked ? `${color}55` : undefined,
          spanGaps: false,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => fmt(v),
        } satisfies uPlot.Series;
      }),
    ];
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, sync: syncKey ? { key: syncKey } : undefined, points: { size: 5 } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true }, y: { range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [stacked ? Math.min(0, min) : min, max]) } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          // More digits until neighbouring ticks read differently (a flat 24.01 MiB series).
          values: (_u, splits) => {
            let out = splits.map((v) => fmt(v));
            for (let d = 3; d <= 6 && new Set(out).size < out.length; d++) out = splits.map((v) => formatValue(v, unit, d));
            return out;
          },
          // Wide enough for the longest tick label, so big values are never clipped.
          size: (u, values) => {
            if (!values) return 50;
            const longest = values.reduce((m, v) => Math.max(m, String(v).length), 0);
            void u;
            return Math.max(40, longest * 8 + 18);
          },
        },
      ],
      series,
      // Stacked areas fill between each series and the one below it (uPlot's bands), not down to
      // zero, so a later series does not paint over the earlier ones.
      bands: stacked ? labels.map((_, i) => i).filter((i) => i > 0 && !hidden.has(i)).map((i) => {
        let below = i - 1;
        while (below >= 0 && hidden.has(below)) below--;
        return below >= 0 ? { series: [i + 1, below + 1] as [number, number] } : null;
      }).filter((b): b is { series: [number, number] } => b !== null) : undefined,
      hooks: {
        // Gaps are painted first, behind the grid and the series.
        drawClear: [
          (u) => {
            if (bands.length === 0) return;
            const c = u.ctx;
            c.save();
            c.fillStyle = gapFill;
            for (const [a, b] of bands) {
              const x0 = u.valToPos(a, 'x', true);
              const x1 = u.valToPos(b, 'x', true);
              c.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
            }
            c.restore();
          },
        ],
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current?.(a, b);
          },
        ],
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            for (const [i, cell] of cells) {
              const col = ys[i];
              cell.textContent = idx === null || idx === undefined || !col ? '' : fmt((col[idx] as number | null) ?? null);
            }
            if (timeCell) timeCell.textContent = idx === null || idx === undefined ? '' : new Date(xs[idx]! * 1000).toLocaleString();
          },
        ],
      },
    };
    const plot = new uPlot(opts, [xs, ...data.map((c) => c ?? new Array<null>(xs.length).fill(null))] as unknown as uPlot.AlignedData, el);
    plotRef.current = plot;
    // The observer also fires once at the start: only a real change of width redraws.
    let drawnWidth = opts.width;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w === drawnWidth) return;
      drawnWidth = w;
      plot.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
    // hidden is applied through data; labels/xs/ys identity changes recreate the plot.
  }, [xs, data, labels, unit, stacked, height, syncKey, theme, bandsKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const toggle = (i: number, only: boolean): void => {
    setHidden((h) => {
      if (only) return h.size === labels.length - 1 && !h.has(i) ? new Set() : new Set(labels.map((_, k) => k).filter((k) => k !== i));
      const n = new Set(h);
      if (n.has(i)) n.delete(i);
      else n.add(i);
      return n;
    });
  };

  return (
    <div className="chart-box">
      <div className="chart" ref={plotEl} data-testid={testId} data-series={labels.length} data-gaps={bands.length} />
      {bands.length > 0 && (
        <div className="chart-gaps muted small" data-testid={`${testId}-gaps`}>
          Shaded: {bands.length === 1 ? 'a gap' : `${bands.length} gaps`} in Vigil's own collection (sleep, a lost network or an unreachable cluster), not the cluster's behaviour.
        </div>
      )}
      <div className="legend" ref={legendEl} data-testid={`${testId}-legend`}>
        <div className="legend-time" data-t="" />
        {labels.map((l, i) => (
          <div
            key={i}
            className={`legend-item${hidden.has(i) ? ' off' : ''}`}
            title={l}
            onClick={(e) => toggle(i, e.shiftKey)}
            role="button"
            tabIndex={0}
            onKeyDown={(e) => (e.key === 'Enter' ? toggle(i, e.shiftKey) : undefined)}
          >
            <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />
            <span className="legend-label">{l}</span>
            <span className="legend-value" data-v={i} />
          </div>
        ))}
      </div>
    </div>
  );
}
