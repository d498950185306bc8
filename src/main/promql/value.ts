/**
 * The public contract of the PromQL engine: result values, options and typed errors
 * (Prometheus's promql/value.go and the EngineOpts / errors of engine.go).
 */
import type { Labels } from '../../common/model/labels';
import type { FloatHistogram } from '../../common/model/histogram';
import type { Queryable } from '../storage/interface';

/** FPoint is one float point of a series. */
export interface FPoint {
  t: number;
  f: number;
}

/** HPoint is one native-histogram point of a series. */
export interface HPoint {
  t: number;
  h: FloatHistogram;
}

/** Sample is one element of an instant vector: a float, or a histogram when h is non-null. */
export interface Sample {
  metric: Labels;
  t: number;
  f: number;
  h: FloatHistogram | null;
}

/** MatrixSeries is one series of a range result. */
export interface MatrixSeries {
  metric: Labels;
  floats: FPoint[];
  histograms: HPoint[];
}

/** Value is a query result: Prometheus's four result types. */
export type Value =
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string }
  | { type: 'vector'; samples: Sample[] }
  | { type: 'matrix'; series: MatrixSeries[] };

/** QueryLogEntry is what the query log gets per query: Prometheus's params, stats and error fields. */
export interface QueryLogEntry {
  params: { end: string; query: string; start: string; step: number };
  error?: string;
  stats: QueryStats;
}

/** QueryLogger receives an entry for every query the engine has run. */
export type QueryLogger = (entry: QueryLogEntry) => void;

/** QueryStats is returned with stats=all (timings in seconds, samples counted as Prometheus does). */
export interface QueryStats {
  timings: {
    evalTotalTime: number;
    resultSortTime: number;
    queryPreparationTime: number;
    innerEvalTime: number;
    execQueueTime: number;
    execTotalTime: number;
  };
  samples: {
    totalQueryableSamples: number;
    peakSamples: number;
    totalQueryableSamplesPerStep?: [number, number][];
  };
}

/** QueryResult is what an executed query returns. */
export interface QueryResult {
  value: Value;
  /**
   * Annotation texts as Prometheus renders them ("PromQL warning: ..." / "PromQL info: ..."): for
   * instantQuery/rangeQuery (which have the query text) as its HTTP API does, with ` (line:col)`
   * of the expression concerned and at most 10 of each kind; bare texts from execExpr.
   */
  warnings: string[];
  infos: string[];
  stats: QueryStats | null;
}

/** ErrorType is the API's errorType for a failed query. */
export type ErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'not_found' | 'unavailable';

/**
 * QueryError is the engine's typed error. `positions` (query-text offsets) is set for parse errors so
 * the UI can underline the place.
 */
export class QueryError extends Error {
  readonly errorType: ErrorType;
  readonly position: { start: number; end: number } | null;
  constructor(errorType: ErrorType, message: string, position: { start: number; end: number } | null = null) {
    super(message);
    this.name = 'QueryError';
    this.errorType = errorType;
    this.position = position;
  }
}

/** EngineOpts configure an engine; limits raise typed QueryErrors. */
export interface EngineOpts {
  /** maxSamples is the most samples a query may hold in memory at once (Prometheus default 50,000,000). */
  maxSamples: number;
  /** timeoutMs bounds one query's evaluation (default 120,000). */
  timeoutMs: number;
  /** lookbackDeltaMs is how far an instant selector looks back (default 300,000). */
  lookbackDeltaMs: number;
  /** noStepSubqueryIntervalMs is the default subquery step when none is written (default 60,000). */
  noStepSubqueryIntervalMs: number;
  enableAtModifier: boolean;
  enableNegativeOffset: boolean;
  /** enableDelayedNameRemoval: drop __name__ at the end of evaluation rather than per operation. */
  enableDelayedNameRemoval: boolean;
  /** enableExperimentalFunctions and the experimental parser features the conformance run turns on. */
  enableExperimentalFunctions: boolean;
  enableDurationExpressions: boolean;
  enableExtendedRangeSelectors: boolean;
  enableBinopFillModifiers: boolean;
  enableTypeAndUnitLabels: boolean;
  enableStartTimestamps: boolean;
}

/** QueryOpts are per-query overrides. */
export interface QueryOpts {
  lookbackDeltaMs?: number;
  timeoutMs?: number;
  /** stats: include QueryStats; 'all' also per-step samples. */
  stats?: boolean | 'all';
  signal?: AbortSignal;
}

/** PromQLEngine evaluates query strings against a Queryable. */
export interface PromQLEngine {
  instantQuery(q: Queryable, query: string, timeMs: number, opts?: QueryOpts): Promise<QueryResult>;
  rangeQuery(q: Queryable, query: string, startMs: number, endMs: number, stepMs: number, opts?: QueryOpts): Promise<QueryResult>;
}
