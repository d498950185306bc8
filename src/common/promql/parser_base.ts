/**
 * The parser's base: the token stream over the lexer (one item of lookahead, pulled lazily as the
 * LR parser would), error reporting with the grammar's error contexts, the nesting guard, and the
 * literals: numbers (Go's ParseInt/ParseFloat), durations as seconds, and Go-quoted strings.
 * DurationParser, SelectorParser and Parser (parser_durations.ts, parser_selectors.ts, parser.ts)
 * build on it; the series-description reader (seriesdesc.ts) uses it directly. See parser.ts for how the parser matches Prometheus.
 */
import type { NumberLiteral, PositionRange } from './ast';
import { ParseError } from './errors';
import { durationSeconds, parseModelDuration } from '../model/time';
import { GoNumberError, GoUnquoteError, goParseNumber, goQuote, goUnquote } from '../util/go/strconv';
import { type Item, type ItemType, T as ITEM_TYPES, itemDesc } from './items';
import { Lexer } from './lexer';

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

/** Frame is one error context of the grammar (a yacc error production): where, and what was expected. */
interface Frame {
  context: string;
  expected: string;
}

/** PREC_OR is the loosest operator precedence: `or`. */
export const PREC_OR = 1;
/** PREC_AND is the precedence of `and` and `unless`. */
export const PREC_AND = 2;
/** PREC_CMP is the precedence of comparisons and the trim operators `</`, `>/`. */
export const PREC_CMP = 3;
/** PREC_ADD is the precedence of `+` and `-`. */
export const PREC_ADD = 4;
/** PREC_MUL is the precedence of `*`, `/`, `%` and `atan2`. */
export const PREC_MUL = 5;
/** PREC_POW is the tightest precedence: `^` (right-associative), which also binds a unary sign's operand. */
export const PREC_POW = 6;

/**
 * MAX_NESTING_DEPTH bounds how deeply a query may nest (a Vigil safeguard; Prometheus has no
 * limit). Code that walks an AST recursively can rely on trees being no deeper than this.
 */
export const MAX_NESTING_DEPTH = 1000;

/** itemRange is the position range an item covers. */
export function itemRange(i: Item): PositionRange {
  return { start: i.pos, end: i.pos + i.val.length };
}

/** ParserBase holds the state of one parse: lexer, lookahead, errors and error contexts. */
export class ParserBase {
  readonly input: string;
  readonly lex: Lexer;
  readonly opts: ParserOptions;
  private tok: Item | null = null;
  /** lastClosing is the end of the last `)`, `]`, `}`, number or duration lexed so far. */
  lastClosing = 0;
  /** lastItem is the most recently lexed item (Prometheus's yyParser.lval.item). */
  lastItem: Item = { typ: T.EOF, pos: 0, val: '' };
  readonly errors: ParseError[] = [];
  protected frames: Frame[] = [];
  protected depth = 0;

  constructor(input: string, opts: ParserOptions = {}, seriesDesc = false) {
    this.input = input;
    this.opts = opts;
    this.lex = new Lexer(input, seriesDesc);
  }

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

  /**
   * enter guards recursion: a query nesting deeper than MAX_NESTING_DEPTH levels gets a ParseError
   * instead of exhausting the JavaScript stack (here, or later in code that walks the tree).
   */
  protected enter(extra = 0): void {
    if (++this.depth + extra > MAX_NESTING_DEPTH) {
      const t = this.peek();
      this.addErr(itemRange(t), `query nests too deeply (more than ${MAX_NESTING_DEPTH} levels)`);
      throw new ParseAbort();
    }
  }

  protected numberDurationLiteral(t: Item): NumberLiteral {
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
}
