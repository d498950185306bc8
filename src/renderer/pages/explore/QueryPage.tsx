/**
 * The query page: a PromQL editor, a Table view (instant query) and a Graph view (range query),
 * with evaluation time, warnings, and errors underlined where they occur.
 */
import { useCallback, useEffect, useMemo, useState, type ReactElement } from 'react';
import type { ApiEnvelope, ApiQueryData, ApiVectorSample, ApiMatrixSeries } from '../../../common/api/types';
import type { VigilClient } from '../../../common/ipc/client';
import { matrixToChartData, metricLabel } from '../../charts/data';
import { TimeSeriesChart } from '../../charts/TimeSeriesChart';
import { QueryEditor } from '../../components/QueryEditor';
import { RANGES, autoStep, errorSpan, formatElapsed } from './query-model';

type Tab = 'table' | 'graph';

interface RunState {
  query: string;
  tab: Tab;
  envelope: ApiEnvelope<ApiQueryData> | null;
  elapsedMs: number;
  range?: { start: number; end: number; step: number };
}

/** QueryPage is the expression browser. */
export function QueryPage({ client }: { client: VigilClient }): ReactElement {
  const initial = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const [expr, setExpr] = useState(initial.get('expr') ?? '');
  const [tab, setTab] = useState<Tab>((initial.get('tab') as Tab) === 'table' ? 'table' : 'graph');
  const [rangeSeconds, setRangeSeconds] = useState(Number(initial.get('range')) || 3600);
  const [run, setRun] = useState<RunState | null>(null);
  const [busy, setBusy] = useState(false);

  const execute = useCallback(
    async (which: Tab = tab) => {
      const q = expr.trim();
      if (!q) return;
      setBusy(true);
      const t0 = performance.now();
      const end = Date.now() / 1000;
      let envelope: ApiEnvelope<ApiQueryData>;
      let range: RunState['range'];
      if (which === 'table') {
        envelope = await client.query(q, end);
      } else {
        // Like Prometheus's UI: the range ends now (a later end would evaluate windows that reach
        // into the future and show a misleading drop at the right edge).
        const step = autoStep(rangeSeconds);
        const start = end - rangeSeconds;
        range = { start, end, step };
        envelope = await client.queryRange(q, start, end, step);
      }
      setRun({ query: expr, tab: which, envelope, elapsedMs: performance.now() - t0, range });
      setBusy(false);
      const hash = `#/query?${new URLSearchParams({ expr: q, tab: which, range: String(rangeSeconds) })}`;
      if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
    },
    [client, expr, tab, rangeSeconds],
  );

  useEffect(() => {
    if (expr.trim()) void execute();
    // Run once on load when the URL carries a query.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const switchTab = (t: Tab): void => {
    setTab(t);
    if (expr.trim()) void execute(t);
  };

  return (
    <div className="page query-page">
      <div className="editor-row">
        <QueryEditor client={client} value={expr} onChange={setExpr} onSubmit={() => void execute()} />
        <button className="primary" data-testid="execute" disabled={busy} onClick={() => void execute()}>
          {busy ? 'Running…' : 'Execute'}
        </button>
      </div>
      <div className="tabs">
        <button className={tab === 'table' ? 'tab active' : 'tab'} data-testid="tab-table" onClick={() => switchTab('table')}>
          Table
        </button>
        <button className={tab === 'graph' ? 'tab active' : 'tab'} data-testid="tab-graph" onClick={() => switchTab('graph')}>
          Graph
        </button>
        {tab === 'graph' && (
          <select
            aria-label="range"
            value={rangeSeconds}
            onChange={(e) => setRangeSeconds(Number(e.target.value))}
            data-testid="range"
          >
            {RANGES.map((r) => (
              <option key={r.seconds} value={r.seconds}>
                {r.label}
              </option>
            ))}
          </select>
        )}
        {run && (
          <span className="meta" data-testid="eval-time">
            Evaluated in {formatElapsed(run.elapsedMs)}
            {run.envelope?.status === 'success' && ` · ${resultSize(run.envelope.data)}`}
          </span>
        )}
      </div>
      {run && <Result run={run} />}
    </div>
  );
}

function resultSize(d: ApiQueryData): string {
  if (d.resultType === 'vector' || d.resultType === 'matrix') return `${d.result.length} series`;
  return d.resultType;
}

function Result({ run }: { run: RunState }): ReactElement {
  const env = run.envelope!;
  const warnings = [...(env.warnings ?? []), ...(env.infos ?? [])];
  if (env.status === 'error') {
    const span = errorSpan(run.query, env.error, env.data);
    return (
      <div className="error" data-testid="query-error">
        <div>
          <strong>Error ({env.errorType}):</strong> {env.error}
        </div>
        {span && (
          <pre className="error-query">
            {run.query.slice(0, span.start)}
            <span className="underline">{run.query.slice(span.start, span.end)}</span>
            {run.query.slice(span.end)}
          </pre>
        )}
      </div>
    );
  }
  return (
    <>
      {warnings.length > 0 && (
        <ul className="warnings" data-testid="warnings">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      {run.tab === 'graph' ? <GraphView data={env.data} range={run.range!} /> : <TableView data={env.data} />}
    </>
  );
}

function GraphView({ data, range }: { data: ApiQueryData; range: { start: number; end: number; step: number } }): ReactElement {
  const chart = useMemo(
    () => (data.resultType === 'matrix' ? matrixToChartData(data.result as ApiMatrixSeries[], range.start, range.end, range.step) : null),
    [data, range],
  );
  if (!chart) return <div className="empty">The expression's result is a {data.resultType}; only instant vectors and scalars can be graphed.</div>;
  if (chart.labels.length === 0) return <div className="empty" data-testid="empty-result">Empty query result</div>;
  return (
    <>
      <TimeSeriesChart chart={chart} />
      <MatrixTable series={data.result as ApiMatrixSeries[]} />
    </>
  );
}

function MatrixTable({ series }: { series: ApiMatrixSeries[] }): ReactElement {
  return (
    <table className="results" data-testid="result-table">
      <thead>
        <tr>
          <th>Series</th>
          <th className="num">Points</th>
          <th className="num">Last value</th>
        </tr>
      </thead>
      <tbody>
        {series.slice(0, 500).map((s, i) => {
          const last = s.values?.[s.values.length - 1];
          return (
            <tr key={i}>
              <td className="series">{metricLabel(s.metric)}</td>
              <td className="num">{s.values?.length ?? 0}</td>
              <td className="num">{last ? last[1] : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function TableView({ data }: { data: ApiQueryData }): ReactElement {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return (
      <table className="results" data-testid="result-table">
        <tbody>
          <tr>
            <td className="series">{data.resultType}</td>
            <td className="num">{data.result[1]}</td>
          </tr>
        </tbody>
      </table>
    );
  }
  if (data.result.length === 0) return <div className="empty" data-testid="empty-result">Empty query result</div>;
  if (data.resultType === 'matrix') {
    return (
      <table className="results" data-testid="result-table">
        <tbody>
          {(data.result as ApiMatrixSeries[]).slice(0, 1000).map((s, i) => (
            <tr key={i}>
              <td className="series">{metricLabel(s.metric)}</td>
              <td className="num">{(s.values ?? []).map(([t, v]) => `${v} @${t}`).join('\n')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <table className="results" data-testid="result-table">
      <tbody>
        {(data.result as ApiVectorSample[]).slice(0, 10000).map((s, i) => (
          <tr key={i}>
            <td className="series">{metricLabel(s.metric)}</td>
            <td className="num">{s.value ? s.value[1] : s.histogram ? `histogram count=${s.histogram[1].count}` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
