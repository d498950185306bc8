/**
 * Grafana dashboard JSON (as the kubernetes-mixin dashboards are written) to a DashboardDef:
 * panels of type timeseries/graph, stat/singlestat, gauge/bargauge and table become PanelDefs
 * (targets[].expr and legendFormat, fieldConfig.defaults.unit or the graph's y-axis format mapped
 * to units.ts ids where they match, thresholds, gridPos.w of 24 to a width of 12, gridPos.h to a
 * height); rows (expanded or collapsed) become rows; any other type becomes a placeholder that says
 * it is not supported. Templating: `$cluster` is the cluster selection (its `cluster="$cluster"`
 * matchers become `=~`, so "all clusters" matches), datasource variables are dropped, query
 * variables become selects filled by label_values(), custom / interval / constant / textbox
 * variables keep their options or value. `$__rate_interval`, `$__interval` and `$__range` are
 * variables the dashboard view fills from the step. Pure, so it is unit tested.
 */
import { isUnit, type Unit } from '../charts/units';
import type { PanelDef, PanelType, Threshold } from '../panels/types';
import type { DashboardDef, RowDef, VariableDef } from './types';

/** GrafanaVariable is a converted templating variable. */
export interface ImportedVariable extends VariableDef {
  /** regexFilter keeps only values matching it (Grafana's variable `regex`). */
  regexFilter?: string;
  /** first: with no value in the URL, take the first value (Grafana's default). */
  first?: boolean;
}

