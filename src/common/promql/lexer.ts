/**
 * The PromQL lexer, a small state machine after Prometheus's promql/parser/lex.go: each state is
 * a function that scans some input and returns the next state. The lexer is pulled one item at a
 * time by the parser (nextItem), which is what lets error positions and the parser's notion of the
 * "last closing token" match Prometheus exactly.
 *
 * Positions are UTF-16 offsets into the query string (JavaScript's native string indexing).
 * Prometheus counts bytes; ParseError.format converts when it prints `line:col`.
 */
import { goFormatU } from '../util/go/fmt';
import { goQuote, goQuoteRune } from '../util/go/strconv';
import { KEYWORDS as KEYWORD_TABLE, T as ITEM_TYPES, type Item, type ItemType } from './items';

// Module-local bindings: the scanner reads these for every character.
const T = ITEM_TYPES;
const KEYWORDS = KEYWORD_TABLE;


const HISTOGRAM_DESC: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['sum', T.SUM_DESC], ['count', T.COUNT_DESC], ['schema', T.SCHEMA_DESC], ['offset', T.OFFSET_DESC],
  ['n_offset', T.NEGATIVE_OFFSET_DESC], ['buckets', T.BUCKETS_DESC], ['n_buckets', T.NEGATIVE_BUCKETS_DESC],
  ['z_bucket', T.ZERO_BUCKET_DESC], ['z_bucket_w', T.ZERO_BUCKET_WIDTH_DESC],
  ['custom_values', T.CUSTOM_VALUES_DESC], ['counter_reset_hint', T.COUNTER_RESET_HINT_DESC],
]);

const COUNTER_RESET_HINTS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['unknown', T.UNKNOWN_COUNTER_RESET], ['reset', T.COUNTER_RESET],
  ['not_reset', T.NOT_COUNTER_RESET], ['gauge', T.GAUGE_TYPE],
]);

const DURATION_KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['step', T.STEP], ['range', T.RANGE], ['max_of', T.MAX_OF], ['min_of', T.MIN_OF],
]);

const EOF_RUNE = -1;
const RUNE_ERROR = 0xfffd;

type StateFn = (l: Lexer) => StateFn | null;

const enum Hist {
  None,
  Open,
  Mul,
  Add,
  Sub,
}

function isSpace(r: number): boolean {
  return r === 32 || r === 9 || r === 10 || r === 13;
}
function isEndOfLine(r: number): boolean {
  return r === 13 || r === 10;
}
function isDigit(r: number): boolean {
  return r >= 48 && r <= 57;
}
function isAlpha(r: number): boolean {
  return r === 95 || (r >= 97 && r <= 122) || (r >= 65 && r <= 90);
}
function isAlphaNumeric(r: number): boolean {
  return isAlpha(r) || isDigit(r);
}
function digitVal(r: number): number {
  if (r >= 48 && r <= 57) return r - 48;
  if (r >= 97 && r <= 102) return r - 87;
  if (r >= 65 && r <= 70) return r - 55;
  return 16;
}
function isDurationKeywordStartChar(r: number): boolean {
  // step, range, max_of, min_of (compared case-insensitively).
  const c = r | 0x20;
  return c === 115 || c === 114 || c === 109;
}

/** isSpaceAt reports whether the UTF-16 code unit at s[i] is PromQL whitespace (space, tab, CR, LF). */
export function isSpaceAt(s: string, i: number): boolean {
  return isSpace(s.charCodeAt(i));
}

/** Lexer scans a PromQL query (or a series description) into items, one nextItem call at a time. */
export class Lexer {
  readonly input: string;
  private state: StateFn | null = lexStatements;
  pos = 0;
  start = 0;
  private width = 0;
  /** lastPos is the position of the most recent item returned by nextItem. */
  lastPos = 0;
  private item: Item | null = null;

  parenDepth = 0;
  braceOpen = false;
  bracketOpen = false;
  gotColon = false;
  gotDuration = false;
  stringOpen = 0;
  seriesDesc: boolean;
  histogramState: Hist = Hist.None;

  constructor(input: string, seriesDesc = false) {
    this.input = input;
    this.seriesDesc = seriesDesc;
  }

