/**
 * Number syntax of the exposition formats, exactly as Prometheus accepts it: Go's
 * strconv.ParseFloat restricted to pre-Go-1.13 forms (no hex floats, no underscores), and the
 * normalisation Prometheus 3 applies to `le` and `quantile` label values.
 */
import { formatOpenMetricsFloat } from '../model/labels';
import { floatStatus, parseFloatRange } from '../util/go/strconv';
import type { MetricType } from './types';

/** floatStatus is strconv.ts's parse status, which parseGoFloat sets too. */
export { floatStatus };

// Module-local bindings: the parsers' hot loops call these for every sample.
const parseFloatRange_ = parseFloatRange;
const floatStatus_ = floatStatus;

/**
 * parseGoFloat parses s[start, end) as Prometheus's textparse parseFloat does (strconv.ParseFloat
 * without the Go 1.13 forms). On error it returns 0 and sets floatStatus.err to Go's message; on
 * success floatStatus.err is ''.
 */
export function parseGoFloat(s: string, start: number, end: number): number {
  const v = parseFloatRange_(s, start, end);
  if (floatStatus_.slow && hasGo113Syntax(s, start, end)) {
    floatStatus_.err = 'unsupported character in float';
    return 0;
  }
  return v;
}

/** hasGo113Syntax reports a 'p', 'P' or '_' in s[start, end) (hex floats and digit separators). */
function hasGo113Syntax(s: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 112 || c === 80 || c === 95) return true;
  }
  return false;
}

/**
 * normalizeLabelValue applies Prometheus 3's normalisation of float-valued label values: `quantile`
 * of summaries and `le` of histograms are re-rendered with formatOpenMetricsFloat, so `le="1"` and
 * `le="1.0"` are the same series.
 */
export function normalizeLabelValue(type: MetricType, name: string, value: string): string {
  if ((type === 'summary' && name === 'quantile') || (type === 'histogram' && name === 'le')) {
    const hit = normCache.get(value);
    if (hit !== undefined) return hit;
    const f = parseGoFloat(value, 0, value.length);
    let out = value;
    if (floatStatus.err === '') out = formatOpenMetricsFloat(f);
    floatStatus.err = '';
    if (normCache.size >= 4096) normCache.clear();
    normCache.set(value, out);
    return out;
  }
  return value;
}

/** normCache memoises normalised bucket bounds and quantiles, which repeat across series. */
const normCache = new Map<string, string>();
