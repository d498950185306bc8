/**
 * Running a panel's queries: range queries on the shared range with the step from the chart's
 * width (stepFor), instant queries for stats and tables, all through the typed client, with a
 * bound on how many run at once across the page (a dashboard's panels ask concurrently, at most
 * MAX_CONCURRENT in flight).
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { ApiEnvelope, ApiMatrixSeries, ApiMetric, ApiQueryData, ApiVectorSample } from '../../common/api/types';
import type { VigilClient } from '../../common/ipc/client';
import { toColumns, type SeriesColumns } from '../charts/columns';
import { resolve, stepFor, type TimeRange } from '../app/time';

export const MAX_CONCURRENT = 6;
let running = 0;
const waiting: (() => void)[] = [];

/** limited runs fn when fewer than MAX_CONCURRENT queries are in flight. */
export async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** RangeResult is what a panel's range queries returned. */
export interface RangeResult {
  state: 'loading' | 'ok' | 'empty' | 'error';
  columns: SeriesColumns | null;
  /** queryOf[i] is the index of the query series i came from. */
  queryOf: number[];
  errors: string[];
  warnings: string[];
  step: number;
  start: number;
  end: number;
  ms: number;
  /** envelopes are the API's answers, one per query (Explore shows and exports them). */
  envelopes: ApiEnvelope<ApiQueryData>[];
}

/** InstantResult is what a panel's instant queries returned. */
export interface InstantResult {
  state: 'loading' | 'ok' | 'empty' | 'error';
  samples: { metric: ApiMetric; value: number; query: number }[];
  errors: string[];
  warnings: string[];
  ms: number;
  /** envelopes are the API's answers, one per query. */
  envelopes: ApiEnvelope<ApiQueryData>[];
}

function errorOf<T>(e: ApiEnvelope<T>): string {
  return e.status === 'error' ? (e.error ?? 'query failed') : '';
}

/**
 * collect hands each successful answer's data to take (which may return an error of its own) and
 * gathers the errors, in query order, and warnings of all.
 */
function collect(envs: readonly ApiEnvelope<ApiQueryData>[], take: (d: ApiQueryData, query: number) => string | void): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  envs.forEach((e, qi) => {
    if (e.status !== 'success') {
      errors.push(errorOf(e));
      return;
    }
    warnings.push(...(e.warnings ?? []));
    const err = take(e.data as ApiQueryData, qi);
    if (err) errors.push(err);
  });
  return { errors, warnings };
}

/** runRange runs range queries on [start, end] by step. */
export async function runRange(client: VigilClient, exprs: readonly string[], start: number, end: number, step: number): Promise<RangeResult> {
  const t0 = performance.now();
  const envs = await Promise.all(exprs.map((q) => limited(() => client.queryRange(q, start, end, step))));
  const series: ApiMatrixSeries[] = [];
  const queryOf: number[] = [];
  const { errors, warnings } = collect(envs, (d, qi) => {
    if (d.resultType === 'matrix') {
      for (const s of d.result as ApiMatrixSeries[]) {
        series.push(s);
        queryOf.push(qi);
      }
    } else if (d.resultType === 'scalar' || d.resultType === 'vector') {
      return `query ${qi + 1} returned a ${d.resultType}, not a range`;
    }
    return undefined;
  });
  const columns = toColumns(series, start, end, step);
  const state = errors.length > 0 && series.length === 0 ? 'error' : series.length === 0 ? 'empty' : 'ok';
  return { state, columns, queryOf, errors, warnings, step, start, end, ms: performance.now() - t0, envelopes: envs };
}

/** runInstant runs instant queries at time (seconds). */
export async function runInstant(client: VigilClient, exprs: readonly string[], time: number): Promise<InstantResult> {
  const t0 = performance.now();
  const envs = await Promise.all(exprs.map((q) => limited(() => client.query(q, time))));
  const samples: InstantResult['samples'] = [];
  const { errors, warnings } = collect(envs, (d, qi) => {
    if (d.resultType === 'vector') for (const s of d.result as ApiVectorSample[]) samples.push({ metric: s.metric, value: Number(s.value?.[1] ?? NaN), query: qi });
    else if (d.resultType === 'scalar') samples.push({ metric: {}, value: Number((d.result as [number, string])[1]), query: qi });
  });
  const state = errors.length > 0 && samples.length === 0 ? 'error' : samples.length === 0 ? 'empty' : 'ok';
  return { state, samples, errors, warnings, ms: performance.now() - t0, envelopes: envs };
}

/**
 * useRange runs range queries whenever the queries, the range, the width or tick change; a newer
 * run supersedes an older one still in flight. width is the chart's width in px.
 */
export function useRange(client: VigilClient, exprs: readonly string[], range: TimeRange, width: number, tick: number, minStep = 1): RangeResult {
  const [res, setRes] = useState<RangeResult>({ state: 'loading', columns: null, queryOf: [], errors: [], warnings: [], step: 0, start: 0, end: 0, ms: 0, envelopes: [] });
  const gen = useRef(0);
  const key = exprs.join('\u0000');
  useEffect(() => {
    const r = resolve(range);
    if (!r) {
      setRes((p) => ({ ...p, state: 'error', errors: [`invalid time range ${range.from} to ${range.to}`] }));
      return;
    }
    if (exprs.length === 0 || width <= 0) return;
    const my = ++gen.current;
    const step = stepFor(r.end - r.start, width, minStep);
    // Align to the step, so refreshes reuse the same grid and charts do not jitter.
    const end = Math.floor(r.end / step) * step;
    const start = Math.ceil(r.start / step) * step;
    void runRange(client, exprs, start, end, step).then((out) => {
      if (gen.current === my) setRes(out);
    });
  }, [client, key, range.from, range.to, width, tick, minStep]); // eslint-disable-line react-hooks/exhaustive-deps
  return res;
}

/** useInstant runs instant queries at the end of the range whenever they, the range or tick change. */
export function useInstant(client: VigilClient, exprs: readonly string[], range: TimeRange, tick: number): InstantResult {
  const [res, setRes] = useState<InstantResult>({ state: 'loading', samples: [], errors: [], warnings: [], ms: 0, envelopes: [] });
  const gen = useRef(0);
  const key = exprs.join('\u0000');
  useEffect(() => {
    const r = resolve(range);
    if (!r) {
      setRes((p) => ({ ...p, state: 'error', errors: [`invalid time range ${range.from} to ${range.to}`] }));
      return;
    }
    if (exprs.length === 0) return;
    const my = ++gen.current;
    void runInstant(client, exprs, r.end).then((out) => {
      if (gen.current === my) setRes(out);
    });
  }, [client, key, range.from, range.to, tick]); // eslint-disable-line react-hooks/exhaustive-deps
  return res;
}

/** useWidth follows an element's width. */
export function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    setW(el.clientWidth);
    const ro = new ResizeObserver(() => setW((old) => (Math.abs(old - el.clientWidth) > 40 ? el.clientWidth : old)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}
