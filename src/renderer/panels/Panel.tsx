/**
 * One panel of a dashboard (or Explore): its queries run with the page's variables on the shared
 * range, drawn as a time series, a stat, a gauge or a table, with loading, empty (naming the
 * series it needs and why they may be missing), partial (some queries failed) and error states,
 * and "Open in Explore".
 */
import { memo, useMemo, type ReactElement } from 'react';
import { pageLink } from '../app/AppState';
import { Chart } from '../charts/Chart';
import { legendText, type Column } from '../charts/columns';
import { formatValue } from '../charts/units';
import { PanelEnvContext, useAppPanelEnv, usePanelEnv, type PanelEnv } from './env';
import { explainMissing } from './missing';
import { useInstant, useRange, useWidth } from './run';
import { buildRows, keyColumns, rowKey, type Row } from './table';
import { applyVars, type PanelDef, type TableColumn, type Threshold, type Vars } from './types';

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

function Empty({ def, env, text }: { def: PanelDef; env: PanelEnv; text?: string }): ReactElement {
  const why = def.sources ? explainMissing(def.sources, env.contexts, env.cluster) : [];
  return (
    <div className="panel-empty" data-testid="panel-empty">
      <strong>{text ?? def.emptyText ?? 'No data'}</strong>
      {why.map((w) => (
        <p key={w} className="panel-why" data-testid="panel-why">
          {w}
        </p>
      ))}
      {def.needs && <p data-testid="panel-needs">{def.needs}</p>}
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

function TimeSeriesBody({ def, exprs, env }: { def: PanelDef; exprs: string[]; env: PanelEnv }): ReactElement {
  const { client, range, tick, setRange } = env;
  const [ref, width] = useWidth();
  const res = useRange(client, exprs, range, width, tick);
  const labels = useMemo(() => (res.columns ? res.columns.metrics.map((m, i) => legendText(m, def.queries[res.queryOf[i] ?? 0]?.legend ?? '')) : []), [res, def.queries]);
  return (
    <div ref={ref} className="panel-body">
      {res.state === 'loading' && <div className="panel-loading">Loading…</div>}
      {res.state === 'error' && <Errors errors={res.errors} />}
      {res.state === 'empty' && <Empty def={def} env={env} />}
      {res.state === 'ok' && res.columns && (
        <>
          {res.errors.length > 0 && <Errors errors={res.errors.map((e) => `partial: ${e}`)} />}
          <Chart xs={res.columns.xs} ys={res.columns.ys} labels={labels} unit={def.unit} stacked={def.stacked} height={def.height ?? 220} syncKey="page" onZoom={(a, b) => setRange({ from: String(Math.round(a * 1000)), to: String(Math.round(b * 1000)) })} />
        </>
      )}
    </div>
  );
}

function StatBody({ def, exprs, gauge, env }: { def: PanelDef; exprs: string[]; gauge: boolean; env: PanelEnv }): ReactElement {
  const res = useInstant(env.client, exprs, env.range, env.tick);
  if (res.state === 'loading') return <div className="panel-loading">Loading…</div>;
  if (res.state === 'error') return <Errors errors={res.errors} />;
  if (res.state === 'empty') return <Empty def={def} env={env} />;
  return (
    <div className="stat-row">
      {res.samples.slice(0, 8).map((s, i) => {
        const max = def.max ?? (def.unit === 'percentunit' ? 1 : def.unit === 'percent' ? 100 : Math.max(...res.samples.map((x) => x.value)));
        const frac = max > 0 ? Math.max(0, Math.min(1, s.value / max)) : 0;
        const label = def.queries.length > 1 || res.samples.length > 1 ? legendText(s.metric, def.queries[s.query]?.legend ?? '') : '';
        return (
          <div className="stat" key={i} data-testid="stat-value">
            <div className="stat-value" style={{ color: thresholdColor(s.value, def.thresholds) }}>
              {def.valueText?.[String(s.value)] ?? formatValue(s.value, def.unit)}
            </div>
            {gauge && (
              <div className="gauge">
                <div className="gauge-fill" style={{ width: `${frac * 100}%`, background: thresholdColor(s.value, def.thresholds) }} />
              </div>
            )}
            {label && <div className="stat-label">{label}</div>}
          </div>
        );
      })}
    </div>
  );
}

/** Sparkline is a tiny SVG line of one series. */
function Sparkline({ ys }: { ys: Column | undefined }): ReactElement | null {
  if (!ys || ys.length < 2) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i] as number | null;
    if (v === null || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return null;
  const w = 80;
  const h = 18;
  const span = max - min || 1;
  let d = '';
  let pen = false;
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i] as number | null;
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      continue;
    }
    const x = (i / (ys.length - 1)) * w;
    const y = h - 1 - ((v - min) / span) * (h - 2);
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  }
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} data-testid="sparkline" aria-hidden="true">
      <path d={d} fill="none" stroke="var(--accent)" strokeWidth="1.2" />
    </svg>
  );
}

function cellText(c: TableColumn, row: Row, i: number, unitDef: PanelDef['unit']): { text: string; bad: boolean } {
  const s = row.cells[i];
  if (!s) return { text: '–', bad: false };
  if (c.label) {
    const t = s.metric[c.label] ?? '';
    return { text: t, bad: c.bad !== undefined && t === c.bad };
  }
  const t = c.text?.[String(s.value)];
  if (t !== undefined) return { text: t, bad: c.bad !== undefined && t === c.bad };
  return { text: formatValue(s.value, c.unit ?? unitDef), bad: typeof c.bad === 'number' && s.value >= c.bad };
}

