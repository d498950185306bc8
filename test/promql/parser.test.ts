/**
 * Table tests for the PromQL parser (after Prometheus's parse_test.go and lex_test.go, with our
 * own cases): precedence and associativity, literals, modifiers, error messages with positions,
 * the ParseError API, feature options, the lexer, the printer, JSON translation, the function
 * table, series descriptions and `@st` lines. The golden tests (parser_golden.test.ts) compare
 * thousands more inputs with Prometheus's own parser.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_PARSER_FEATURES,
  FUNCTION_LIST,
  MAX_NESTING_DEPTH,
  ParseError,
  ParseErrors,
  type ParserOptions,
  type Expr,
  exprToString,
  getFunction,
  isStartTimestampLine,
  parseExpr,
  parseMetricSelector,
  parseSeriesDesc,
  parseStartTimestampLine,
  prettify,
  translateAST,
} from '../../src/common/promql';
import { T, itemTypeString } from '../../src/common/promql/items';
import { Lexer } from '../../src/common/promql/lexer';
import { formatModelDuration, parseModelDuration } from '../../src/common/model/time';
import { formatFloatF, formatFloatG, goQuote, goUnquote } from '../../src/common/util/go/strconv';
import { isStaleNaN } from '../../src/common/model/value';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** shape renders the tree fully parenthesized, to check how an expression was grouped. */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'BinaryExpr':
      return `(${shape(e.lhs)} ${e.op}${e.returnBool ? ' bool' : ''} ${shape(e.rhs)})`;
    case 'UnaryExpr':
      return `(${e.op}${shape(e.expr)})`;
    case 'ParenExpr':
      return `[${shape(e.expr)}]`;
    case 'Call':
      return `${e.func.name}(${e.args.map(shape).join(', ')})`;
    case 'AggregateExpr':
      return `${e.op}(${e.param ? shape(e.param) + ', ' : ''}${shape(e.expr)})`;
    default:
      return exprToString(e);
  }
}

