/**
 * Vigil's PromQL front end (pure TypeScript): the parser, its AST, the function signature table,
 * the printer and prettifier, the parse_query JSON translation, and the series-description
 * language of the test scripts. Everything matches Prometheus v3.14.
 */
export * from './ast';
export { ParseError, ParseErrors, startPosInput } from './errors';
export { type Item, type ItemType, KEYWORDS, T as ItemTypes, itemDesc, itemTypeString } from './items';
export { Lexer } from './lexer';
export { FUNCTION_LIST, FUNCTIONS, getFunction } from './functions';
export { ALL_PARSER_FEATURES, MAX_NESTING_DEPTH, type ParserOptions, parseExpr, parseMetricSelector, parseMetricSelectors } from './parser';
export { checkAST, documentedType } from './check';
export { durationExprString, exprToString, matcherString, prettify, shortString, MAX_CHARACTERS_PER_LINE } from './printer';
export { type JSONValue, translateAST } from './json';
export {
  type SeriesDesc,
  type SeriesDescOptions,
  type SequenceValue,
  type StartTimestampLine,
  StartTimestampError,
  isStartTimestampLine,
  parseSeriesDesc,
  parseStartTimestampLine,
} from './seriesdesc';
export { addHistograms, copyHistogram, CUSTOM_BUCKETS_SCHEMA } from './histogram_ops';
