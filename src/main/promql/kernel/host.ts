/**
 * EvalHost: the evaluator as the modules it delegates to see it (aggregations, label functions,
 * info(), selectors, range functions, subqueries), so that they need not import the evaluator.
 */
import type { Expr, PositionRange } from '../../../common/promql/ast';
import type { QueryContext } from './context';
import type { EvalNodeHelper } from './helper';
import type { EMatrix, SeriesSource } from './types';

/**
 * EvalHost is the part of the evaluator that aggregations, label functions and info() use (an
 * interface, so that those modules do not depend on the evaluator module itself).
 */
export interface EvalHost {
  readonly ctx: QueryContext;
  readonly start: number;
  readonly end: number;
  readonly interval: number;
  currentSamples: number;
  /** newEnh returns a node helper whose annotations refer to pos. */
  newEnh(pos?: PositionRange | null): EvalNodeHelper;
  evalMatrix(e: Expr): EMatrix;
  evalSeries(series: readonly SeriesSource[], offset: number, recordOrigT: boolean): EMatrix;
  mergeSeriesWithSameLabelset(mat: EMatrix): EMatrix;
}
