/**
 * Printing the AST back to PromQL, byte for byte as Prometheus does: exprToString is
 * Prometheus's Node.String() (promql/parser/printer.go) and prettify is Prettify
 * (promql/parser/prettier.go, used by /api/v1/format_query).
 */
import type { AggregateExpr, BinaryExpr, DurationExpr, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast';
import { formatModelDuration } from '../model/time';
import { formatFloatF, formatFloatFixed, formatFloatG, goQuote } from '../util/go/strconv';
import { utf8Length } from '../util/go/utf8';
import type { Matcher } from '../model/matcher';

function isLegacyLabelName(s: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(s);
}

function writeLabels(ls: readonly string[]): string {
  return ls.map((s) => (isLegacyLabelName(s) ? s : goQuote(s))).join(', ');
}

/** matcherString renders a label matcher as Prometheus's Matcher.String(): `name="value"`, quoting odd names. */
export function matcherString(m: Matcher): string {
  const name = isLegacyLabelName(m.name) ? m.name : goQuote(m.name);
  return name + m.type + goQuote(m.value);
}

/** compareCodePoints orders strings by code point, which is UTF-8 byte order (Go's sort.Strings). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** numberLiteralString renders a number literal value, as a duration when it was written as one. */
function numberLiteralString(val: number, duration: boolean | undefined): string {
  if (duration) {
    if (val < 0) return '-' + durationNsString(-val * 1e9);
    return durationNsString(val * 1e9);
  }
  return formatFloatF(val);
}

/** durationNsString is model.Duration(ns).String() for a float nanosecond count converted as Go does. */
function durationNsString(ns: number): string {
  if (!Number.isFinite(ns)) ns = -(2 ** 63);
  const t = Math.trunc(ns);
  const ms = Math.abs(t) >= 2 ** 63 ? -(2 ** 63) / 1e6 : Number(BigInt(t) / 1_000_000n);
  return formatModelDuration(ms);
}

/** durationExprString renders a duration expression as Prometheus's DurationExpr.String(). */
export function durationExprString(d: DurationExpr): string {
  switch (d.kind) {
    case 'DurationLiteral':
      return numberLiteralString(d.val, d.duration);
    case 'DurationParen':
      return '(' + durationExprString(d.expr) + ')';
    case 'DurationCall':
      if (d.func === 'step') return 'step()';
      if (d.func === 'range') return 'range()';
      return `${d.func === 'min' ? 'min_of' : 'max_of'}(${durationExprString(d.args[0]!)}, ${durationExprString(d.args[1]!)})`;
    case 'DurationUnary':
      return (d.op === '-' ? '-' : '') + durationExprString(d.expr);
    case 'DurationBinary':
      return `${durationExprString(d.lhs)} ${d.op} ${durationExprString(d.rhs)}`;
  }
}

function atString(timestamp: number | null, startOrEnd: string | null): string {
  if (timestamp !== null) return ' @ ' + formatFloatFixed(timestamp / 1000, 3);
  if (startOrEnd === 'start') return ' @ start()';
  if (startOrEnd === 'end') return ' @ end()';
  return '';
}

function offsetString(originalOffset: number, offsetExpr: DurationExpr | null): string {
  if (offsetExpr) return ' offset ' + durationExprString(offsetExpr);
  if (originalOffset > 0) return ' offset ' + formatModelDuration(originalOffset);
  if (originalOffset < 0) return ' offset -' + formatModelDuration(-originalOffset);
  return '';
}

function vectorSelectorBody(vs: VectorSelector): string {
  const parts: string[] = [];
  for (const m of vs.matchers) {
    if (m.name === '__name__' && m.type === '=' && m.value === vs.name && m.value !== '') continue;
    parts.push(matcherString(m));
  }
  parts.sort(compareCodePoints);
  return vs.name + (parts.length ? '{' + parts.join(',') + '}' : '');
}

function aggOpString(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${writeLabels(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${writeLabels(e.grouping)}) `;
  return e.op;
}

function matchingString(e: BinaryExpr): string {
  const vm = e.matching;
  if (!vm) return '';
  let s = '';
  const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
  if (vm.matchingLabels.length > 0 || vm.on || grouped) {
    s += ` ${vm.on ? 'on' : 'ignoring'} (${writeLabels(vm.matchingLabels)})`;
  }
  if (grouped) s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${writeLabels(vm.include)})`;
  const f = vm.fillValues;
  if (f && (f.lhs !== null || f.rhs !== null)) {
    if (f.lhs !== null && f.rhs !== null && f.lhs === f.rhs) {
      s += ` fill (${formatFloatG(f.lhs)})`;
    } else {
      if (f.lhs !== null) s += ` fill_left (${formatFloatG(f.lhs)})`;
      if (f.rhs !== null) s += ` fill_right (${formatFloatG(f.rhs)})`;
    }
  }
  return s;
}

function subquerySuffix(e: SubqueryExpr): string {
  let step = '';
  if (e.step !== 0) step = formatModelDuration(e.step);
  else if (e.stepExpr) step = durationExprString(e.stepExpr);
  const range = e.rangeExpr ? durationExprString(e.rangeExpr) : formatModelDuration(e.range);
  return `[${range}:${step}]${atString(e.timestamp, e.startOrEnd)}${offsetString(e.originalOffset, e.offsetExpr)}`;
}

function matrixString(e: MatrixSelector): string {
  const vs = e.vectorSelector;
  const range = e.rangeExpr ? durationExprString(e.rangeExpr) : formatModelDuration(e.range);
  const ext = vs.anchored ? ' anchored' : vs.smoothed ? ' smoothed' : '';
  return `${vectorSelectorBody(vs)}[${range}]${ext}${atString(vs.timestamp, vs.startOrEnd)}${offsetString(vs.originalOffset, vs.offsetExpr)}`;
}

/** exprToString renders an expression exactly as Prometheus's String() does. */
export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'AggregateExpr':
      return `${aggOpString(e)}(${e.param ? exprToString(e.param) + ', ' : ''}${exprToString(e.expr)})`;
    case 'BinaryExpr':
      return `${exprToString(e.lhs)} ${e.op}${e.returnBool ? ' bool' : ''}${matchingString(e)} ${exprToString(e.rhs)}`;
    case 'Call':
      return `${e.func.name}(${e.args.map(exprToString).join(', ')})`;
    case 'MatrixSelector':
      return matrixString(e);
    case 'SubqueryExpr':
      return exprToString(e.expr) + subquerySuffix(e);
    case 'NumberLiteral':
      return numberLiteralString(e.val, e.duration);
    case 'ParenExpr':
      return `(${exprToString(e.expr)})`;
    case 'StringLiteral':
      return goQuote(e.val);
    case 'UnaryExpr':
      return e.op + exprToString(e.expr);
    case 'StepInvariantExpr':
      return exprToString(e.expr);
    case 'VectorSelector': {
      let s = vectorSelectorBody(e) + atString(e.timestamp, e.startOrEnd);
      if (e.anchored) s += ' anchored';
      else if (e.smoothed) s += ' smoothed';
      return s + offsetString(e.originalOffset, e.offsetExpr);
    }
  }
}

