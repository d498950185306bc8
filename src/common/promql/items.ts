/**
 * The PromQL lexer's items (tokens): their types with goyacc's numbers, the keyword table, and
 * how items are spelled and described in error messages (Prometheus's lex.go ItemType.String,
 * Item.String and Item.desc).
 */
import { goQuotePrefix } from '../util/go/fmt';
import { goQuote } from '../util/go/strconv';
import { utf8Length } from '../util/go/utf8';

/**
 * T holds the item types. The numbers are those goyacc assigns to Prometheus's grammar tokens, so
 * that the rare messages that print a raw item type (`"<Item 57370>"`) match upstream.
 */
export const T = {
  EQL: 57346, BLANK: 57347, COLON: 57348, COMMA: 57349, COMMENT: 57350, DURATION: 57351,
  EOF: 57352, ERROR: 57353, IDENTIFIER: 57354, LEFT_BRACE: 57355, LEFT_BRACKET: 57356,
  LEFT_PAREN: 57357, OPEN_HIST: 57358, CLOSE_HIST: 57359, METRIC_IDENTIFIER: 57360, NUMBER: 57361,
  RIGHT_BRACE: 57362, RIGHT_BRACKET: 57363, RIGHT_PAREN: 57364, SEMICOLON: 57365, SPACE: 57366,
  STRING: 57367, TIMES: 57368,
  histogramDescStart: 57369,
  SUM_DESC: 57370, COUNT_DESC: 57371, SCHEMA_DESC: 57372, OFFSET_DESC: 57373,
  NEGATIVE_OFFSET_DESC: 57374, BUCKETS_DESC: 57375, NEGATIVE_BUCKETS_DESC: 57376,
  ZERO_BUCKET_DESC: 57377, ZERO_BUCKET_WIDTH_DESC: 57378, CUSTOM_VALUES_DESC: 57379,
  COUNTER_RESET_HINT_DESC: 57380,
  histogramDescEnd: 57381,
  operatorsStart: 57382,
  ADD: 57383, DIV: 57384, EQLC: 57385, EQL_REGEX: 57386, GTE: 57387, GTR: 57388,
  TRIM_UPPER: 57389, TRIM_LOWER: 57390, LAND: 57391, LOR: 57392, LSS: 57393, LTE: 57394,
  LUNLESS: 57395, MOD: 57396, MUL: 57397, NEQ: 57398, NEQ_REGEX: 57399, POW: 57400, SUB: 57401,
  AT: 57402, ATAN2: 57403,
  operatorsEnd: 57404,
  aggregatorsStart: 57405,
  AVG: 57406, BOTTOMK: 57407, COUNT: 57408, COUNT_VALUES: 57409, GROUP: 57410, MAX: 57411,
  MIN: 57412, QUANTILE: 57413, STDDEV: 57414, STDVAR: 57415, SUM: 57416, TOPK: 57417,
  LIMITK: 57418, LIMIT_RATIO: 57419,
  aggregatorsEnd: 57420,
  keywordsStart: 57421,
  BOOL: 57422, BY: 57423, GROUP_LEFT: 57424, GROUP_RIGHT: 57425, FILL: 57426, FILL_LEFT: 57427,
  FILL_RIGHT: 57428, IGNORING: 57429, OFFSET: 57430, SMOOTHED: 57431, ANCHORED: 57432, ON: 57433,
  WITHOUT: 57434,
  keywordsEnd: 57435,
  preprocessorStart: 57436,
  START: 57437, END: 57438, STEP: 57439, RANGE: 57440, MAX_OF: 57441, MIN_OF: 57442,
  preprocessorEnd: 57443,
  counterResetHintsStart: 57444,
  UNKNOWN_COUNTER_RESET: 57445, COUNTER_RESET: 57446, NOT_COUNTER_RESET: 57447, GAUGE_TYPE: 57448,
  counterResetHintsEnd: 57449,
} as const;

/** ItemType is one of the numbers in T. */
export type ItemType = number;

/** Item is a token: its type, its UTF-16 start offset and its exact text (or an error message). */
export interface Item {
  typ: ItemType;
  pos: number;
  val: string;
}

/** isOperator reports whether t is an operator item (arithmetic, comparison, set, `@`). */
export function isOperator(t: ItemType): boolean {
  return t > T.operatorsStart && t < T.operatorsEnd;
}

/** isAggregator reports whether t is an aggregation operator item. */
export function isAggregator(t: ItemType): boolean {
  return t > T.aggregatorsStart && t < T.aggregatorsEnd;
}

/** isAggregatorWithParam reports whether the aggregator takes a parameter. */
export function isAggregatorWithParam(t: ItemType): boolean {
  return t === T.TOPK || t === T.BOTTOMK || t === T.COUNT_VALUES || t === T.QUANTILE || t === T.LIMITK || t === T.LIMIT_RATIO;
}

/** isExperimentalAggregator reports whether the aggregator needs enableExperimentalFunctions. */
export function isExperimentalAggregator(t: ItemType): boolean {
  return t === T.LIMITK || t === T.LIMIT_RATIO;
}

/** isKeyword reports whether t is a keyword item (by, offset, on, bool, ...). */
export function isKeyword(t: ItemType): boolean {
  return t > T.keywordsStart && t < T.keywordsEnd;
}