function errorOf(q: string, opts: ParserOptions = ALL_PARSER_FEATURES): ParseError {
  try {
    parseExpr(q, opts);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(q)} to fail`);
}

describe('precedence and associativity', () => {
  const cases: Array<[string, string]> = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '(-(2 ^ 2))'],
    ['2 ^ -1', '(2 ^ -1)'],
    ['-2 * 3', '(-2 * 3)'],
    ['a + -b * c', '(a + ((-b) * c))'],
    ['-a ^ b * c', '((-(a ^ b)) * c)'],
    ['1 atan2 2 * 3', '((1 atan2 2) * 3)'],
    ['a atan2 b ^ c', '(a atan2 (b ^ c))'],
    ['a or b and c unless d', '(a or ((b and c) unless d))'],
    ['a and b or c', '((a and b) or c)'],
    ['a == b or c', '((a == b) or c)'],
    ['a < b == c', '((a < b) == c)'],
    ['1 + 2 > bool 3', '((1 + 2) > bool 3)'],
    ['a </ b </ c', '((a </ b) </ c)'],
    ['a + b >/ c', '((a + b) >/ c)'],
    ['(1 + 2) * 3', '([(1 + 2)] * 3)'],
    ['-foo offset 5m', '(-foo offset 5m)'],
    ['a + b offset 5m', '(a + b offset 5m)'],
    ['foo offset 1m + 2', '(foo offset 1m + 2)'],
    ['foo offset (1m) + 2', 'foo offset 1m + 2'],
    ['sum(a) by (x) / sum(b)', '(sum(a) / sum(b))'],
  ];
  it.each(cases)('%s groups as %s', (q, want) => {
    expect(shape(parseExpr(q, ALL_PARSER_FEATURES))).toBe(want);
  });

  it('folds a sign into a number literal but not into a parenthesis', () => {
    const n = parseExpr('- 1');
    expect(n).toMatchObject({ kind: 'NumberLiteral', val: -1, pos: { start: 0, end: 3 } });
    expect(parseExpr('--1')).toMatchObject({ kind: 'NumberLiteral', val: 1 });
    expect(parseExpr('-(1)')).toMatchObject({ kind: 'UnaryExpr', op: '-', expr: { kind: 'ParenExpr' } });
  });
});

describe('literals', () => {
  const numbers: Array<[string, number]> = [
    ['1', 1], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-3', 0.001], ['0x1F', 31], ['0X_1f', 31], ['0x1e5', 485],
    ['0755', 493], ['08', 8], ['1_000', 1000], ['1_000.5', 1000.5], ['Inf', Infinity], ['-inf', -Infinity],
    ['99999999999999999999', 1e20], ['1e-400', 0], ['5m', 300], ['1h30m', 5400], ['1y2w3d4h5m6s7ms', 33019506.007],
  ];
  it.each(numbers)('%s is %d', (q, want) => {
    const e = parseExpr(q);
    expect(e.kind).toBe('NumberLiteral');
    expect((e as { val: number }).val).toBe(want);
  });

  it('NaN is a number and keeps its spelling in errors', () => {
    const e = parseExpr('NaN');
    expect(e.kind === 'NumberLiteral' && Number.isNaN(e.val)).toBe(true);
  });

  it('marks durations used as numbers', () => {
    expect(parseExpr('5m')).toMatchObject({ kind: 'NumberLiteral', duration: true });
    expect(exprToString(parseExpr('-90s'))).toBe('-1m30s');
  });

  const strings: Array<[string, string]> = [
    ['"a\\tb\\n"', 'a\tb\n'],
    ["'it\\'s'", "it's"],
    ['`raw\\n`', 'raw\\n'],
    ['"\\x41\\u00e9\\U0001F600\\101"', 'AéðŸ˜€A'.replace('ðŸ˜€', '😀')],
    ['"é"', 'é'],
  ];
  it.each(strings)('string %s', (q, want) => {
    expect(parseExpr(q)).toMatchObject({ kind: 'StringLiteral', val: want });
  });

  it('keeps bytes that are not UTF-8 exact and prints them back', () => {
    const e = parseExpr('"a\\xc5z"');
    expect(e.kind === 'StringLiteral' && e.val).toBe('a\udcc5z');
    expect(exprToString(e)).toBe('"a\\xc5z"');
  });
});

describe('selectors and modifiers', () => {
  it('puts the metric name matcher last', () => {
    const e = parseExpr('foo{a="b", c!~"d"}');
    expect(e.kind).toBe('VectorSelector');
    if (e.kind !== 'VectorSelector') return;
    expect(e.matchers.map((m) => `${m.name}${m.type}${m.value}`)).toEqual(['a=b', 'c!~d', '__name__=foo']);
    expect(e.pos).toEqual({ start: 0, end: 18 });
  });

  it('accepts UTF-8 quoted metric and label names', () => {
    const e = parseExpr('{"my.metric", "a.b"="c"}');
    expect(e.kind === 'VectorSelector' && e.matchers.map((m) => [m.name, m.value])).toEqual([['__name__', 'my.metric'], ['a.b', 'c']]);
    expect(exprToString(e)).toBe('{"a.b"="c",__name__="my.metric"}');
  });

  it('reads range selectors, subqueries, offsets and @ in ms', () => {
    const e = parseExpr('rate(foo[5m] offset -1m30s @ 1.5)[1h:10s] @ end()', ALL_PARSER_FEATURES);
    expect(e).toMatchObject({ kind: 'SubqueryExpr', range: 3_600_000, step: 10_000, startOrEnd: 'end' });
    const inner = (e as { expr: Expr }).expr;
    expect(inner).toMatchObject({ kind: 'Call', args: [{ kind: 'MatrixSelector', range: 300_000, vectorSelector: { originalOffset: -90_000, timestamp: 1500 } }] });
  });

  it('keeps duration expressions for the engine to evaluate', () => {
    const e = parseExpr('foo[step() * 2 + 1m] offset min_of(1m, range())', ALL_PARSER_FEATURES);
    expect(e).toMatchObject({
      kind: 'MatrixSelector',
      range: 0,
      rangeExpr: {
        kind: 'DurationBinary',
        op: '+',
        lhs: { kind: 'DurationBinary', op: '*', lhs: { kind: 'DurationCall', func: 'step' }, rhs: { kind: 'DurationLiteral', val: 2, ms: 2000, duration: false } },
        rhs: { kind: 'DurationLiteral', val: 60, ms: 60000, duration: true },
      },
      vectorSelector: { offsetExpr: { kind: 'DurationCall', func: 'min', args: [{ kind: 'DurationLiteral' }, { kind: 'DurationCall', func: 'range' }] } },
    });
  });

  it('reads vector matching and fill modifiers', () => {
    const e = parseExpr('a * on(x) group_left(y) fill_left(1) fill_right(2) b', ALL_PARSER_FEATURES);
    expect(e).toMatchObject({ matching: { card: 'many-to-one', on: true, matchingLabels: ['x'], include: ['y'], fillValues: { lhs: 1, rhs: 2 } } });
    expect(parseExpr('a and b')).toMatchObject({ matching: { card: 'many-to-many' } });
    expect(parseExpr('a + 1')).toMatchObject({ matching: null });
  });

  it('reads anchored and smoothed', () => {
    expect(parseExpr('foo[5m] anchored', ALL_PARSER_FEATURES)).toMatchObject({ vectorSelector: { anchored: true, smoothed: false } });
    expect(parseExpr('foo smoothed', ALL_PARSER_FEATURES)).toMatchObject({ anchored: false, smoothed: true });
  });

  it('parses keywords as metric names where they cannot be keywords', () => {
    for (const q of ['sum', 'by', 'offset', 'start', 'step', 'anchored', 'fill', 'and', 'min_of']) {
      expect(parseExpr(q)).toMatchObject({ kind: 'VectorSelector', name: q });
    }
    expect(shape(parseExpr('fill + fill'))).toBe('(fill + fill)');
  });

  it('accepts by/without before or after the aggregation body', () => {
    expect(exprToString(parseExpr('sum(foo) by (a)'))).toBe('sum by (a) (foo)');
    expect(exprToString(parseExpr('count_values without (a) ("v", foo)'))).toBe('count_values without (a) ("v", foo)');
  });

  it('skips comments', () => {
    expect(exprToString(parseExpr('foo # the metric\n+ bar # and another'))).toBe('foo + bar');
  });
});

describe('errors', () => {
  const cases: Array<[string, string]> = [
    ['', 'unknown position: parse error: no expression found in input'],
    ['# just a comment', '1:1: parse error: no expression found in input'],
    ['foo +', '1:6: parse error: unexpected end of input'],
    ['1 + 2)', '1:7: parse error: unexpected right parenthesis \')\''],
    ['(1 + 2', '1:7: parse error: unclosed left parenthesis'],
    ['foo{a="b"', '1:10: parse error: unexpected end of input inside braces'],
    ['foo{a=b}', '1:7: parse error: unexpected identifier "b" in label matching, expected string'],
    ['foo{a}', '1:6: parse error: unexpected "}" in label matching, expected label matching operator'],
    ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['{a=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
    ['foo{a=~"("}', '1:5: parse error: error parsing regexp: missing closing ): `(`'],
    ['sum by a (x)', '1:8: parse error: unexpected identifier "a" in grouping opts, expected "("'],
    ['sum by (1) (x)', '1:9: parse error: unexpected number "1" in grouping opts, expected label'],
    ['sum(a b)', '1:7: parse error: unexpected identifier "b" in aggregation'],
    ['sum()', '1:1: parse error: no arguments for aggregate expression provided'],
    ['topk(foo)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1'],
    ['rate(foo[5m],)', '1:13: parse error: trailing commas not allowed in function call args'],
    ['nosuch(foo)', '1:1: parse error: unknown function with name "nosuch"'],
    ['rate(foo)', '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
    ['round(foo, 1, 2)', '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3'],
    ['1 == 1', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
    ['a + bool b', '1:3: parse error: bool modifier can only be used on comparison operators'],
    ['1 and a', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    ['a and on(x) group_left b', '1:1: parse error: no grouping allowed for "and" operation'],
    ['a + on(x) group_left(x) b', '1:3: parse error: label "x" must not occur in ON and GROUP clause at once'],
    ['foo[5m] + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
    ['foo[0]', '1:5: parse error: duration must be greater than 0'],
    ['foo[5m', '1:7: parse error: unclosed left bracket'],
    ['foo[5m)', '1:8: parse error: unexpected right parenthesis \')\''],
    ['foo[5m}', "1:7: parse error: unexpected character: '}'"],
    ['foo[5m 1m]', '1:8: parse error: unexpected duration "1m" in subquery or range, expected ":" or "]"'],
    ['sum(foo)[5m]', '1:9: parse error: ranges only allowed for vector selectors'],
    ['foo offset 5m offset 1m', '1:1: parse error: offset may not be set multiple times'],
    ['foo offset bar', '1:12: parse error: unexpected identifier "bar" in offset, expected number, duration, step(), or range()'],
    ['foo @ bar', '1:7: parse error: unexpected identifier "bar" in @, expected timestamp'],
    ['foo @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
    ['sum(foo) @ 1', '1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['foo[1h / 0]', '1:8: parse error: division by zero'],
    ['foo[5m:1m] anchored', '1:1: parse error: anchored modifier is not supported for subqueries'],
    ['1m1h', '1:1: parse error: not a valid duration string: "1m1h"'],
    ['0x + 1', '1:1: parse error: error parsing number: strconv.ParseFloat: parsing "0x": invalid syntax'],
    ['1__', '1:1: parse error: bad number or duration syntax: "1__"'],
    ['"\\q"', '1:1: parse error: unknown escape sequence U+0071 \'q\''],
    ['foo ~ bar', '1:5: parse error: unexpected character: \'~\''],
    ['foo\n  +\n  )', '3:4: parse error: unexpected right parenthesis \')\''],
    ['foo\n  + bar{', '2:9: parse error: unexpected end of input inside braces'],
  ];
  it.each(cases)('%j fails with %s', (q, want) => {
    expect(errorOf(q).format()).toBe(want);
  });

  it('is a ParseErrors carrying every error, itself describing the first', () => {
    const e = errorOf('sum(foo offset 1m offset 2m) + nosuch(1)');
    expect(e).toBeInstanceOf(ParseErrors);
    const all = (e as ParseErrors).errors;
    expect(all.map((x) => x.message)).toEqual(['offset may not be set multiple times', 'unknown function with name "nosuch"']);
    expect(e.message).toBe(all[0]!.message);
    // The selector's range was extended to the end of the first offset when that was applied.
    expect(e.positionRange).toEqual({ start: 4, end: 17 });
    expect(String(e)).toBe(e.format());
  });

  it('positions are UTF-16 offsets; the printed column counts bytes as Prometheus does', () => {
    const e = errorOf('"é" + )');
    expect(e.positionRange.start).toBe(7);
    expect(e.format()).toBe('1:9: parse error: unexpected right parenthesis \')\'');
  });

  it('rejects queries that nest too deeply with a ParseError', () => {
    const q = '('.repeat(MAX_NESTING_DEPTH + 5) + '1' + ')'.repeat(MAX_NESTING_DEPTH + 5);
    expect(errorOf(q).message).toBe(`query nests too deeply (more than ${MAX_NESTING_DEPTH} levels)`);
    expect(errorOf(Array(MAX_NESTING_DEPTH + 5).fill('a').join(' + ')).message).toMatch(/nests too deeply/);
    expect(exprToString(parseExpr(Array(200).fill('a').join(' + ')))).toMatch(/^a \+ a/);
  });
});

describe('feature options default to off', () => {
  const gated: Array<[string, string]> = [
    ['sort_by_label(foo, "a")', 'function "sort_by_label" is not enabled'],
    ['limitk(1, foo)', 'limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions'],
    ['foo[5m + 1m]', 'experimental duration expression is not enabled'],
    ['foo offset step()', 'experimental duration expression is not enabled'],
    ['foo[5m] anchored', 'anchored modifier is experimental and not enabled'],
    ['foo[5m] smoothed', 'smoothed modifier is experimental and not enabled'],
    ['a + fill(0) b', 'binop fill modifiers are experimental and not enabled'],
  ];
  it.each(gated)('%s needs its option', (q, msg) => {
    expect(errorOf(q, {}).message).toBe(msg);
    expect(() => parseExpr(q, ALL_PARSER_FEATURES)).not.toThrow();
  });
});

describe('lexer', () => {
  function lex(q: string): string[] {
    const l = new Lexer(q);
    const out: string[] = [];
    for (;;) {
      const it = l.nextItem();
      out.push(`${itemTypeString(it.typ)}:${it.val}@${it.pos}`);
      if (it.typ === T.EOF || it.typ === T.ERROR) return out;
    }
  }
  it('scans operators, keywords and literals', () => {
    expect(lex('sum by(a)(x >/ 1)')).toEqual([
      'sum:sum@0', 'by:by@4', '(:(@6', '<Item 57354>:a@7', '):)@8', '(:(@9', '<Item 57354>:x@10', '>/:>/@12', '<Item 57361>:1@15', '):)@16', '<Item 57352>:@17',
    ]);
  });
  it('scans inside braces without keywords', () => {
    expect(lex('{by!~"x"}')).toEqual(['{:{@0', '<Item 57354>:by@1', '!~:!~@3', '<Item 57367>:"x"@5', '}:}@8', '<Item 57352>:@9']);
  });
  it('scans duration expressions inside brackets', () => {
    expect(lex('x[STep()*2:]')).toEqual([
      '<Item 57354>:x@0', '[:[@1', 'step:STep@2', '(:(@6', '):)@7', '*:*@8', '<Item 57361>:2@9', ':::@10', ']:]@11', '<Item 57352>:@12',
    ]);
  });
  it('keeps fill as an identifier unless a parenthesis follows', () => {
    expect(lex('fill + fill (0)').map((s) => s.split(':')[0])).toEqual(['<Item 57354>', '+', 'fill', '(', '<Item 57361>', ')', '<Item 57352>']);
  });
  it('reports lexer errors as items', () => {
    expect(lex('a $')).toEqual(['<Item 57354>:a@0', "<Item 57353>:unexpected character: '$'@2"]);
    expect(lex('0x1e')).toEqual(['<Item 57353>:bad number or duration syntax: "0x1e"@0']);
  });
});

describe('printer, prettifier and JSON', () => {
  it('prints like Prometheus', () => {
    const cases: Array<[string, string]> = [
      ['sum without(a)(rate(foo{b="c"}[5m] offset 1h @ 100))', 'sum without (a) (rate(foo{b="c"}[5m] @ 100.000 offset 1h))'],
      ['a + on() b', 'a + on () b'],
      ['a + ignoring() b', 'a + b'],
      ['a * on(x) group_left b', 'a * on (x) group_left () b'],
      ['a + fill(NaN) b', 'a + fill_left (NaN) fill_right (NaN) b'],
      ['foo offset 90m', 'foo offset 1h30m'],
      ['foo[1d:1w]', 'foo[1d:1w]'],
      ['foo[8d]', 'foo[8d]'],
      ['foo[14d]', 'foo[2w]'],
      ['x{"a.b"="c", d="e"}', 'x{"a.b"="c",d="e"}'],
      ['1e21', '1000000000000000000000'],
      ['foo[(5m+1m)*2] offset -(step())', 'foo[(5m + 1m) * 2] offset -(step())'],
    ];
    for (const [q, want] of cases) expect(exprToString(parseExpr(q, ALL_PARSER_FEATURES))).toBe(want);
  });

  it('prettifies long expressions over lines', () => {
    const q = 'sum by (job, instance) (rate(http_requests_total{job="api-server", handler="/api/v1/query_range", code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))';
    expect(prettify(parseExpr(q))).toBe(
      [
        '  sum by (job, instance) (',
        '    rate(http_requests_total{code=~"5..",handler="/api/v1/query_range",job="api-server"}[5m])',
        '  )',
        '/',
        '  sum by (job) (rate(http_requests_total[5m]))',
      ].join('\n'),
    );
  });

  it('translates to the parse_query JSON shape with sorted keys', () => {
    expect(JSON.stringify(translateAST(parseExpr('foo offset 1m > bool 2')))).toBe(
      '{"bool":true,"lhs":{"anchored":false,"matchers":[{"name":"__name__","type":"=","value":"foo"}],"name":"foo","offset":60000,"offsetExpr":null,' +
        '"smoothed":false,"startOrEnd":null,"timestamp":null,"type":"vectorSelector"},"matching":null,"op":">","rhs":{"type":"numberLiteral","val":"2"},"type":"binaryExpr"}',
    );
  });
});

describe('function table', () => {
  it('matches Prometheus v3.14 function for function', () => {
    const golden = readFileSync(path.join(__dirname, 'parser/fixtures/functions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; argTypes: string[]; variadic: number; returnType: string; experimental: boolean });
    expect(FUNCTION_LIST.map((f) => ({ ...f, argTypes: [...f.argTypes] }))).toEqual(golden);
  });

  it('looks functions up by exact name', () => {
    expect(getFunction('rate')).toMatchObject({ argTypes: ['matrix'], returnType: 'vector' });
    expect(getFunction('RATE')).toBeUndefined();
    expect(getFunction('info')).toMatchObject({ experimental: true, variadic: 1 });
  });
});

describe('metric selectors', () => {
  it('parses API match[] selectors without the non-empty rule', () => {
    expect(parseMetricSelector('up{job="x"}').map(String)).toEqual(['job="x"', '__name__="up"']);
    expect(parseMetricSelector('{}')).toEqual([]);
    expect(() => parseMetricSelector('rate(x[5m])')).toThrow(ParseError);
  });
});

describe('series descriptions', () => {
  it('expands value sequences', () => {
    const d = parseSeriesDesc('up{job="a"} 1 _ 2x2 1+2x2 5-1x1 _x2 stale -Inf');
    expect(d.labels).toEqual([{ name: '__name__', value: 'up' }, { name: 'job', value: 'a' }]);
    const vals = d.values.map((v) => (v.kind === 'omitted' ? '_' : v.kind === 'float' ? (isStaleNaN(v.value) ? 'stale' : v.value) : 'h'));
    expect(vals).toEqual([1, '_', 2, 2, 2, 1, 3, 5, 5, 4, '_', '_', 'stale', -Infinity]);
  });

  it('builds histograms and their increasing series', () => {
    const d = parseSeriesDesc('h {{schema:0 sum:1 count:2 buckets:[1 1] counter_reset_hint:gauge}}+{{sum:1 count:1 buckets:[1] offset:1}}x2');
    expect(d.values).toHaveLength(3);
    const last = d.values[2]!;
    expect(last.kind === 'histogram' && last.histogram).toMatchObject({ schema: 0, sum: 3, count: 4, positiveSpans: [{ offset: 0, length: 2 }], positiveBuckets: [1, 3], counterResetHint: 'gauge' });
    // The "hint was spelled out" flag of an increasing series comes from the increment, as upstream.
    expect(last.kind === 'histogram' && last.counterResetHintSet).toBe(false);
  });

  it('fails on bad items with positions', () => {
    let err: unknown;
    try {
      parseSeriesDesc('foo 1 bar');
    } catch (e) {
      err = e;
    }
    expect(err instanceof ParseError && err.format()).toBe('1:7: parse error: unexpected identifier "bar" in series values, expected number or "stale"');
    expect(() => parseSeriesDesc('foo 1x1.5')).toThrow('invalid repetition in series values: strconv.ParseUint: parsing "1.5": invalid syntax');
    expect(() => parseSeriesDesc('foo 1x99999999', { maxValues: 1000 })).toThrow('more than 1000 values');
  });

  it('parses @st start-timestamp lines', () => {
    expect(isStartTimestampLine('cumulative{type="a"}@st  _ -1m')).toBe(true);
    expect(isStartTimestampLine('cumulative{type="a"} 1 2')).toBe(false);
    const st = parseStartTimestampLine('series{type="x"}@st _ _x2 -30s-1mx2 0 1msx1');
    expect(st.labels).toEqual([{ name: '__name__', value: 'series' }, { name: 'type', value: 'x' }]);
    expect(st.offsets).toEqual([null, null, null, -30000, -90000, -150000, 0, 1, 1]);
    expect(() => parseStartTimestampLine('s@st 5q')).toThrow('invalid @st sequence');
  });
});

describe('Go formatting helpers', () => {
  it('quote and unquote like Go', () => {
    expect(goQuote('a"b\\\n\u00a0é😀\x7f')).toBe('"a\\"b\\\\\\n\\u00a0é😀\\x7f"');
    expect(goUnquote("'\\''")).toBe("'");
    expect(() => goUnquote('"\\q"')).toThrow('invalid syntax');
  });
  it('format floats like strconv', () => {
    expect([formatFloatF(1e21), formatFloatF(-0), formatFloatF(0.000001), formatFloatF(NaN), formatFloatF(-Infinity)]).toEqual(['1000000000000000000000', '-0', '0.000001', 'NaN', '-Inf']);
    expect([formatFloatG(1e6), formatFloatG(123456.5), formatFloatG(1e-5), formatFloatG(1e100)]).toEqual(['1e+06', '123456.5', '1e-05', '1e+100']);
  });
  it('parse and print durations like prometheus/common', () => {
    expect(parseModelDuration('1h30m')).toBe(5_400_000_000_000n);
    expect(() => parseModelDuration('1hs')).toThrow('unknown unit "hs" in duration "1hs"');
    expect([formatModelDuration(0), formatModelDuration(90_000), formatModelDuration(86_400_000 * 14), formatModelDuration(86_400_000 * 8), formatModelDuration(-1)]).toEqual(['0s', '1m30s', '2w', '8d', '-1ms']);
  });
});
