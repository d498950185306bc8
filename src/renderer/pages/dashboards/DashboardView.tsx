/**
 * A dashboard drawn from its definition: the variables' selects (values from label_values()
 * through the client, or fixed options), the breadcrumb, and rows of panels. Panels get their
 * variables as one memoized object and the panel environment (range, tick, cluster) from a
 * provider, so only what changed re-renders.
 */
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { clusterRegex, useApp } from '../../app/AppState';
import { useParam } from '../../app/route';
import { formatStep, resolve, stepFor } from '../../app/time';
import { rateInterval, type ImportedVariable } from '../../dashboards/grafana';
import type { DashboardDef } from '../../dashboards/types';
import { PanelEnvProvider } from '../../panels/env';
import { Panel } from '../../panels/Panel';
import { applyVars, escapeRegex, type Vars } from '../../panels/types';

/** computeVars turns the URL values into the queries' variables. */
export function computeVars(def: DashboardDef, raw: Vars, cluster: string, rangeS: number): Vars {
  const step = stepFor(rangeS, 1000, 15);
  const vars: Vars = { cluster: clusterRegex(cluster), __interval: formatStep(step), __rate_interval: formatStep(rateInterval(step)), __range: formatStep(Math.round(rangeS)) };
  for (const v of def.variables) {
    const value = raw[v.name] ?? '';
    vars[v.name] = v.regex ? (value ? escapeRegex(value) : (v.all ?? '.*')) : value;
  }
  if (def.derive) for (const [k, e] of Object.entries(def.derive(raw))) vars[k] = applyVars(e, vars);
  return vars;
}

function VariableSelect({ v, vars, missing }: { v: ImportedVariable; vars: Vars; missing: boolean }): ReactElement {
  const { client, route, tick } = useApp();
  const [value, setValue] = useParam(route, v.name);
  const [options, setOptions] = useState<string[] | null>(null);
  const src = v.values;
  const match = src && 'match' in src ? applyVars(src.match, vars) : '';
  useEffect(() => {
    if (!src) return undefined;
    if ('options' in src) {
      setOptions(src.options.map((o) => o.value));
      return undefined;
    }
    let stop = false;
    void client.labelValues(src.label, match ? [match] : undefined).then((r) => {
      if (stop) return;
      let vs = r.status === 'success' ? r.data : [];
      if (v.regexFilter) {
        try {
          const re = new RegExp(v.regexFilter.replace(/^\/(.*)\/\w*$/, '$1'));
          vs = vs.filter((x) => re.test(x));
        } catch {
          /* a regex JavaScript does not read: keep every value */
        }
      }
      setOptions(vs);
    });
    return () => {
      stop = true;
    };
  }, [client, src, match, v.regexFilter, tick > 0 ? Math.floor(tick / 12) : 0]); // eslint-disable-line react-hooks/exhaustive-deps
  // Grafana takes the first value of a variable the URL does not set.
  useEffect(() => {
    if (v.first && !value && options && options.length > 0) setValue(options[0]!, true);
  }, [v.first, value, options, setValue]);
  if (!src) return <label className="dash-var"><span>{v.label}</span><input value={value} onChange={(e) => setValue(e.target.value, true)} data-testid={`var-${v.name}`} /></label>;
  const list = options ?? [];
  return (
    <label className={`dash-var${missing ? ' missing' : ''}`}>
      <span>{v.label}</span>
      <select value={value} onChange={(e) => setValue(e.target.value)} data-testid={`var-${v.name}`} aria-label={v.label}>
        {(!v.required || !value) && <option value="">{v.required ? `Choose a ${v.label.toLowerCase()}…` : 'All'}</option>}
        {value && !list.includes(value) && <option value={value}>{value}</option>}
        {list.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** DashboardView draws a dashboard with the URL's variables. */
export function DashboardView({ def }: { def: DashboardDef }): ReactElement {
  const { route, cluster, range } = useApp();
  const rawKey = JSON.stringify(def.variables.map((v) => route.params.get(v.name) ?? ''));
  const res = resolve(range);
  const rangeS = res ? res.end - res.start : 3600;
  const raw = useMemo(() => Object.fromEntries(def.variables.map((v, i) => [v.name, (JSON.parse(rawKey) as string[])[i]!])) as Vars, [def, rawKey]);
  const vars = useMemo(() => computeVars(def, raw, cluster, rangeS), [def, raw, cluster, rangeS]);
  const missing = def.variables.filter((v) => v.required && !raw[v.name]);
  const crumbs = def.crumbs?.(raw);
  return (
    <PanelEnvProvider>
      <div className="dash" data-testid="dashboard" data-dashboard={def.id}>
        {crumbs && (
          <nav className="crumbs" aria-label="breadcrumb" data-testid="crumbs">
            {crumbs.map((c, i) => (
              <span key={i}>
                {i > 0 && <span className="sep">›</span>}
                {c.href ? <a href={c.href}>{c.label}</a> : <span>{c.label}</span>}
              </span>
            ))}
          </nav>
        )}
        <div className="dash-head">
          <h2 data-testid="dashboard-title">{def.heading?.(raw) ?? def.title}</h2>
          {def.variables.filter((v) => v.values || v.required).map((v) => (
            <VariableSelect key={v.name} v={v} vars={vars} missing={missing.includes(v)} />
          ))}
        </div>
        {def.description && !def.detail && <p className="muted dash-desc">{def.description}</p>}
        {missing.length > 0 ? (
          <div className="empty-state" data-testid="dashboard-missing-vars">
            Choose {missing.map((v) => v.label.toLowerCase()).join(' and ')} above.
          </div>
        ) : (
          def.rows.map((r, i) => (
            <section key={i} className="dash-row">
              {r.title && <h3 className="dash-row-title">{r.title}</h3>}
              <div className="grid">
                {r.panels.map((p, k) => (
                  <Panel key={`${i}-${k}-${p.title}`} def={p} vars={vars} />
                ))}
              </div>
            </section>
          ))
        )}
      </div>
    </PanelEnvProvider>
  );
}
