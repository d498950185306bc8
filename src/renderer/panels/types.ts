/**
 * Panels are data: a dashboard is a list of PanelDefs (queries, unit, type, thresholds), so adding
 * a dashboard is adding a file. Queries may use variables (`$cluster`, `$node`, `$namespace`,
 * `$pod`, `${name}`), filled from the page's state before they run.
 */
import type { Unit } from '../charts/units';

/** PanelQuery is one query of a panel, with its legend format (`{{pod}}`). */
export interface PanelQuery {
  expr: string;
  legend?: string;
}

export type PanelType = 'timeseries' | 'stat' | 'table' | 'gauge';

/** Threshold colours a stat or gauge from `value` up. */
export interface Threshold {
  value: number;
  color: 'green' | 'yellow' | 'orange' | 'red' | 'blue';
}

/** PanelDef is one panel. */
export interface PanelDef {
  title: string;
  type: PanelType;
  queries: PanelQuery[];
  unit?: Unit;
  stacked?: boolean;
  thresholds?: Threshold[];
  /** needs says which series the panel reads and why they may be missing (shown when it has no data). */
  needs?: string;
  /** width in grid columns of 12 (default 6); height in px of the chart (default 220). */
  width?: number;
  height?: number;
  /** max for a gauge (default 1 for percentunit, else the largest value). */
  max?: number;
  /** link turns table rows into links: a function of the row's labels giving a hash. */
  link?: (labels: Record<string, string>) => string | null;
  /** description is shown under the title. */
  description?: string;
}

/** Vars are a page's variables. */
export type Vars = Record<string, string>;

/** escapeRegex escapes a label value for a `=~` matcher inside a PromQL string. */
export function escapeRegex(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&').replace(/"/g, '\\"');
}

/** applyVars replaces `$name` and `${name}` in a query with the variables' values. */
export function applyVars(expr: string, vars: Vars): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined) => {
    const k = (a ?? b)!;
    return k in vars ? vars[k]! : m;
  });
}
