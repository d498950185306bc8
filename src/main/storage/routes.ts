/**
 * The API routes storage answers: series and label look-ups, head statistics
 * (/api/v1/status/tsdb) and exemplars. Registered by the composition root (src/main/host).
 */
import { labelsToRecord } from '../../common/model/labels';
import { formatSampleValue } from '../../common/model/value';
import { ApiError, ok, type Route, type RouteRequest } from '../../common/api/route';
import { errorText, limitParam, MAX_TIME, MIN_TIME, one, selectorParams, timeParam, truncate } from '../../common/api/params';
import { children, type Expr } from '../../common/promql/ast';
import { parseExpr, type ParserOptions } from '../../common/promql';
import type { Matcher } from '../../common/model/matcher';
import type { Storage } from './interface';
import type { ExemplarStorage } from './exemplars';

/** StorageRouteDeps are what the storage routes read. */
export interface StorageRouteDeps {
  storage: Storage;
  /** exemplars backs /api/v1/query_exemplars (absent or of capacity 0: the answer is empty). */
  exemplars?: Pick<ExemplarStorage, 'select'>;
  /** parserOptions are the PromQL parser features query_exemplars parses with. */
  parserOptions: ParserOptions;
}

/** storageRoutes returns the routes of the storage subsystem. */
export function storageRoutes(d: StorageRouteDeps): Route[] {
  const read = { methods: ['GET', 'POST'], readOnly: true } as const;
  return [
    { ...read, pattern: '/api/v1/series', handler: (r) => series(d.storage, r) },
    { ...read, pattern: '/api/v1/labels', handler: (r) => labelNames(d.storage, r) },
    { methods: ['GET'], readOnly: true, pattern: '/api/v1/label/:name/values', handler: (r) => labelValues(d.storage, decodeLabelName(r.pathParams.name!), r) },
    { methods: ['GET'], readOnly: true, pattern: '/api/v1/status/tsdb', handler: (r) => tsdbStatus(d.storage, r) },
    { ...read, pattern: '/api/v1/query_exemplars', handler: (r) => queryExemplars(d, r) },
  ];
}

function series(storage: Storage, r: RouteRequest): ReturnType<typeof ok> {
  const sets = selectorParams(r.params);
  if (sets.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const start = timeParam(r.params, 'start', MIN_TIME);
  const end = timeParam(r.params, 'end', MAX_TIME);
  const limit = limitParam(r.params);
  const q = storage.querier(start, end);
  try {
    const seen = new Map<string, Record<string, string>>();
    const warnings: string[] = [];
    for (const ms of sets) {
      const ss = q.select(false, { start, end, func: 'series' }, ms);
      warnings.push(...ss.warnings);
      for (const s of ss.series) {
        const rec = labelsToRecord(s.labels);
        const key = JSON.stringify(rec);
        if (!seen.has(key)) seen.set(key, rec);
      }
    }
    let out = [...seen.values()].sort(compareRecords);
    if (limit > 0 && out.length > limit) {
      out = out.slice(0, limit);
      warnings.push('results truncated due to limit');
    }
    return ok(out, warnings);
  } finally {
    q.close();
  }
}

function labelNames(storage: Storage, r: RouteRequest): ReturnType<typeof ok> {
  const sets = selectorParams(r.params);
  const q = storage.querier(timeParam(r.params, 'start', MIN_TIME), timeParam(r.params, 'end', MAX_TIME));
  try {
    const names = new Set<string>();
    for (const ms of sets.length ? sets : [[]]) for (const n of q.labelNames(ms)) names.add(n);
    return ok(truncate([...names].sort(), limitParam(r.params)));
  } finally {
    q.close();
  }
}

function labelValues(storage: Storage, name: string, r: RouteRequest): ReturnType<typeof ok> {
  const sets = selectorParams(r.params);
  const q = storage.querier(timeParam(r.params, 'start', MIN_TIME), timeParam(r.params, 'end', MAX_TIME));
  try {
    const vals = new Set<string>();
    for (const ms of sets.length ? sets : [[]]) for (const v of q.labelValues(name, ms)) vals.add(v);
    return ok(truncate([...vals].sort(), limitParam(r.params)));
  } finally {
    q.close();
  }
}

function tsdbStatus(storage: Storage, r: RouteRequest): ReturnType<typeof ok> {
  const limit = Number(one(r.params, 'limit') ?? 10) || 10;
  const st = storage.stats(limit);
  return ok({
    headStats: {
      numSeries: st.numSeries,
      numLabelPairs: st.seriesCountByLabelValuePair.length,
      chunkCount: st.numChunks,
      minTime: st.minTime,
      maxTime: st.maxTime,
    },
    // Vigil's extension: the whole store (head and blocks), which the Status page shows.
    storageStats: {
      numSeries: st.numSeries,
      numSamples: st.numSamples,
      numChunks: st.numChunks,
      bytesOnDisk: st.bytesOnDisk,
      minTime: st.minTime,
      maxTime: st.maxTime,
    },
    seriesCountByMetricName: st.seriesCountByMetricName,
    labelValueCountByLabelName: st.labelValueCountByLabelName,
    memoryInBytesByLabelName: st.memoryInBytesByLabelName,
    seriesCountByLabelValuePair: st.seriesCountByLabelValuePair,
  });
}

function queryExemplars(d: StorageRouteDeps, r: RouteRequest): ReturnType<typeof ok> {
  const start = timeParam(r.params, 'start', MIN_TIME);
  const end = timeParam(r.params, 'end', MAX_TIME);
  if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
  let expr: Expr;
  try {
    expr = parseExpr(one(r.params, 'query') ?? '', d.parserOptions);
  } catch (e) {
    throw new ApiError('bad_data', errorText(e));
  }
  const selectors = extractSelectors(expr);
  if (selectors.length === 0) return ok(null);
  // Without exemplar storage (max_exemplars <= 0) the answer is empty, as Prometheus's is.
  const res = d.exemplars?.select(start, end, selectors) ?? [];
  return ok(
    res.map((x) => ({
      seriesLabels: labelsToRecord(x.seriesLabels),
      exemplars: x.exemplars.map((e) => ({ labels: labelsToRecord(e.labels), value: formatSampleValue(e.value), timestamp: e.ts / 1000 })),
    })),
  );
}

/** extractSelectors returns the matchers of every vector selector in expr (parser.ExtractSelectors). */
export function extractSelectors(expr: Expr): Matcher[][] {
  const out: Matcher[][] = [];
  const walk = (e: Expr): void => {
    if (e.kind === 'VectorSelector') out.push(e.matchers);
    for (const c of children(e)) walk(c);
  };
  walk(expr);
  return out;
}

/** decodeLabelName undoes URL encoding and Prometheus's U__ escaping of label names in paths. */
export function decodeLabelName(raw: string): string {
  let s: string;
  try {
    s = decodeURIComponent(raw);
  } catch {
    throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(raw)}`);
  }
  if (!s.startsWith('U__')) return s;
  let out = '';
  const body = s.slice(3);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '_') {
      out += c;
      continue;
    }
    if (body[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const end = body.indexOf('_', i + 1);
    if (end < 0) throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(s)}`);
    const cp = parseInt(body.slice(i + 1, end), 16);
    if (!Number.isFinite(cp)) throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(s)}`);
    out += String.fromCodePoint(cp);
    i = end;
  }
  return out;
}

function compareRecords(a: Record<string, string>, b: Record<string, string>): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    const va = a[ka[i]!]!;
    const vb = b[kb[i]!]!;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return ka.length - kb.length;
}