/** Converted is the outcome of a conversion. */
export interface Converted {
  def: DashboardDef;
  variables: ImportedVariable[];
  /** notes name what was left out or changed (unsupported panels, non-Prometheus targets). */
  notes: string[];
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** UNIT_MAP maps Grafana unit ids to ours where they differ. */
const UNIT_MAP: Record<string, Unit> = { binBps: 'Bps', decBps: 'Bps', bytes: 'bytes', decbytes: 'decbytes', dtdurations: 's', dtdurationms: 'ms', rps: 'reqps', wps: 'ops', iops: 'ops', opm: 'ops', cps: 'ops' };

/** mapUnit turns a Grafana unit id into a units.ts id (undefined when there is no match: plain numbers). */
export function mapUnit(u: string): Unit | undefined {
  if (!u) return undefined;
  if (UNIT_MAP[u]) return UNIT_MAP[u];
  if (isUnit(u)) return u;
  return undefined;
}

function mapColor(c: string): Threshold['color'] {
  const s = c.toLowerCase();
  if (s.includes('red') || s === '#f2495c' || s === '#d44a3a' || s === '#e02f44') return 'red';
  if (s.includes('orange') || s === '#ff9830') return 'orange';
  if (s.includes('yellow') || s === '#eab839' || s === '#fade2a') return 'yellow';
  if (s.includes('green') || s === '#73bf69' || s === '#299c46' || s === '#37872d') return 'green';
  return 'blue';
}

/** normalizeExpr rewrites a target's expression for Vigil: old `[[var]]` and `${var:format}` forms to `${var}`, and `cluster="$cluster"` to a regex matcher. */
export function normalizeExpr(expr: string): string {
  return expr
    .replace(/\[\[(\w+)(?::\w+)?\]\]/g, '${$1}')
    .replace(/\$\{(\w+):\w+\}/g, '${$1}')
    .replace(/\bcluster\s*=\s*"(\$cluster|\$\{cluster\})"/g, 'cluster=~"$$cluster"')
    .replace(/\bcluster\s*=\s*~\s*"/g, 'cluster=~"');
}

/** parseLabelValues reads `label_values(match, label)` or `label_values(label)`. */
export function parseLabelValues(q: string): { label: string; match: string } | null {
  const m = /^\s*label_values\s*\(\s*(?:(.*)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(q);
  if (!m) return null;
  return { label: m[2]!, match: normalizeExpr((m[1] ?? '').trim()) };
}

function convertVariable(v: J, notes: string[]): ImportedVariable | null {
  const name = str(v.name);
  const type = str(v.type);
  if (!name || type === 'datasource' || type === 'adhoc') return null;
  if (name === 'cluster') return null; // the cluster selection
  const label = str(v.label) || name;
  const query = typeof v.query === 'string' ? v.query : str(obj(v.query).query);
  if (type === 'query') {
    const lv = parseLabelValues(query || str(v.definition));
    if (!lv) {
      notes.push(`variable ${name}: only label_values() queries are supported (${query || 'empty'})`);
      return { name, label };
    }
    const rf = str(v.regex);
    return { name, label, values: lv, first: true, ...(rf ? { regexFilter: rf } : {}) };
  }
  if (type === 'custom' || type === 'interval') {
    const options = query.split(',').map((s) => s.trim()).filter(Boolean).map((s) => ({ value: s, label: s }));
    return { name, label, values: { options }, first: true };
  }
  if (type === 'constant' || type === 'textbox') {
    return { name, label, values: { options: [{ value: query, label: query }] }, first: true };
  }
  notes.push(`variable ${name}: type ${type} is not supported`);
  return { name, label };
}

const TYPES: Record<string, PanelType> = { timeseries: 'timeseries', graph: 'timeseries', stat: 'stat', singlestat: 'stat', gauge: 'gauge', bargauge: 'gauge', table: 'table', 'table-old': 'table' };

/** widthOf maps a Grafana width (of 24) to ours (of 12). */
export function widthOf(w: unknown): number {
  const n = typeof w === 'number' ? w : 12;
  return Math.max(1, Math.min(12, Math.round(n / 2)));
}

function convertPanel(p: J, notes: string[]): PanelDef {
  const gtype = str(p.type);
  const title = str(p.title) || '(untitled)';
  const grid = obj(p.gridPos);
  const width = widthOf(grid.w);
  const h = typeof grid.h === 'number' ? grid.h : 8;
  const queries = arr(p.targets)
    .map(obj)
    .filter((t) => !t.hide && str(t.expr))
    .map((t) => {
      const lf = str(t.legendFormat);
      return { expr: normalizeExpr(str(t.expr)), ...(lf && lf !== '__auto' ? { legend: lf } : {}) };
    });
  const type = TYPES[gtype];
  if (!type) {
    notes.push(`panel "${title}": type ${gtype || 'unknown'} is not supported`);
    return { title, type: 'stat', width, queries, placeholder: `Panel type “${gtype || 'unknown'}” is not supported by Vigil’s dashboards${queries.length > 0 ? '; its queries open in Explore' : ''}.` };
  }
  const defaults = obj(obj(p.fieldConfig).defaults);
  const yaxis = obj(arr(p.yaxes)[0]);
  const unit = mapUnit(str(defaults.unit) || str(yaxis.format) || str(p.format));
  const steps = arr(obj(defaults.thresholds).steps).map(obj);
  const thresholds: Threshold[] = steps.map((s) => ({ value: typeof s.value === 'number' ? s.value : -Infinity, color: mapColor(str(s.color)) }));
  const custom = obj(defaults.custom);
  const stacked = str(obj(custom.stacking).mode) === 'normal' || p.stack === true;
  const max = typeof defaults.max === 'number' ? defaults.max : undefined;
  const def: PanelDef = { title, type, width, queries, height: Math.max(120, h * 30 - 70) };
  if (unit) def.unit = unit;
  if (stacked && type === 'timeseries') def.stacked = true;
  if (thresholds.length > 0 && type !== 'timeseries') def.thresholds = thresholds;
  if (max !== undefined) def.max = max;
  if (str(p.description)) def.description = str(p.description);
  def.needs = `The series of ${queries.map((q) => firstMetric(q.expr)).filter(Boolean).join(', ') || 'its queries'}, as the dashboard expects them (its jobs and labels).`;
  if (queries.length === 0) def.placeholder = 'This panel has no Prometheus queries.';
  return def;
}

/** firstMetric is the first metric name of an expression (for the "needs" text). */
function firstMetric(expr: string): string {
  const m = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{|\[)/.exec(expr);
  return m ? m[1]! : '';
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'dashboard';
}

/** convertGrafana converts a Grafana dashboard (the JSON text or object; an export wrapped in `{dashboard: ...}` too). */
export function convertGrafana(input: string | unknown): Converted {
  const raw: unknown = typeof input === 'string' ? JSON.parse(input) : input;
  let d = obj(raw);
  if (d.dashboard && typeof d.dashboard === 'object') d = obj(d.dashboard);
  if (!Array.isArray(d.panels) && !Array.isArray(d.rows)) throw new Error('not a Grafana dashboard: no panels or rows');
  const notes: string[] = [];
  const variables = arr(obj(d.templating).list)
    .map(obj)
    .map((v) => convertVariable(v, notes))
    .filter((v): v is ImportedVariable => v !== null);
  const rows: RowDef[] = [];
  let cur: RowDef = { panels: [] };
  const push = (): void => {
    if (cur.panels.length > 0 || cur.title) rows.push(cur);
  };
  if (Array.isArray(d.panels)) {
    const panels = arr(d.panels).map(obj).sort((a, b) => (Number(obj(a.gridPos).y ?? 0) - Number(obj(b.gridPos).y ?? 0)) || (Number(obj(a.gridPos).x ?? 0) - Number(obj(b.gridPos).x ?? 0)));
    for (const p of panels) {
      if (str(p.type) === 'row') {
        push();
        cur = { title: str(p.title), panels: arr(p.panels).map(obj).map((x) => convertPanel(x, notes)) };
        continue;
      }
      cur.panels.push(convertPanel(p, notes));
    }
  } else {
    // The old schema: rows[] of panels[] with span (of 12).
    for (const r of arr(d.rows).map(obj)) {
      push();
      cur = { title: r.showTitle === false ? undefined : str(r.title) || undefined, panels: arr(r.panels).map(obj).map((p) => convertPanel({ ...p, gridPos: { w: typeof p.span === 'number' ? p.span * 2 : 12, h: 8 } }, notes)) };
    }
  }
  push();
  const title = str(d.title) || 'Imported dashboard';
  const id = slug(str(d.uid) || title);
  return {
    def: { id, title, description: str(d.description) || undefined, variables, rows },
    variables,
    notes,
  };
}

/** rateInterval is Grafana's $__rate_interval for a step: max(step + scrape interval, 4 x scrape interval), scrape interval 15 s (at least 1m). */
export function rateInterval(stepS: number, scrapeS = 15): number {
  return Math.max(stepS + scrapeS, 4 * scrapeS);
}
