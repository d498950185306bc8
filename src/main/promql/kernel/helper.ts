/**
 * EvalNodeHelper carries per-node state and caches across the steps of one node's evaluation
 * (Prometheus's EvalNodeHelper), plus the contract between the evaluator and the functions: the
 * types of function implementations and of the function table.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import type { Labels } from '../../../common/model/labels';
import type { Expr, PositionRange } from '../../../common/promql/ast';
import type { Annotations } from './annotations';
import type { EVector, ESample, RangeWindow } from './types';

/** EvalNodeHelper is passed to every function call and binary operation step. */
export class EvalNodeHelper {
  /** ts is the evaluation timestamp (ms) of the current step. */
  ts = 0;
  /** out is a fresh output vector a function may append to and return. */
  out: EVector = [];
  readonly annos: Annotations;
  /**
   * pos is the position annotations of this node refer to (Prometheus passes the node's or its
   * first argument's PositionRange): a binary expression, a call's first argument, an
   * aggregation's inner expression. Sites that refer to another node pass that position to annos.
   */
  pos: PositionRange | null = null;
  readonly enableDelayedNameRemoval: boolean;
  readonly enableTypeAndUnitLabels: boolean;

  /** Range-function output: set outF (or outH for a histogram) and return true. */
  outF = 0;
  outH: FloatHistogram | null = null;

  /** Matrix-selector context of a range-function call (range, offset, modifiers), in ms. */
  rangeMs = 0;
  offsetMs = 0;
  anchored = false;
  smoothed = false;

  /** Binary vector matching caches. */
  numSigs = 0;
  rightSigs: Map<number, ESample> = new Map();
  matchedSigs: Map<number, Set<string> | null> = new Map();
  resultMetric: Map<Labels, Map<Labels, Labels>> = new Map();

  /** queryStart/queryEnd/queryStep are the query's own range (for start(), end(), range(), step()). */
  queryStart = 0;
  queryEnd = 0;
  queryStep = 0;

  /** cache is free for functions that keep state across steps (e.g. classic-histogram grouping). */
  cache: Map<string, unknown> = new Map();

  constructor(annos: Annotations, enableDelayedNameRemoval: boolean, enableTypeAndUnitLabels: boolean) {
    this.annos = annos;
    this.enableDelayedNameRemoval = enableDelayedNameRemoval;
    this.enableTypeAndUnitLabels = enableTypeAndUnitLabels;
  }

  /** warn adds a warning about this node (at pos). */
  warn(text: string): void {
    this.annos.warn(text, this.pos);
  }

  /** info adds an info about this node (at pos). */
  info(text: string): void {
    this.annos.info(text, this.pos);
  }
}

/**
 * InstantFunction implements a function over instant vectors and scalars. vals[i] is the value of
 * argument i at this step (a scalar is a one-sample vector; string arguments are empty vectors,
 * read them from args). It returns the output vector (usually enh.out). Input samples must not be
 * mutated.
 */
export type InstantFunction = (vals: EVector[], args: readonly Expr[], enh: EvalNodeHelper) => EVector;

/**
 * RangeFunction implements a function whose argument is a range vector, called once per series and
 * step with the points of the window. scalars holds the values of the other (scalar) arguments in
 * argument order. It sets enh.outF or enh.outH and returns true when it produced a value.
 */
export type RangeFunction = (w: RangeWindow, scalars: number[], args: readonly Expr[], enh: EvalNodeHelper) => boolean;

/** FunctionImpl is one entry of the function implementation table. */
export type FunctionImpl =
  | { kind: 'instant'; fn: InstantFunction }
  | { kind: 'range'; fn: RangeFunction }
  /** special functions are evaluated by the evaluator itself (label_replace, label_join, info, ...). */
  | { kind: 'special' };

/** FunctionTable maps every PromQL function name to its implementation (functions/index.ts builds it). */
export type FunctionTable = Readonly<Record<string, FunctionImpl>>;
