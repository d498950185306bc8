/**
 * Parser conformance corpus: valid expositions with the exact entries Prometheus 3 produces, and
 * invalid ones with the position (line, column) and the message of the error. Each case names the
 * rule it covers. Bodies given as number arrays are raw bytes (for invalid UTF-8).
 */

/** ValidCase is an exposition and the entries it must produce. */
export interface ValidCase {
  name: string;
  body: string | number[];
  entries: string[];
}

/** InvalidCase is an exposition, the entries before the error, and where and what the error is. */
export interface InvalidCase {
  name: string;
  body: string | number[];
  line: number;
  column: number;
  /** message must contain this text. */
  message: string;
  /** entries that parse before the error (default: none). */
  before?: string[];
}

const bytes = (s: string): number[] => [...Buffer.from(s, 'latin1')];

/** TEXT_VALID covers the Prometheus text format rules. */
export const TEXT_VALID: ValidCase[] = [
  {
    name: 'empty body',
    body: '',
    entries: [],
  },
  {
    name: 'help, type, samples, comments and blank lines',
    body: [
      '# HELP go_gc_duration_seconds A summary of the GC invocation durations.',
      '# \tTYPE go_gc_duration_seconds summary',
      'go_gc_duration_seconds{quantile="0"} 4.9351e-05',
      '',
      '# Hrandom comment starting with prefix of HELP',
      '#',
      '#no space is a comment too',
      '# HELPER is a comment',
      'go_gc_duration_seconds_count 99',
      '',
    ].join('\n'),
    entries: [
      'HELP go_gc_duration_seconds "A summary of the GC invocation durations."',
      'TYPE go_gc_duration_seconds summary',
      'go_gc_duration_seconds{quantile="0.0"} 0.000049351',
      'COMMENT "# Hrandom comment starting with prefix of HELP"',
      'COMMENT "#"',
      'COMMENT "#no space is a comment too"',
      'COMMENT "# HELPER is a comment"',
      'go_gc_duration_seconds_count 99',
    ],
  },
  {
    name: 'blanks between every token, trailing commas, pairs without commas',
    body: [
      'm{quantile="0.25",} 1',
      'm{ a="b" } 2',
      'm { a = "b" , } 3',
      'm{a="1" b="2"} 4',
      'm{a="1"b="2"} 5',
      'some:aggregate:rate5m{a_b="c"}\t6',
      'go_goroutines 33  \t123123',
      'm{} 7',
    ].join('\n'),
    entries: [
      'm{quantile="0.25"} 1',
      'm{a="b"} 2',
      'm{a="b"} 3',
      'm{a="1", b="2"} 4',
      'm{a="1", b="2"} 5',
      'some:aggregate:rate5m{a_b="c"} 6',
      'go_goroutines 33 @123123',
      'm 7',
    ],
  },
  {
    name: 'label value escapes: \\" \\\\ \\n unescaped, other escapes kept',
    body: 'm{a="\\"q\\"",b="back\\\\slash",c="new\\nline",d="keep\\t\\x"} 1\n',
    entries: ['m{a="\\"q\\"", b="back\\\\slash", c="new\\nline", d="keep\\\\t\\\\x"} 1'],
  },
  {
    name: 'help escapes: only \\\\ and \\n',
    body: '# HELP m a \\\\ b \\n c \\" d\n',
    entries: ['HELP m "a \\\\ b \\n c \\\\\\" d"'],
  },
  {
    name: 'help text: first blank dropped, empty and blank-only help',
    body: '# HELP a  two spaces\n# HELP nohelp1\n# HELP nohelp2 \n# HELP nohelp3 \t\n',
    entries: ['HELP a " two spaces"', 'HELP nohelp1 ""', 'HELP nohelp2 ""', 'HELP nohelp3 ""'],
  },
  {
    name: 'value spellings of Go ParseFloat',
    body: ['a 1', 'a -1', 'a +1.5e3', 'a .5', 'a 5.', 'a 1E-2', 'a +Inf', 'a -Inf', 'a Inf', 'a inf', 'a iNfInItY', 'a -infinity', 'a NaN', 'a nan', 'a -0', 'a 1e-400', 'a 007'].join('\n'),
    entries: ['a 1', 'a -1', 'a 1500', 'a 0.5', 'a 5', 'a 0.01', 'a +Inf', 'a -Inf', 'a +Inf', 'a +Inf', 'a +Inf', 'a -Inf', 'a NaN', 'a NaN', 'a -0', 'a 0', 'a 7'],
  },
  {
    name: 'values at the edges of exact decimal conversion',
    body: ['a 9007199254740993', 'a 0.1', 'a 123456789012345678901234567890', 'a 7.424100000000001e-05', 'a 1.7976931348623157e308', 'a 4.9e-324'].join('\n'),
    entries: ['a 9007199254740992', 'a 0.1', 'a 1.2345678901234568e+29', 'a 0.00007424100000000001', 'a 1.7976931348623157e+308', 'a 5e-324'],
  },
  {
    name: 'timestamps are integer milliseconds',
    body: 'a 1 0\nb 2 1520879607789\nc 3 9223372036854775807\n',
    entries: ['a 1 @0', 'b 2 @1520879607789', 'c 3 @9223372036854776000'],
  },
  {
    name: 'quoted UTF-8 metric and label names',
    body: [
      '# HELP "go.gc_duration_seconds" A summary.',
      '# TYPE "go.gc_duration_seconds" summary',
      '{"go.gc_duration_seconds",quantile="0.5"} 1',
      '{ "go.gc_duration_seconds", quantile= "1" , } 2',
      '{"Heizölrückstoßabdämpfung 10€ metric with \\"interesting\\" {character\\nchoices}","strange©™\\n\'quoted\' \\"name\\""="6"} 10.0',
      'm{"label.with.dots"="v"} 3',
    ].join('\n'),
    entries: [
      'HELP go.gc_duration_seconds "A summary."',
      'TYPE go.gc_duration_seconds summary',
      '{__name__="go.gc_duration_seconds", quantile="0.5"} 1',
      '{__name__="go.gc_duration_seconds", quantile="1.0"} 2',
      '{__name__="Heizölrückstoßabdämpfung 10€ metric with \\"interesting\\" {character\\nchoices}", "strange©™\\n\'quoted\' \\"name\\""="6"} 10',
      'm{"label.with.dots"="v"} 3',
    ],
  },
  {
    name: 'label values may span lines',
    body: 'm{a="x\ny"} 1\nn 2\n',
    entries: ['m{a="x\\ny"} 1', 'n 2'],
  },
  {
    name: 'last line without newline',
    body: 'a 1\nb 2',
    entries: ['a 1', 'b 2'],
  },
  {
    name: 'NUL at the start of a line ends the input; NUL inside values and help is data',
    body: '# HELP metric foo\x00bar\nnull_byte_metric{a="abc\x00"} 1\n\x00garbage that is never read',
    entries: ['HELP metric "foo\\u0000bar"', 'null_byte_metric{a="abc\\u0000"} 1'],
  },
  {
    name: 'untyped is unknown; le and quantile are normalised only for histograms and summaries',
    body: [
      '# TYPE u untyped',
      'u{le="1"} 1',
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="0.005"} 2',
      'h_bucket{le="1e6"} 3',
      'h_bucket{le="100000"} 4',
      'h_bucket{le="+inf"} 5',
      'h_bucket{le="x"} 6',
      'h_sum{quantile="1"} 7',
      '# TYPE s summary',
      's{quantile="0"} 8',
      's{quantile="0.99"} 9',
      's{le="1"} 10',
      '# TYPE g gauge',
      'g{le="1"} 11',
    ].join('\n'),
    entries: [
      'TYPE u unknown',
      'u{le="1"} 1',
      'TYPE h histogram',
      'h_bucket{le="1.0"} 1',
      'h_bucket{le="0.005"} 2',
      'h_bucket{le="1e+06"} 3',
      'h_bucket{le="100000.0"} 4',
      'h_bucket{le="+Inf"} 5',
      'h_bucket{le="x"} 6',
      'h_sum{quantile="1"} 7',
      'TYPE s summary',
      's{quantile="0.0"} 8',
      's{quantile="0.99"} 9',
      's{le="1"} 10',
      'TYPE g gauge',
      'g{le="1"} 11',
    ],
  },
  {
    name: 'names with underscores and colons; labels sorted with __name__',
    body: '_metric_starting_with_underscore 1\ntestmetric{_label="foo",Z="1"} 1\n',
    entries: ['_metric_starting_with_underscore 1', 'testmetric{Z="1", _label="foo"} 1'],
  },
  {
    name: 'a value may follow the name without a blank, as the lexer allows',
    body: 'a+1\nb-2\n',
    entries: ['a 1', 'b -2'],
  },
  {
    name: 'invalid UTF-8 in a comment is accepted',
    body: bytes('# comment \xff\na 1\n'),
    entries: ['COMMENT "# comment \uFFFD"', 'a 1'],
  },
  {
    name: 'a literal U+FFFD in a label value is valid UTF-8',
    body: 'a{b="\uFFFD"} 1\n',
    entries: ['a{b="\uFFFD"} 1'],
  },
];

