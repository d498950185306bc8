/**
 * Explore: several PromQL queries on one panel, each in a CodeMirror editor with completion from
 * Vigil's API, its legend format and a hide toggle; Graph (range queries on the shared range,
 * lines or stacked areas), Table (instant query at the range's end) and JSON (the API's answer)
 * views; the unit per panel; series count, time taken and step; query history; errors marked
 * where the API says they are; export (CSV, PNG, copy as PromQL, curl, link). Everything but the
 * text being typed is in the URL (state.ts), so a view is a link and dashboards open here.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { ApiQueryData } from '../../../common/api/types';
import { useApp } from '../../app/AppState';
import { formatHash, navigate, parseHash } from '../../app/route';
import { formatStep } from '../../app/time';
import { Chart } from '../../charts/Chart';
import { legendText, metricText } from '../../charts/columns';
import { UNITS, formatValue, isUnit } from '../../charts/units';
import { PromQLEditor, type ApiErrorMark, type PromQLEditorHandle } from '../../editor/PromQLEditor';
import { apiOrigin, curlCommand } from '../../export/commands';
import { ExportMenu } from '../../export/ExportMenu';
import { useWidth } from '../../panels/run';
import { errorMessage, errorSpan } from './errors';
import { addToHistory, loadHistory, saveHistory } from './history';
import { emptyQuery, parseState, runnable, stateKey, withState, type ExploreQuery, type ExploreState, type View } from './state';
import { labelColumns, pointsText, tableRows } from './table';
import { instantRun, rangeRun, useExplore, type InstantRun, type RangeRun, type RunQuery } from './useExplore';
import './explore.css';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || !!t.closest('.cm-editor'));
}

/** QueryError is one query's error as the page shows it. */
interface QueryError {
  message: string;
  mark: ApiErrorMark | null;
}

/** errorsOf maps a run's failed envelopes to the panel's query indexes, with positions in the typed text. */
function errorsOf(run: RangeRun | InstantRun | null, drafts: readonly ExploreQuery[]): Map<number, QueryError> {
  const out = new Map<number, QueryError>();
  if (!run) return out;
  run.envelopes.forEach((env, i) => {
    const q = run.queries[i];
    if (!q || env.status !== 'error') return;
    const message = errorMessage(env.error);
    const span = errorSpan(q.expr, env.error, env.data);
    const typed = drafts[q.index]?.expr ?? '';
    // The query ran trimmed; the mark goes where that text sits in the editor, if it is still there.
    const lead = typed.length - typed.trimStart().length;
    const mark = span && typed.trim() === q.expr ? { from: span.start + lead, to: span.end + lead, message } : null;
    out.set(q.index, { message: `${env.errorType}: ${message}`, mark });
  });
  return out;
}

function successData(run: RangeRun | InstantRun | null): ApiQueryData[] {
  return run ? run.envelopes.flatMap((e) => (e.status === 'success' ? [e.data] : [])) : [];
}

