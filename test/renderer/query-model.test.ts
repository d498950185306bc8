import { describe, expect, it } from 'vitest';
import { autoStep, errorSpan } from '../../src/renderer/pages/explore/query-model';
import { matrixToChartData, metricLabel } from '../../src/renderer/charts/data';
import { completions, wordAt } from '../../src/renderer/components/completion';

describe('query page helpers', () => {
  it('chooses steps that stay under the 11,000 point limit', () => {
    expect(autoStep(3600)).toBe(15);
    expect(autoStep(300)).toBe(2);
    for (const r of [60, 3600, 86400, 604800, 31536000]) expect(r / autoStep(r)).toBeLessThanOrEqual(11000);
  });

  it('finds error positions from data.position or a line:col prefix', () => {
    expect(errorSpan('sum(up', 'x', { position: { start: 3, end: 6 } })).toEqual({ start: 3, end: 6 });
    expect(errorSpan('rate(x)\n+ y)', 'invalid parameter "query": 2:4: parse error: unexpected', undefined)).toEqual({ start: 11, end: 12 });
    expect(errorSpan('up', 'no position here', undefined)).toBeNull();
  });

  it('lays out matrix results on the step grid with gaps as null', () => {
    const c = matrixToChartData(
      [
        { metric: { __name__: 'up', job: 'a' }, values: [[10, '1'], [30, '0']] },
        { metric: { job: 'b' }, values: [[20, 'NaN']] },
      ],
      10,
      30,
      10,
    );
    expect(c.data[0]).toEqual([10, 20, 30]);
    expect(c.data[1]).toEqual([1, null, 0]);
    expect(c.data[2]).toEqual([null, null, null]);
    expect(c.labels).toEqual(['up{job="a"}', '{job="b"}']);
    expect(metricLabel({})).toBe('{}');
  });

  it('completes the word at the cursor outside braces', () => {
    expect(wordAt('sum(ra', 6)).toEqual({ text: 'ra', start: 4, end: 6 });
    expect(wordAt('up{jo', 5)).toBeNull();
    const c = completions('rat', ['node_rate_x']);
    expect(c[0]).toBe('rate');
    expect(c).toContain('node_rate_x');
  });
});
