/**
 * checkAST, the type-check pass that runs after a successful parse (Prometheus's parser.checkAST
 * in promql/parser/parse.go): operand types of operators, function and aggregation argument
 * types and counts, `bool` only on comparisons, set operators only between vectors, vector
 * matching rules, and the "at least one non-empty matcher" rule for selectors. It also settles
 * vector matching: set operators become many-to-many, and matching is dropped (null) unless both
 * operands are instant vectors.
 */
import {
  type AggregateExpr,
  type BinaryExpr,
  type Call,
  type Expr,
  type PositionRange,
  type ValueType,
  isComparisonOp,
  isSetOp,
  typeOf,
} from './ast';
import { goQuote } from '../util/go/strconv';
import { isSpaceAt } from './lexer';

/** CheckSink receives type-check errors; the parser implements it. */
export interface CheckSink {
  readonly input: string;
  addErr(pos: PositionRange, msg: string): void;
}

/** documentedType is Prometheus's DocumentedType: the user-facing name of a value type. */
export function documentedType(t: ValueType | 'none'): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

function expectType(p: CheckSink, node: Expr, want: ValueType, context: string): void {
  const t = checkAST(p, node);
  if (t !== want) p.addErr(node.pos, `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`);
}

/** checkAST type-checks node and its children, reporting errors to p; returns the node's type. */
export function checkAST(p: CheckSink, node: Expr): ValueType {
  const typ = typeOf(node);
  switch (node.kind) {
    case 'AggregateExpr':
      checkAggregate(p, node);
      break;
    case 'BinaryExpr':
      checkBinary(p, node);
      break;
    case 'Call':
      checkCall(p, node);
      break;
    case 'ParenExpr':
      checkAST(p, node.expr);
      break;
    case 'UnaryExpr': {
      const t = checkAST(p, node.expr);
      if (t !== 'scalar' && t !== 'vector') {
        p.addErr(node.pos, `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(t))}`);
      }
      break;
    }
    case 'SubqueryExpr': {
      const t = checkAST(p, node.expr);
      if (t !== 'vector') p.addErr(node.pos, `subquery is only allowed on instant vector, got ${t} instead`);
      break;
    }
    case 'MatrixSelector':
      checkAST(p, node.vectorSelector);
      break;
    case 'VectorSelector': {
      if (node.name !== '') {
        const ms = node.matchers;
        for (let i = 0; i < ms.length - 1; i++) {
          const m = ms[i]!;
          if (m.name === '__name__') {
            p.addErr(node.pos, `metric name must not be set twice: ${goQuote(node.name)} or ${goQuote(m.value)}`);
          }
        }
        break;
      }
      if (!node.bypassEmptyMatcherCheck && !node.matchers.some((m) => !m.matches(''))) {
        p.addErr(node.pos, 'vector selector must contain at least one non-empty matcher');
      }
      break;
    }
    case 'StepInvariantExpr':
      checkAST(p, node.expr);
      break;
    case 'NumberLiteral':
    case 'StringLiteral':
      break;
  }
  return typ;
}

function checkAggregate(p: CheckSink, n: AggregateExpr): void {
  expectType(p, n.expr, 'vector', 'aggregation expression');
  if (n.op === 'topk' || n.op === 'bottomk' || n.op === 'quantile' || n.op === 'limitk' || n.op === 'limit_ratio') {
    expectType(p, n.param!, 'scalar', 'aggregation parameter');
  }
  if (n.op === 'count_values') expectType(p, n.param!, 'string', 'aggregation parameter');
}

