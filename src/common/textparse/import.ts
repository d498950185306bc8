/**
 * Reading an OpenMetrics file for backfilling (`vigil import FILE`), as promtool's
 * `tsdb create-blocks-from openmetrics` does: every sample must carry a timestamp, the file must
 * end with `# EOF`, and any syntax error stops the import with its line and column.
 */
import type { Labels } from '../model/labels';
import { labelsToString } from '../model/labels';
import { OpenMetricsParser } from './openmetrics';
import { Entry, ExpositionError } from './types';
import { decodeBody } from '../util/go/utf8';

/** ImportedSample is one sample handed to the callback of forEachOpenMetricsSample. */
export interface ImportedSample {
  /** labels is shared between samples of the same series: do not mutate it. */
  labels: Labels;
  /** t is the timestamp in ms. */
  t: number;
  v: number;
  /** line is the 1-based line of the sample (only computed when asked for by lineNumbers). */
  line: number;
}

/** ImportStats summarises what forEachOpenMetricsSample read. */
export interface ImportStats {
  samples: number;
  series: number;
  /** minTime and maxTime in ms (Infinity/-Infinity when there were no samples). */
  minTime: number;
  maxTime: number;
}

/** ImportOptions tune forEachOpenMetricsSample. */
export interface ImportOptions {
  /** lineNumbers fills ImportedSample.line (costs a scan per sample; default false). */
  lineNumbers?: boolean;
}

/**
 * forEachOpenMetricsSample parses an OpenMetrics exposition with timestamps and calls fn for each
 * sample in file order. Throws ExpositionError (with line and column) on bad input, including a
 * sample without a timestamp. The sample object passed to fn is reused between calls.
 */
export function forEachOpenMetricsSample(body: Uint8Array | string, fn: (s: ImportedSample) => void, opts: ImportOptions = {}): ImportStats {
  const { text, invalid } = typeof body === 'string' ? { text: body, invalid: null } : decodeBody(body);
  const p = new OpenMetricsParser(text, invalid);
  const seriesLabels = new Map<string, Labels>();
  const stats: ImportStats = { samples: 0, series: 0, minTime: Infinity, maxTime: -Infinity };
  const sample: ImportedSample = { labels: [], t: 0, v: 0, line: 0 };
  for (;;) {
    const e = p.next();
    if (e === Entry.EOF) break;
    if (e !== Entry.Series) continue;
    const key = p.series();
    let ls = seriesLabels.get(key);
    if (ls === undefined) {
      ls = p.labels();
      seriesLabels.set(key, ls);
      stats.series++;
    }
    const t = p.timestamp();
    if (t === null) {
      const line = p.line();
      throw new ExpositionError(`expected timestamp for series ${labelsToString(ls)}, got none`, line, 1, 0);
    }
    sample.labels = ls;
    sample.t = t;
    sample.v = p.value();
    sample.line = opts.lineNumbers ? p.line() : 0;
    stats.samples++;
    if (t < stats.minTime) stats.minTime = t;
    if (t > stats.maxTime) stats.maxTime = t;
    fn(sample);
  }
  return stats;
}
