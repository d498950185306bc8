/**
 * The engine's binding to the PromQL parser in src/common/promql: the experimental features a
 * query may use, and parseQueryExpr, which adapts parseExpr to the engine's ExprParser contract.
 */
import type { Matcher } from '../../common/model/matcher';
import type { Expr } from '../../common/promql/ast';
import { parseExpr, parseMetricSelector } from '../../common/promql';

/** ParserFlags are the experimental parser features the engine enables per its options. */
export interface ParserFlags {
  enableExperimentalFunctions: boolean;
  enableDurationExpressions: boolean;
  enableExtendedRangeSelectors: boolean;
  enableBinopFillModifiers: boolean;
}

/**
 * ExprParser parses a query into a type-checked AST, throwing an error (a ParseError with a
 * position for syntax and type errors) when the query is invalid.
 */
export type ExprParser = (query: string, flags: ParserFlags) => Expr;

/** parseQueryExpr parses a query with the given experimental features enabled. */
export function parseQueryExpr(query: string, flags: ParserFlags): Expr {
  return parseExpr(query, {
    enableExperimentalFunctions: flags.enableExperimentalFunctions,
    enableDurationExpressions: flags.enableDurationExpressions,
    enableExtendedRangeSelectors: flags.enableExtendedRangeSelectors,
    enableBinopFillModifiers: flags.enableBinopFillModifiers,
  });
}

/** parseSelector parses a metric selector such as `up{job="x"}` into matchers. */
export function parseSelector(input: string): Matcher[] {
  return parseMetricSelector(input);
}
