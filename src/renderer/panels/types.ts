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
  /** sources name the jobs the series come from, so an empty panel can say why they are missing in the selected cluster. */
  sources?: Source[];
  /** emptyText replaces "No data" when no series is the good case (no restarts, every pod ready). */
  emptyText?: string;
  /** table lays instant results out as rows keyed by labels, one column per query (see panels/table.ts). */
  table?: TableSpec;
  /** valueText maps a stat's value to a word (1 -> Ready). */
  valueText?: Record<string, string>;
  /** placeholder: the panel cannot be drawn (an imported panel of an unsupported type); the text says why. */
  placeholder?: string;
}

/** Source is a job the default monitoring runs (what a series needs to exist). */
export type Source = 'cadvisor' | 'kubelet' | 'kubelet-resource' | 'node-exporter' | 'kube-state-metrics' | 'apiserver';

/** TableColumn is one column of a keyed table: the value (or a label) of one query's sample in the row. */
export interface TableColumn {
  title: string;
  /** query is the index of the panel's query that fills the column. */
  query: number;
  unit?: Unit;
  /** label shows this label of the sample instead of its value (e.g. `phase`, `reason`). */
  label?: string;
  /** text maps a value to a word (1 -> Ready). */
  text?: Record<string, string>;
  /** spark draws the query over the range as a sparkline in the cell. */
  spark?: boolean;
  /** bad marks the cell when the value is at least this (restarts > 0) or, for text, equals it. */
  bad?: number | string;
}

/** TableSpec makes a keyed table: one row per distinct value of `key` across the queries. */
export interface TableSpec {
  key: string[];
  columns: TableColumn[];
  /** linkKey is the key column that carries the row's link (default the last key). */
  linkKey?: string;
  /** rowsFrom: only samples of this query make rows (a top-10 query); default every query. */
  rowsFrom?: number;
  /** sort by this column index, descending (default the key, ascending). */
  sortBy?: number;
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
