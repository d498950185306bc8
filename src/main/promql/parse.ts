/**
 * The engine's binding to the PromQL parser in src/common/promql: parseQueryExpr adapts parseExpr to
 * the engine's ExprParser contract.
 */
import type { Matcher } from '../../common/model/matcher';
import type { Expr } from '../../common/promql/ast';
import { parseExpr, parseMetricSelector } from '../../common/promql';
import type { ParserFlags } from './engine';

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