function checkBinary(p: CheckSink, n: BinaryExpr): void {
  const lt = checkAST(p, n.lhs);
  const rt = checkAST(p, n.rhs);
  const input = p.input;
  // opRange is the operator's range with surrounding whitespace removed (end inclusive, as upstream).
  const opRange = (): PositionRange => {
    let start = n.lhs.pos.end;
    while (start < input.length && isSpaceAt(input, start)) start++;
    let end = n.rhs.pos.start - 1;
    while (end > 0 && isSpaceAt(input, end)) end--;
    return { start, end };
  };
  const m = n.matching!;
  if (n.returnBool && !isComparisonOp(n.op)) p.addErr(opRange(), 'bool modifier can only be used on comparison operators');
  if (isComparisonOp(n.op) && !n.returnBool && typeOf(n.rhs) === 'scalar' && typeOf(n.lhs) === 'scalar') {
    p.addErr(opRange(), 'comparisons between scalars must use BOOL modifier');
  }
  if (isSetOp(n.op) && m.card === 'one-to-one') m.card = 'many-to-many';
  if (m.on) {
    for (const l1 of m.matchingLabels) {
      for (const l2 of m.include) {
        if (l1 === l2) p.addErr(opRange(), `label ${goQuote(l1)} must not occur in ON and GROUP clause at once`);
      }
    }
  }
  if (lt !== 'scalar' && lt !== 'vector') p.addErr(n.lhs.pos, 'binary expression must contain only scalar and instant vector types');
  if (rt !== 'scalar' && rt !== 'vector') p.addErr(n.rhs.pos, 'binary expression must contain only scalar and instant vector types');
  const hasFill = m.fillValues !== undefined && (m.fillValues.lhs !== null || m.fillValues.rhs !== null);
  if (lt !== 'vector' || rt !== 'vector') {
    if (m.matchingLabels.length > 0) p.addErr(n.pos, 'vector matching only allowed between instant vectors');
    if (hasFill) p.addErr(n.pos, 'filling in missing series only allowed between instant vectors');
    n.matching = null;
  } else if (isSetOp(n.op)) {
    if (m.card === 'one-to-many' || m.card === 'many-to-one') p.addErr(n.pos, `no grouping allowed for ${goQuote(n.op)} operation`);
    if (m.card !== 'many-to-many') p.addErr(n.pos, 'set operations must always be many-to-many');
    if (hasFill) p.addErr(n.pos, 'filling in missing series not allowed for set operators');
  }
  if ((lt === 'scalar' || rt === 'scalar') && isSetOp(n.op)) {
    p.addErr(n.pos, `set operator ${goQuote(n.op)} not allowed in binary scalar expression`);
  }
}

function checkCall(p: CheckSink, n: Call): void {
  const f = n.func;
  const nargs = f.argTypes.length;
  if (f.variadic === 0) {
    if (nargs !== n.args.length) p.addErr(n.pos, `expected ${nargs} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`);
  } else {
    const na = nargs - 1;
    if (na > n.args.length) {
      p.addErr(n.pos, `expected at least ${na} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`);
    } else if (f.variadic > 0 && na + f.variadic < n.args.length) {
      p.addErr(n.pos, `expected at most ${na + f.variadic} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`);
    }
  }
  if (f.name === 'info' && n.args.length > 1) {
    const a = n.args[1]!;
    const t = typeOf(a);
    if (t !== 'vector') {
      p.addErr(n.pos, `expected type ${documentedType('vector')} in call to function ${goQuote(f.name)}, got ${documentedType(t)}`);
    }
    if (a.kind === 'VectorSelector' && a.name !== '') {
      p.addErr(a.pos, 'expected label selectors only, got vector selector instead');
    } else if (a.kind === 'VectorSelector') {
      a.bypassEmptyMatcherCheck = true;
    } else {
      p.addErr(a.pos, 'expected label selectors only');
    }
  }
  for (let i = 0; i < n.args.length; i++) {
    let k = i;
    if (k >= nargs) {
      if (f.variadic === 0) break;
      k = nargs - 1;
    }
    const arg = n.args[i]!;
    const t = checkAST(p, arg);
    if (t !== f.argTypes[k]) {
      p.addErr(arg.pos, `expected type ${documentedType(f.argTypes[k]!)} in call to function ${goQuote(f.name)}, got ${documentedType(t)}`);
    }
  }
}
