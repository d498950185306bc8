/**
 * The PromQL parser: hand-written recursive descent with precedence climbing, producing the AST of
 * ast.ts with the same shape, positions and error messages as Prometheus v3.14's goyacc parser
 * (promql/parser/generated_parser.y and parse.go).
 *
 * Matching a generated LALR parser by hand comes down to three rules, applied throughout:
 *  - Precedence: `or` < `and`/`unless` < comparisons (and the trim operators `</`, `>/`) < `+ -`
 *    < `* / % atan2` < `^` (right-associative). A unary sign binds like `*`, so its operand is a
 *    `^` chain: `-2^2` is `-(2^2)`. Postfix modifiers (`[...]`, `offset`, `@`, `anchored`,
 *    `smoothed`) bind to the nearest operand, tighter than any operator.
 *  - Error messages: the yacc grammar has "error" productions that name a context (`in
 *    aggregation`, `in grouping opts, expected label`, ...). The innermost such production whose
 *    state is still on the LR stack catches a syntax error. The parser keeps the same contexts on
 *    a stack of frames (pushFrame/popFrame) and reports with the innermost one.
 *  - Lookahead: the lexer is pulled lazily, one item ahead, exactly when the LR parser would read
 *    a lookahead token. Prometheus derives some end positions from the last closing token lexed so
 *    far (lastClosing), so this keeps positions and the order of errors identical.
 *
 * Semantic errors (unknown function, offset set twice, ...) are collected and parsing goes on; a
 * syntax error stops the parse. Like Prometheus, the type check (check.ts) runs only when there
 * were no errors at all.
 */
import {
  type AggregateExpr,
  type AggregateOp,
  type BinaryExpr,
  type BinaryOp,
  type Call,
  type DurationExpr,
  type Expr,
  type MatrixSelector,
  type NumberLiteral,
  type PositionRange,
  type SubqueryExpr,
  type VectorMatchCardinality,
  type VectorSelector,
} from './ast';
import { checkAST } from './check';
import { ParseError, ParseErrors } from './errors';
import { getFunction } from './functions';
import { durationSeconds, parseModelDuration, secondsToMs } from '../model/time';
import { goRound } from '../util/go/math';
import { GoNumberError, GoUnquoteError, formatFloatFixed, goParseNumber, goQuote, goUnquote } from '../util/go/strconv';
import { isValidUTF8 } from '../util/go/utf8';
import {
  type Item,
  type ItemType,
  Lexer,
  T as ITEM_TYPES,
  isAggregator,
  isAggregatorWithParam,
  isExperimentalAggregator,
  itemDesc,
  itemTypeString,
} from './lexer';
import { Matcher, type MatchType } from '../model/matcher';
import { re2SyntaxError } from './re2syntax';

/** T is a module-local alias of the item types (one binding lookup, not one per use). */
const T = ITEM_TYPES;

/**
 * ParserOptions switches the experimental parts of the language, each off by default as in
 * Prometheus. The conformance run enables all of them (ALL_PARSER_FEATURES).
 */
export interface ParserOptions {
  /** enableExperimentalFunctions allows experimental functions and the limitk/limit_ratio aggregators. */
  enableExperimentalFunctions?: boolean;
  /** enableDurationExpressions allows arithmetic, step(), range(), min_of() and max_of() in durations. */
  enableDurationExpressions?: boolean;
  /** enableExtendedRangeSelectors allows the `anchored` and `smoothed` modifiers. */
  enableExtendedRangeSelectors?: boolean;
  /** enableBinopFillModifiers allows fill(), fill_left() and fill_right() on binary operators. */
  enableBinopFillModifiers?: boolean;
  /** enableTypeAndUnitLabels is accepted for symmetry with the engine; it does not change parsing. */
  enableTypeAndUnitLabels?: boolean;
}

/** ALL_PARSER_FEATURES enables every experimental parser feature (what the conformance scripts assume). */
export const ALL_PARSER_FEATURES: Readonly<Required<ParserOptions>> = Object.freeze({
  enableExperimentalFunctions: true,
  enableDurationExpressions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
  enableTypeAndUnitLabels: true,
});

/** ParseAbort unwinds the parser after a syntax error has been recorded (internal). */
export class ParseAbort {
  readonly abort = true;
}

interface Frame {
  context: string;
  expected: string;
}

interface BinModifiers {
  returnBool: boolean;
  card: VectorMatchCardinality;
  matchingLabels: string[];
  on: boolean;
  include: string[];
  fillLhs: number | null;
  fillRhs: number | null;
}

const PREC_OR = 1;
const PREC_AND = 2;
const PREC_CMP = 3;
const PREC_ADD = 4;
const PREC_MUL = 5;
const PREC_POW = 6;

function binaryPrec(t: ItemType): number {
  switch (t) {
    case T.LOR:
      return PREC_OR;
    case T.LAND:
    case T.LUNLESS:
      return PREC_AND;
    case T.EQLC:
    case T.GTE:
    case T.GTR:
    case T.LSS:
    case T.LTE:
    case T.NEQ:
    case T.TRIM_UPPER:
    case T.TRIM_LOWER:
      return PREC_CMP;
    case T.ADD:
    case T.SUB:
      return PREC_ADD;
    case T.MUL:
    case T.DIV:
    case T.MOD:
    case T.ATAN2:
      return PREC_MUL;
    case T.POW:
      return PREC_POW;
  }
  return 0;
}

function durationPrec(t: ItemType): number {
  switch (t) {
    case T.ADD:
    case T.SUB:
      return PREC_ADD;
    case T.MUL:
    case T.DIV:
    case T.MOD:
      return PREC_MUL;
    case T.POW:
      return PREC_POW;
  }
  return 0;
}

/** Tokens that may name a metric (Prometheus's metric_identifier). */
const METRIC_IDENTIFIER_TOKENS: ReadonlySet<ItemType> = new Set([
  T.AVG, T.BOTTOMK, T.BY, T.COUNT, T.COUNT_VALUES, T.FILL, T.FILL_LEFT, T.FILL_RIGHT, T.GROUP,
  T.IDENTIFIER, T.LAND, T.LOR, T.LUNLESS, T.MAX, T.METRIC_IDENTIFIER, T.MIN, T.OFFSET, T.QUANTILE,
  T.STDDEV, T.STDVAR, T.SUM, T.TOPK, T.WITHOUT, T.START, T.END, T.LIMITK, T.LIMIT_RATIO, T.STEP,
  T.RANGE, T.ANCHORED, T.SMOOTHED, T.MAX_OF, T.MIN_OF,
]);

