/**
 * Functions about labels and ordering: absent, sort, sort_desc, sort_by_label(_desc). label_replace,
 * label_join and info work on whole series and live in the evaluator (eval/labelfuncs.ts,
 * eval/info.ts).
 */
import { labelsCompare } from '../../../common/model/labels';
import type { Expr } from '../../../common/promql/ast';
import type { InstantFunction } from '../kernel/helper';
import { getLabel, labelsForAbsent } from '../kernel/labels';
import type { ESample } from '../kernel/types';

/** funcAbsent implements absent(v): 1 with the selector's equality labels when v is empty. */
export const funcAbsent: InstantFunction = (vals, args, enh) => {
  if (vals[0]!.length > 0) return enh.out;
  enh.out.push({ metric: labelsForAbsent(args[0]!), t: 0, f: 1, h: null, dropName: false });
  return enh.out;
};

function floatsOnly(v: readonly ESample[]): ESample[] {
  return v.filter((s) => s.h === null);
}

/** funcSort implements sort(v): ascending by value, NaN last. */
export const funcSort: InstantFunction = (vals) => {
  const v = floatsOnly(vals[0]!);
  // Reverse of a descending sort with NaN first: ascending with NaN last.
  v.sort((a, b) => {
    const an = Number.isNaN(a.f);
    const bn = Number.isNaN(b.f);
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return a.f - b.f;
  });
  return v;
};

/** funcSortDesc implements sort_desc(v): descending by value, NaN last. */
export const funcSortDesc: InstantFunction = (vals) => {
  const v = floatsOnly(vals[0]!);
  v.sort((a, b) => {
    const an = Number.isNaN(a.f);
    const bn = Number.isNaN(b.f);
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return b.f - a.f;
  });
  return v;
};

function chunkify(s: string): string[] {
  return s.match(/(\d+|\D+)/g) ?? [];
}

function isNumeric(s: string): boolean {
  return /^\d+$/.test(s) && s.length < 19;
}

/** natLess is natural-order comparison (facette/natsort's Compare: a sorts before b). */
export function natLess(a: string, b: string): boolean {
  const ca = chunkify(a);
  const cb = chunkify(b);
  for (let i = 0; i < ca.length; i++) {
    if (i >= cb.length) return false;
    const x = ca[i]!;
    const y = cb[i]!;
    if (isNumeric(x) && isNumeric(y)) {
      const xi = parseInt(x, 10);
      const yi = parseInt(y, 10);
      if (xi === yi) {
        if (i === ca.length - 1) return true;
        if (i === cb.length - 1) return false;
        continue;
      }
      return xi < yi;
    }
    if (x === y) {
      if (i === ca.length - 1) return true;
      if (i === cb.length - 1) return false;
      continue;
    }
    return x < y;
  }
  return false;
}

function stringArgs(args: readonly Expr[]): string[] {
  return args.map((a) => (a.kind === 'StringLiteral' ? a.val : ''));
}

function sortByLabel(desc: boolean): InstantFunction {
  return (vals, args) => {
    const lbls = stringArgs(args.slice(1));
    const v = vals[0]!.slice();
    v.sort((a, b) => {
      for (const l of lbls) {
        const x = getLabel(a.metric, l);
        const y = getLabel(b.metric, l);
        if (x === y) continue;
        const less = natLess(x, y);
        return desc ? (less ? 1 : -1) : less ? -1 : 1;
      }
      const c = labelsCompare(a.metric, b.metric);
      return desc ? -c : c;
    });
    return v;
  };
}

/** funcSortByLabel implements sort_by_label(v, labels...) */
export const funcSortByLabel = sortByLabel(false);
/** funcSortByLabelDesc implements sort_by_label_desc(v, labels...) */
export const funcSortByLabelDesc = sortByLabel(true);
