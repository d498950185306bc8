/**
 * The gaps Vigil caused itself (sleep/resume, event-loop stalls, a cluster's targets all failing,
 * an unreachable API server; /api/v1/vigil/gaps) as shaded bands on charts, so a flat line or a
 * hole in a chart reads as "Vigil was not collecting" rather than as the cluster's behaviour.
 * Pure: what bands a chart over [x0, x1] (seconds) shows for the selected cluster.
 */
import type { Gap } from '../../common/api/alerting';

/** GapBand is [from, to] in seconds, inside the chart's x range. */
export type GapBand = readonly [number, number];

/**
 * gapBands returns the gaps that touch [x0, x1] (seconds) for the selected cluster ('' all
 * clusters; a gap without cluster, a global one, always counts), clipped to the range, an open gap
 * running until now, and overlapping ones merged, in order.
 */
export function gapBands(gaps: readonly Gap[], cluster: string, x0: number, x1: number, nowMs: number): GapBand[] {
  if (!(x1 > x0)) return [];
  const spans: [number, number][] = [];
  for (const g of gaps) {
    if (cluster !== '' && g.cluster !== null && g.cluster !== cluster) continue;
    const from = g.from / 1000;
    const to = (g.to ?? nowMs) / 1000;
    if (!(to > from) || to < x0 || from > x1) continue;
    spans.push([Math.max(from, x0), Math.min(to, x1)]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}