/** Tokens that may be a label name in a grouping list (Prometheus's maybe_label). */
const MAYBE_LABEL_TOKENS: ReadonlySet<ItemType> = new Set([
  T.AVG, T.BOOL, T.BOTTOMK, T.BY, T.COUNT, T.COUNT_VALUES, T.GROUP, T.GROUP_LEFT, T.GROUP_RIGHT,
  T.FILL, T.FILL_LEFT, T.FILL_RIGHT, T.IDENTIFIER, T.IGNORING, T.LAND, T.LOR, T.LUNLESS, T.MAX,
  T.METRIC_IDENTIFIER, T.MIN, T.OFFSET, T.ON, T.QUANTILE, T.STDDEV, T.STDVAR, T.SUM, T.TOPK,
  T.START, T.END, T.ATAN2, T.LIMITK, T.LIMIT_RATIO, T.STEP, T.RANGE, T.ANCHORED, T.SMOOTHED,
  T.MAX_OF, T.MIN_OF,
]);

/** startsExpr reports whether an item can begin an expression. */
function startsExpr(t: ItemType): boolean {
  return (
    t === T.NUMBER || t === T.DURATION || t === T.STRING || t === T.LEFT_PAREN || t === T.LEFT_BRACE ||
    t === T.ADD || t === T.SUB || METRIC_IDENTIFIER_TOKENS.has(t) || isAggregator(t)
  );
}

const MATCH_OPS: ReadonlyMap<ItemType, MatchType> = new Map<ItemType, MatchType>([
  [T.EQL, '='], [T.NEQ, '!='], [T.EQL_REGEX, '=~'], [T.NEQ_REGEX, '!~'],
]);

const BINARY_OPS: ReadonlyMap<ItemType, BinaryOp> = new Map<ItemType, BinaryOp>([
  [T.ADD, '+'], [T.SUB, '-'], [T.MUL, '*'], [T.DIV, '/'], [T.MOD, '%'], [T.POW, '^'], [T.ATAN2, 'atan2'],
  [T.EQLC, '=='], [T.NEQ, '!='], [T.GTR, '>'], [T.LSS, '<'], [T.GTE, '>='], [T.LTE, '<='],
  [T.TRIM_UPPER, '</'], [T.TRIM_LOWER, '>/'], [T.LAND, 'and'], [T.LOR, 'or'], [T.LUNLESS, 'unless'],
]);

/**
 * MAX_NESTING_DEPTH bounds how deeply a query may nest (a Vigil safeguard; Prometheus has no
 * limit). Code that walks an AST recursively can rely on trees being no deeper than this.
 */
export const MAX_NESTING_DEPTH = 1000;

const MAX_INT64_FLOAT = 9223372036854775807; // float64(math.MaxInt64) rounds to 2^63.

/** durationLiteralOutOfRange reports whether seconds would overflow a Go time.Duration. */
function durationLiteralOutOfRange(v: number): boolean {
  return v > 9223372036.854775807 || v < -9223372036.854775808;
}

function itemRange(i: Item): PositionRange {
  return { start: i.pos, end: i.pos + i.val.length };
}

/** DurNode is a duration-context node: a number literal or a duration expression. */
type DurNode = NumberLiteral | DurationExpr;

function isNumberLiteral(n: DurNode | Expr): n is NumberLiteral {
  return n.kind === 'NumberLiteral';
}

/** Parser holds the state of one parse. Use parseExpr, parseMetricSelector or parseSeriesDesc. */
export class Parser {
  readonly input: string;
  readonly lex: Lexer;
  readonly opts: ParserOptions;
  private tok: Item | null = null;
  /** lastClosing is the end of the last `)`, `]`, `}`, number or duration lexed so far. */
  lastClosing = 0;
  /** lastItem is the most recently lexed item (Prometheus's yyParser.lval.item). */
  lastItem: Item = { typ: T.EOF, pos: 0, val: '' };
  readonly errors: ParseError[] = [];
  private frames: Frame[] = [];
  private depth = 0;

  constructor(input: string, opts: ParserOptions = {}, seriesDesc = false) {
    this.input = input;
    this.opts = opts;
    this.lex = new Lexer(input, seriesDesc);
  }

  // ---- token stream -------------------------------------------------------------------------

  /** peek returns the lookahead item, lexing it if needed (comments are skipped). */
  peek(): Item {
    if (this.tok) return this.tok;
    let it: Item;
    do {
      it = this.lex.nextItem();
    } while (it.typ === T.COMMENT);
    if (it.typ === T.ERROR) {
      this.addErr({ start: this.lex.start, end: this.input.length }, it.val);
    } else if (
      it.typ === T.RIGHT_BRACE ||
      it.typ === T.RIGHT_PAREN ||
      it.typ === T.RIGHT_BRACKET ||
      it.typ === T.DURATION ||
      it.typ === T.NUMBER
    ) {
      this.lastClosing = it.pos + it.val.length;
    }
    this.lastItem = it;
    this.tok = it;
    return it;
  }

  /** next consumes and returns the lookahead item. */
  next(): Item {
    const it = this.peek();
    // An error item stands for the end of input: it is never consumed.
    if (it.typ !== T.ERROR) this.tok = null;
    return it;
  }

  is(t: ItemType): boolean {
    return this.peek().typ === t;
  }

  /** expect consumes an item of type t or fails with the current error context. */
  expect(t: ItemType): Item {
    if (this.peek().typ !== t) this.fail();
    return this.next();
  }

  // ---- errors --------------------------------------------------------------------------------

  addErr(pos: PositionRange, msg: string): void {
    this.errors.push(new ParseError(pos, msg, this.input));
  }

  /** frameDepth returns the current depth of the error-context stack, for popFrame. */
  frameDepth(): number {
    return this.frames.length;
  }

  pushFrame(context: string, expected: string): number {
    this.frames.push({ context, expected });
    return this.frames.length - 1;
  }

  popFrame(depth: number): void {
    this.frames.length = depth;
  }

