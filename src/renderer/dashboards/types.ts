/**
 * Dashboards are data: a DashboardDef names its variables (taken from the URL: node, namespace,
 * pod, workload kind and name), how to derive query fragments from them, and rows of PanelDefs.
 * Adding a dashboard is a file in this folder and a line in index.ts.
 */
import type { PanelDef, Vars } from '../panels/types';

/** VariableDef is one variable of a dashboard, read from the URL parameter of the same name. */
export interface VariableDef {
  name: string;
  label: string;
  /** values fill the variable's select: label_values(label, match) (match may use $cluster and other variables), or fixed options. */
  values?: { label: string; match: string } | { options: { value: string; label: string }[] };
  /** required: the dashboard waits for a value (it shows the select until one is chosen). */
  required?: boolean;
  /** regex: the value is used inside `=~"..."` (escaped), and `all` when unset (default `.*`). */
  regex?: boolean;
  all?: string;
}

/** Crumb is one step of the breadcrumb above a dashboard. */
export interface Crumb {
  label: string;
  href?: string;
}

/** RowDef is a titled row of panels. */
export interface RowDef {
  title?: string;
  panels: PanelDef[];
}

/** DashboardDef is one dashboard. */
export interface DashboardDef {
  id: string;
  title: string;
  description?: string;
  variables: VariableDef[];
  /** derive adds variables computed from the URL values (query fragments such as the pods of a workload); they may use $cluster and the other variables. */
  derive?: (vars: Vars) => Vars;
  rows: RowDef[];
  /** detail dashboards are reached by links (a node, a pod) and not listed. */
  detail?: boolean;
  /** heading is the title with the URL values of the variables (Node demo-node-1); crumbs get the same. */
  heading?: (vars: Vars) => string;
  crumbs?: (vars: Vars) => Crumb[];
}
