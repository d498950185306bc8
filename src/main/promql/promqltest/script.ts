/**
 * Reader for the PromQL test-script language (../shared/conformance/promql/FORMAT.md): turns a
 * script into load / clear / eval commands. Errors in a block become ScriptError commands so the
 * runner can report them at their line and go on with the next block.
 */
import type { Labels } from '../../../common/model/labels';
import { labelsKey } from '../../../common/model/labels';
import { parseDuration } from '../../../common/model/time';
import { parseStartTimestampLine } from '../../../common/promql';
import { GoNumberError, goParseNumber, goUnquoteString } from '../../../common/util/go/strconv';
import { parseSeriesLine, type SequenceValue } from './seriesdesc';

/** ExpectMatcher is one `expect warn|info|fail` line: an exact message or a regex. */
export interface ExpectMatcher {
  message: string | null;
  regex: RegExp | null;
}

/** ExpectedSeries is one expected result series (pos is its 1-based position for `ordered`). */
export interface ExpectedSeries {
  labels: Labels;
  pos: number;
  vals: SequenceValue[];
}

/** LoadSeries is one series of a load block. */
export interface LoadSeries {
  labels: Labels;
  values: SequenceValue[];
  /** startOffsets: per slot start-timestamp offset (ms) or null when omitted; null array = none. */
  startOffsets: (number | null)[] | null;
}

/** ClearCmd drops all loaded data. */
export interface ClearCmd {
  kind: 'clear';
  line: number;
}

/** LoadCmd loads samples. */
export interface LoadCmd {
  kind: 'load';
  line: number;
  intervalMs: number;
  withNHCB: boolean;
  series: LoadSeries[];
}

/** EvalCmd evaluates a query and checks the result. */
export interface EvalCmd {
  kind: 'eval';
  line: number;
  expr: string;
  isRange: boolean;
  /** start/end/step of a range eval, or of `expect range vector`; evalTime of an instant eval. */
  start: number;
  end: number;
  step: number;
  evalTime: number;
  fail: boolean;
  warn: boolean;
  info: boolean;
  ordered: boolean;
  expectedFailMessage: string | null;
  expectedFailRegexp: RegExp | null;
  expectFail: ExpectMatcher[];
  expectWarn: ExpectMatcher[];
  expectInfo: ExpectMatcher[];
  expectNoWarn: boolean;
  expectNoInfo: boolean;
  expectOrdered: boolean;
  expectScalar: boolean;
  scalar: number;
  expected: Map<string, ExpectedSeries>;
  expectedString: string | null;
  expectRangeVector: boolean;
  excludeFromRangeQuery: boolean;
}

/** ScriptError is a malformed block. */
export interface ScriptError {
  kind: 'error';
  line: number;
  message: string;
}

/** Command is one command of a script. */
export type Command = ClearCmd | LoadCmd | EvalCmd | ScriptError;

/** isFail reports whether the eval expects an error. */
export function isFail(c: EvalCmd): boolean {
  return c.fail || c.expectFail.length > 0;
}

/** isOrdered reports whether the eval expects an ordered result. */
export function isOrdered(c: EvalCmd): boolean {
  return c.ordered || c.expectOrdered;
}

class LineError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

const PAT_LOAD = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const PAT_EVAL_INSTANT = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const PAT_EVAL_RANGE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const PAT_EXPECT = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const PAT_EXPECT_RANGE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;

/** RegexCompiler compiles a Go (RE2) pattern for unanchored matching. */
export type RegexCompiler = (pattern: string) => RegExp;

/** ScriptParsers are the parsers the reader needs from the PromQL parser. */
export interface ScriptParsers {
  /** checkExpr parses a query and throws on a syntax error. */
  checkExpr: (expr: string) => void;
  compileRegex: RegexCompiler;
}

/** parseNumber is the scripts' parseNumber (ParseInt base 0, then ParseFloat); null when def is not a number. */
function parseNumber(def: string): number | null {
  try {
    return goParseNumber(def);
  } catch (e) {
    if (e instanceof GoNumberError) return null;
    throw e;
  }
}

