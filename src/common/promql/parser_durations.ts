/**
 * Durations in the parser: range and step durations, offsets, and the experimental duration
 * expressions (`[5m + step()]`, `offset -(1h * 2)`, min_of/max_of), after the duration_expr and
 * offset_duration_expr rules of Prometheus's grammar.
 */
import type { DurationExpr, Expr, NumberLiteral, PositionRange } from './ast';
import { T as ITEM_TYPES, type Item, type ItemType } from './items';
import * as base from './parser_base';
import { ParserBase } from './parser_base';

/** T is a module-local alias of the item types (one binding lookup, not one per use). */
const T = ITEM_TYPES;

// Module-local bindings of hot imports (see parser.ts).
const { itemRange, PREC_ADD, PREC_MUL, PREC_POW } = base;

/** durationPrec is the precedence of a duration operator (0 for any other item). */
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

/** durationLiteralOutOfRange reports whether seconds would overflow a Go time.Duration. */
export function durationLiteralOutOfRange(v: number): boolean {
  return v > 9223372036.854775807 || v < -9223372036.854775808;
}

/** DurNode is a duration-context node: a number literal or a duration expression. */
export type DurNode = NumberLiteral | DurationExpr;

/** isNumberLiteral reports whether a duration-context node is a plain number literal. */
export function isNumberLiteral(n: DurNode | Expr): n is NumberLiteral {
  return n.kind === 'NumberLiteral';
}

/** DurationParser adds the duration grammar to the token stream and literals of ParserBase. */
export class DurationParser extends ParserBase {
  protected checkDurationExpr(pos: PositionRange): void {
    if (!this.opts.enableDurationExpressions) this.addErr(pos, 'experimental duration expression is not enabled');
  }

  protected durationLiteral(n: NumberLiteral): DurationExpr {
    return { kind: 'DurationLiteral', ms: n.val * 1000, val: n.val, duration: n.duration === true, pos: n.pos };
  }

  /** toDuration wraps a number literal operand as a DurationLiteral. */
  protected toDuration(n: DurNode): DurationExpr {
    return isNumberLiteral(n) ? this.durationLiteral(n) : n;
  }

  protected zeroLiteral(): NumberLiteral {
    return { kind: 'NumberLiteral', val: 0, pos: { start: 0, end: 0 } };
  }

  /** parsePositiveDuration parses a range or step: a duration expression whose literal must be > 0. */
  protected parsePositiveDuration(): DurNode {
    const d = this.parseDurationExpr(0);
    if (isNumberLiteral(d) && d.val <= 0) {
      this.addErr(d.pos, 'duration must be greater than 0');
      return this.zeroLiteral();
    }
    return d;
  }

  protected durationNumberLiteral(): NumberLiteral {
    const t = this.next();
    const nl = this.numberDurationLiteral(t);
    if (durationLiteralOutOfRange(nl.val)) {
      this.addErr(nl.pos, 'duration out of range');
      return this.zeroLiteral();
    }
    return nl;
  }

  /** parseDurationExpr parses Prometheus's duration_expr with operators of precedence >= minPrec. */
  protected parseDurationExpr(minPrec: number): DurNode {
    this.enter();
    try {
      const lhs = this.parseDurationPrimary();
      return this.parseDurationRest(lhs, minPrec);
    } finally {
      this.depth--;
    }
  }

  protected parseDurationRest(lhs: DurNode, minPrec: number): DurNode {
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

  protected parseDurationPrimary(): DurNode {
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
  protected parseDurationCall(): DurationExpr {
    const de = this.parseDurationCallNoCheck();
    this.checkDurationExpr(de.pos);
    return de;
  }

  protected parenDuration(inner: DurNode): DurNode {
    this.checkDurationExpr(inner.pos);
    if (isNumberLiteral(inner) || inner.kind === 'DurationParen') return inner;
    return { kind: 'DurationParen', expr: inner, pos: inner.pos };
  }

  /** applyUnaryDuration is Prometheus's applyUnaryOpToDurationExpr. */
  protected applyUnaryDuration(op: Item, e: DurNode, wrapped: boolean): DurNode {
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
  protected parseOffsetDuration(): DurNode {
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
  protected parseDurationCallNoCheck(): DurationExpr {
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
}
