/**
 * Series descriptions of the test-script language (`metric{a="b"} 1 2+3x4 _ stale {{count:1}}`,
 * FORMAT.md §4.1-4.2), read with the PromQL parser's parseSeriesDesc and turned into the runner's
 * flat SequenceValue slots.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import type { Labels } from '../../../common/model/labels';
import { ParseError, parseSeriesDesc } from '../../../common/promql';

/** SequenceValue is one expanded slot of a value sequence. */
export interface SequenceValue {
  omitted: boolean;
  value: number;
  histogram: FloatHistogram | null;
  /** counterResetHintSet is true when the histogram spelled out counter_reset_hint. */
  counterResetHintSet: boolean;
}

/** SeriesDescError is a malformed series description. */
export class SeriesDescError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeriesDescError';
  }
}

/** parseSeriesLine parses `<series> <values>` into labels and expanded values. */
export function parseSeriesLine(line: string): { labels: Labels; values: SequenceValue[] } {
  let d;
  try {
    d = parseSeriesDesc(line);
  } catch (e) {
    if (e instanceof ParseError) throw new SeriesDescError(e.format());
    throw new SeriesDescError((e as Error).message);
  }
  const values: SequenceValue[] = d.values.map((v) => {
    switch (v.kind) {
      case 'omitted':
        return { omitted: true, value: 0, histogram: null, counterResetHintSet: false };
      case 'float':
        return { omitted: false, value: v.value, histogram: null, counterResetHintSet: false };
      case 'histogram':
        return { omitted: false, value: 0, histogram: v.histogram, counterResetHintSet: v.counterResetHintSet };
    }
  });
  return { labels: d.labels, values };
}