/** shortString is Prometheus's ShortString() of a node: the operator part without operands. */
export function shortString(e: Expr): string {
  switch (e.kind) {
    case 'AggregateExpr':
      return aggOpString(e);
    case 'BinaryExpr':
      return `${e.op}${e.returnBool ? ' bool' : ''}${matchingString(e)}`;
    case 'Call':
      return e.func.name;
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      const range = e.rangeExpr ? durationExprString(e.rangeExpr) : formatModelDuration(e.range);
      return `[${range}]${atString(vs.timestamp, vs.startOrEnd)}${offsetString(vs.originalOffset, vs.offsetExpr)}`;
    }
    case 'SubqueryExpr':
      return subquerySuffix(e);
    case 'UnaryExpr':
      return e.op;
    default:
      return exprToString(e);
  }
}

/** MAX_CHARACTERS_PER_LINE is the width above which prettify splits a node. */
export const MAX_CHARACTERS_PER_LINE = 100;

function indent(n: number): string {
  return '  '.repeat(n);
}

function needsSplit(e: Expr): boolean {
  return utf8Length(exprToString(e)) > MAX_CHARACTERS_PER_LINE;
}

function pretty(e: Expr, level: number): string {
  switch (e.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      let s = indent(level) + aggOpString(e) + '(\n';
      if (e.param) s += pretty(e.param, level + 1) + ',\n';
      return s + pretty(e.expr, level + 1) + '\n' + indent(level) + ')';
    }
    case 'BinaryExpr':
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${pretty(e.lhs, level + 1)}\n${indent(level)}${e.op}${e.returnBool ? ' bool' : ''}${matchingString(e)}\n${pretty(e.rhs, level + 1)}`;
    case 'Call':
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${indent(level)}${e.func.name}(\n${e.args.map((a) => pretty(a, level + 1)).join(',\n')}\n${indent(level)})`;
    case 'ParenExpr':
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${indent(level)}(\n${pretty(e.expr, level + 1)}\n${indent(level)})`;
    case 'StepInvariantExpr':
      return pretty(e.expr, level);
    case 'SubqueryExpr':
      if (!needsSplit(e)) return exprToString(e);
      return pretty(e.expr, level) + subquerySuffix(e);
    case 'UnaryExpr': {
      const child = pretty(e.expr, level).trim();
      return indent(level) + e.op + child;
    }
    case 'MatrixSelector':
    case 'VectorSelector':
    case 'NumberLiteral':
    case 'StringLiteral':
      return indent(level) + exprToString(e);
  }
}

/** prettify formats an expression over several lines as Prometheus's Prettify (format_query) does. */
export function prettify(e: Expr): string {
  return pretty(e, 0);
}
