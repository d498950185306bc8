/**
 * Copy-as text of a query: the PromQL itself, a curl command against the API's origin (the same
 * /api/v1 routes Grafana and promtool use), and the view's link.
 */

/** QueryTimes are an instant query's time or a range query's start, end and step (seconds). */
export type QueryTimes = { time: number } | { start: number; end: number; step: number };

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** curlCommand is a curl command running the query against origin (e.g. http://127.0.0.1:9090). */
export function curlCommand(origin: string, expr: string, t: QueryTimes): string {
  const base = origin.replace(/\/+$/, '');
  const route = 'time' in t ? '/api/v1/query' : '/api/v1/query_range';
  const params = 'time' in t ? [`time=${t.time}`] : [`start=${t.start}`, `end=${t.end}`, `step=${t.step}`];
  return [`curl -s ${shellQuote(base + route)}`, `--data-urlencode ${shellQuote(`query=${expr}`)}`, ...params.map((p) => `-d ${p}`)].join(' ');
}

/**
 * apiOrigin is where the API answers: the page's own origin in serve mode; in the desktop app
 * (no HTTP origin) the core's listen address from /api/v1/status/flags when it has one.
 */
export function apiOrigin(locationOrigin: string, listenAddress?: string): string {
  if (/^https?:\/\//.test(locationOrigin)) return locationOrigin;
  if (listenAddress && /:\d+$/.test(listenAddress) && !/:0$/.test(listenAddress)) {
    const hostPort = listenAddress.startsWith(':') ? `127.0.0.1${listenAddress}` : listenAddress.replace(/^0\.0\.0\.0:/, '127.0.0.1:');
    return `http://${hostPort}`;
  }
  return 'http://127.0.0.1:9090';
}