/** TEXT_INVALID covers the Prometheus text format errors. */
export const TEXT_INVALID: InvalidCase[] = [
  { name: 'name without value', body: 'a', line: 1, column: 2, message: 'expected value after metric' },
  { name: 'newline after name', body: 'a\n', line: 1, column: 2, message: 'expected value after metric, got "\\n" (INVALID)' },
  { name: 'single-quoted label value', body: "a{b='c'} 1\n", line: 1, column: 5, message: 'expected label value, got "\'" (INVALID)' },
  { name: 'label value missing', body: 'a{b=\n', line: 1, column: 5, message: 'expected label value' },
  { name: 'unterminated label value', body: 'something_weird{problem="', line: 1, column: 25, message: 'expected label value' },
  { name: 'empty label name', body: 'empty_label_name{=""} 0', line: 1, column: 18, message: 'expected label name, got "=" (EQUAL)' },
  { name: 'label without value', body: 'a{b} 1\n', line: 1, column: 4, message: 'expected equal, got "}" (BCLOSE)' },
  { name: 'unquoted name used as metric name', body: 'a{b, c="d"} 1\n', line: 1, column: 4, message: 'expected equal, got "," (COMMA)' },
  { name: 'garbage after label value', body: 'a{b="c" 1\n', line: 1, column: 9, message: 'expected label name, got "1" (INVALID)' },
  { name: 'invalid byte as label name', body: bytes('a{\xff="foo"} 1\n'), line: 1, column: 3, message: 'expected label name' },
  { name: 'invalid UTF-8 label value', body: bytes('a{b="\xff"} 1\n'), line: 1, column: 6, message: 'invalid UTF-8 label value' },
  { name: 'invalid UTF-8 label value on a later line', body: bytes('ok 1\nok 2\nx{y="ab\xc3(cd"} 1\n'), line: 3, column: 8, message: 'invalid UTF-8 label value', before: ['ok 1', 'ok 2'] },
  { name: 'invalid UTF-8 help', body: bytes('# HELP m bad \xe2\x82\n'), line: 1, column: 14, message: 'invalid UTF-8 help text' },
  { name: 'invalid UTF-8 quoted label name', body: bytes('m{"\xfe"="v"} 1\n'), line: 1, column: 4, message: 'invalid UTF-8 label name' },
  { name: 'value is not a float', body: 'a true\n', line: 1, column: 3, message: 'strconv.ParseFloat: parsing "true": invalid syntax while parsing: "a true"' },
  { name: 'underscore in float', body: 'foo 1_2\n', line: 1, column: 5, message: 'unsupported character in float' },
  { name: 'hex float', body: 'foo 0x1p-3\n', line: 1, column: 5, message: 'unsupported character in float' },
  { name: 'hex without exponent', body: 'foo 0x10\n', line: 1, column: 5, message: 'invalid syntax' },
  { name: 'signed NaN', body: 'foo +NaN\n', line: 1, column: 5, message: 'invalid syntax' },
  { name: 'value out of range', body: 'foo 1e400\n', line: 1, column: 5, message: 'value out of range' },
  { name: 'bad timestamp character', body: 'foo 0 1_2\n', line: 1, column: 8, message: 'expected next entry after timestamp, got "_" (INVALID)' },
  { name: 'negative timestamp', body: 'foo 1 -2\n', line: 1, column: 7, message: 'expected timestamp or new record' },
  { name: 'two timestamps', body: 'foo 1 2 3\n', line: 1, column: 9, message: 'expected next entry after timestamp' },
  { name: 'timestamp out of int64 range', body: 'foo 1 99999999999999999999\n', line: 1, column: 7, message: 'value out of range' },
  { name: 'carriage return is not a blank', body: 'a 1\r\n', line: 1, column: 3, message: 'invalid syntax' },
  { name: 'metric name missing in braces', body: '{a="ok"} 1', line: 1, column: 1, message: 'metric name not set while parsing: "{a=\\"ok\\"}' },
  { name: 'metric name set twice', body: 'a{"b"} 1\n', line: 1, column: 3, message: 'metric name already set' },
  { name: 'TYPE without name', body: '# TYPE #\n', line: 1, column: 8, message: 'expected metric name after TYPE, got "#" (INVALID)' },
  { name: 'HELP without name', body: '# HELP #\n', line: 1, column: 8, message: 'expected metric name after HELP' },
  { name: 'unknown type', body: '# TYPE m gaugehistogram\n', line: 1, column: 10, message: 'invalid metric type "gaugehistogram"' },
  { name: 'type with trailing blank', body: '# TYPE m counter \n', line: 1, column: 10, message: 'invalid metric type "counter "' },
  { name: 'invalid start', body: 'ok 1\n1a 2\n', line: 2, column: 1, message: 'expected a valid start token', before: ['ok 1'] },
  { name: 'second brace group', body: 'a{b="c"}{d="e"} 1\n', line: 1, column: 9, message: 'expected value after metric, got "{" (BOPEN)' },
  { name: 'NUL in the middle of a name', body: 'a\x00{b="ddd"} 1', line: 1, column: 2, message: 'expected value after metric' },
  { name: 'error position on a later line', body: 'a 1\nb 2\n\nc{x="1",y=2} 3\n', line: 4, column: 11, message: 'expected label value', before: ['a 1', 'b 2'] },
];

