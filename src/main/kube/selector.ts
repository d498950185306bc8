/**
 * Kubernetes selector text: splitting `a=b,c in (x,y),!d` into its terms (commas inside
 * parentheses belong to a set).
 */

/** splitSelector returns the comma-separated terms of a selector ('' has none). */
export function splitSelector(s: string): string[] {
  if (s === '') return [];
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
