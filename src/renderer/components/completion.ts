/**
 * Completion candidates for the PromQL editor.
 */
import { FUNCTION_LIST } from '../../common/promql/functions';

/** KEYWORDS are aggregation operators and modifiers offered alongside function and metric names. */
export const KEYWORDS = [
  'sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values',
  'quantile', 'limitk', 'limit_ratio', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'offset', 'bool', 'and', 'or', 'unless',
];

/**
 * FUNCTIONS are PromQL's function names, taken from the parser's signature table (experimental
 * ones included: the server decides whether they are enabled).
 */
export const FUNCTIONS: readonly string[] = FUNCTION_LIST.map((f) => f.name);

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
