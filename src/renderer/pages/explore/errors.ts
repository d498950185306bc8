/**
 * Where an API error points in the query. Vigil's parse and type errors carry the offsets in the
 * envelope's data.position; Prometheus's carry them in the message (`invalid parameter "query":
 * 1:5: parse error: ...`, line:column, 1-based).
 */

/** ErrorSpan marks the part of a query an error refers to (from == to: a point, e.g. the end). */
export interface ErrorSpan {
  start: number;
  end: number;
}

/** errorSpan finds where an API error points in the query, or null when it says nothing of a place. */
export function errorSpan(query: string, error: string, data: unknown): ErrorSpan | null {
  const pos = (data as { position?: { start?: unknown; end?: unknown } } | undefined)?.position;
  if (pos && typeof pos.start === 'number' && typeof pos.end === 'number') {
    const start = Math.max(0, Math.min(query.length, pos.start));
    const end = Math.max(start, Math.min(query.length, pos.end));
    return { start, end };
  }
  const m = /(?:^|: )(\d+):(\d+):/.exec(error);
  if (!m) return null;
  const line = Number(m[1]);
  const col = Number(m[2]);
  const lines = query.split('\n');
  if (line < 1 || line > lines.length) return null;
  let off = 0;
  for (let i = 0; i < line - 1; i++) off += lines[i]!.length + 1;
  const start = Math.min(query.length, off + col - 1);
  return { start, end: Math.min(query.length, start + 1) };
}

/** errorMessage drops the `invalid parameter "query": ` prefix: the editor is the parameter. */
export function errorMessage(error: string): string {
  return error.replace(/^invalid parameter "query": /, '');
}