  /**
   * unexpected reports the lookahead item as unexpected (Prometheus's parser.unexpected), unless
   * it is a lexer error, which was reported when it was lexed.
   */
  unexpected(context: string, expected: string, item: Item = this.peek()): void {
    if (item.typ === T.ERROR) return;
    let msg = 'unexpected ' + itemDesc(item);
    if (context !== '') msg += ' in ' + context;
    if (expected !== '') msg += ', expected ' + expected;
    this.addErr(itemRange(item), msg);
  }

  /** fail reports a syntax error at the lookahead with the innermost error context and aborts. */
  fail(): never {
    const f = this.frames[this.frames.length - 1];
    this.unexpected(f ? f.context : '', f ? f.expected : '');
    throw new ParseAbort();
  }

  // ---- entry points --------------------------------------------------------------------------

  /** parseExprTop parses a whole expression and type-checks it; throws ParseErrors on any error. */
  parseExprTop(): Expr {
    let expr: Expr | null = null;
    try {
      if (this.is(T.EOF)) {
        this.addErr({ start: 0, end: 0 }, 'no expression found in input');
      } else if (!this.is(T.ERROR)) {
        expr = this.parseExpr(0);
        if (!this.is(T.EOF)) this.fail();
      }
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
    }
    if (this.errors.length === 0 && expr) checkAST(this, expr);
    if (this.errors.length > 0 || !expr) throw new ParseErrors(this.errors.length ? this.errors : [new ParseError({ start: 0, end: 0 }, 'unexpected error', this.input)]);
    return expr;
  }

  /** parseMetricSelectorTop parses `name{matchers}` (no type check, as Prometheus). */
  parseMetricSelectorTop(): Matcher[] {
    let vs: VectorSelector | null = null;
    try {
      const t = this.peek();
      if (METRIC_IDENTIFIER_TOKENS.has(t.typ)) {
        this.next();
        vs = this.parseVectorSelector(t);
      } else if (t.typ === T.LEFT_BRACE) {
        vs = this.parseVectorSelector(null);
      } else {
        this.fail();
      }
      if (!this.is(T.EOF)) this.fail();
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
    }
    if (this.errors.length > 0 || !vs) throw new ParseErrors(this.errors);
    return vs.matchers;
  }

  // ---- expressions ---------------------------------------------------------------------------

  /**
   * enter guards recursion: a query nesting deeper than MAX_NESTING_DEPTH levels gets a ParseError
   * instead of exhausting the JavaScript stack (here, or later in code that walks the tree).
   */
  private enter(extra = 0): void {
    if (++this.depth + extra > MAX_NESTING_DEPTH) {
      const t = this.peek();
      this.addErr(itemRange(t), `query nests too deeply (more than ${MAX_NESTING_DEPTH} levels)`);
      throw new ParseAbort();
    }
  }

