/**
 * EvalHost: the evaluator as the modules it delegates to see it (aggregations, label functions,
 * info(), selectors, range functions, subqueries), so that they need not import the evaluator.
 */
import type { Expr, PositionRange, VectorMatching } from '../../../common/promql/ast';
import type { QueryContext } from './context';
import type { EvalNodeHelper } from './helper';
import type { EMatrix, EVector } from './types';

/** RangeEvalFn is called once per step by rangeEval with the gathered input vectors (and their signatures when matching). */
export type RangeEvalFn = (vectors: EVector[], sigs: number[][] | null, enh: EvalNodeHelper) => EVector;

/**
 * EvalHost is the part of the evaluator that the modules it delegates to use (an interface, so
 * that those modules do not depend on the evaluator module itself): the step grid, the sample
 * count against the limit, and evaluation of sub-expressions.
 */
export interface EvalHost {
  readonly ctx: QueryContext;
  /** start, end and interval (ms) are the step grid: every step ts = start + k * interval <= end. */
  readonly start: number;
  readonly end: number;
  readonly interval: number;
  /** currentSamples is the number of samples in memory (max-samples accounting). */
  currentSamples: number;
  /** numSteps is the number of evaluation steps. */
  numSteps(): number;
  /** addSamples counts n more samples in memory and enforces the limit. */
  addSamples(n: number): void;
  /** newEnh returns a node helper whose annotations refer to pos. */
  newEnh(pos?: PositionRange | null): EvalNodeHelper;
  evalMatrix(e: Expr): EMatrix;
  /** rangeEval evaluates exprs, then calls fn once per step with the vectors at that step. */
  rangeEval(matching: VectorMatching | null, fn: RangeEvalFn, exprs: readonly Expr[], pos?: PositionRange | null): EMatrix;
  mergeSeriesWithSameLabelset(mat: EMatrix): EMatrix;
}
