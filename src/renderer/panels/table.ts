/**
 * Keyed tables: instant samples of several queries laid out as rows (one per distinct value of the
 * key labels, e.g. cluster and node) with one column per query, as a node list shows usage,
 * allocatable, pods and the ready condition side by side. Pure, so it is unit tested.
 */
import type { ApiMetric } from '../../common/api/types';
import type { TableSpec } from './types';

/** Sample is one instant sample of a panel's query `query`. */
export interface Sample {
  metric: ApiMetric;
  value: number;
  query: number;
}

/** Row is one row of a keyed table. */
export interface Row {
  id: string;
  /** labels are the key labels plus the labels of the first sample that filled the row. */
  labels: Record<string, string>;
  /** cells[c] is the sample filling column c, if any. */
  cells: (Sample | undefined)[];
}

/** rowKey identifies a sample's row: its key labels joined. */
export function rowKey(m: ApiMetric, key: readonly string[]): string {
  return key.map((k) => m[k] ?? '').join('\u0001');
}

/** buildRows merges samples into rows keyed by spec.key, sorted by spec.sortBy (descending) or by the key. */
export function buildRows(samples: readonly Sample[], spec: TableSpec): Row[] {
  const rows = new Map<string, Row>();
  // The rows' own query first, so the others only fill the rows it made.
  const ordered = spec.rowsFrom === undefined ? samples : [...samples.filter((s) => s.query === spec.rowsFrom), ...samples.filter((s) => s.query !== spec.rowsFrom)];
  for (const s of ordered) {
    const id = rowKey(s.metric, spec.key);
    if (spec.key.every((k) => !s.metric[k])) continue;
    let r = rows.get(id);
    if (!r && spec.rowsFrom !== undefined && s.query !== spec.rowsFrom) continue;
    if (!r) {
      r = { id, labels: {}, cells: spec.columns.map(() => undefined) };
      rows.set(id, r);
    }
    for (const [k, v] of Object.entries(s.metric)) if (k !== '__name__' && !(k in r.labels)) r.labels[k] = v;
    spec.columns.forEach((c, i) => {
      if (c.query === s.query && r!.cells[i] === undefined) r!.cells[i] = s;
    });
  }
  const out = [...rows.values()];
  const by = spec.sortBy;
  if (by !== undefined) out.sort((a, b) => (b.cells[by]?.value ?? -Infinity) - (a.cells[by]?.value ?? -Infinity) || a.id.localeCompare(b.id));
  else out.sort((a, b) => a.id.localeCompare(b.id));
  return out;
}

/** keyColumns are the key labels worth a column: `cluster` only when rows come from more than one cluster. */
export function keyColumns(rows: readonly Row[], key: readonly string[]): string[] {
  return key.filter((k) => k !== 'cluster' || new Set(rows.map((r) => r.labels.cluster ?? '')).size > 1);
}
