/**
 * Pure helpers of the query page: time ranges, step choice, error positions.
 */

/** RANGES are the graph's range choices, in seconds. */
export const RANGES: { label: string; seconds: number }[] = [
  { label: '5m', seconds: 300 },
  { label: '15m', seconds: 900 },
  { label: '30m', seconds: 1800 },
  { label: '1h', seconds: 3600 },
  { label: '3h', seconds: 10800 },
  { label: '6h', seconds: 21600 },
  { label: '12h', seconds: 43200 },
  { label: '1d', seconds: 86400 },
  { label: '2d', seconds: 172800 },
  { label: '1w', seconds: 604800 },
];

/**
 * autoStep picks a step giving about 250 points, at least 1 s, rounded to a "nice" value, and
 * never more than the API's 11,000 points.
 */
export function autoStep(rangeSeconds: number, width = 250): number {
  const raw = Math.max(1, rangeSeconds / width);
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  for (const n of nice) if (n >= raw) return Math.max(n, Math.ceil(rangeSeconds / 11000));
  return Math.ceil(raw);
}

/** ErrorSpan marks the part of a query an error refers to. */
export interface ErrorSpan {
  start: number;
  end: number;
}

/**
 * errorSpan finds where an API error points in the query: from the envelope's data.position when
 * Vigil sent it, else from a `line:col:` prefix (Prometheus's parse-error form).
 */
export function errorSpan(query: string, error: string, data: unknown): ErrorSpan | null {
  const pos = (data as { position?: { start?: unknown; end?: unknown } } | undefined)?.position;
  if (pos && typeof pos.start === 'number' && typeof pos.end === 'number') {
    const start = Math.max(0, Math.min(query.length, pos.start));
    const end = Math.max(start, Math.min(query.length, pos.end));
    return { start, end: end === start ? Math.min(query.length, start + 1) : end };
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

/** formatDurationMs renders a query's elapsed time. */
export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
