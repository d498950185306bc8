/**
 * Running Explore's queries: range queries for the Graph and JSON views (the shared range, the
 * step from the chart's width, aligned to the step as dashboards do), an instant query at the
 * range's end for the Table view, through panels/run.ts (the typed client, the page-wide
 * concurrency bound). A newer run supersedes one still in flight; `running` says one is.
 */
import { useEffect, useRef, useState } from 'react';
import type { VigilClient } from '../../../common/ipc/client';
import { resolve, stepFor, type TimeRange } from '../../app/time';
import { runInstant, runRange, type InstantResult, type RangeResult } from '../../panels/run';
import type { View } from './state';

/** RunQuery is a query as it ran: its text and its index in the panel. */
export interface RunQuery {
  expr: string;
  index: number;
}

export type RangeRun = RangeResult & { queries: RunQuery[] };
export type InstantRun = InstantResult & { queries: RunQuery[]; time: number };

export interface ExploreRun {
  running: boolean;
  range: RangeRun | null;
  instant: InstantRun | null;
  /** invalid says why nothing ran (a bad time range). */
  invalid: string;
}

/** alignedRange is the [start, end] and step a range query uses for range r drawn width px wide. */
export function alignedRange(range: TimeRange, width: number, nowMs = Date.now()): { start: number; end: number; step: number } | null {
  const r = resolve(range, nowMs);
  if (!r) return null;
  const step = stepFor(r.end - r.start, width);
  return { start: Math.ceil(r.start / step) * step, end: Math.floor(r.end / step) * step, step };
}

/** instantTime is the time of the Table's instant query: the range's end, in whole milliseconds. */
export function instantTime(range: TimeRange, nowMs = Date.now()): number | null {
  const r = resolve(range, nowMs);
  return r ? Math.round(r.end * 1000) / 1000 : null;
}

export async function rangeRun(client: VigilClient, queries: RunQuery[], range: TimeRange, width: number): Promise<RangeRun | null> {
  const a = alignedRange(range, width);
  if (!a) return null;
  const out = await runRange(
    client,
    queries.map((q) => q.expr),
    a.start,
    a.end,
    a.step,
  );
  return { ...out, queries };
}

export async function instantRun(client: VigilClient, queries: RunQuery[], range: TimeRange): Promise<InstantRun | null> {
  const t = instantTime(range);
  if (t === null) return null;
  const out = await runInstant(
    client,
    queries.map((q) => q.expr),
    t,
  );
  return { ...out, queries, time: t };
}

/** useExplore runs the queries the view needs whenever they, the range, the width or tick change. */
export function useExplore(client: VigilClient, queries: RunQuery[], view: View, range: TimeRange, width: number, tick: number): ExploreRun {
  const [state, setState] = useState<ExploreRun>({ running: false, range: null, instant: null, invalid: '' });
  const gen = useRef(0);
  const key = JSON.stringify(queries);
  useEffect(() => {
    if (!resolve(range)) {
      setState((s) => ({ ...s, running: false, invalid: `invalid time range ${range.from} to ${range.to}` }));
      return;
    }
    const my = ++gen.current;
    if (queries.length === 0) {
      setState({ running: false, range: null, instant: null, invalid: '' });
      return;
    }
    if (view === 'table') {
      setState((s) => ({ ...s, running: true, invalid: '' }));
      void instantRun(client, queries, range).then((out) => {
        if (gen.current === my) setState((s) => ({ ...s, running: false, instant: out }));
      });
      return;
    }
    if (width <= 0) return;
    setState((s) => ({ ...s, running: true, invalid: '' }));
    void rangeRun(client, queries, range, width).then((out) => {
      if (gen.current === my) setState((s) => ({ ...s, running: false, range: out }));
    });
  }, [client, key, view, range.from, range.to, width, tick]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}
