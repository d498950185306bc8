/**
 * Routing an alert through the route tree (dispatch/route.go's Match) and the aggregation group
 * an alert falls in on a route: its group labels (group_by, or every label for `...`) and the
 * group key Alertmanager builds from the route's key and those labels.
 */
import { quote } from '../template/gofmt';
import { matches } from './matchers';
import type { LabelSet, RouteNode } from './types';

/**
 * matchRoutes returns the routes an alert with these labels goes to: a depth-first, left-to-right
 * search where a matching child ends the search at its level unless it has `continue`, and a
 * node none of whose children match is itself the match. Empty when the root does not match.
 */
export function matchRoutes(root: RouteNode, labels: LabelSet): RouteNode[] {
  if (!matches(root.matchers, labels)) return [];
  const all: RouteNode[] = [];
  for (const c of root.routes) {
    const m = matchRoutes(c, labels);
    all.push(...m);
    if (m.length > 0 && !c.continue) break;
  }
  if (all.length === 0) all.push(root);
  return all;
}

/** groupLabels returns the labels of an alert that group it on a route (only labels the alert has). */
export function groupLabels(route: RouteNode, labels: LabelSet): LabelSet {
  const out: LabelSet = {};
  for (const name of Object.keys(labels).sort()) {
    if (route.groupByAll || route.groupBy.includes(name)) out[name] = labels[name]!;
  }
  return out;
}

/** formatLabelSet prints a label set as Go's model.LabelSet.String: `{a="x", b="y"}`, names sorted. */
export function formatLabelSet(ls: LabelSet): string {
  return `{${Object.keys(ls)
    .sort()
    .map((n) => `${n}=${quote(ls[n]!)}`)
    .join(', ')}}`;
}

/** groupKey is an aggregation group's key: `{route key}:{group labels}`. */
export function groupKey(route: RouteNode, groupLbls: LabelSet): string {
  return `${route.key}:${formatLabelSet(groupLbls)}`;
}

/** findRoute finds a node of the tree by its id (null when none has it). */
export function findRoute(root: RouteNode, id: string): RouteNode | null {
  if (root.id === id) return root;
  for (const c of root.routes) {
    const f = findRoute(c, id);
    if (f) return f;
  }
  return null;
}
