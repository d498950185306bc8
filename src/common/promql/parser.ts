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
 *
 * The grammar is split by concern over a chain of classes: ParserBase (parser_base.ts: tokens,
 * errors, number and string literals) < DurationParser (parser_durations.ts: durations and
 * duration expressions) < SelectorParser (parser_selectors.ts: selectors, matchers, ranges,
 * subqueries, offset/@/anchored/smoothed) < Parser (here: operators, aggregations, calls).
 */
import type { AggregateExpr, AggregateOp, BinaryExpr, BinaryOp, Call, Expr, VectorMatchCardinality } from './ast';
import { checkAST } from './check';
import { ParseError, ParseErrors } from './errors';
import { getFunction } from './functions';
import { goQuote } from '../util/go/strconv';
import { isValidUTF8 } from '../util/go/utf8';
import {
  type Item,
  type ItemType,
  T as ITEM_TYPES,
  isAggregator,
  isAggregatorWithParam,
  isExperimentalAggregator,
  itemTypeString,
} from './items';
import type { Matcher } from '../model/matcher';
import * as base from './parser_base';
import { ParseAbort, type ParserOptions } from './parser_base';
import { METRIC_IDENTIFIER_TOKENS as METRIC_IDENTIFIER_TOKEN_SET, SelectorParser } from './parser_selectors';

export { ALL_PARSER_FEATURES, MAX_NESTING_DEPTH, type ParserOptions } from './parser_base';

/** T is a module-local alias of the item types (one binding lookup, not one per use). */
const T = ITEM_TYPES;

// Module-local bindings of what the hot paths use from the other parser files: under CommonJS
// module interop every use of an imported binding is a property read on the module object.
const { itemRange, MAX_NESTING_DEPTH, PREC_ADD, PREC_AND, PREC_CMP, PREC_MUL, PREC_OR, PREC_POW } = base;
const METRIC_IDENTIFIER_TOKENS = METRIC_IDENTIFIER_TOKEN_SET;

/** BinModifiers are the parsed modifiers of a binary operator (bool, on/ignoring, group_x, fill). */
interface BinModifiers {
  returnBool: boolean;
  card: VectorMatchCardinality;
  matchingLabels: string[];
  on: boolean;
  include: string[];
  fillLhs: number | null;
  fillRhs: number | null;
}

/** binaryPrec is the precedence of a binary operator (0 for any other item). */
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

/** BINARY_OPS maps operator tokens to binary operators. */
const BINARY_OPS: ReadonlyMap<ItemType, BinaryOp> = new Map<ItemType, BinaryOp>([
  [T.ADD, '+'], [T.SUB, '-'], [T.MUL, '*'], [T.DIV, '/'], [T.MOD, '%'], [T.POW, '^'], [T.ATAN2, 'atan2'],
  [T.EQLC, '=='], [T.NEQ, '!='], [T.GTR, '>'], [T.LSS, '<'], [T.GTE, '>='], [T.LTE, '<='],
  [T.TRIM_UPPER, '</'], [T.TRIM_LOWER, '>/'], [T.LAND, 'and'], [T.LOR, 'or'], [T.LUNLESS, 'unless'],
]);

/** Parser parses whole expressions. Use parseExpr, parseMetricSelector or parseSeriesDesc. */
export class Parser extends SelectorParser {
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
