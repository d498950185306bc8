/**
 * The AST as JSON for /api/v1/parse_query, in the shape of Prometheus's web/api/v1 translateAST
 * (the tree view of the query UI). Keys are emitted in sorted order, as Go's encoding/json does for
 * maps, so JSON.stringify of the result matches Prometheus's response byte for byte.
 */
import type { DurationExpr, Expr, VectorSelector } from './ast';
import { formatFloatF } from '../util/go/strconv';
import type { Matcher } from '../model/matcher';

/** JSONValue is a JSON-serializable value. */
export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** jsonString maps surrogate-escaped bytes (invalid UTF-8) to U+FFFD, as Go's JSON encoder does. */
function jsonString(s: string): string {
  return s.replace(/[\udc80-\udcff]/g, '\ufffd');
}

/** sorted returns a copy of obj with keys in code-point order (Go's map key order). */
function sorted(obj: Record<string, JSONValue>): { [key: string]: JSONValue } {
  const out: { [key: string]: JSONValue } = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k]!;
  return out;
}

function matchers(ms: readonly Matcher[]): JSONValue {
  return ms.map((m) => sorted({ name: jsonString(m.name), value: jsonString(m.value), type: m.type }));
}

function durationJSON(d: DurationExpr | null): JSONValue {
  if (!d) return null;
  switch (d.kind) {
    case 'DurationLiteral':
      return sorted({ type: 'numberLiteral', val: formatFloatF(d.val), duration: d.duration });
    case 'DurationParen': {
      const inner = durationJSON(d.expr) as { [key: string]: JSONValue };
      return sorted({ ...inner, wrapped: true });
    }
    case 'DurationCall':
      if (d.func === 'step' || d.func === 'range') return sorted({ type: 'durationExpr', op: d.func, lhs: null, rhs: null, wrapped: false });
      return sorted({ type: 'durationExpr', op: d.func === 'min' ? 'min_of' : 'max_of', lhs: durationJSON(d.args[0]!), rhs: durationJSON(d.args[1]!), wrapped: false });
    case 'DurationUnary':
      return sorted({ type: 'durationExpr', op: d.op, lhs: null, rhs: durationJSON(d.expr), wrapped: false });
    case 'DurationBinary':
      return sorted({ type: 'durationExpr', op: d.op, lhs: durationJSON(d.lhs), rhs: durationJSON(d.rhs), wrapped: false });
  }
}

function selectorFields(vs: VectorSelector): Record<string, JSONValue> {
  return {
    name: vs.name,
    offset: vs.originalOffset,
    offsetExpr: durationJSON(vs.offsetExpr),
    matchers: matchers(vs.matchers),
    timestamp: vs.timestamp,
    startOrEnd: vs.startOrEnd,
    anchored: vs.anchored,
    smoothed: vs.smoothed,
  };
}

function fillValue(v: number | null): JSONValue {
  if (v === null) return null;
  // encoding/json cannot encode NaN or ±Inf; Prometheus's response would fail. Vigil writes the
  // value as a string instead of failing the whole request.
  return Number.isFinite(v) ? v : formatFloatF(v);
}

/** translateAST renders an expression as Prometheus's parse_query JSON tree. */
export function translateAST(e: Expr | null): JSONValue {
  if (!e) return null;
  switch (e.kind) {
    case 'AggregateExpr':
      return sorted({ type: 'aggregation', op: e.op, expr: translateAST(e.expr), param: translateAST(e.param), grouping: [...e.grouping], without: e.without });
    case 'BinaryExpr': {
      const m = e.matching;
      const matching: JSONValue = m
        ? sorted({
            card: m.card,
            labels: [...m.matchingLabels],
            on: m.on,
            include: [...m.include],
            fillValues: sorted({ lhs: fillValue(m.fillValues?.lhs ?? null), rhs: fillValue(m.fillValues?.rhs ?? null) }),
          })
        : null;
      return sorted({ type: 'binaryExpr', op: e.op, lhs: translateAST(e.lhs), rhs: translateAST(e.rhs), matching, bool: e.returnBool });
    }
    case 'Call':
      return sorted({
        type: 'call',
        func: sorted({ name: e.func.name, argTypes: [...e.func.argTypes], variadic: e.func.variadic, returnType: e.func.returnType }),
        args: e.args.map(translateAST),
      });
    case 'MatrixSelector':
      return sorted({ type: 'matrixSelector', range: e.range, rangeExpr: durationJSON(e.rangeExpr), ...selectorFields(e.vectorSelector) });
    case 'SubqueryExpr':
      return sorted({
        type: 'subquery',
        expr: translateAST(e.expr),
        range: e.range,
        rangeExpr: durationJSON(e.rangeExpr),
        offset: e.originalOffset,
        offsetExpr: durationJSON(e.offsetExpr),
        step: e.step,
        stepExpr: durationJSON(e.stepExpr),
        timestamp: e.timestamp,
        startOrEnd: e.startOrEnd,
      });
    case 'NumberLiteral':
      return sorted({ type: 'numberLiteral', val: formatFloatF(e.val) });
    case 'ParenExpr':
      return sorted({ type: 'parenExpr', expr: translateAST(e.expr) });
    case 'StringLiteral':
      return sorted({ type: 'stringLiteral', val: jsonString(e.val) });
    case 'UnaryExpr':
      return sorted({ type: 'unaryExpr', op: e.op, expr: translateAST(e.expr) });
    case 'StepInvariantExpr':
      return translateAST(e.expr);
    case 'VectorSelector':
      return sorted({ type: 'vectorSelector', ...selectorFields(e) });
  }
}