/** OM_VALID covers OpenMetrics 1.0 rules. */
export const OM_VALID: ValidCase[] = [
  {
    name: 'the OpenMetrics specification example families',
    body: [
      '# TYPE acme_http_router_request_seconds summary',
      '# UNIT acme_http_router_request_seconds seconds',
      '# HELP acme_http_router_request_seconds Latency though all of ACME\'s HTTP request router.',
      'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
      'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
      'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
      '# TYPE go_goroutines gauge',
      'go_goroutines 69',
      '# TYPE process_cpu_seconds counter',
      '# UNIT process_cpu_seconds seconds',
      'process_cpu_seconds_total 4.20072246e+06',
      '# TYPE foo counter',
      'foo_total{a="b"} 17.0 1520879607.789 # {id="counter-test"} 5',
      'foo_total{a="c"} 18.0 # {id="x",t="y"} 1.5 1520879607.7',
      '# TYPE hh gaugehistogram',
      'hh_bucket{le="1"} 1',
      'hh_bucket{le="+Inf"} 2',
      'hh_gcount 2',
      'hh_gsum 1.5',
      '# TYPE build info',
      'build_info{version="1.0"} 1',
      '# TYPE state stateset',
      'state{state="a"} 1',
      'state{state="b"} 0',
      '# TYPE other unknown',
      'other 1',
      '# EOF',
    ].join('\n'),
    entries: [
      'TYPE acme_http_router_request_seconds summary',
      'UNIT acme_http_router_request_seconds seconds',
      'HELP acme_http_router_request_seconds "Latency though all of ACME\'s HTTP request router."',
      'acme_http_router_request_seconds_sum{method="GET", path="/api/v1"} 9036.32',
      'acme_http_router_request_seconds_count{method="GET", path="/api/v1"} 807283',
      'acme_http_router_request_seconds_created{method="GET", path="/api/v1"} 1605281325',
      'TYPE go_goroutines gauge',
      'go_goroutines 69',
      'TYPE process_cpu_seconds counter',
      'UNIT process_cpu_seconds seconds',
      'process_cpu_seconds_total 4200722.46',
      'TYPE foo counter',
      'foo_total{a="b"} 17 @1520879607789 # {id="counter-test"} 5',
      'foo_total{a="c"} 18 # {id="x", t="y"} 1.5 @1520879607700',
      'TYPE hh gaugehistogram',
      'hh_bucket{le="1"} 1',
      'hh_bucket{le="+Inf"} 2',
      'hh_gcount 2',
      'hh_gsum 1.5',
      'TYPE build info',
      'build_info{version="1.0"} 1',
      'TYPE state stateset',
      'state{state="a"} 1',
      'state{state="b"} 0',
      'TYPE other unknown',
      'other 1',
    ],
  },
  {
    name: '# EOF with a trailing newline; empty exposition',
    body: '# EOF\n',
    entries: [],
  },
  {
    name: 'histogram buckets normalised; trailing comma; escapes; NaN and Inf',
    body: ['# TYPE h histogram', 'h_bucket{le="1",} 1', 'h_bucket{a="x\\"y\\\\z\\nw",le="0.5"} NaN', 'h_sum +Inf', 'h_count -Inf', '# HELP h with \\"quotes\\" and \\\\', '# EOF'].join('\n'),
    entries: ['TYPE h histogram', 'h_bucket{le="1.0"} 1', 'h_bucket{a="x\\"y\\\\z\\nw", le="0.5"} NaN', 'h_sum +Inf', 'h_count -Inf', 'HELP h "with \\"quotes\\" and \\\\"'],
  },
  {
    name: 'quoted names in OpenMetrics',
    body: ['# TYPE "my.metric" gauge', '# HELP "my.metric" dotted', '{"my.metric",a="b"} 1', 'm{"a.b"="c"} 2', '# EOF'].join('\n'),
    entries: ['TYPE my.metric gauge', 'HELP my.metric "dotted"', '{__name__="my.metric", a="b"} 1', 'm{"a.b"="c"} 2'],
  },
  {
    name: 'empty unit and empty help',
    body: '# UNIT m \n# HELP m \nm 1\n# EOF\n',
    entries: ['UNIT m ', 'HELP m ""', 'm 1'],
  },
  {
    name: 'float timestamps in seconds truncate to milliseconds; exemplar without labels',
    body: 'a 1 1.0019\nb 2 -1.5\nc_total 3 # {} 4\n# EOF',
    entries: ['a 1 @1001', 'b 2 @-1500', 'c_total 3 # {} 4'],
  },
];