function KeyedTable({ def, exprs, env, samples }: { def: PanelDef; exprs: string[]; env: PanelEnv; samples: Parameters<typeof buildRows>[0] }): ReactElement {
  const spec = def.table!;
  const sparkQueries = useMemo(() => [...new Set(spec.columns.filter((c) => c.spark).map((c) => c.query))], [spec]);
  const sparkExprs = useMemo(() => sparkQueries.map((q) => exprs[q]!), [sparkQueries, exprs]);
  const spark = useRange(env.client, sparkExprs, env.range, sparkExprs.length > 0 ? 120 : 0, env.tick);
  const sparkIndex = useMemo(() => {
    const m = new Map<string, Column>();
    if (!spark.columns) return m;
    spark.columns.metrics.forEach((metric, i) => m.set(`${sparkQueries[spark.queryOf[i] ?? 0]}|${rowKey(metric, spec.key)}`, spark.columns!.ys[i]!));
    return m;
  }, [spark, sparkQueries, spec.key]);
  const rows = useMemo(() => buildRows(samples, spec), [samples, spec]);
  const keys = keyColumns(rows, spec.key);
  const linkKey = spec.linkKey ?? spec.key[spec.key.length - 1];
  return (
    <div className="table-wrap">
      <table className="data" data-testid="panel-table">
        <thead>
          <tr>
            {keys.map((k) => (
              <th key={k}>{k}</th>
            ))}
            {spec.columns.map((c) => (
              <th key={c.title} className={c.label || c.text ? '' : 'num'}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const href = def.link?.(r.labels) ?? null;
            return (
              <tr key={r.id}>
                {keys.map((k) => (
                  <td key={k}>{k === linkKey && href ? <a href={href} data-testid="row-link">{r.labels[k] ?? ''}</a> : (r.labels[k] ?? '')}</td>
                ))}
                {spec.columns.map((c, i) => {
                  const { text, bad } = cellText(c, r, i, def.unit);
                  return (
                    <td key={c.title} className={`${c.label || c.text ? '' : 'num'}${bad ? ' bad' : ''}`}>
                      {c.spark && <Sparkline ys={sparkIndex.get(`${c.query}|${r.id}`)} />}
                      {text}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function TableBody({ def, exprs, env }: { def: PanelDef; exprs: string[]; env: PanelEnv }): ReactElement {
  const res = useInstant(env.client, exprs, env.range, env.tick);
  if (res.state === 'loading') return <div className="panel-loading">Loading…</div>;
  if (res.state === 'error') return <Errors errors={res.errors} />;
  if (res.state === 'empty') return <Empty def={def} env={env} />;
  if (def.table) return <KeyedTable def={def} exprs={exprs} env={env} samples={res.samples} />;
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
                  <td key={c}>{k === 0 && href ? <a href={href} data-testid="row-link">{s.metric[c] ?? ''}</a> : (s.metric[c] ?? '')}</td>
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

function PanelInner({ def, vars, env }: { def: PanelDef; vars: Vars; env: PanelEnv }): ReactElement {
  const exprs = useMemo(() => def.queries.map((q) => applyVars(q.expr, vars)), [def.queries, vars]);
  const link = exploreLink(
    def.queries.map((q, i) => ({ expr: exprs[i]!, legend: q.legend })),
    def.unit,
  );
  return (
    <section className={`panel w${def.width ?? 6}`} data-testid="panel" data-title={def.title}>
      <header>
        <h3 title={def.description ?? def.title}>{def.title}</h3>
        {(!def.placeholder || def.queries.length > 0) && (
          <a className="panel-action" href={link} title="Open in Explore" data-testid="open-in-explore">
            Explore ↗
          </a>
        )}
      </header>
      {def.placeholder ? (
        <div className="panel-empty panel-placeholder" data-testid="panel-placeholder">
          {def.placeholder}
        </div>
      ) : (
        <>
          {def.type === 'timeseries' && <TimeSeriesBody def={def} exprs={exprs} env={env} />}
          {(def.type === 'stat' || def.type === 'gauge') && <StatBody def={def} exprs={exprs} gauge={def.type === 'gauge'} env={env} />}
          {def.type === 'table' && <TableBody def={def} exprs={exprs} env={env} />}
        </>
      )}
    </section>
  );
}

function WithAppEnv({ def, vars }: { def: PanelDef; vars: Vars }): ReactElement {
  const env = useAppPanelEnv();
  return (
    <PanelEnvContext.Provider value={env}>
      <PanelInner def={def} vars={vars} env={env} />
    </PanelEnvContext.Provider>
  );
}

/**
 * Panel renders one PanelDef with the page's variables. It re-renders only when its definition,
 * its variables (keep them memoized) or the panel environment (range, tick, cluster) change.
 */
export const Panel = memo(function Panel({ def, vars }: { def: PanelDef; vars: Vars }): ReactElement {
  const env = usePanelEnv();
  if (!env) return <WithAppEnv def={def} vars={vars} />;
  return <PanelInner def={def} vars={vars} env={env} />;
});
