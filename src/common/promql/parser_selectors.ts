/**
 * Selectors and their modifiers in the parser: `name{matchers}` (with Go's regexp syntax errors
 * for bad patterns), range selectors and subqueries (`[5m]`, `[1h:1m]`), and the postfix
 * modifiers `offset`, `@`, `anchored` and `smoothed` with Prometheus's placement checks.
 */
import type { DurationExpr, Expr, MatrixSelector, PositionRange, SubqueryExpr, VectorSelector } from './ast';
import { ParseErrors } from './errors';
import { T as ITEM_TYPES, type Item, type ItemType } from './items';
import { Matcher, type MatchType } from '../model/matcher';
import { secondsToMs } from '../model/time';
import { goRound } from '../util/go/math';
import { formatFloatFixed } from '../util/go/strconv';
import * as durations from './parser_durations';
import { DurationParser, type DurNode } from './parser_durations';
import * as base from './parser_base';
import { ParseAbort } from './parser_base';
import { re2SyntaxError } from './re2syntax';

/** T is a module-local alias of the item types (one binding lookup, not one per use). */
const T = ITEM_TYPES;

// Module-local bindings of hot imports (see parser.ts).
const { itemRange } = base;
const { isNumberLiteral } = durations;

/** METRIC_IDENTIFIER_TOKENS are the tokens that may name a metric (Prometheus's metric_identifier). */
export const METRIC_IDENTIFIER_TOKENS: ReadonlySet<ItemType> = new Set([
  T.AVG, T.BOTTOMK, T.BY, T.COUNT, T.COUNT_VALUES, T.FILL, T.FILL_LEFT, T.FILL_RIGHT, T.GROUP,
  T.IDENTIFIER, T.LAND, T.LOR, T.LUNLESS, T.MAX, T.METRIC_IDENTIFIER, T.MIN, T.OFFSET, T.QUANTILE,
  T.STDDEV, T.STDVAR, T.SUM, T.TOPK, T.WITHOUT, T.START, T.END, T.LIMITK, T.LIMIT_RATIO, T.STEP,
  T.RANGE, T.ANCHORED, T.SMOOTHED, T.MAX_OF, T.MIN_OF,
]);

/** MATCH_OPS maps matcher tokens to matcher types. */
const MATCH_OPS: ReadonlyMap<ItemType, MatchType> = new Map<ItemType, MatchType>([
  [T.EQL, '='], [T.NEQ, '!='], [T.EQL_REGEX, '=~'], [T.NEQ_REGEX, '!~'],
]);

const MAX_INT64_FLOAT = 9223372036854775807; // float64(math.MaxInt64) rounds to 2^63.

/** SelectorParser adds vector selectors, range selectors, subqueries and their modifiers. */
export class SelectorParser extends DurationParser {
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

  protected parseLabelMatchers(): { matchers: Matcher[]; pos: PositionRange } {
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

  protected parseLabelMatcher(): Matcher | null {
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

  protected newLabelMatcher(label: Item, type: MatchType, value: Item): Matcher | null {
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

  protected parseRangeOrSubquery(e: Expr): Expr {
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

  protected newMatrixSelector(e: Expr, open: Item, close: Item, range: DurNode): MatrixSelector {
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

  protected parseOffset(e: Expr): void {
    const depth = this.frames.length;
    this.next();
    this.pushFrame('offset', 'number, duration, step(), or range()');
    const d = this.parseOffsetDuration();
    this.popFrame(depth);
    if (isNumberLiteral(d)) this.addOffset(e, secondsToMs(d.val), null);
    else this.addOffset(e, 0, d);
  }

  /** addOffset is Prometheus's addOffset/addOffsetExpr. */
  protected addOffset(e: Expr, ms: number, expr: DurationExpr | null): void {
    const holder = this.modifierHolder(e, 'offset');
    if (holder === null) return;
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

  /**
   * modifierHolder is the node that carries an `offset` or `@` written after e: the selector, the
   * range selector's selector or the subquery; null (after reporting why) for anything else.
   */
  protected modifierHolder(e: Expr, modifier: 'offset' | '@'): VectorSelector | SubqueryExpr | null {
    switch (e.kind) {
      case 'VectorSelector':
      case 'SubqueryExpr':
        return e;
      case 'MatrixSelector':
        if (e.vectorSelector.kind !== 'VectorSelector') {
          this.addErr(e.pos, 'ranges only allowed for vector selectors');
          return null;
        }
        return e.vectorSelector;
      default:
        this.addErr(e.pos, `${modifier} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
        return null;
    }
  }

  protected parseAt(e: Expr): void {
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

  protected setTimestamp(e: Expr, ts: number): void {
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
  protected atHolder(e: Expr): VectorSelector | SubqueryExpr | null {
    const holder = this.modifierHolder(e, '@');
    if (holder === null) return null;
    if (holder.timestamp !== null || holder.startOrEnd !== null) {
      this.addErr(e.pos, '@ <timestamp> may not be set multiple times');
      return null;
    }
    return holder;
  }

  protected setAnchoredOrSmoothed(e: Expr, which: 'anchored' | 'smoothed'): void {
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