/** isComparisonOperator reports whether t is ==, !=, <, <=, > or >=. */
export function isComparisonOperator(t: ItemType): boolean {
  return t === T.EQLC || t === T.NEQ || t === T.LTE || t === T.LSS || t === T.GTE || t === T.GTR;
}

/** isSetOperator reports whether t is and, or or unless. */
export function isSetOperator(t: ItemType): boolean {
  return t === T.LAND || t === T.LOR || t === T.LUNLESS;
}

/** KEYWORDS maps the lower-cased spelling of every keyword to its item type (Inf and NaN are numbers). */
export const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['and', T.LAND], ['or', T.LOR], ['unless', T.LUNLESS], ['atan2', T.ATAN2],
  ['sum', T.SUM], ['avg', T.AVG], ['count', T.COUNT], ['min', T.MIN], ['max', T.MAX],
  ['group', T.GROUP], ['stddev', T.STDDEV], ['stdvar', T.STDVAR], ['topk', T.TOPK],
  ['bottomk', T.BOTTOMK], ['count_values', T.COUNT_VALUES], ['quantile', T.QUANTILE],
  ['limitk', T.LIMITK], ['limit_ratio', T.LIMIT_RATIO],
  ['offset', T.OFFSET], ['smoothed', T.SMOOTHED], ['anchored', T.ANCHORED], ['by', T.BY],
  ['without', T.WITHOUT], ['on', T.ON], ['ignoring', T.IGNORING], ['group_left', T.GROUP_LEFT],
  ['group_right', T.GROUP_RIGHT], ['fill', T.FILL], ['fill_left', T.FILL_LEFT],
  ['fill_right', T.FILL_RIGHT], ['bool', T.BOOL],
  ['start', T.START], ['end', T.END], ['step', T.STEP], ['range', T.RANGE], ['max_of', T.MAX_OF],
  ['min_of', T.MIN_OF],
  ['inf', T.NUMBER], ['nan', T.NUMBER],
]);

/** ITEM_TYPE_STR is the fixed spelling of item types that have one (Prometheus's ItemTypeStr). */
export const ITEM_TYPE_STR: ReadonlyMap<ItemType, string> = (() => {
  const m = new Map<ItemType, string>([
    [T.OPEN_HIST, '{{'], [T.CLOSE_HIST, '}}'], [T.LEFT_PAREN, '('], [T.RIGHT_PAREN, ')'],
    [T.LEFT_BRACE, '{'], [T.RIGHT_BRACE, '}'], [T.LEFT_BRACKET, '['], [T.RIGHT_BRACKET, ']'],
    [T.COMMA, ','], [T.EQL, '='], [T.COLON, ':'], [T.SEMICOLON, ';'], [T.BLANK, '_'],
    [T.TIMES, 'x'], [T.SPACE, '<space>'],
    [T.SUB, '-'], [T.ADD, '+'], [T.MUL, '*'], [T.MOD, '%'], [T.DIV, '/'], [T.EQLC, '=='],
    [T.NEQ, '!='], [T.LTE, '<='], [T.LSS, '<'], [T.GTE, '>='], [T.GTR, '>'], [T.TRIM_UPPER, '</'],
    [T.TRIM_LOWER, '>/'], [T.EQL_REGEX, '=~'], [T.NEQ_REGEX, '!~'], [T.POW, '^'], [T.AT, '@'],
  ]);
  for (const [s, t] of KEYWORDS) if (t !== T.NUMBER) m.set(t, s);
  return m;
})();

/** itemTypeString is Prometheus's ItemType.String(): the fixed spelling, or `<Item N>`. */
export function itemTypeString(t: ItemType): string {
  return ITEM_TYPE_STR.get(t) ?? `<Item ${t}>`;
}

/** itemString is Prometheus's Item.String(), used in error messages. */
export function itemString(i: Item): string {
  if (i.typ === T.EOF) return 'EOF';
  if (i.typ === T.ERROR) return i.val;
  if (i.typ === T.IDENTIFIER || i.typ === T.METRIC_IDENTIFIER) return goQuote(i.val);
  if (isKeyword(i.typ)) return `<${i.val}>`;
  if (isOperator(i.typ)) return `<op:${i.val}>`;
  if (isAggregator(i.typ)) return `<aggr:${i.val}>`;
  if (utf8Length(i.val) > 10) return goQuotePrefix(i.val, 10) + '...';
  return goQuote(i.val);
}

function itemTypeDesc(t: ItemType): string {
  switch (t) {
    case T.ERROR: return 'error';
    case T.EOF: return 'end of input';
    case T.COMMENT: return 'comment';
    case T.IDENTIFIER: return 'identifier';
    case T.METRIC_IDENTIFIER: return 'metric identifier';
    case T.STRING: return 'string';
    case T.NUMBER: return 'number';
    case T.DURATION: return 'duration';
  }
  return goQuote(itemTypeString(t));
}

/** itemDesc is Prometheus's Item.desc(): how an unexpected item is described in an error. */
export function itemDesc(i: Item): string {
  if (ITEM_TYPE_STR.has(i.typ)) return itemString(i);
  if (i.typ === T.EOF) return itemTypeDesc(i.typ);
  return `${itemTypeDesc(i.typ)} ${itemString(i)}`;
}
