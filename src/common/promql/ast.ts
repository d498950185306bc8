/**
 * The PromQL abstract syntax tree, after Prometheus's promql/parser/ast.go.
 *
 * The tree is closed: Expr is a discriminated union on `kind`, so the engine and the printer
 * switch exhaustively. Every node carries its source position range. The engine receives an Expr
 * produced by parseExpr (which also runs the type check) and never sees tokens.
 *
 * Node types are listed in alphabetical order after the shared definitions.
 */
import type { Matcher } from '../model/matcher';

/** PositionRange is a half-open [start, end) range of UTF-16 offsets into the query text. */
export interface PositionRange {
  start: number;
  end: number;
}

/** ValueType is the type a PromQL expression evaluates to. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/**
 * Binary operators in Prometheus's spelling. `</` and `>/` (added by the parser helper) are
 * v3.14's native-histogram trim operators TRIM_UPPER and TRIM_LOWER; they sit at the comparison
 * operators' precedence but are not comparisons (no `bool`, no filtering).
 */
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '^' | 'atan2'
  | '==' | '!=' | '>' | '<' | '>=' | '<='
  | '</' | '>/'
  | 'and' | 'or' | 'unless';

/** Aggregation operators. */
export type AggregateOp =
  | 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar'
  | 'topk' | 'bottomk' | 'count_values' | 'quantile' | 'limitk' | 'limit_ratio';

/** Unary operators. */
export type UnaryOp = '+' | '-';

/** StartOrEnd is the `@ start()` / `@ end()` preprocessor form. */
export type StartOrEnd = 'start' | 'end' | null;

/** Cardinality of a vector matching. */
export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/**
 * VectorMatching describes how the series of two vector operands are paired.
 * `on` true means `matchingLabels` lists the labels to match on; false means "ignoring" them.
 * `include` lists the extra labels of group_left/group_right.
 */
export interface VectorMatching {
  card: VectorMatchCardinality;
  matchingLabels: string[];
  on: boolean;
  include: string[];
  /**
   * fill() modifiers (experimental): value to use for a missing left/right operand side. The
   * parser sets this field only when a fill(), fill_left() or fill_right() modifier was written;
   * a side without a fill value is null.
   */
  fillValues?: { lhs: number | null; rhs: number | null };
}

/**
 * DurationExpr is an experimental duration expression (`[5m * 2]`, `offset (1h + step())`),
 * evaluated before the query runs. Plain durations are stored as numbers (ms) instead.
 *
 * Mapping from Prometheus's DurationExpr (documented by the parser helper):
 *  - DurationLiteral is a NumberLiteral operand: `val` is its value in seconds exactly as
 *    Prometheus holds it (a plain number like `2` in `[1m * 2]` is also seconds-valued, and
 *    arithmetic is done on these values), `ms` is `val * 1000` (not rounded), and `duration`
 *    tells whether it was written as a duration (`5m`) or as a number (`300`), for printing.
 *  - DurationUnary is a unary minus (Prometheus drops a unary plus, so op is always '-').
 *  - DurationCall `step()`/`range()` take no args; `min`/`max` are PromQL's `min_of(a, b)` and
 *    `max_of(a, b)` with two args.
 *  - DurationParen is Prometheus's `Wrapped` flag: parentheses kept for printing. It is only
 *    produced around non-literal expressions, never nested, and its pos is the inner expression's.
 */
export type DurationExpr =
  | { kind: 'DurationLiteral'; ms: number; val: number; duration: boolean; pos: PositionRange }
  | { kind: 'DurationBinary'; op: '+' | '-' | '*' | '/' | '%' | '^'; lhs: DurationExpr; rhs: DurationExpr; pos: PositionRange }
  | { kind: 'DurationUnary'; op: '+' | '-'; expr: DurationExpr; pos: PositionRange }
  | { kind: 'DurationCall'; func: 'step' | 'range' | 'min' | 'max'; args: DurationExpr[]; pos: PositionRange }
  | { kind: 'DurationParen'; expr: DurationExpr; pos: PositionRange };

/** AggregateExpr is an aggregation over a vector, with by/without grouping. */
export interface AggregateExpr {
  kind: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  /** param is the k of topk/bottomk/limitk, the phi of quantile, the label of count_values, the ratio of limit_ratio. */
  param: Expr | null;
  grouping: string[];
  without: boolean;
  pos: PositionRange;
}

/** BinaryExpr is `lhs op rhs`. */
export interface BinaryExpr {
  kind: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  /** matching is set when both sides are vectors (and for set operators). */
  matching: VectorMatching | null;
  /** returnBool is the `bool` modifier of comparison operators. */
  returnBool: boolean;
  pos: PositionRange;
}

/** Call is a function call; `func` is the signature from the functions table. */
export interface Call {
  kind: 'Call';
  func: FunctionSignature;
  args: Expr[];
  pos: PositionRange;
}

