/**
 * Completion candidates for the PromQL editor.
 */

/** KEYWORDS are aggregation operators and modifiers offered alongside function and metric names. */
export const KEYWORDS = [
  'sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values',
  'quantile', 'limitk', 'limit_ratio', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'offset', 'bool', 'and', 'or', 'unless',
];

/** FUNCTIONS are PromQL's function names (completion only; the parser's table is the authority). */
export const FUNCTIONS = [
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil',
  'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time', 'day_of_month', 'day_of_week',
  'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv', 'exp', 'floor', 'histogram_avg', 'histogram_count',
  'histogram_fraction', 'histogram_quantile', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'hour', 'idelta',
  'increase', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'mad_over_time',
  'max_over_time', 'min_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time',
  'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_by_label',
  'sort_by_label_desc', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh',
  'time', 'timestamp', 'vector', 'year',
];

/** wordAt returns the identifier-like word ending at the cursor, or null. */
export function wordAt(text: string, cursor: number): { text: string; start: number; end: number } | null {
  let start = cursor;
  while (start > 0 && /[A-Za-z0-9_:]/.test(text[start - 1]!)) start--;
  let end = cursor;
  while (end < text.length && /[A-Za-z0-9_:]/.test(text[end]!)) end++;
  if (start === end) return null;
  // Inside braces or quotes we are completing label names/values, which this editor leaves alone.
  const before = text.slice(0, start);
  const opens = (before.match(/{/g) ?? []).length - (before.match(/}/g) ?? []).length;
  const quotes = (before.match(/"/g) ?? []).length;
  if (opens > 0 || quotes % 2 === 1) return null;
  return { text: text.slice(start, cursor), start, end };
}

/** completions ranks candidates: prefix matches first (shortest first), then substring matches. */
export function completions(prefix: string, metricNames: readonly string[]): string[] {
  if (prefix.length === 0) return [];
  const p = prefix.toLowerCase();
  const all = [...new Set([...KEYWORDS, ...FUNCTIONS, ...metricNames])];
  const starts = all.filter((c) => c.toLowerCase().startsWith(p) && c !== prefix);
  const contains = all.filter((c) => !c.toLowerCase().startsWith(p) && c.toLowerCase().includes(p));
  starts.sort((a, b) => a.length - b.length || a.localeCompare(b));
  contains.sort((a, b) => a.length - b.length || a.localeCompare(b));
  return [...starts, ...contains];
}
