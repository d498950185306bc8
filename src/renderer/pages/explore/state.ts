/**
 * Explore's state in the URL, so a view is a link (and dashboards' "Open in Explore" lands here):
 * `q0`, `l0`, `h0` (the first query, its legend format, hidden), `q1`, ... as Panel.tsx's
 * exploreLink writes them, `view` (graph | table | json; graph by default), `unit` and `stacked`.
 * The old expression browser's `expr` and `tab` are read too, so its links keep working.
 */
import { isUnit, type Unit } from '../../charts/units';

export type View = 'graph' | 'table' | 'json';
export const VIEWS: View[] = ['graph', 'table', 'json'];

/** ExploreQuery is one query of the panel. */
export interface ExploreQuery {
  expr: string;
  legend: string;
  hidden: boolean;
}

/** ExploreState is what the URL holds. */
export interface ExploreState {
  queries: ExploreQuery[];
  view: View;
  unit: Unit;
  stacked: boolean;
}

const OWN = /^(?:[qlh]\d+|view|unit|stacked|expr|tab|range)$/;

/** emptyQuery is a new query row. */
export function emptyQuery(): ExploreQuery {
  return { expr: '', legend: '', hidden: false };
}

/** parseState reads the state from URL parameters. */
export function parseState(p: URLSearchParams): ExploreState {
  const idx = new Set<number>();
  for (const k of p.keys()) {
    const m = /^[qlh](\d+)$/.exec(k);
    if (m) idx.add(Number(m[1]));
  }
  const queries = [...idx]
    .sort((a, b) => a - b)
    .map((i) => ({ expr: p.get(`q${i}`) ?? '', legend: p.get(`l${i}`) ?? '', hidden: p.get(`h${i}`) === '1' }));
  const legacy = p.get('expr');
  if (queries.length === 0 && legacy) queries.push({ expr: legacy, legend: '', hidden: false });
  if (queries.length === 0) queries.push(emptyQuery());
  const v = p.get('view') ?? p.get('tab') ?? 'graph';
  const unit = p.get('unit') ?? 'short';
  return {
    queries,
    view: (VIEWS as string[]).includes(v) ? (v as View) : 'graph',
    unit: isUnit(unit) ? unit : 'short',
    stacked: p.get('stacked') === '1',
  };
}

/** stateParams renders the state as URL parameters (defaults left out). */
export function stateParams(s: ExploreState): Record<string, string> {
  const out: Record<string, string> = {};
  s.queries.forEach((q, i) => {
    out[`q${i}`] = q.expr;
    if (q.legend) out[`l${i}`] = q.legend;
    if (q.hidden) out[`h${i}`] = '1';
  });
  if (s.view !== 'graph') out.view = s.view;
  if (s.unit !== 'short') out.unit = s.unit;
  if (s.stacked) out.stacked = '1';
  return out;
}

/** withState returns params with Explore's own keys replaced by the state's (the global ones kept). */
export function withState(params: URLSearchParams, s: ExploreState): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of params) if (!OWN.test(k)) out.append(k, v);
  for (const [k, v] of Object.entries(stateParams(s))) out.set(k, v);
  return out;
}

/** stateKey identifies a state (to tell the page's own URL writes from outside ones). */
export function stateKey(s: ExploreState): string {
  return JSON.stringify(stateParams(s));
}

/** runnable lists the queries that run: visible and not blank, with their index in the panel. */
export function runnable(qs: readonly ExploreQuery[]): { expr: string; index: number }[] {
  return qs.map((q, index) => ({ expr: q.expr.trim(), index, hidden: q.hidden })).filter((q) => !q.hidden && q.expr !== '').map(({ expr, index }) => ({ expr, index }));
}
