import { describe, expect, it } from 'vitest';
import { gapBands } from '../../src/renderer/charts/gaps';

const S = 1000;

describe('gap bands on charts', () => {
  it('clips to the chart, merges overlaps, runs an open gap until now, and follows the cluster selection', () => {
    const gaps = [
      { cluster: 'prod', from: 100 * S, to: 200 * S, reason: 'targets' },
      { cluster: null, from: 150 * S, to: 260 * S, reason: 'sleep' },
      { cluster: 'dev', from: 400 * S, to: 500 * S, reason: 'apiserver' },
      { cluster: 'prod', from: 900 * S, to: null, reason: 'apiserver' },
      { cluster: 'prod', from: 10 * S, to: 20 * S, reason: 'old' },
    ];
    // All clusters: prod's and the global one merge; dev's stands alone; the open one runs to now, clipped at the chart's end.
    expect(gapBands(gaps, '', 50, 1000, 950 * S)).toEqual([[100, 260], [400, 500], [900, 950]]);
    expect(gapBands(gaps, '', 50, 920, 950 * S)).toEqual([[100, 260], [400, 500], [900, 920]]);
    // One cluster: the other cluster's gap is not shown, the global one is.
    expect(gapBands(gaps, 'dev', 50, 1000, 950 * S)).toEqual([[150, 260], [400, 500]]);
    expect(gapBands(gaps, 'prod', 120, 180, 950 * S)).toEqual([[120, 180]]);
    // Nothing in range, or an empty range.
    expect(gapBands(gaps, '', 600, 800, 950 * S)).toEqual([]);
    expect(gapBands(gaps, '', 800, 800, 950 * S)).toEqual([]);
  });
});
