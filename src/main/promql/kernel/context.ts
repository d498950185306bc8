/**
 * Per-query evaluation state shared by all (sub-)evaluators of one query: limits, deadline,
 * cancellation, annotations, the querier and the lazily selected series of each selector.
 */
import type { Matcher } from '../../../common/model/matcher';
import type { VectorSelector } from '../../../common/promql/ast';
import type { Querier, Queryable, SelectHints } from '../../storage/interface';
import { QueryError } from '../value';
import { Annotations } from './annotations';
import type { FunctionTable } from './helper';
import type { SeriesSource } from './types';

/** EvalOptions are the engine settings one evaluation uses. */
export interface EvalOptions {
  maxSamples: number;
  lookbackDelta: number;
  noStepSubqueryInterval: number;
  enableDelayedNameRemoval: boolean;
  enableTypeAndUnitLabels: boolean;
  enableStartTimestamps: boolean;
  /** functions is the function implementation table calls are dispatched through. */
  functions: FunctionTable;
}

/** QueryStatsCounter accumulates sample statistics for stats=all. */
export interface QueryStatsCounter {
  totalSamples: number;
  peakSamples: number;
  /** perStep counts the samples read at each step of the query (stats=all), or is null. */
  perStep: Float64Array | null;
}

/** execError builds the typed error of a failed evaluation (errorType "execution"). */
export function execError(message: string): QueryError {
  return new QueryError('execution', message);
}

/** tooManySamples is ErrTooManySamples("query execution"). */
export function tooManySamples(): QueryError {
  return new QueryError('execution', 'query processing would load too many samples into memory in query execution');
}

/** QueryContext is the state shared by the evaluators of one query. */
export class QueryContext {
  readonly opts: EvalOptions;
  readonly annos = new Annotations();
  readonly stats: QueryStatsCounter = { totalSamples: 0, peakSamples: 0, perStep: null };
  private readonly deadline: number;
  private readonly signal: AbortSignal | undefined;
  private readonly queryable: Queryable;
  private readonly mint: number;
  private readonly maxt: number;
  private querierInst: Querier | null = null;
  /** hints holds the select hints computed for each selector before evaluation. */
  readonly hints = new Map<VectorSelector, SelectHints>();
  private readonly expanded = new Map<VectorSelector, SeriesSource[]>();
  private tick = 0;
  /** queryStart/queryEnd/queryStep (ms) are the query's range, for start(), end(), range(), step(). */
  queryStart = 0;
  queryEnd = 0;
  queryStep = 0;

  constructor(opts: EvalOptions, queryable: Queryable, mint: number, maxt: number, deadline: number, signal?: AbortSignal) {
    this.opts = opts;
    this.queryable = queryable;
    this.mint = mint;
    this.maxt = maxt;
    this.deadline = deadline;
    this.signal = signal;
  }

  /** querier opens (once) the querier over the query's time range. */
  querier(): Querier {
    if (this.querierInst === null) this.querierInst = this.queryable.querier(this.mint, this.maxt);
    return this.querierInst;
  }

  /** close releases the querier. */
  close(): void {
    if (this.querierInst !== null) {
      this.querierInst.close();
      this.querierInst = null;
    }
  }

  /**
   * check throws the typed timeout or cancellation error when the query must stop
   * (Prometheus's contextDone, checked between series and steps).
   */
  check(): void {
    if ((++this.tick & 63) !== 0) return;
    this.checkNow();
  }

  /** checkNow is check without the sampling of the clock. */
  checkNow(): void {
    if (this.signal?.aborted) throw new QueryError('canceled', 'query was canceled in expression evaluation');
    if (Date.now() > this.deadline) throw new QueryError('timeout', 'query timed out in expression evaluation');
  }

  /** countSamples records n samples read at evaluation time ts (for stats). */
  countSamples(ts: number, n: number): void {
    this.stats.totalSamples += n;
    const ps = this.stats.perStep;
    if (ps === null) return;
    const step = this.queryStep === 0 ? 0 : Math.round((ts - this.queryStart) / this.queryStep);
    if (step >= 0 && step < ps.length) ps[step] += n;
  }

  /** select returns the series a selector matches (selected once per query, like populateSeries). */
  series(vs: VectorSelector): SeriesSource[] {
    let s = this.expanded.get(vs);
    if (s !== undefined) return s;
    s = this.selectWith(this.hints.get(vs) ?? null, vs.matchers);
    this.expanded.set(vs, s);
    return s;
  }

  /** selectWith runs a select on the querier and records its warnings. */
  selectWith(hints: SelectHints | null, matchers: readonly Matcher[]): SeriesSource[] {
    let set;
    try {
      set = this.querier().select(false, hints, matchers);
    } catch (e) {
      if (e instanceof QueryError) throw e;
      throw new QueryError('internal', `expanding series: ${(e as Error).message}`);
    }
    for (const w of set.warnings) this.annos.warn(w);
    return set.series as SeriesSource[];
  }
}
