/**
 * Label helpers for the evaluator and the functions, with small caches: label sets are immutable
 * arrays, so derived values (the map key of a set, the set without its metadata labels) are
 * memoized per object. Generic label-set operations are in src/common/model/labels.ts.
 */
import { MetricName, labelsGet, labelsKey, type Labels } from '../../../common/model/labels';
import type { Expr } from '../../../common/promql/ast';

/** TypeLabel is the type metadata label (PROM-39 type-and-unit labels). */
export const TypeLabel = '__type__';
/** UnitLabel is the unit metadata label. */
export const UnitLabel = '__unit__';

const keyCache = new WeakMap<Labels, string>();

/** keyOf returns labelsKey(ls), memoized per label-set object. */
export function keyOf(ls: Labels): string {
  let k = keyCache.get(ls);
  if (k === undefined) {
    k = labelsKey(ls);
    keyCache.set(ls, k);
  }
  return k;
}

/** isMetadataLabel reports whether name is __name__, __type__ or __unit__. */
export function isMetadataLabel(name: string): boolean {
  return name === MetricName || name === TypeLabel || name === UnitLabel;
}

/**
 * dropMetadata returns ls without __name__, __type__ and __unit__ (DropReserved(IsMetadataLabel)).
 * No memo: the label sets a query selects are mostly new objects, and a WeakMap insert costs far
 * more than this scan (which stops at the first reserved name, the common case being __name__).
 */
export function dropMetadata(ls: Labels): Labels {
  for (let i = 0; i < ls.length; i++) {
    const n = ls[i]!.name;
    if (n.charCodeAt(0) === 95 && isMetadataLabel(n)) return ls.filter((l) => !isMetadataLabel(l.name));
  }
  return ls;
}

/** dropMetricName returns ls without __name__ only. */
export function dropMetricName(ls: Labels): Labels {
  for (let i = 0; i < ls.length; i++) {
    if (ls[i]!.name === MetricName) return ls.filter((l) => l.name !== MetricName);
  }
  return ls;
}

/** getMetricName returns the __name__ value or ''. */
export function getMetricName(ls: Labels): string {
  return labelsGet(ls, MetricName);
}

/** getLabel returns the value of name or ''. */
export function getLabel(ls: Labels, name: string): string {
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (l.name === name) return l.value;
  }
  return '';
}

const SEP = '\xff';

/** sigOn returns the key of only the named labels (names need not be sorted). */
export function sigOn(ls: Labels, names: ReadonlySet<string>): string {
  let s = '';
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (names.has(l.name)) s += l.name + SEP + l.value + SEP;
  }
  return s;
}

/** sigWithout returns the key of all labels except the named ones. */
export function sigWithout(ls: Labels, names: ReadonlySet<string>): string {
  let s = '';
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (!names.has(l.name)) s += l.name + SEP + l.value + SEP;
  }
  return s;
}

/** matchLabels is labels.MatchLabels: with on, only names; otherwise all but names and __name__. */
export function matchLabels(ls: Labels, on: boolean, names: readonly string[]): Labels {
  if (on) return ls.filter((l) => names.includes(l.name));
  return ls.filter((l) => l.name !== MetricName && !names.includes(l.name));
}

/** LabelEditor is the shared labels.Builder (set/delete, then a sorted label set). */
export { LabelsBuilder as LabelEditor } from '../../../common/model/labels';

/** containsSameLabelset reports whether two label sets in the list are equal. */
export function containsSameLabelset(list: readonly Labels[]): boolean {
  if (list.length <= 1) return false;
  const seen = new Set<string>();
  for (const ls of list) {
    const k = keyOf(ls);
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

/** labelsForAbsent is createLabelsForAbsentFunction: the labels fixed by equality matchers. */
export function labelsForAbsent(e: Expr): Labels {
  let ms;
  if (e.kind === 'VectorSelector') ms = e.matchers;
  else if (e.kind === 'MatrixSelector') ms = e.vectorSelector.matchers;
  else return [];
  const out = new Map<string, string>();
  const has = new Set<string>();
  for (const m of ms) {
    if (m.name === MetricName) continue;
    if (m.type === '=' && !has.has(m.name)) {
      out.set(m.name, m.value);
      has.add(m.name);
    } else {
      out.delete(m.name);
    }
  }
  return [...out.entries()]
    .filter(([, v]) => v !== '')
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
