/**
 * One panel of a dashboard (or Explore): its queries run with the page's variables on the shared
 * range, drawn as a time series, a stat, a gauge or a table, with loading, empty (naming the
 * series it needs and why they may be missing), partial (some queries failed) and error states,
 * and "Open in Explore".
 */
import { useMemo, type ReactElement } from 'react';
import { pageLink, useApp } from '../app/AppState';
import { Chart } from '../charts/Chart';
import { legendText } from '../charts/columns';
import { formatValue } from '../charts/units';
import { useInstant, useRange, useWidth } from './run';
import { applyVars, type PanelDef, type Threshold, type Vars } from './types';

const COLORS: Record<Threshold['color'], string> = { green: 'var(--ok)', yellow: '#eab308', orange: '#f97316', red: 'var(--bad)', blue: 'var(--accent)' };

function thresholdColor(v: number, ts: readonly Threshold[] | undefined): string {
  let c = 'var(--text)';
  for (const t of ts ?? []) if (v >= t.value) c = COLORS[t.color];
  return c;
}

/** exploreLink opens the panel's queries in Explore on the same range. */
export function exploreLink(exprs: readonly { expr: string; legend?: string }[], unit?: string): string {
  const p: Record<string, string> = {};
  exprs.forEach((q, i) => {
    p[`q${i}`] = q.expr;
    if (q.legend) p[`l${i}`] = q.legend;
  });
  if (unit) p.unit = unit;
  return pageLink(['explore'], p);
}

function Empty({ def, text }: { def: PanelDef; text?: string }): ReactElement {
  return (
    <div className="panel-empty" data-testid="panel-empty">
      <strong>{text ?? 'No data'}</strong>
      {def.needs && <p>{def.needs}</p>}
    </div>
  );
}

function Errors({ errors }: { errors: string[] }): ReactElement | null {
  if (errors.length === 0) return null;
  return (
    <div className="panel-error" data-testid="panel-error">
      {errors.map((e, i) => (
        <div key={i}>{e}</div>
      ))}
    </div>
  );
}

function TimeSeriesBody({ def, exprs }: { def: PanelDef; exprs: string[] }): ReactElement {
  const { client, range, tick, setRange } = useApp();
  const [ref, width] = useWidth();
  const res = useRange(client, exprs, range, width, tick);
  const labels = useMemo(() => (res.columns ? res.columns.metrics.map((m, i) => legendText(m, def.queries[res.queryOf[i] ?? 0]?.legend ?? '')) : []), [res, def.queries]);
  return (
    <div ref={ref} className="panel-body">
      {res.state === 'loading' && <div className="panel-loading">Loading…</div>}
      {res.state === 'error' && <Errors errors={res.errors} />}
      {res.state === 'empty' && <Empty def={def} />}
      {res.state === 'ok' && res.columns && (
        <>
          {res.errors.length > 0 && <Errors errors={res.errors.map((e) => `partial: ${e}`)} />}
          <Chart xs={res.columns.xs} ys={res.columns.ys} labels={labels} unit={def.unit} stacked={def.stacked} height={def.height ?? 220} syncKey="page" onZoom={(a, b) => setRange({ from: String(Math.round(a * 1000)), to: String(Math.round(b * 1000)) })} />
        </>
      )}
    </div>
  );
}

function StatBody({ def, exprs, gauge }: { def: PanelDef; exprs: string[]; gauge: boolean }): ReactElement {
  const { client, range, tick } = useApp();
  const res = useInstant(client, exprs, range, tick);
  if (res.state === 'loading') return <div className="panel-loading">Loading…</div>;
  if (res.state === 'error') return <Errors errors={res.errors} />;
  if (res.state === 'empty') return <Empty def={def} />;
  return (
    <div className="stat-row">
      {res.samples.slice(0, 8).map((s, i) => {
        const max = def.max ?? (def.unit === 'percentunit' ? 1 : def.unit === 'percent' ? 100 : Math.max(...res.samples.map((x) => x.value)));
        const frac = max > 0 ? Math.max(0, Math.min(1, s.value / max)) : 0;
        return (
          <div className="stat" key={i} data-testid="stat-value">
            <div className="stat-value" style={{ color: thresholdColor(s.value, def.thresholds) }}>
              {formatValue(s.value, def.unit)}
            </div>
            {gauge && (
              <div className="gauge">
                <div className="gauge-fill" style={{ width: `${frac * 100}%`, background: thresholdColor(s.value, def.thresholds) }} />
              </div>
            )}
            {res.samples.length > 1 && <div className="stat-label">{legendText(s.metric, def.queries[s.query]?.legend ?? '')}</div>}
          </div>
        );
      })}
    </div>
  );
}

function TableBody({ def, exprs }: { def: PanelDef; exprs: string[] }): ReactElement {
  const { client, range, tick } = useApp();
  const res = useInstant(client, exprs, range, tick);
  if (res.state === 'loading') return <div className="panel-loading">Loading…</div>;
  if (res.state === 'error') return <Errors errors={res.errors} />;
  if (res.state === 'empty') return <Empty def={def} />;
  const cols = [...new Set(res.samples.flatMap((s) => Object.keys(s.metric)))].filter((k) => k !== '__name__').sort();
  return (
    <div className="table-wrap">
      <table className="data" data-testid="panel-table">
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c}>{c}</th>
            ))}
            <th className="num">value</th>
          </tr>
        </thead>
        <tbody>
          {res.samples.map((s, i) => {
            const href = def.link?.(s.metric) ?? null;
            return (
              <tr key={i}>
                {cols.map((c, k) => (
                  <td key={c}>{k === 0 && href ? <a href={href}>{s.metric[c] ?? ''}</a> : (s.metric[c] ?? '')}</td>
                ))}
                <td className="num">{formatValue(s.value, def.unit)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Panel renders one PanelDef with the page's variables. */
export function Panel({ def, vars }: { def: PanelDef; vars: Vars }): ReactElement {
  const exprs = useMemo(() => def.queries.map((q) => applyVars(q.expr, vars)), [def.queries, vars]);
  const link = exploreLink(
    def.queries.map((q, i) => ({ expr: exprs[i]!, legend: q.legend })),
    def.unit,
  );
  return (
    <section className={`panel w${def.width ?? 6}`} data-testid="panel" data-title={def.title}>
      <header>
        <h3 title={def.description}>{def.title}</h3>
        <a className="panel-action" href={link} title="Open in Explore" data-testid="open-in-explore">
          Explore ↗
        </a>
      </header>
      {def.type === 'timeseries' && <TimeSeriesBody def={def} exprs={exprs} />}
      {(def.type === 'stat' || def.type === 'gauge') && <StatBody def={def} exprs={exprs} gauge={def.type === 'gauge'} />}
      {def.type === 'table' && <TableBody def={def} exprs={exprs} />}
    </section>
  );
}