  /** nextItem scans and returns the next item; after the end it keeps returning EOF. */
  nextItem(): Item {
    this.item = null;
    if (this.state !== null) {
      while (this.item === null) this.state = this.state!(this);
    } else {
      this.emit(T.EOF);
    }
    const it = this.item!;
    this.lastPos = it.pos;
    return it;
  }

  next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF_RUNE;
    }
    const cp = this.input.codePointAt(this.pos)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      this.width = 1;
      this.pos += 1;
      return RUNE_ERROR;
    }
    this.width = cp > 0xffff ? 2 : 1;
    this.pos += this.width;
    return cp;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    this.pos -= this.width;
  }

  emit(t: ItemType): void {
    this.item = { typ: t, pos: this.start, val: this.input.slice(this.start, this.pos) };
    this.start = this.pos;
  }

  ignore(): void {
    this.start = this.pos;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF_RUNE && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  is(valid: string): boolean {
    const r = this.peek();
    return r !== EOF_RUNE && valid.includes(String.fromCodePoint(r));
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF_RUNE || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  /** errorf produces an error item and stops the scan (unless the caller keeps a state). */
  errorf(msg: string): null {
    this.item = { typ: T.ERROR, pos: this.start, val: msg };
    return null;
  }

  startsWith(prefix: string): boolean {
    return this.input.startsWith(prefix, this.pos);
  }

  /** scanNumber scans decimal, hex, octal-looking and float numbers; validity is checked by the parser. */
  scanNumber(): boolean {
    const initialPos = this.pos;
    let digitPattern = '0123456789';
    if (!this.seriesDesc && this.accept('0') && this.accept('xX')) {
      this.accept('_');
      digitPattern = '0123456789abcdefABCDEF';
    }
    this.accept('.');
    this.accept(digitPattern);
    let dotConsumed = false;
    let exponentConsumed = false;
    while (this.is(digitPattern + '._eE')) {
      if (this.is('.') && dotConsumed) {
        this.accept('.');
        return false;
      }
      if (this.is('eE') && exponentConsumed) {
        this.accept('eE');
        return false;
      }
      if (this.accept('.')) {
        dotConsumed = true;
        if (this.accept('_.')) return false;
        if (digitPattern.length > 10) return false;
        continue;
      }
      if (this.accept('eE')) {
        exponentConsumed = true;
        this.accept('+-');
        if (this.accept('._eE') || this.peek() === EOF_RUNE) return false;
        continue;
      }
      if (this.accept('_')) {
        if (this.accept('._eE') || this.peek() === EOF_RUNE) return false;
        continue;
      }
      this.acceptRun(digitPattern);
    }
    if (this.pos === initialPos) return false;
    const r = this.peek();
    return (this.seriesDesc && r === 120) || !isAlphaNumeric(r);
  }

  scanDurationKeyword(): boolean {
    for (;;) {
      const r = this.next();
      if (isAlpha(r)) continue;
      this.backup();
      const tok = DURATION_KEYWORDS.get(this.input.slice(this.start, this.pos).toLowerCase());
      if (tok !== undefined) {
        this.emit(tok);
        return true;
      }
      return false;
    }
  }

  peekFollowedByLeftParen(): boolean {
    let p = this.pos;
    while (p < this.input.length) {
      const c = this.input.charCodeAt(p);
      if (!isSpace(c)) return c === 40;
      p++;
    }
    return false;
  }

  /**
   * findPrevRightParen finds the `)` before the most recently lexed `)` (skipping spaces), for
   * positions the parser lost by reading one item ahead; otherwise returns fallback.
   */
  findPrevRightParen(fallback: number): number {
    const s = this.input;
    if (fallback <= 0 || fallback > s.length || this.lastPos <= 0 || this.lastPos >= s.length || s[this.lastPos] !== ')') {
      return fallback;
    }
    for (let i = this.lastPos - 1; i > 0; i--) {
      if (s[i] === ')') return i + 1;
      if (!isSpace(s.charCodeAt(i))) return fallback;
    }
    return fallback;
  }
}

function runeStr(r: number): string {
  return goQuoteRune(r);
}

const lexStatements: StateFn = (l) => {
  if (l.histogramState !== Hist.None) return lexHistogram;
  if (l.braceOpen) return lexInsideBraces;
  if (l.startsWith('#')) return lexLineComment;
  const r = l.next();
  if (r === EOF_RUNE) {
    if (l.parenDepth !== 0) return l.errorf('unclosed left parenthesis');
    if (l.bracketOpen) return l.errorf('unclosed left bracket');
    l.emit(T.EOF);
    return null;
  }
  switch (r) {
    case 44: l.emit(T.COMMA); return lexStatements; // ,
    case 42: l.emit(T.MUL); return lexStatements;
    case 47: l.emit(T.DIV); return lexStatements;
    case 37: l.emit(T.MOD); return lexStatements;
    case 43: l.emit(T.ADD); return lexStatements;
    case 45: l.emit(T.SUB); return lexStatements;
    case 94: l.emit(T.POW); return lexStatements;
    case 61: { // =
      const t = l.peek();
      if (t === 61) {
        l.next();
        l.emit(T.EQLC);
      } else if (t === 126) {
        return l.errorf(`unexpected character after '=': ${runeStr(t)}`);
      } else {
        l.emit(T.EQL);
      }
      return lexStatements;
    }
    case 33: { // !
      const t = l.next();
      if (t !== 61) return l.errorf(`unexpected character after '!': ${runeStr(t)}`);
      l.emit(T.NEQ);
      return lexStatements;
    }
    case 60: { // <
      const t = l.peek();
      if (t === 61) {
        l.next();
        l.emit(T.LTE);
      } else if (t === 47) {
        l.next();
        l.emit(T.TRIM_UPPER);
      } else l.emit(T.LSS);
      return lexStatements;
    }
    case 62: { // >
      const t = l.peek();
      if (t === 61) {
        l.next();
        l.emit(T.GTE);
      } else if (t === 47) {
        l.next();
        l.emit(T.TRIM_LOWER);
      } else l.emit(T.GTR);
      return lexStatements;
    }
    case 34: // "
    case 39: // '
      l.stringOpen = r;
      return lexString;
    case 96: // `
      l.stringOpen = r;
      return lexRawString;
    case 40: // (
      l.emit(T.LEFT_PAREN);
      l.parenDepth++;
      return lexStatements;
    case 41: // )
      l.emit(T.RIGHT_PAREN);
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf(`unexpected right parenthesis ${runeStr(r)}`);
      return lexStatements;
    case 123: // {
      l.emit(T.LEFT_BRACE);
      l.braceOpen = true;
      return lexInsideBraces;
    case 91: // [
      if (l.bracketOpen) return l.errorf(`unexpected left bracket ${runeStr(r)}`);
      l.gotColon = false;
      l.emit(T.LEFT_BRACKET);
      if (isSpace(l.peek())) skipSpaces(l);
      l.bracketOpen = true;
      return lexDurationExpr;
    case 93: // ]
      if (!l.bracketOpen) return l.errorf(`unexpected right bracket ${runeStr(r)}`);
      l.emit(T.RIGHT_BRACKET);
      l.bracketOpen = false;
      return lexStatements;
    case 64: // @
      l.emit(T.AT);
      return lexStatements;
  }
  if (isSpace(r)) return lexSpace;
  if (isDigit(r) || (r === 46 && isDigit(l.peek()))) {
    l.backup();
    return lexNumberOrDuration;
  }
  if (isAlpha(r) || r === 58) {
    if (!l.bracketOpen) {
      l.backup();
      return lexKeywordOrIdentifier;
    }
    if (r === 58) {
      if (l.gotColon) return l.errorf(`unexpected colon ${runeStr(r)}`);
      l.emit(T.COLON);
      l.gotColon = true;
      return lexStatements;
    }
    if (isDurationKeywordStartChar(r) && l.scanDurationKeyword()) return lexStatements;
    return l.errorf(`unexpected character: ${runeStr(r)}, expected ${runeStr(58)}`);
  }
  return l.errorf(`unexpected character: ${runeStr(r)}`);
};

const lexHistogram: StateFn = (l) => {
  switch (l.histogramState) {
    case Hist.Mul:
      l.histogramState = Hist.None;
      l.next();
      l.emit(T.TIMES);
      return lexValueSequence;
    case Hist.Add:
      l.histogramState = Hist.None;
      l.next();
      l.emit(T.ADD);
      return lexValueSequence;
    case Hist.Sub:
      l.histogramState = Hist.None;
      l.next();
      l.emit(T.SUB);
      return lexValueSequence;
    default:
      break;
  }
  if (l.bracketOpen) return lexBuckets;
  const r = l.next();
  if (isSpace(r)) {
    l.emit(T.SPACE);
    return lexSpace;
  }
  if (isAlpha(r)) {
    l.backup();
    return lexHistogramDescriptor;
  }
  if (r === 58) {
    l.emit(T.COLON);
    return lexHistogram;
  }
  if (r === 45) {
    l.emit(T.SUB);
    return lexHistogram;
  }
  if (r === 120) {
    l.emit(T.TIMES);
    return lexNumber;
  }
  if (isDigit(r)) {
    l.backup();
    return lexNumber;
  }
  if (r === 91) {
    l.bracketOpen = true;
    l.gotColon = false;
    l.gotDuration = false;
    l.emit(T.LEFT_BRACKET);
    return lexBuckets;
  }
  if (r === 125 && l.peek() === 125) {
    l.next();
    l.emit(T.CLOSE_HIST);
    switch (l.peek()) {
      case 120:
        l.histogramState = Hist.Mul;
        return lexHistogram;
      case 43:
        l.histogramState = Hist.Add;
        return lexHistogram;
      case 45:
        l.histogramState = Hist.Sub;
        return lexHistogram;
      default:
        l.histogramState = Hist.None;
        return lexValueSequence;
    }
  }
  return l.errorf(`histogram description incomplete unexpected: ${runeStr(r)}`);
};

const lexHistogramDescriptor: StateFn = (l) => {
  for (;;) {
    const r = l.next();
    if (isAlpha(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos).toLowerCase();
    const desc = HISTOGRAM_DESC.get(word);
    if (desc !== undefined) {
      if (l.peek() === 58) {
        l.emit(desc);
        return lexHistogram;
      }
      l.errorf('missing `:` for histogram descriptor');
      return lexStatements;
    }
    if (KEYWORDS.get(word) === T.NUMBER) {
      l.emit(T.NUMBER);
      return lexHistogram;
    }
    const hint = COUNTER_RESET_HINTS.get(word);
    if (hint !== undefined) {
      l.emit(hint);
      return lexHistogram;
    }
    l.errorf(`bad histogram descriptor found: ${goQuote(l.input.slice(l.start, l.pos))}`);
    return lexStatements;
  }
};

const lexBuckets: StateFn = (l) => {
  const r = l.next();
  if (isSpace(r)) {
    l.emit(T.SPACE);
    return lexSpace;
  }
  if (r === 45) {
    l.emit(T.SUB);
    return lexNumber;
  }
  if (isDigit(r)) {
    l.backup();
    return lexNumber;
  }
  if (r === 93) {
    l.bracketOpen = false;
    l.emit(T.RIGHT_BRACKET);
    return lexHistogram;
  }
  if (isAlpha(r)) {
    // Inf and NaN, accumulated one letter at a time.
    if (KEYWORDS.get(l.input.slice(l.start, l.pos).toLowerCase()) === T.NUMBER) {
      l.emit(T.NUMBER);
      return lexStatements;
    }
    return lexBuckets;
  }
  return l.errorf(`invalid character in buckets description: ${runeStr(r)}`);
};

const lexInsideBraces: StateFn = (l) => {
  if (l.startsWith('#')) return lexLineComment;
  const r = l.next();
  if (r === EOF_RUNE) return l.errorf('unexpected end of input inside braces');
  if (isSpace(r)) return lexSpace;
  if (isAlpha(r)) {
    l.backup();
    return lexIdentifier;
  }
  switch (r) {
    case 44:
      l.emit(T.COMMA);
      return lexInsideBraces;
    case 34:
    case 39:
      l.stringOpen = r;
      return lexString;
    case 96:
      l.stringOpen = r;
      return lexRawString;
    case 61: // =
      if (l.next() === 126) {
        l.emit(T.EQL_REGEX);
        return lexInsideBraces;
      }
      l.backup();
      l.emit(T.EQL);
      return lexInsideBraces;
    case 33: { // !
      const nr = l.next();
      if (nr === 126) l.emit(T.NEQ_REGEX);
      else if (nr === 61) l.emit(T.NEQ);
      else return l.errorf(`unexpected character after '!' inside braces: ${runeStr(nr)}`);
      return lexInsideBraces;
    }
    case 123:
      return l.errorf(`unexpected left brace ${runeStr(r)}`);
    case 125:
      l.emit(T.RIGHT_BRACE);
      l.braceOpen = false;
      return l.seriesDesc ? lexValueSequence : lexStatements;
  }
  return l.errorf(`unexpected character inside braces: ${runeStr(r)}`);
};

const lexValueSequence: StateFn = (l) => {
  if (l.histogramState !== Hist.None) return lexHistogram;
  const r = l.next();
  if (r === EOF_RUNE) return lexStatements;
  if (r === 123 && l.peek() === 123) {
    l.histogramState = Hist.Open;
    l.next();
    l.emit(T.OPEN_HIST);
    return lexHistogram;
  }
  if (isSpace(r)) {
    l.emit(T.SPACE);
    lexSpace(l);
    return lexValueSequence;
  }
  switch (r) {
    case 43: l.emit(T.ADD); return lexValueSequence;
    case 45: l.emit(T.SUB); return lexValueSequence;
    case 120: l.emit(T.TIMES); return lexValueSequence;
    case 95: l.emit(T.BLANK); return lexValueSequence;
  }
  if (isDigit(r) || (r === 46 && isDigit(l.peek()))) {
    l.backup();
    lexNumber(l);
    return lexValueSequence;
  }
  if (isAlpha(r)) {
    l.backup();
    return lexKeywordOrIdentifier;
  }
  return l.errorf(`unexpected character in series sequence: ${runeStr(r)}`);
};

const lexEscape: StateFn = (l) => {
  let n = 0;
  let base = 0;
  let maxVal = 0;
  let ch = l.next();
  switch (ch) {
    case 97: case 98: case 102: case 110: case 114: case 116: case 118: case 92: // a b f n r t v \
      return lexString;
    case 48: case 49: case 50: case 51: case 52: case 53: case 54: case 55:
      n = 3;
      base = 8;
      maxVal = 255;
      break;
    case 120: // x
      ch = l.next();
      n = 2;
      base = 16;
      maxVal = 255;
      break;
    case 117: // u
      ch = l.next();
      n = 4;
      base = 16;
      maxVal = 0x10ffff;
      break;
    case 85: // U
      ch = l.next();
      n = 8;
      base = 16;
      maxVal = 0x10ffff;
      break;
    case EOF_RUNE:
      l.errorf('escape sequence not terminated');
      return lexString;
    default:
      if (ch === l.stringOpen) return lexString;
      l.errorf(`unknown escape sequence ${goFormatU(ch)}`);
      return lexString;
  }
  let x = 0;
  while (n > 0) {
    const d = digitVal(ch);
    if (d >= base) {
      if (ch === EOF_RUNE) {
        l.errorf('escape sequence not terminated');
        return lexString;
      }
      l.errorf(`illegal character ${goFormatU(ch)} in escape sequence`);
      return lexString;
    }
    x = x * base + d;
    n--;
    if (n > 0) ch = l.next();
  }
  if (x > maxVal || (x >= 0xd800 && x < 0xe000)) l.errorf('escape sequence is an invalid Unicode code point');
  return lexString;
};

function skipSpaces(l: Lexer): void {
  while (isSpace(l.peek())) l.next();
  l.ignore();
}

const lexString: StateFn = (l) => {
  for (;;) {
    const r = l.next();
    if (r === 92) return lexEscape;
    if (r === RUNE_ERROR) {
      l.errorf('invalid UTF-8 rune');
      return lexString;
    }
    if (r === EOF_RUNE || r === 10) return l.errorf('unterminated quoted string');
    if (r === l.stringOpen) break;
  }
  l.emit(T.STRING);
  return lexStatements;
};

const lexRawString: StateFn = (l) => {
  for (;;) {
    const r = l.next();
    if (r === RUNE_ERROR) {
      l.errorf('invalid UTF-8 rune');
      return lexRawString;
    }
    if (r === EOF_RUNE) {
      l.errorf('unterminated raw string');
      return lexRawString;
    }
    if (r === l.stringOpen) break;
  }
  l.emit(T.STRING);
  return lexStatements;
};

const lexSpace: StateFn = (l) => {
  while (isSpace(l.peek())) l.next();
  l.ignore();
  return lexStatements;
};

const lexLineComment: StateFn = (l) => {
  l.pos += 1;
  let r = l.next();
  while (!isEndOfLine(r) && r !== EOF_RUNE) r = l.next();
  l.backup();
  l.emit(T.COMMENT);
  return lexStatements;
};

const lexNumber: StateFn = (l) => {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
  l.emit(T.NUMBER);
  return lexStatements;
};

const lexNumberOrDuration: StateFn = (l) => {
  if (l.scanNumber()) {
    l.emit(T.NUMBER);
    return lexStatements;
  }
  if (acceptRemainingDuration(l)) {
    l.backup();
    l.emit(T.DURATION);
    return lexStatements;
  }
  return l.errorf(`bad number or duration syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
};

function acceptRemainingDuration(l: Lexer): boolean {
  if (!l.accept('smhdwy')) return false;
  l.accept('s');
  while (l.accept('0123456789')) {
    while (l.accept('0123456789')) {
      // Consume.
    }
    if (!l.accept('smhdw')) return false;
    l.accept('s');
  }
  return !isAlphaNumeric(l.next());
}

const lexIdentifier: StateFn = (l) => {
  while (isAlphaNumeric(l.next())) {
    // Absorb.
  }
  l.backup();
  l.emit(T.IDENTIFIER);
  return lexStatements;
};

const lexKeywordOrIdentifier: StateFn = (l) => {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r) || r === 58) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    const kw = KEYWORDS.get(word.toLowerCase());
    if (kw !== undefined) {
      // fill, fill_left and fill_right are keywords only when followed by '(' (they may be metric names).
      if ((kw === T.FILL || kw === T.FILL_LEFT || kw === T.FILL_RIGHT) && !l.peekFollowedByLeftParen()) {
        l.emit(T.IDENTIFIER);
      } else {
        l.emit(kw);
      }
    } else if (!word.includes(':')) {
      l.emit(T.IDENTIFIER);
    } else {
      l.emit(T.METRIC_IDENTIFIER);
    }
    break;
  }
  if (l.seriesDesc && l.peek() !== 123) return lexValueSequence;
  return lexStatements;
};

const lexDurationExpr: StateFn = (l) => {
  const r = l.next();
  switch (r) {
    case EOF_RUNE:
      return l.errorf('unexpected end of input in duration expression');
    case 93: // ]
      l.emit(T.RIGHT_BRACKET);
      l.bracketOpen = false;
      l.gotColon = false;
      return lexStatements;
    case 58: // :
      l.emit(T.COLON);
      if (!l.gotDuration) return l.errorf('unexpected colon before duration in duration expression');
      if (l.gotColon) return l.errorf('unexpected repeated colon in duration expression');
      l.gotColon = true;
      return lexDurationExpr;
    case 40:
      l.emit(T.LEFT_PAREN);
      l.parenDepth++;
      return lexDurationExpr;
    case 41:
      l.emit(T.RIGHT_PAREN);
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf(`unexpected right parenthesis ${runeStr(r)}`);
      return lexDurationExpr;
    case 43: l.emit(T.ADD); return lexDurationExpr;
    case 45: l.emit(T.SUB); return lexDurationExpr;
    case 42: l.emit(T.MUL); return lexDurationExpr;
    case 47: l.emit(T.DIV); return lexDurationExpr;
    case 37: l.emit(T.MOD); return lexDurationExpr;
    case 94: l.emit(T.POW); return lexDurationExpr;
    case 44: l.emit(T.COMMA); return lexDurationExpr;
  }
  if (isSpace(r)) {
    skipSpaces(l);
    return lexDurationExpr;
  }
  if (isDurationKeywordStartChar(r)) {
    if (l.scanDurationKeyword()) return lexDurationExpr;
    return l.errorf(`unexpected character in duration expression: ${runeStr(r)}`);
  }
  if (isDigit(r) || (r === 46 && isDigit(l.peek()))) {
    l.backup();
    l.gotDuration = true;
    return lexNumberOrDuration;
  }
  return l.errorf(`unexpected character in duration expression: ${runeStr(r)}`);
};