/** ExplorePage is the page. */
export function ExplorePage(): ReactElement {
  const app = useApp();
  const { client, range, tick, route, theme } = app;
  const paramsText = route.params.toString();
  const url = useMemo(() => parseState(new URLSearchParams(paramsText)), [paramsText]);
  const [drafts, setDrafts] = useState<ExploreQuery[]>(url.queries);
  const written = useRef(stateKey(url));
  const [runCount, setRunCount] = useState(0);
  const [history, setHistory] = useState<string[]>(() => loadHistory());
  const [showHistory, setShowHistory] = useState(false);
  const handles = useMemo(() => Array.from({ length: LETTERS.length }, () => ({ current: null as PromQLEditorHandle | null })), []);
  const lastRow = useRef(0);
  const [ref, width] = useWidth();

  // A URL this page did not write (back, forward, a link) replaces the typed text.
  const urlKey = stateKey(url);
  useEffect(() => {
    if (urlKey !== written.current) {
      written.current = urlKey;
      setDrafts(url.queries);
    }
  }, [urlKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const commit = useCallback((next: ExploreState, replace = false) => {
    written.current = stateKey(next);
    const cur = parseHash(window.location.hash);
    navigate(formatHash(['explore'], withState(cur.params, next)), replace);
  }, []);

  const setView = (view: View): void => commit({ ...url, queries: drafts, view });
  const setUnit = (unit: string): void => {
    if (isUnit(unit)) commit({ ...url, queries: drafts, unit });
  };
  const setStacked = (stacked: boolean): void => commit({ ...url, queries: drafts, stacked });
  const editQuery = (i: number, change: Partial<ExploreQuery>, commitNow: boolean): void => {
    const next = drafts.map((q, k) => (k === i ? { ...q, ...change } : q));
    setDrafts(next);
    if (commitNow) commit({ ...url, queries: next }, true);
  };

  const run = useCallback(
    (queries: ExploreQuery[] = drafts) => {
      commit({ ...url, queries });
      setRunCount((c) => c + 1);
      setHistory((h) => {
        let n = h;
        for (const q of runnable(queries).reverse()) n = addToHistory(n, q.expr);
        saveHistory(n);
        return n;
      });
    },
    [commit, drafts, url],
  );

  // `/` focuses the editor (when not typing elsewhere).
  useEffect(() => {
    const on = (e: KeyboardEvent): void => {
      if (e.key !== '/' || typing(e) || e.metaKey || e.ctrlKey || e.altKey) return;
      e.preventDefault();
      (handles[lastRow.current]?.current ?? handles[0]!.current)?.focus();
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, [handles]);

  const queries: RunQuery[] = useMemo(() => runnable(url.queries), [url.queries]);
  const res = useExplore(client, queries, url.view, range, width, tick + runCount);
  const current = url.view === 'table' ? res.instant : res.range;
  const errors = useMemo(() => errorsOf(current, drafts), [current]); // eslint-disable-line react-hooks/exhaustive-deps

  const labels = useMemo(() => {
    const r = res.range;
    if (!r?.columns) return [];
    return r.columns.metrics.map((m, i) => legendText(m, url.queries[r.queries[r.queryOf[i] ?? 0]?.index ?? 0]?.legend ?? ''));
  }, [res.range, url.queries]);

  const sameQueries = (r: { queries: RunQuery[] } | null): boolean => !!r && JSON.stringify(r.queries) === JSON.stringify(queries);
  const exportInstant = async (): Promise<ApiQueryData[] | null> => {
    const r = url.view === 'table' && sameQueries(res.instant) ? res.instant : await instantRun(client, queries, range);
    return successData(r);
  };
  const exportRange = async (): Promise<{ data: ApiQueryData[]; names: string[] } | null> => {
    const r = url.view !== 'table' && sameQueries(res.range) ? res.range : await rangeRun(client, queries, range, width || 1000);
    if (!r) return null;
    const names = r.columns ? r.columns.metrics.map((m, i) => legendText(m, url.queries[r.queries[r.queryOf[i] ?? 0]?.index ?? 0]?.legend ?? '')) : [];
    return { data: successData(r), names };
  };
  const curl = async (): Promise<string> => {
    let listen: string | undefined;
    if (!/^https?:/.test(window.location.origin)) {
      const f = await client.flags();
      if (f.status === 'success') listen = f.data['web.listen-address'];
    }
    const origin = apiOrigin(window.location.origin, listen);
    const expr = queries[0]?.expr ?? '';
    if (url.view === 'table' && res.instant) return curlCommand(origin, expr, { time: res.instant.time });
    if (res.range) return curlCommand(origin, expr, { start: res.range.start, end: res.range.end, step: res.range.step });
    return curlCommand(origin, expr, { time: Math.round(Date.now()) / 1000 });
  };

  const stats = current && sameQueries(current) && current.envelopes.some((e) => e.status === 'success') ? statsOf(current, url.view) : null;

  return (
    <div className="page explore" data-testid="explore">
      <div className="explore-queries">
        {drafts.map((q, i) => {
          const err = errors.get(i);
          return (
            <div className={`explore-query${q.hidden ? ' hidden' : ''}`} key={i} data-testid={`query-row-${i}`} onFocusCapture={() => (lastRow.current = i)}>
              <div className="explore-query-head">
                <span className="explore-letter">{LETTERS[i]}</span>
                <PromQLEditor
                  client={client}
                  value={q.expr}
                  onChange={(v) => editQuery(i, { expr: v }, false)}
                  onRun={() => run()}
                  apiError={err?.mark ?? null}
                  dark={theme === 'dark'}
                  autoFocus={i === 0 && q.expr === ''}
                  handle={handles[i]}
                  testId={`editor-${i}`}
                />
                <input
                  className="explore-legend"
                  placeholder="Legend: {{pod}}"
                  value={q.legend}
                  data-testid={`legend-${i}`}
                  onChange={(e) => editQuery(i, { legend: e.target.value }, true)}
                  title="Legend format: {{label}} is replaced by the series' label"
                />
                <button
                  className="icon"
                  title={q.hidden ? 'Show this query' : 'Hide this query'}
                  data-testid={`hide-${i}`}
                  aria-pressed={q.hidden}
                  onClick={() => {
                    const next = drafts.map((x, k) => (k === i ? { ...x, hidden: !x.hidden } : x));
                    setDrafts(next);
                    commit({ ...url, queries: next });
                  }}
                >
                  {q.hidden ? '◌' : '●'}
                </button>
                <button
                  className="icon"
                  title="Remove this query"
                  data-testid={`remove-${i}`}
                  disabled={drafts.length === 1}
                  onClick={() => {
                    const next = drafts.filter((_, k) => k !== i);
                    setDrafts(next);
                    commit({ ...url, queries: next });
                  }}
                >
                  ×
                </button>
              </div>
              {err && (
                <div className="explore-error" data-testid={`query-error-${i}`}>
                  {err.message}
                </div>
              )}
            </div>
          );
        })}
      </div>

      <div className="explore-toolbar">
        <button className="primary" data-testid="run" onClick={() => run()} title="Run the queries (Ctrl/Cmd+Enter)">
          {res.running ? 'Running…' : 'Run'}
        </button>
        <button data-testid="add-query" disabled={drafts.length >= LETTERS.length} onClick={() => setDrafts([...drafts, emptyQuery()])}>
          + Query
        </button>
        <div className="explore-history">
          <button data-testid="history" aria-expanded={showHistory} onClick={() => setShowHistory((s) => !s)} disabled={history.length === 0}>
            History ({history.length})
          </button>
          {showHistory && (
            <ul className="popover history-popover" data-testid="history-list">
              {history.map((h) => (
                <li key={h}>
                  <button
                    title="Run this query"
                    onClick={() => {
                      setShowHistory(false);
                      const row = Math.min(lastRow.current, drafts.length - 1);
                      const next = drafts.map((x, k) => (k === row ? { ...x, expr: h } : x));
                      setDrafts(next);
                      run(next);
                    }}
                  >
                    {h}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="segmented" role="tablist">
          {(['graph', 'table', 'json'] as View[]).map((v) => (
            <button key={v} role="tab" aria-selected={url.view === v} className={url.view === v ? 'active' : ''} data-testid={`view-${v}`} onClick={() => setView(v)}>
              {v === 'json' ? 'JSON' : v[0]!.toUpperCase() + v.slice(1)}
            </button>
          ))}
        </div>
        <label className="explore-unit">
          Unit{' '}
          <select value={url.unit} onChange={(e) => setUnit(e.target.value)} data-testid="unit">
            {UNITS.map((u) => (
              <option key={u.id} value={u.id}>
                {u.label}
              </option>
            ))}
          </select>
        </label>
        {url.view === 'graph' && (
          <label className="explore-stacked">
            <input type="checkbox" checked={url.stacked} onChange={(e) => setStacked(e.target.checked)} data-testid="stacked" /> Stacked
          </label>
        )}
        <span className="spacer" />
        {stats && (
          <span className="meta" data-testid="explore-stats" {...stats.attrs}>
            {stats.text}
          </span>
        )}
        <ExportMenu
          instant={exportInstant}
          range={exportRange}
          chart={() => document.querySelector<HTMLCanvasElement>('.explore-result [data-testid=chart] canvas')}
          promql={queries.map((q) => q.expr).join('\n')}
          curl={curl}
          link={window.location.href}
        />
      </div>

      <div className="explore-result" ref={ref}>
        <Result res={res} view={url.view} queries={queries} labels={labels} state={url} onZoom={(a, b) => app.setRange({ from: String(Math.round(a * 1000)), to: String(Math.round(b * 1000)) })} />
      </div>
    </div>
  );
}

function statsOf(r: RangeRun | InstantRun, view: View): { text: string; attrs: Record<string, string> } {
  const ok = successData(r);
  const series = ok.reduce((n, d) => n + (d.resultType === 'vector' || d.resultType === 'matrix' ? d.result.length : 1), 0);
  const ms = `${r.ms < 1000 ? r.ms.toFixed(0) : (r.ms / 1000).toFixed(2)} ${r.ms < 1000 ? 'ms' : 's'}`;
  if (view === 'table' && 'time' in r) {
    return { text: `${series} series · instant at ${new Date(r.time * 1000).toLocaleTimeString()} · ${ms}`, attrs: { 'data-series': String(series), 'data-time': String(r.time) } };
  }
  const rr = r as RangeRun;
  return {
    text: `${series} series · ${rr.columns?.points ?? 0} points · step ${formatStep(rr.step)} · ${ms}`,
    attrs: { 'data-series': String(series), 'data-start': String(rr.start), 'data-end': String(rr.end), 'data-step': String(rr.step) },
  };
}

function Result(p: { res: ReturnType<typeof useExplore>; view: View; queries: RunQuery[]; labels: string[]; state: ExploreState; onZoom(a: number, b: number): void }): ReactElement {
  const { res, view, queries } = p;
  if (res.invalid) return <div className="explore-state error" data-testid="explore-error">{res.invalid}</div>;
  if (queries.length === 0) return <div className="explore-state" data-testid="explore-idle">Type a PromQL query and press Ctrl+Enter (or Run). Press <kbd>/</kbd> to focus the editor.</div>;
  const r = view === 'table' ? res.instant : res.range;
  const stale = !r || JSON.stringify(r.queries) !== JSON.stringify(queries);
  if (!r || (stale && res.running)) return <div className="explore-state" data-testid="explore-loading">Running…</div>;
  const failed = r.envelopes.every((e) => e.status === 'error');
  if (failed) return <div className="explore-state error" data-testid="explore-error">{r.errors.map((e, i) => <div key={i}>{errorMessage(e)}</div>)}</div>;
  const warnings = [...r.warnings, ...r.envelopes.flatMap((e) => e.infos ?? [])];
  return (
    <div className={res.running ? 'explore-busy' : ''}>
      {warnings.length > 0 && (
        <ul className="explore-warnings" data-testid="explore-warnings">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      {r.errors.length > 0 && <div className="explore-state error small">{r.errors.length} of {r.envelopes.length} queries failed (see above)</div>}
      {view === 'graph' && <GraphView r={r as RangeRun} labels={p.labels} state={p.state} onZoom={p.onZoom} />}
      {view === 'table' && <TableView r={r as InstantRun} state={p.state} />}
      {view === 'json' && <JsonView r={r} />}
    </div>
  );
}

function Empty(): ReactElement {
  return (
    <div className="explore-state" data-testid="explore-empty">
      <strong>No series matched.</strong> The selectors found no series in this time range: check the metric name and the label matchers (the editor completes both).
    </div>
  );
}

function GraphView({ r, labels, state, onZoom }: { r: RangeRun; labels: string[]; state: ExploreState; onZoom(a: number, b: number): void }): ReactElement {
  if (!r.columns || r.columns.ys.length === 0) return <Empty />;
  return <Chart xs={r.columns.xs} ys={r.columns.ys} labels={labels} unit={state.unit} stacked={state.stacked} height={340} syncKey="explore" onZoom={onZoom} />;
}

function TableView({ r, state }: { r: InstantRun; state: ExploreState }): ReactElement {
  const rows = useMemo(() => tableRows(r.envelopes.flatMap((e, i) => (e.status === 'success' ? [{ query: r.queries[i]!.index, data: e.data }] : []))), [r]);
  if (rows.length === 0) return <Empty />;
  const cols = labelColumns(rows);
  const many = new Set(rows.map((x) => x.query)).size > 1;
  const shown = rows.slice(0, 2000);
  return (
    <div className="table-wrap explore-table-wrap">
      <table className="data" data-testid="explore-table">
        <thead>
          <tr>
            {many && <th>query</th>}
            {cols.map((c) => (
              <th key={c}>{c}</th>
            ))}
            <th className="num">value</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row, i) => (
            <tr key={i} data-series={metricText(row.metric)} data-value={row.points ? pointsText(row.points) : row.value}>
              {many && <td>{LETTERS[row.query]}</td>}
              {cols.map((c) => (
                <td key={c}>{row.metric[c] ?? ''}</td>
              ))}
              <td className="num value">{row.points ? pointsText(row.points) : state.unit === 'none' || !/^[-+]?(\d|Inf|NaN)/.test(row.value) ? row.value : formatValue(Number(row.value), state.unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length && <div className="meta">showing {shown.length} of {rows.length} series</div>}
    </div>
  );
}

function JsonView({ r }: { r: RangeRun | InstantRun }): ReactElement {
  return (
    <div className="explore-json" data-testid="explore-json">
      {r.envelopes.map((e, i) => (
        <section key={i}>
          {r.envelopes.length > 1 && <h4>{LETTERS[r.queries[i]?.index ?? i]}</h4>}
          <pre>{JSON.stringify(e, null, 2)}</pre>
        </section>
      ))}
    </div>
  );
}