/** OM_INVALID covers OpenMetrics errors. */
export const OM_INVALID: InvalidCase[] = [
  { name: 'missing # EOF', body: 'a 1\n', line: 2, column: 1, message: 'data does not end with # EOF', before: ['a 1'] },
  { name: 'missing # EOF after last value', body: 'a 1', line: 1, column: 4, message: 'data does not end with # EOF' },
  { name: 'data after # EOF', body: 'a 1\n# EOF\nb 2\n', line: 3, column: 1, message: 'unexpected data after # EOF', before: ['a 1'] },
  { name: 'blank line after # EOF', body: '# EOF\n\n', line: 2, column: 1, message: 'unexpected data after # EOF' },
  { name: 'blank line', body: 'a 1\n\nb 2\n# EOF\n', line: 2, column: 1, message: 'expected a valid start token', before: ['a 1'] },
  { name: 'free comment', body: '# foo\n# EOF\n', line: 1, column: 1, message: 'expected a valid start token' },
  { name: '#EOF without blank', body: '#EOF\n', line: 1, column: 1, message: 'expected a valid start token' },
  { name: 'two spaces before value', body: 'a  1\n# EOF\n', line: 1, column: 2, message: 'expected value after metric' },
  { name: 'tab before value', body: 'a\t1\n# EOF\n', line: 1, column: 2, message: 'expected value after metric' },
  { name: 'space inside braces', body: 'a{b="c" } 1\n# EOF\n', line: 1, column: 8, message: 'expected comma or brace close' },
  { name: 'space after brace', body: 'a{ b="c"} 1\n# EOF\n', line: 1, column: 3, message: 'expected label name' },
  { name: 'raw newline in label value', body: 'a{b="x\ny"} 1\n# EOF\n', line: 1, column: 5, message: 'expected label value' },
  { name: 'untyped is not an OpenMetrics type', body: '# TYPE a untyped\n# EOF\n', line: 1, column: 10, message: 'invalid metric type "untyped"' },
  { name: 'unit not a suffix', body: '# UNIT foo_seconds bytes\n# EOF\n', line: 1, column: 20, message: 'unit "bytes" not a suffix of metric "foo_seconds"' },
  { name: 'unit without underscore separator', body: '# UNIT fooseconds seconds\n# EOF\n', line: 1, column: 19, message: 'not a suffix' },
  { name: 'help without text', body: '# HELP foo\n# EOF\n', line: 1, column: 11, message: 'expected text in HELP' },
  { name: 'NaN timestamp', body: 'a 1 NaN\n# EOF\n', line: 1, column: 5, message: 'invalid timestamp NaN' },
  { name: 'bad timestamp', body: 'a 1 x\n# EOF\n', line: 1, column: 5, message: 'invalid syntax' },
  { name: 'garbage after timestamp', body: 'a 1 2 3\n# EOF\n', line: 1, column: 6, message: 'expected next entry after timestamp' },
  { name: 'exemplar without value', body: 'a_total 1 # {a="b"}\n# EOF\n', line: 1, column: 20, message: 'expected value after exemplar labels' },
  { name: 'exemplar with a lone quoted name', body: 'a_total 1 # {"x"} 1\n# EOF\n', line: 1, column: 17, message: 'expected label name' },
  { name: 'exemplar with bad timestamp', body: 'a_total 1 # {} 1 Inf\n# EOF\n', line: 1, column: 18, message: 'invalid exemplar timestamp +Inf' },
  { name: 'exemplar missing # EOF', body: 'a_total 1 # {} 1', line: 1, column: 17, message: 'data does not end with # EOF' },
  { name: 'invalid UTF-8 label value', body: bytes('a{b="\xc0\xaf"} 1\n# EOF\n'), line: 1, column: 6, message: 'invalid UTF-8 label value' },
  { name: 'invalid UTF-8 in exemplar label value', body: bytes('a_total 1 # {b="\xed\xa0\x80"} 1\n# EOF\n'), line: 1, column: 17, message: 'invalid UTF-8 label value' },
  { name: 'carriage return line ending', body: 'a 1\r\n# EOF\r\n', line: 1, column: 3, message: 'invalid syntax' },
  { name: 'metric name set twice', body: 'a{"b"} 1\n# EOF\n', line: 1, column: 3, message: 'metric name already set' },
];