/** MatrixSelector is `vector_selector[range]`. */
export interface MatrixSelector {
  kind: 'MatrixSelector';
  vectorSelector: VectorSelector;
  /** range in ms (after duration expressions are evaluated). */
  range: number;
  rangeExpr: DurationExpr | null;
  pos: PositionRange;
}

/** SubqueryExpr is `expr[range:step]`. */
export interface SubqueryExpr {
  kind: 'SubqueryExpr';
  expr: Expr;
  range: number;
  rangeExpr: DurationExpr | null;
  /** step in ms; 0 means "use the default evaluation interval". */
  step: number;
  stepExpr: DurationExpr | null;
  /** originalOffset is the offset as written; offset is the effective one (after @ handling). */
  originalOffset: number;
  offset: number;
  offsetExpr: DurationExpr | null;
  /** timestamp is the `@` time in ms, or null. */
  timestamp: number | null;
  startOrEnd: StartOrEnd;
  pos: PositionRange;
}

/** NumberLiteral is a float literal (also durations used as numbers, e.g. `1m` → 60). */
export interface NumberLiteral {
  kind: 'NumberLiteral';
  val: number;
  /** duration is true when the literal was written as a duration. */
  duration?: boolean;
  pos: PositionRange;
}

/** ParenExpr is `(expr)`. */
export interface ParenExpr {
  kind: 'ParenExpr';
  expr: Expr;
  pos: PositionRange;
}

/**
 * StringLiteral is a quoted string. Go strings are bytes: a byte that is not valid UTF-8 (from
 * `"\xff"`) is kept as the lone surrogate U+DC80+byte (see gostrings.ts); goQuote prints it back.
 */
export interface StringLiteral {
  kind: 'StringLiteral';
  val: string;
  pos: PositionRange;
}

/** UnaryExpr is `-expr` or `+expr`. */
export interface UnaryExpr {
  kind: 'UnaryExpr';
  op: UnaryOp;
  expr: Expr;
  pos: PositionRange;
}

/** StepInvariantExpr wraps a subtree that gives the same result at every step (engine preprocessing). */
export interface StepInvariantExpr {
  kind: 'StepInvariantExpr';
  expr: Expr;
  pos: PositionRange;
}

/**
 * VectorSelector is `name{matchers} offset d @ t`. `matchers` includes the `__name__` matcher
 * when a name was written. The experimental `anchored`/`smoothed` modifiers apply to range use.
 */
export interface VectorSelector {
  kind: 'VectorSelector';
  name: string;
  matchers: Matcher[];
  originalOffset: number;
  offset: number;
  offsetExpr: DurationExpr | null;
  timestamp: number | null;
  startOrEnd: StartOrEnd;
  anchored: boolean;
  smoothed: boolean;
  /** Set by the engine when it needs to skip the name-based histogram bypass; parser leaves false. */
  bypassEmptyMatcherCheck?: boolean;
  pos: PositionRange;
}

/** Expr is any PromQL expression. */
export type Expr =
  | AggregateExpr
  | BinaryExpr
  | Call
  | MatrixSelector
  | NumberLiteral
  | ParenExpr
  | StepInvariantExpr
  | StringLiteral
  | SubqueryExpr
  | UnaryExpr
  | VectorSelector;

/**
 * FunctionSignature declares a function once, as data (Prometheus's parser.Function).
 * `variadic`: 0 = fixed arity; n > 0 = up to n optional trailing args of the last type;
 * -1 = unlimited trailing args.
 */
export interface FunctionSignature {
  name: string;
  argTypes: ValueType[];
  variadic: number;
  returnType: ValueType;
  experimental: boolean;
}

/** typeOf returns the value type of an expression (Prometheus's Expr.Type()). */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'AggregateExpr':
      return 'vector';
    case 'BinaryExpr':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return e.func.returnType;
    case 'MatrixSelector':
      return 'matrix';
    case 'NumberLiteral':
      return 'scalar';
    case 'ParenExpr':
      return typeOf(e.expr);
    case 'StepInvariantExpr':
      return typeOf(e.expr);
    case 'StringLiteral':
      return 'string';
    case 'SubqueryExpr':
      return 'matrix';
    case 'UnaryExpr':
      return typeOf(e.expr);
    case 'VectorSelector':
      return 'vector';
  }
}

/** children returns the direct sub-expressions of e, in source order. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'AggregateExpr':
      return e.param ? [e.param, e.expr] : [e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return e.args;
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'ParenExpr':
    case 'StepInvariantExpr':
    case 'SubqueryExpr':
    case 'UnaryExpr':
      return [e.expr];
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return [];
  }
}

/** isComparisonOp reports whether op is a comparison operator. */
export function isComparisonOp(op: BinaryOp): boolean {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';
}

/** isSetOp reports whether op is a set operator (and, or, unless). */
export function isSetOp(op: BinaryOp): boolean {
  return op === 'and' || op === 'or' || op === 'unless';
}