  /** parseExpr parses operators of precedence >= minPrec (precedence climbing). */
  parseExpr(minPrec: number): Expr {
    this.enter();
    try {
      let lhs = this.parseUnary();
      for (let chain = 1; ; chain++) {
        const t = this.peek();
        const prec = binaryPrec(t.typ);
        if (prec === 0 || prec < minPrec) return lhs;
        // A left-associative chain deepens the tree without recursing here.
        if (this.depth + chain > MAX_NESTING_DEPTH) this.enter(chain);
        this.next();
        const mods = this.parseBinModifiers();
        const rhs = this.parseExpr(t.typ === T.POW ? prec : prec + 1);
        lhs = this.newBinary(lhs, t, mods, rhs);
      }
    } finally {
      this.depth--;
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.typ === T.ADD || t.typ === T.SUB) {
      this.next();
      const operand = this.parseExpr(PREC_POW);
      if (operand.kind === 'NumberLiteral') {
        if (t.typ === T.SUB) operand.val = -operand.val;
        operand.pos = { start: t.pos, end: operand.pos.end };
        return operand;
      }
      return { kind: 'UnaryExpr', op: t.typ === T.SUB ? '-' : '+', expr: operand, pos: { start: t.pos, end: operand.pos.end } };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      switch (t.typ) {
        case T.LEFT_BRACKET:
          e = this.parseRangeOrSubquery(e);
          break;
        case T.OFFSET:
          this.parseOffset(e);
          break;
        case T.AT:
          this.parseAt(e);
          break;
        case T.ANCHORED:
          this.next();
          this.setAnchoredOrSmoothed(e, 'anchored');
          break;
        case T.SMOOTHED:
          this.next();
          this.setAnchoredOrSmoothed(e, 'smoothed');
          break;
        default:
          return e;
      }
    }
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.typ) {
      case T.NUMBER:
      case T.DURATION:
        this.next();
        return this.numberDurationLiteral(t);
      case T.STRING:
        this.next();
        return { kind: 'StringLiteral', val: this.unquote(t.val), pos: itemRange(t) };
      case T.LEFT_PAREN: {
        this.next();
        const e = this.parseExpr(0);
        const close = this.expect(T.RIGHT_PAREN);
        return { kind: 'ParenExpr', expr: e, pos: { start: t.pos, end: close.pos + close.val.length } };
      }
      case T.LEFT_BRACE:
        return this.parseVectorSelector(null);
      case T.IDENTIFIER:
      case T.START:
      case T.END:
      case T.STEP:
      case T.RANGE:
      case T.MAX_OF:
      case T.MIN_OF:
        this.next();
        if (this.is(T.LEFT_PAREN)) return this.parseCall(t);
        return this.parseVectorSelector(t);
    }
    if (isAggregator(t.typ)) {
      this.next();
      const n = this.peek().typ;
      if (n === T.LEFT_PAREN || n === T.BY || n === T.WITHOUT) return this.parseAggregate(t);
      return this.parseVectorSelector(t);
    }
    if (METRIC_IDENTIFIER_TOKENS.has(t.typ)) {
      this.next();
      return this.parseVectorSelector(t);
    }
    return this.fail();
  }

  private numberDurationLiteral(t: Item): NumberLiteral {
    if (t.typ === T.DURATION) {
      let sec = 0;
      try {
        sec = durationSeconds(parseModelDuration(t.val));
      } catch (e) {
        if (!(e instanceof GoNumberError)) throw e;
        this.addErr(itemRange(t), e.message);
      }
      return { kind: 'NumberLiteral', val: sec, duration: true, pos: itemRange(t) };
    }
    return { kind: 'NumberLiteral', val: this.number(t), pos: itemRange(t) };
  }

  /** number parses a NUMBER item as Prometheus's parser.number does. */
  number(t: Item): number {
    try {
      return goParseNumber(t.val);
    } catch (e) {
      if (!(e instanceof GoNumberError)) throw e;
      this.addErr(itemRange(this.lastItem), `error parsing number: ${e.message}`);
      return 0;
    }
  }

  /** numberValue is Prometheus's `number` rule: a NUMBER, or a DURATION in seconds. */
  numberValue(t: Item): number {
    if (t.typ === T.DURATION) {
      try {
        return durationSeconds(parseModelDuration(t.val));
      } catch (e) {
        if (!(e instanceof GoNumberError)) throw e;
        this.addErr(itemRange(t), e.message);
        return 0;
      }
    }
    return this.number(t);
  }

  unquote(s: string): string {
    try {
      return goUnquote(s);
    } catch (e) {
      if (!(e instanceof GoUnquoteError)) throw e;
      this.addErr(itemRange(this.lastItem), `error unquoting string ${goQuote(s)}: ${e.message}`);
      return '';
    }
  }

  // ---- binary operators ----------------------------------------------------------------------

  private parseBinModifiers(): BinModifiers {
    const m: BinModifiers = {
      returnBool: false,
      card: 'one-to-one',
      matchingLabels: [],
      on: false,
      include: [],
      fillLhs: null,
      fillRhs: null,
    };
    if (this.is(T.BOOL)) {
      this.next();
      m.returnBool = true;
    }
    let t = this.peek();
    if (t.typ === T.ON || t.typ === T.IGNORING) {
      this.next();
      m.matchingLabels = this.parseGroupingLabels();
      m.on = t.typ === T.ON;
      t = this.peek();
      if (t.typ === T.GROUP_LEFT || t.typ === T.GROUP_RIGHT) {
        this.next();
        m.card = t.typ === T.GROUP_LEFT ? 'many-to-one' : 'one-to-many';
        const n = this.peek().typ;
        if (n === T.LEFT_PAREN) {
          m.include = this.parseGroupingLabels();
        } else if (!startsExpr(n) && n !== T.FILL && n !== T.FILL_LEFT && n !== T.FILL_RIGHT) {
          // The LR state after group_x can shift `error` for its grouping labels, so an item
          // that can follow neither the labels nor the modifier is reported in that context.
          this.pushFrame('grouping opts', '"("');
          this.fail();
        }
      }
    }
    t = this.peek();
    if (t.typ === T.FILL) {
      this.next();
      m.fillLhs = m.fillRhs = this.parseFillValue();
    } else if (t.typ === T.FILL_LEFT) {
      this.next();
      m.fillLhs = this.parseFillValue();
      if (this.is(T.FILL_RIGHT)) {
        this.next();
        m.fillRhs = this.parseFillValue();
      }
    } else if (t.typ === T.FILL_RIGHT) {
      this.next();
      m.fillRhs = this.parseFillValue();
      if (this.is(T.FILL_LEFT)) {
        this.next();
        m.fillLhs = this.parseFillValue();
      }
    }
    return m;
  }

  private parseFillValue(): number {
    this.expect(T.LEFT_PAREN);
    let t = this.peek();
    let neg = false;
    if (t.typ === T.ADD || t.typ === T.SUB) {
      neg = t.typ === T.SUB;
      this.next();
      t = this.peek();
    }
    if (t.typ !== T.NUMBER && t.typ !== T.DURATION) this.fail();
    this.next();
    const v = this.numberDurationLiteral(t).val;
    this.expect(T.RIGHT_PAREN);
    return neg ? -v : v;
  }

  private newBinary(lhs: Expr, op: Item, m: BinModifiers, rhs: Expr): BinaryExpr {
    const ret: BinaryExpr = {
      kind: 'BinaryExpr',
      op: BINARY_OPS.get(op.typ)!,
      lhs,
      rhs,
      matching: {
        card: m.card,
        matchingLabels: m.matchingLabels,
        on: m.on,
        include: m.include,
      },
      returnBool: m.returnBool,
      pos: { start: lhs.pos.start, end: rhs.pos.end },
    };
    if (m.fillLhs !== null || m.fillRhs !== null) {
      ret.matching!.fillValues = { lhs: m.fillLhs, rhs: m.fillRhs };
      if (!this.opts.enableBinopFillModifiers) {
        this.addErr(ret.pos, 'binop fill modifiers are experimental and not enabled');
      }
    }
    return ret;
  }

  /** parseGroupingLabels parses `(a, b, "c")` after by/without/on/ignoring/group_x. */
  private parseGroupingLabels(): string[] {
    const depth = this.frames.length;
    this.pushFrame('grouping opts', '"("');
    this.expect(T.LEFT_PAREN);
    this.popFrame(depth);
    const labels: string[] = [];
    if (this.is(T.RIGHT_PAREN)) {
      this.next();
      return labels;
    }
    for (;;) {
      this.pushFrame('grouping opts', 'label');
      labels.push(this.parseGroupingLabel());
      this.popFrame(depth);
      this.pushFrame('grouping opts', '"," or ")"');
      const t = this.peek();
      if (t.typ === T.RIGHT_PAREN) {
        this.next();
        break;
      }
      if (t.typ !== T.COMMA) this.fail();
      this.next();
      this.popFrame(depth);
      if (this.is(T.RIGHT_PAREN)) {
        this.next();
        break;
      }
    }
    this.popFrame(depth);
    return labels;
  }

  private parseGroupingLabel(): string {
    const t = this.peek();
    if (MAYBE_LABEL_TOKENS.has(t.typ)) {
      this.next();
      if (t.val === '' || !isValidUTF8(t.val)) this.addErr(itemRange(t), `invalid label name for grouping: ${goQuote(t.val)}`);
      return t.val;
    }
    if (t.typ === T.STRING) {
      this.next();
      const v = this.unquote(t.val);
      if (v === '' || !isValidUTF8(v)) this.addErr(itemRange(t), `invalid label name for grouping: ${goQuote(v)}`);
      return v;
    }
    return this.fail();
  }

  // ---- aggregations and calls ----------------------------------------------------------------

  private parseAggregate(op: Item): Expr {
    const depth = this.frames.length;
    this.pushFrame('aggregation', '');
    let grouping: string[] | null = null;
    let without = false;
    let args: Expr[];
    let overread = false;
    let t = this.peek();
    if (t.typ === T.BY || t.typ === T.WITHOUT) {
      this.next();
      without = t.typ === T.WITHOUT;
      grouping = this.parseGroupingLabels();
      if (!this.is(T.LEFT_PAREN)) this.fail();
      args = this.parseCallBody();
    } else {
      args = this.parseCallBody();
      t = this.peek();
      if (t.typ === T.BY || t.typ === T.WITHOUT) {
        this.next();
        without = t.typ === T.WITHOUT;
        grouping = this.parseGroupingLabels();
      } else {
        overread = true;
      }
    }
    this.popFrame(depth);
    const end = overread ? this.lex.findPrevRightParen(this.lastClosing) : this.lastClosing;
    const agg: AggregateExpr = {
      kind: 'AggregateExpr',
      op: itemTypeString(op.typ) as AggregateOp,
      expr: null as unknown as Expr,
      param: null,
      grouping: grouping ?? [],
      without,
      pos: { start: op.pos, end },
    };
    if (args.length === 0) {
      this.addErr(agg.pos, 'no arguments for aggregate expression provided');
      return agg;
    }
    let desired = 1;
    if (isAggregatorWithParam(op.typ)) {
      if (!this.opts.enableExperimentalFunctions && isExperimentalAggregator(op.typ)) {
        this.addErr(agg.pos, `${itemTypeString(op.typ)}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`);
        return agg;
      }
      desired = 2;
      agg.param = args[0]!;
    }
    if (args.length !== desired) {
      this.addErr(agg.pos, `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`);
      return agg;
    }
    agg.expr = args[desired - 1]!;
    return agg;
  }

  /** parseCallBody parses `(args...)`; the lookahead is `(`. */
  private parseCallBody(): Expr[] {
    this.expect(T.LEFT_PAREN);
    const args: Expr[] = [];
    if (this.is(T.RIGHT_PAREN)) {
      this.next();
      return args;
    }
    args.push(this.parseExpr(0));
    for (;;) {
      const t = this.peek();
      if (t.typ === T.RIGHT_PAREN) {
        this.next();
        return args;
      }
      if (t.typ !== T.COMMA) this.fail();
      this.next();
      // Anything that cannot start an expression reduces the trailing-comma rule first (it is the
      // LR state's default action), so the comma is reported before the unexpected item.
      if (!startsExpr(this.peek().typ)) {
        this.addErr(itemRange(t), 'trailing commas not allowed in function call args');
        continue;
      }
      args.push(this.parseExpr(0));
    }
  }

  private parseCall(name: Item): Expr {
    const args = this.parseCallBody();
    const fn = getFunction(name.val);
    if (!fn) this.addErr(itemRange(name), `unknown function with name ${goQuote(name.val)}`);
    if (fn && fn.experimental && !this.opts.enableExperimentalFunctions) {
      this.addErr(itemRange(name), `function ${goQuote(name.val)} is not enabled`);
    }
    const call: Call = {
      kind: 'Call',
      func: fn ?? { name: name.val, argTypes: [], variadic: 0, returnType: 'vector', experimental: false },
      args,
      pos: { start: name.pos, end: this.lastClosing },
    };
    return call;
  }

  // ---- selectors -----------------------------------------------------------------------------

  /** parseVectorSelector parses `{matchers}` after an optional metric name item (already consumed). */
  parseVectorSelector(name: Item | null): VectorSelector {
    let matchers: Matcher[] = [];
    let pos: PositionRange;
    if (name === null || this.is(T.LEFT_BRACE)) {
      const r = this.parseLabelMatchers();
      matchers = r.matchers;
      pos = name ? { start: name.pos, end: r.pos.end } : r.pos;
    } else {
      pos = itemRange(name);
    }
    const vs: VectorSelector = {
      kind: 'VectorSelector',
      name: name ? name.val : '',
      matchers,
      originalOffset: 0,
      offset: 0,
      offsetExpr: null,
      timestamp: null,
      startOrEnd: null,
      anchored: false,
      smoothed: false,
      pos,
    };
    if (name) vs.matchers.push(new Matcher('=', '__name__', name.val));
    return vs;
  }

  private parseLabelMatchers(): { matchers: Matcher[]; pos: PositionRange } {
    const open = this.expect(T.LEFT_BRACE);
    const matchers: Matcher[] = [];
    const depth = this.frames.length;
    if (this.is(T.RIGHT_BRACE)) {
      const close = this.next();
      return { matchers, pos: { start: open.pos, end: close.pos + close.val.length } };
    }
    for (;;) {
      const m = this.parseLabelMatcher();
      if (m) matchers.push(m);
      this.pushFrame('label matching', '"," or "}"');
      const t = this.peek();
      if (t.typ === T.RIGHT_BRACE) {
        this.next();
        this.popFrame(depth);
        return { matchers, pos: { start: open.pos, end: t.pos + t.val.length } };
      }
      if (t.typ !== T.COMMA) this.fail();
      this.next();
      this.popFrame(depth);
      const c = this.peek();
      if (c.typ === T.RIGHT_BRACE) {
        this.next();
        return { matchers, pos: { start: open.pos, end: c.pos + c.val.length } };
      }
    }
  }

  private parseLabelMatcher(): Matcher | null {
    const depth = this.frames.length;
    this.pushFrame('label matching', 'identifier or "}"');
    const t = this.peek();
    let label: Item;
    let name: string;
    if (t.typ === T.IDENTIFIER) {
      this.next();
      label = t;
      name = t.val;
      this.popFrame(depth);
      this.pushFrame('label matching', 'label matching operator');
      if (!MATCH_OPS.has(this.peek().typ)) this.fail();
    } else if (t.typ === T.STRING) {
      this.next();
      name = this.unquote(t.val);
      // Prometheus's string_identifier item: the string's start with the unquoted text.
      label = { typ: T.METRIC_IDENTIFIER, pos: t.pos, val: name };
      this.popFrame(depth);
      if (!MATCH_OPS.has(this.peek().typ)) return new Matcher('=', '__name__', name);
    } else {
      return this.fail();
    }
    const op = this.next();
    this.popFrame(depth);
    this.pushFrame('label matching', 'string');
    const value = this.expect(T.STRING);
    this.popFrame(depth);
    return this.newLabelMatcher(label, MATCH_OPS.get(op.typ)!, value);
  }

  private newLabelMatcher(label: Item, type: MatchType, value: Item): Matcher | null {
    const val = this.unquote(value.val);
    if (type === '=~' || type === '!~') {
      // Report invalid patterns with Go's regexp/syntax wording, as Prometheus does.
      const err = re2SyntaxError(val);
      if (err !== null) {
        this.addErr({ start: label.pos, end: value.pos + value.val.length }, err);
        return null;
      }
    }
    try {
      return new Matcher(type, label.val, val);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      this.addErr({ start: label.pos, end: value.pos + value.val.length }, e.message);
      return null;
    }
  }

  // ---- range selectors and subqueries --------------------------------------------------------

  private parseRangeOrSubquery(e: Expr): Expr {
    const depth = this.frames.length;
    const open = this.next();
    this.pushFrame('subquery or range selector', 'number, duration, step(), or range()');
    const range = this.parsePositiveDuration();
    this.pushFrame('subquery or range', '":" or "]"');
    const t = this.peek();
    if (t.typ === T.RIGHT_BRACKET) {
      this.next();
      this.popFrame(depth);
      return this.newMatrixSelector(e, open, t, range);
    }
    if (t.typ !== T.COLON) this.fail();
    this.next();
    this.pushFrame('subquery selector', 'number, duration, step(), range(), or "]"');
    let step: DurNode | null = null;
    if (!this.is(T.RIGHT_BRACKET)) {
      step = this.parsePositiveDuration();
      this.pushFrame('subquery selector', '"]"');
    }
    const close = this.expect(T.RIGHT_BRACKET);
    this.popFrame(depth);
    const sq: SubqueryExpr = {
      kind: 'SubqueryExpr',
      expr: e,
      range: isNumberLiteral(range) ? secondsToMs(range.val) : 0,
      rangeExpr: isNumberLiteral(range) ? null : range,
      step: step && isNumberLiteral(step) ? secondsToMs(step.val) : 0,
      stepExpr: step && !isNumberLiteral(step) ? step : null,
      originalOffset: 0,
      offset: 0,
      offsetExpr: null,
      timestamp: null,
      startOrEnd: null,
      pos: { start: e.pos.start, end: close.pos + 1 },
    };
    return sq;
  }

  private newMatrixSelector(e: Expr, open: Item, close: Item, range: DurNode): MatrixSelector {
    let errMsg = '';
    if (e.kind !== 'VectorSelector') errMsg = 'ranges only allowed for vector selectors';
    else if (e.originalOffset !== 0) errMsg = 'no offset modifiers allowed before range';
    else if (e.timestamp !== null) errMsg = 'no @ modifiers allowed before range';
    if (errMsg) this.addErr({ start: open.pos, end: close.pos + close.val.length }, errMsg);
    return {
      kind: 'MatrixSelector',
      // After an error this may be another expression; the error makes the parse fail.
      vectorSelector: e as VectorSelector,
      range: isNumberLiteral(range) ? secondsToMs(range.val) : 0,
      rangeExpr: isNumberLiteral(range) ? null : range,
      pos: { start: e.pos.start, end: this.lastClosing },
    };
  }

  // ---- duration expressions ------------------------------------------------------------------

  private checkDurationExpr(pos: PositionRange): void {
    if (!this.opts.enableDurationExpressions) this.addErr(pos, 'experimental duration expression is not enabled');
  }

  private durationLiteral(n: NumberLiteral): DurationExpr {
    return { kind: 'DurationLiteral', ms: n.val * 1000, val: n.val, duration: n.duration === true, pos: n.pos };
  }

  /** toDuration wraps a number literal operand as a DurationLiteral. */
  private toDuration(n: DurNode): DurationExpr {
    return isNumberLiteral(n) ? this.durationLiteral(n) : n;
  }

  private zeroLiteral(): NumberLiteral {
    return { kind: 'NumberLiteral', val: 0, pos: { start: 0, end: 0 } };
  }

  /** parsePositiveDuration parses a range or step: a duration expression whose literal must be > 0. */
  private parsePositiveDuration(): DurNode {
    const d = this.parseDurationExpr(0);
    if (isNumberLiteral(d) && d.val <= 0) {
      this.addErr(d.pos, 'duration must be greater than 0');
      return this.zeroLiteral();
    }
    return d;
  }

  private durationNumberLiteral(): NumberLiteral {
    const t = this.next();
    const nl = this.numberDurationLiteral(t);
    if (durationLiteralOutOfRange(nl.val)) {
      this.addErr(nl.pos, 'duration out of range');
      return this.zeroLiteral();
    }
    return nl;
  }

  /** parseDurationExpr parses Prometheus's duration_expr with operators of precedence >= minPrec. */
  private parseDurationExpr(minPrec: number): DurNode {
    this.enter();
    try {
      const lhs = this.parseDurationPrimary();
      return this.parseDurationRest(lhs, minPrec);
    } finally {
      this.depth--;
    }
  }

  private parseDurationRest(lhs: DurNode, minPrec: number): DurNode {
    for (;;) {
      const t = this.peek();
      const prec = durationPrec(t.typ);
      if (prec === 0 || prec < minPrec) return lhs;
      this.next();
      const rhs = this.parseDurationExpr(t.typ === T.POW ? prec : prec + 1);
      this.checkDurationExpr(lhs.pos);
      if ((t.typ === T.DIV || t.typ === T.MOD) && isNumberLiteral(rhs) && rhs.val === 0) {
        this.addErr(itemRange(t), t.typ === T.DIV ? 'division by zero' : 'modulo by zero');
        lhs = this.zeroLiteral();
        continue;
      }
      const op = t.typ === T.ADD ? '+' : t.typ === T.SUB ? '-' : t.typ === T.MUL ? '*' : t.typ === T.DIV ? '/' : t.typ === T.MOD ? '%' : '^';
      const l = this.toDuration(lhs);
      const r = this.toDuration(rhs);
      lhs = { kind: 'DurationBinary', op, lhs: l, rhs: r, pos: { start: l.pos.start, end: r.pos.end } };
    }
  }

  private parseDurationPrimary(): DurNode {
    const t = this.peek();
    switch (t.typ) {
      case T.NUMBER:
      case T.DURATION:
        return this.durationNumberLiteral();
      case T.ADD:
      case T.SUB: {
        this.next();
        const operand = this.parseDurationExpr(PREC_POW);
        return this.applyUnaryDuration(t, operand, false);
      }
      case T.STEP:
      case T.RANGE:
      case T.MIN_OF:
      case T.MAX_OF:
        return this.parseDurationCall();
      case T.LEFT_PAREN: {
        this.next();
        const inner = this.parseDurationExpr(0);
        this.expect(T.RIGHT_PAREN);
        return this.parenDuration(inner);
      }
    }
    return this.fail();
  }

  /** parseDurationCall parses step(), range(), min_of(a, b) or max_of(a, b). */
  private parseDurationCall(): DurationExpr {
    const kw = this.next();
    this.expect(T.LEFT_PAREN);
    let de: DurationExpr;
    if (kw.typ === T.STEP || kw.typ === T.RANGE) {
      const close = this.expect(T.RIGHT_PAREN);
      de = { kind: 'DurationCall', func: kw.typ === T.STEP ? 'step' : 'range', args: [], pos: { start: kw.pos, end: close.pos + close.val.length } };
    } else {
      const a = this.toDuration(this.parseDurationExpr(0));
      this.expect(T.COMMA);
      const b = this.toDuration(this.parseDurationExpr(0));
      this.expect(T.RIGHT_PAREN);
      // Prometheus positions min_of/max_of by their operands.
      de = { kind: 'DurationCall', func: kw.typ === T.MIN_OF ? 'min' : 'max', args: [a, b], pos: { start: a.pos.start, end: b.pos.end } };
    }
    this.checkDurationExpr(de.pos);
    return de;
  }

  private parenDuration(inner: DurNode): DurNode {
    this.checkDurationExpr(inner.pos);
    if (isNumberLiteral(inner) || inner.kind === 'DurationParen') return inner;
    return { kind: 'DurationParen', expr: inner, pos: inner.pos };
  }

  /** applyUnaryDuration is Prometheus's applyUnaryOpToDurationExpr. */
  private applyUnaryDuration(op: Item, e: DurNode, wrapped: boolean): DurNode {
    if (isNumberLiteral(e)) {
      if (op.typ === T.SUB) e.val = -e.val;
      if (durationLiteralOutOfRange(e.val)) {
        this.addErr(itemRange(op), 'duration out of range');
        return this.zeroLiteral();
      }
      e.pos = { start: op.pos, end: e.pos.end };
      return e;
    }
    let inner: DurationExpr = e;
    if (wrapped && inner.kind !== 'DurationParen') inner = { kind: 'DurationParen', expr: inner, pos: inner.pos };
    if (op.typ === T.SUB) return { kind: 'DurationUnary', op: '-', expr: inner, pos: { start: op.pos, end: inner.pos.end } };
    return inner;
  }

  /**
   * parseOffsetDuration parses what follows `offset` (Prometheus's offset_duration_expr): a plain
   * or signed literal, step(), range(), min_of(), max_of() or a signed parenthesis ends the offset
   * at once (`foo offset 1m + 2` adds 2 to the selector); an unsigned parenthesis or a doubled sign
   * starts a duration expression that takes in the arithmetic that follows.
   */
  private parseOffsetDuration(): DurNode {
    const t = this.peek();
    switch (t.typ) {
      case T.NUMBER:
      case T.DURATION:
        return this.durationNumberLiteral();
      case T.STEP:
      case T.RANGE:
      case T.MIN_OF:
      case T.MAX_OF:
        return this.parseDurationCall();
      case T.LEFT_PAREN: {
        this.next();
        const inner = this.parseDurationExpr(0);
        this.expect(T.RIGHT_PAREN);
        return this.parseDurationRest(this.parenDuration(inner), 0);
      }
      case T.ADD:
      case T.SUB:
        break;
      default:
        return this.fail();
    }
    this.next();
    const u = this.peek();
    switch (u.typ) {
      case T.NUMBER:
      case T.DURATION: {
        this.next();
        const nl = this.numberDurationLiteral(u);
        if (t.typ === T.SUB) nl.val = -nl.val;
        if (durationLiteralOutOfRange(nl.val)) {
          this.addErr(itemRange(t), 'duration out of range');
          return this.zeroLiteral();
        }
        nl.pos = { start: t.pos, end: nl.pos.end };
        return nl;
      }
      case T.STEP:
      case T.RANGE:
      case T.MIN_OF:
      case T.MAX_OF: {
        const call = this.parseDurationCallNoCheck();
        const de: DurationExpr =
          t.typ === T.SUB ? { kind: 'DurationUnary', op: '-', expr: call, pos: { start: t.pos, end: call.pos.end } } : { kind: 'DurationUnary', op: '+', expr: call, pos: { start: t.pos, end: call.pos.end } };
        this.checkDurationExpr(de.pos);
        return de;
      }
      case T.LEFT_PAREN: {
        this.next();
        const inner = this.parseDurationExpr(0);
        this.expect(T.RIGHT_PAREN);
        return this.applyUnaryDuration(t, inner, true);
      }
      case T.ADD:
      case T.SUB: {
        const operand = this.parseDurationExpr(PREC_POW);
        return this.parseDurationRest(this.applyUnaryDuration(t, operand, false), 0);
      }
    }
    return this.fail();
  }

  /** parseDurationCallNoCheck parses step()/range()/min_of()/max_of() inside a signed offset, whose check covers the sign. */
  private parseDurationCallNoCheck(): DurationExpr {
    const kw = this.next();
    this.expect(T.LEFT_PAREN);
    if (kw.typ === T.STEP || kw.typ === T.RANGE) {
      const close = this.expect(T.RIGHT_PAREN);
      return { kind: 'DurationCall', func: kw.typ === T.STEP ? 'step' : 'range', args: [], pos: { start: kw.pos, end: close.pos + close.val.length } };
    }
    const a = this.toDuration(this.parseDurationExpr(0));
    this.expect(T.COMMA);
    const b = this.toDuration(this.parseDurationExpr(0));
    this.expect(T.RIGHT_PAREN);
    return { kind: 'DurationCall', func: kw.typ === T.MIN_OF ? 'min' : 'max', args: [a, b], pos: { start: a.pos.start, end: b.pos.end } };
  }

  // ---- offset, @, anchored, smoothed ---------------------------------------------------------

  private parseOffset(e: Expr): void {
    const depth = this.frames.length;
    this.next();
    this.pushFrame('offset', 'number, duration, step(), or range()');
    const d = this.parseOffsetDuration();
    this.popFrame(depth);
    if (isNumberLiteral(d)) this.addOffset(e, secondsToMs(d.val), null);
    else this.addOffset(e, 0, d);
  }

  /** addOffset is Prometheus's addOffset/addOffsetExpr. */
  private addOffset(e: Expr, ms: number, expr: DurationExpr | null): void {
    let holder: VectorSelector | SubqueryExpr;
    switch (e.kind) {
      case 'VectorSelector':
        holder = e;
        break;
      case 'MatrixSelector':
        if (e.vectorSelector.kind !== 'VectorSelector') {
          this.addErr(e.pos, 'ranges only allowed for vector selectors');
          return;
        }
        holder = e.vectorSelector;
        break;
      case 'SubqueryExpr':
        holder = e;
        break;
      default:
        this.addErr(e.pos, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
        return;
    }
    if (holder.originalOffset !== 0 || holder.offsetExpr !== null) {
      this.addErr(e.pos, 'offset may not be set multiple times');
    } else if (expr) {
      holder.offsetExpr = expr;
    } else {
      holder.originalOffset = ms;
      holder.offset = ms;
    }
    e.pos = { start: e.pos.start, end: this.lastClosing };
  }

  private parseAt(e: Expr): void {
    const depth = this.frames.length;
    this.next();
    this.pushFrame('@', 'timestamp');
    const t = this.peek();
    if (t.typ === T.NUMBER || t.typ === T.DURATION) {
      this.next();
      this.popFrame(depth);
      this.setTimestamp(e, this.numberValue(t));
      return;
    }
    if (t.typ === T.ADD || t.typ === T.SUB) {
      this.next();
      const u = this.peek();
      if (u.typ !== T.NUMBER && u.typ !== T.DURATION) this.fail();
      this.next();
      this.popFrame(depth);
      const v = this.numberValue(u);
      this.setTimestamp(e, t.typ === T.SUB ? -v : v);
      return;
    }
    if (t.typ === T.START || t.typ === T.END) {
      this.next();
      this.expect(T.LEFT_PAREN);
      this.expect(T.RIGHT_PAREN);
      this.popFrame(depth);
      const holder = this.atHolder(e);
      if (!holder) return;
      holder.startOrEnd = t.typ === T.START ? 'start' : 'end';
      e.pos = { start: e.pos.start, end: this.lastClosing };
      return;
    }
    this.fail();
  }

  private setTimestamp(e: Expr, ts: number): void {
    if (!Number.isFinite(ts) || ts >= MAX_INT64_FLOAT || ts <= -MAX_INT64_FLOAT) {
      this.addErr(e.pos, `timestamp out of bounds for @ modifier: ${formatFloatFixed(ts, 6)}`);
    }
    const holder = this.atHolder(e);
    if (!holder) return;
    let ms = goRound(ts * 1000);
    if (!Number.isFinite(ms) || Math.abs(ms) >= 2 ** 63) ms = -(2 ** 63);
    holder.timestamp = ms;
    e.pos = { start: e.pos.start, end: this.lastClosing };
  }

  /** atHolder is Prometheus's getAtModifierVars: the node that carries `@`, or null after an error. */
  private atHolder(e: Expr): VectorSelector | SubqueryExpr | null {
    let holder: VectorSelector | SubqueryExpr;
    switch (e.kind) {
      case 'VectorSelector':
        holder = e;
        break;
      case 'MatrixSelector':
        if (e.vectorSelector.kind !== 'VectorSelector') {
          this.addErr(e.pos, 'ranges only allowed for vector selectors');
          return null;
        }
        holder = e.vectorSelector;
        break;
      case 'SubqueryExpr':
        holder = e;
        break;
      default:
        this.addErr(e.pos, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
        return null;
    }
    if (holder.timestamp !== null || holder.startOrEnd !== null) {
      this.addErr(e.pos, '@ <timestamp> may not be set multiple times');
      return null;
    }
    return holder;
  }

  private setAnchoredOrSmoothed(e: Expr, which: 'anchored' | 'smoothed'): void {
    if (!this.opts.enableExtendedRangeSelectors) {
      this.addErr(e.pos, `${which} modifier is experimental and not enabled`);
      return;
    }
    let vs: VectorSelector;
    switch (e.kind) {
      case 'VectorSelector':
        vs = e;
        break;
      case 'MatrixSelector':
        if (e.vectorSelector.kind !== 'VectorSelector') return;
        vs = e.vectorSelector;
        break;
      case 'SubqueryExpr':
        this.addErr(e.pos, `${which} modifier is not supported for subqueries`);
        return;
      default:
        this.addErr(e.pos, `${which} modifier not implemented`);
        return;
    }
    if (which === 'anchored') vs.anchored = true;
    else vs.smoothed = true;
    if (vs.anchored && vs.smoothed) this.addErr(e.pos, 'anchored and smoothed modifiers cannot be used together');
  }
}

/**
 * parseExpr parses a PromQL expression and type-checks it (Prometheus's ParseExpr). Throws
 * ParseErrors (a ParseError) with Prometheus's messages and positions on any error.
 */
export function parseExpr(input: string, opts: ParserOptions = {}): Expr {
  return new Parser(input, opts).parseExprTop();
}

/**
 * parseMetricSelector parses a series selector such as `up{job="x"}` into its matchers (the
 * metric name becomes a trailing `__name__` matcher), for API `match[]` parameters.
 */
export function parseMetricSelector(input: string): Matcher[] {
  return new Parser(input, {}).parseMetricSelectorTop();
}

/** parseMetricSelectors parses several selectors, failing on the first bad one. */
export function parseMetricSelectors(inputs: readonly string[]): Matcher[][] {
  return inputs.map((s) => parseMetricSelector(s));
}