function dur(s: string, what: string, line: number): number {
  try {
    return parseDuration(s);
  } catch (e) {
    throw new LineError(line, `invalid ${what} ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
}

function parseExpectLine(line: string, lineNo: number, compileRegex: RegexCompiler): { type: string; m: ExpectMatcher } {
  const p = PAT_EXPECT.exec(line.trim());
  if (p === null) throw new LineError(lineNo, 'invalid expect statement, must match `expect <type> <match_type>: <string>` format');
  const type = p[1]!;
  if (p[2] === undefined) return { type, m: { message: null, regex: /^.*$/ } };
  const text = p[3]!.trim();
  if (p[2] === 'msg') return { type, m: { message: text, regex: null } };
  try {
    return { type, m: { message: null, regex: compileRegex(text) } };
  } catch {
    throw new LineError(lineNo, `invalid regex ${text} for ${type}`);
  }
}

/** parseSTSequence parses the value sequence of an `@st` line into per-slot offsets (ms). */
export function parseSTSequence(input: string): (number | null)[] {
  const out: (number | null)[] = [];
  const lastNonOmitted = (): number => {
    for (let i = out.length - 1; i >= 0; i--) if (out[i] !== null) return out[i]!;
    return 0;
  };
  const durPrefix = (s: string): [number, string] => {
    let i = 0;
    let neg = false;
    if (s[0] === '-') {
      neg = true;
      i++;
    } else if (s[0] === '+') {
      i++;
    }
    const start = i;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    if (i === start) throw new Error(`expected digits in duration ${JSON.stringify(s)}`);
    while (i < s.length && /[a-zA-Z]/.test(s[i]!) && s[i] !== 'x') i++;
    const ms = parseDuration(s.slice(start, i));
    return [neg ? -ms : ms, s.slice(i)];
  };
  const count = (s: string): number => {
    if (!/^\d+$/.test(s)) throw new Error('invalid repeat count');
    return parseInt(s, 10);
  };
  for (const item of input.trim().split(/\s+/)) {
    if (item === '') continue;
    if (item === '_') {
      out.push(null);
      continue;
    }
    if (item.startsWith('_x')) {
      const n = count(item.slice(2));
      if (n === 0) throw new Error('invalid repeat count');
      for (let i = 0; i < n; i++) out.push(null);
      continue;
    }
    if (item === '*') {
      out.push(lastNonOmitted());
      continue;
    }
    if (item.startsWith('*x')) {
      const n = count(item.slice(2));
      const v = lastNonOmitted();
      for (let i = 0; i <= n; i++) out.push(v);
      continue;
    }
    const [base, rest] = durPrefix(item);
    if (rest === '') {
      out.push(base);
      continue;
    }
    if (rest[0] === 'x') {
      const n = count(rest.slice(1));
      for (let i = 0; i <= n; i++) out.push(base);
      continue;
    }
    if (rest[0] !== '+' && rest[0] !== '-') throw new Error(`unexpected character ${JSON.stringify(rest[0])} after duration`);
    const [d, rest2] = durPrefix(rest.slice(1));
    const delta = rest[0] === '-' ? -d : d;
    if (rest2 === '' || rest2[0] !== 'x') throw new Error("expected 'x<count>' after step duration");
    const n = count(rest2.slice(1));
    let off = base;
    for (let i = 0; i <= n; i++) {
      out.push(off);
      off += delta;
    }
  }
  return out;
}

function isSTLine(line: string): boolean {
  const m = /[ \t]/.exec(line);
  if (m === null) return false;
  return line.slice(0, m.index).endsWith('@st');
}

function parseLoad(lines: string[], i: number): [number, LoadCmd] {
  const m = PAT_LOAD.exec(lines[i]!);
  if (m === null) throw new LineError(i + 1, 'invalid load command. (load[_with_nhcb] <step:duration>)');
  const cmd: LoadCmd = { kind: 'load', line: i + 1, intervalMs: dur(m[2]!, 'step definition', i + 1), withNHCB: m[1] === 'with_nhcb', series: [] };
  const byKey = new Map<string, LoadSeries>();
  let pendingST: (number | null)[] | null = null;
  let pendingSTLabels: Labels | null = null;
  let pendingSTLine = 0;
  let defaultST: (number | null)[] | null = null;
  while (i + 1 < lines.length) {
    i++;
    const def = lines[i]!;
    if (def === '') {
      i--;
      break;
    }
    if (isSTLine(def)) {
      if (pendingST !== null) throw new LineError(pendingSTLine, '@st line has no following sample line');
      const sp = /[ \t]/.exec(def)!.index;
      if (def.slice(0, sp) === '@st') {
        try {
          defaultST = parseSTSequence(def.slice(sp + 1));
        } catch (e) {
          throw new LineError(i + 1, `invalid @st sequence: ${(e as Error).message}`);
        }
        continue;
      }
      try {
        const st = parseStartTimestampLine(def);
        pendingSTLabels = st.labels;
        pendingST = st.offsets;
      } catch (e) {
        throw new LineError(i + 1, (e as Error).message);
      }
      pendingSTLine = i + 1;
      continue;
    }
    let parsed;
    try {
      parsed = parseSeriesLine(def);
    } catch (e) {
      throw new LineError(i + 1, (e as Error).message);
    }
    let offsets: (number | null)[] | null = null;
    if (pendingST !== null) {
      if (labelsKey(parsed.labels) !== labelsKey(pendingSTLabels!)) {
        throw new LineError(pendingSTLine, '@st metric does not match the following sample line metric');
      }
      if (pendingST.length !== parsed.values.length) {
        throw new LineError(pendingSTLine, `@st line has ${pendingST.length} values but sample line has ${parsed.values.length}`);
      }
      offsets = pendingST;
    } else if (defaultST !== null && defaultST.length > 0) {
      offsets = parsed.values.map((_, k) => defaultST![k % defaultST!.length]!);
    }
    byKey.set(labelsKey(parsed.labels), { labels: parsed.labels, values: parsed.values, startOffsets: offsets });
    pendingST = null;
  }
  if (pendingST !== null) throw new LineError(pendingSTLine, '@st line has no following sample line');
  cmd.series = [...byKey.values()];
  return [i, cmd];
}

function parseEval(lines: string[], i: number, p: ScriptParsers): [number, EvalCmd] {
  const line = lines[i]!;
  const inst = PAT_EVAL_INSTANT.exec(line);
  const rng = PAT_EVAL_RANGE.exec(line);
  if (inst === null && rng === null) {
    throw new LineError(
      i + 1,
      "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> step <step> <query>'",
    );
  }
  const isInstant = inst !== null;
  const mod = isInstant ? inst[1] : rng![1];
  const expr = isInstant ? inst[3]! : rng![5]!;
  try {
    p.checkExpr(expr);
  } catch (e) {
    throw new LineError(i + 1, `parse error in ${JSON.stringify(expr)}: ${(e as Error).message}`);
  }
  const cmd: EvalCmd = {
    kind: 'eval',
    line: i + 1,
    expr,
    isRange: !isInstant,
    start: 0,
    end: 0,
    step: 0,
    evalTime: 0,
    fail: mod === 'fail',
    warn: mod === 'warn',
    info: mod === 'info',
    ordered: mod === 'ordered',
    expectedFailMessage: null,
    expectedFailRegexp: null,
    expectFail: [],
    expectWarn: [],
    expectInfo: [],
    expectNoWarn: false,
    expectNoInfo: false,
    expectOrdered: false,
    expectScalar: false,
    scalar: 0,
    expected: new Map(),
    expectedString: null,
    expectRangeVector: false,
    excludeFromRangeQuery: false,
  };
  if (isInstant) {
    cmd.evalTime = dur(inst[2] ?? '', 'timestamp definition', i + 1);
    cmd.start = cmd.evalTime;
  } else {
    cmd.start = dur(rng![2]!, 'start timestamp definition', i + 1);
    cmd.end = dur(rng![3]!, 'end timestamp definition', i + 1);
    if (cmd.end < cmd.start) throw new LineError(i + 1, `invalid test definition, end timestamp (${rng![3]}) is before start timestamp (${rng![2]})`);
    cmd.step = dur(rng![4]!, 'step definition', i + 1);
  }
  for (let j = 1; i + 1 < lines.length; j++) {
    i++;
    const def = lines[i]!;
    if (def === '') {
      i--;
      break;
    }
    if (cmd.fail && def.startsWith('expected_fail_message')) {
      cmd.expectedFailMessage = def.slice('expected_fail_message'.length).trim();
      break;
    }
    if (cmd.fail && def.startsWith('expected_fail_regexp')) {
      const pat = def.slice('expected_fail_regexp'.length).trim();
      try {
        cmd.expectedFailRegexp = p.compileRegex(pat);
      } catch {
        throw new LineError(i + 1, `invalid regexp '${pat}' for expected_fail_regexp`);
      }
      break;
    }
    if (def.startsWith('expect range vector')) {
      const m = PAT_EXPECT_RANGE.exec(def);
      if (m === null) throw new LineError(i + 1, `invalid range vector definition ${JSON.stringify(def)}`);
      cmd.start = dur(m[1]!, 'start timestamp definition', i + 1);
      cmd.end = dur(m[2]!, 'end timestamp definition', i + 1);
      if (cmd.end < cmd.start) throw new LineError(i + 1, 'invalid test definition, end timestamp is before start timestamp');
      cmd.step = dur(m[3]!, 'step definition', i + 1);
      cmd.evalTime = cmd.end;
      cmd.expectRangeVector = true;
      cmd.excludeFromRangeQuery = true;
      continue;
    }
    if (def.startsWith('expect string')) {
      if (def === 'expect string') throw new LineError(i + 1, 'expected string literal not valid - a quoted string literal is required');
      const s = goUnquoteString(def.startsWith('expect string ') ? def.slice('expect string '.length) : '');
      if (s === null) throw new LineError(i + 1, 'expected string literal not valid - check that the string is correctly quoted');
      cmd.expectedString = s;
      cmd.excludeFromRangeQuery = true;
      continue;
    }
    if (def.split(' ')[0] === 'expect') {
      const { type, m } = parseExpectLine(def, i + 1, p.compileRegex);
      switch (type) {
        case 'fail':
          cmd.expectFail.push(m);
          break;
        case 'warn':
          cmd.expectWarn.push(m);
          break;
        case 'info':
          cmd.expectInfo.push(m);
          break;
        case 'no_warn':
          cmd.expectNoWarn = true;
          break;
        case 'no_info':
          cmd.expectNoInfo = true;
          break;
        case 'ordered':
          cmd.expectOrdered = true;
          break;
      }
      j--;
      if (cmd.expectInfo.length > 0 && cmd.expectNoInfo) throw new LineError(i + 1, 'invalid expect lines, info and no_info cannot be used together');
      if (cmd.expectWarn.length > 0 && cmd.expectNoWarn) throw new LineError(i + 1, 'invalid expect lines, warn and no_warn cannot be used together');
      if (cmd.expectFail.length > 1) throw new LineError(i + 1, 'invalid expect lines, multiple expect fail lines are not allowed');
      continue;
    }
    const num = parseNumber(def);
    if (num !== null) {
      cmd.expectScalar = true;
      cmd.scalar = num;
      cmd.expected.set('', { labels: [], pos: 0, vals: [{ omitted: false, value: num, histogram: null, counterResetHintSet: false }] });
      break;
    }
    let parsed;
    try {
      parsed = parseSeriesLine(def);
    } catch (e) {
      throw new LineError(i + 1, (e as Error).message);
    }
    if (parsed.values.length > 1 && isInstant && !cmd.expectRangeVector) {
      throw new LineError(
        i + 1,
        "expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query",
      );
    }
    cmd.expectScalar = false;
    cmd.expected.set(labelsKey(parsed.labels), { labels: parsed.labels, pos: j, vals: parsed.values });
  }
  return [i, cmd];
}

function skipBlock(lines: string[], i: number): number {
  while (i + 1 < lines.length && lines[i + 1] !== '') i++;
  return i;
}

/** parseScript reads a whole script. */
export function parseScript(input: string, p: ScriptParsers): Command[] {
  const lines = input.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const cmds: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') continue;
    const c = l.split(/[\t ]+/, 1)[0]!.toLowerCase();
    try {
      if (c === 'clear') {
        cmds.push({ kind: 'clear', line: i + 1 });
      } else if (c.startsWith('load')) {
        const [ni, cmd] = parseLoad(lines, i);
        i = ni;
        cmds.push(cmd);
      } else if (c.startsWith('eval')) {
        const [ni, cmd] = parseEval(lines, i, p);
        i = ni;
        cmds.push(cmd);
      } else {
        throw new LineError(i + 1, `invalid command ${JSON.stringify(l)}`);
      }
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      cmds.push({ kind: 'error', line: e.line, message: e.message });
      i = skipBlock(lines, i);
    }
  }
  return cmds;
}
