/**
 * Query preparation after parsing, as Prometheus's PreprocessExpr, FindMinMaxTime, populateSeries
 * and setOffsetForAtModifier: duration expressions are resolved, step-invariant sub-trees wrapped,
 * `@ start()`/`@ end()` resolved, each selector's time range computed (with offset, @, lookback,
 * range, subqueries and the anchored/smoothed extensions) and the select hints recorded.
 */
import {
  children,
  type DurationExpr,
  type Expr,
  type SubqueryExpr,
  type VectorSelector,
} from '../../../common/promql/ast';
import type { SelectHints } from '../../storage/interface';
import { QueryError } from '../value';
import { AT_MODIFIER_UNSAFE_FUNCTIONS } from '../kernel/funcnames';

/** walk calls fn for every node with its ancestors (parser.Inspect). */
export function walk(e: Expr, fn: (node: Expr, path: readonly Expr[]) => void, path: Expr[] = []): void {
  fn(e, path);
  path.push(e);
  for (const c of children(e)) walk(c, fn, path);
  path.pop();
}

function durationSeconds(d: DurationExpr, stepMs: number, rangeMs: number): number {
  switch (d.kind) {
    case 'DurationLiteral':
      return d.ms / 1000;
    case 'DurationParen':
      return durationSeconds(d.expr, stepMs, rangeMs);
    case 'DurationUnary': {
      const v = durationSeconds(d.expr, stepMs, rangeMs);
      return d.op === '-' ? -v : v;
    }
    case 'DurationCall': {
      switch (d.func) {
        case 'step':
          return stepMs / 1000;
        case 'range':
          return rangeMs / 1000;
        case 'min':
          return Math.min(durationSeconds(d.args[0]!, stepMs, rangeMs), durationSeconds(d.args[1]!, stepMs, rangeMs));
        case 'max':
          return Math.max(durationSeconds(d.args[0]!, stepMs, rangeMs), durationSeconds(d.args[1]!, stepMs, rangeMs));
      }
      break;
    }
    case 'DurationBinary': {
      const l = durationSeconds(d.lhs, stepMs, rangeMs);
      const r = durationSeconds(d.rhs, stepMs, rangeMs);
      switch (d.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          if (r === 0) throw new QueryError('bad_data', 'division by zero');
          return l / r;
        case '%':
          if (r === 0) throw new QueryError('bad_data', 'modulo by zero');
          return l % r;
        case '^':
          return Math.pow(l, r);
      }
    }
  }
  throw new QueryError('bad_data', 'unexpected duration expression');
}

/** calculateDuration evaluates a duration expression to ms (truncated like Go's conversion). */
export function calculateDuration(d: DurationExpr, allowNegative: boolean, stepMs: number, rangeMs: number): number {
  const sec = durationSeconds(d, stepMs, rangeMs);
  if (sec <= 0 && !allowNegative) throw new QueryError('bad_data', 'duration must be greater than 0');
  if (!Number.isFinite(sec) || Math.abs(sec) > 9.223372036854775e15) throw new QueryError('bad_data', 'duration is out of range');
  return Math.trunc(sec * 1000);
}

/** resolveDurations evaluates every duration expression of the tree in place. */
export function resolveDurations(e: Expr, stepMs: number, rangeMs: number): void {
  walk(e, (n) => {
    switch (n.kind) {
      case 'VectorSelector':
        if (n.offsetExpr) n.originalOffset = calculateDuration(n.offsetExpr, true, stepMs, rangeMs);
        break;
      case 'MatrixSelector':
        if (n.rangeExpr) n.range = calculateDuration(n.rangeExpr, false, stepMs, rangeMs);
        break;
      case 'SubqueryExpr':
        if (n.offsetExpr) n.originalOffset = calculateDuration(n.offsetExpr, true, stepMs, rangeMs);
        if (n.stepExpr) n.step = calculateDuration(n.stepExpr, false, stepMs, rangeMs);
        if (n.rangeExpr) n.range = calculateDuration(n.rangeExpr, false, stepMs, rangeMs);
        break;
      default:
        break;
    }
  });
}

function unwrapParens(e: Expr): Expr {
  while (e.kind === 'ParenExpr') e = e.expr;
  return e;
}

function wrap(e: Expr): Expr {
  return { kind: 'StepInvariantExpr', expr: e, pos: e.pos };
}

/**
 * preprocessHelper wraps the highest step-invariant sub-trees, resolves start()/end() and removes
 * parentheses around function and aggregation arguments. Returns [isStepInvariant, shouldWrap].
 */
function preprocessHelper(e: Expr, start: number, end: number): [boolean, boolean] {
  switch (e.kind) {
    case 'VectorSelector':
      if (e.startOrEnd === 'start') e.timestamp = start;
      else if (e.startOrEnd === 'end') e.timestamp = end;
      return [e.timestamp !== null, e.timestamp !== null];
    case 'AggregateExpr':
      e.expr = unwrapParens(e.expr);
      if (e.param !== null) e.param = unwrapParens(e.param);
      return preprocessHelper(e.expr, start, end);
    case 'BinaryExpr': {
      const [invL, wrapL] = preprocessHelper(e.lhs, start, end);
      const [invR, wrapR] = preprocessHelper(e.rhs, start, end);
      if (invL && invR) return [true, true];
      if (wrapL) e.lhs = wrap(e.lhs);
      if (wrapR) e.rhs = wrap(e.rhs);
      return [false, false];
    }
    case 'Call': {
      let inv = !AT_MODIFIER_UNSAFE_FUNCTIONS.has(e.func.name);
      const shouldWrap: boolean[] = [];
      for (let i = 0; i < e.args.length; i++) {
        e.args[i] = unwrapParens(e.args[i]!);
        const [argInv, w] = preprocessHelper(e.args[i]!, start, end);
        shouldWrap.push(w);
        inv = inv && argInv;
      }
      if (inv) return [true, true];
      for (let i = 0; i < e.args.length; i++) if (shouldWrap[i]) e.args[i] = wrap(e.args[i]!);
      return [false, false];
    }
    case 'MatrixSelector': {
      const [inv] = preprocessHelper(e.vectorSelector, start, end);
      return [inv, false];
    }
    case 'SubqueryExpr': {
      const [inv] = preprocessHelper(e.expr, start, end);
      if (inv) e.expr = wrap(e.expr);
      if (e.startOrEnd === 'start') e.timestamp = start;
      else if (e.startOrEnd === 'end') e.timestamp = end;
      return [e.timestamp !== null, e.timestamp !== null];
    }
    case 'ParenExpr':
      return preprocessHelper(e.expr, start, end);
    case 'UnaryExpr':
      return preprocessHelper(e.expr, start, end);
    case 'StringLiteral':
    case 'NumberLiteral':
      return [true, false];
    case 'StepInvariantExpr':
      return [true, false];
  }
}

/** preprocessExpr resolves durations and wraps step-invariant parts; returns the new root. */
export function preprocessExpr(e: Expr, start: number, end: number, stepMs: number): Expr {
  resolveDurations(e, stepMs, end - start);
  const [, shouldWrap] = preprocessHelper(e, start, end);
  return shouldWrap ? wrap(e) : e;
}

function subqueryTimes(path: readonly Expr[]): { offset: number; range: number; ts: number | null } {
  let offset = 0;
  let range = 0;
  let ts: number | null = null;
  for (const n of path) {
    if (n.kind !== 'SubqueryExpr') continue;
    offset += n.originalOffset;
    range += n.range;
    if (n.timestamp !== null) {
      offset = n.originalOffset;
      range = n.range;
      ts = n.timestamp;
    }
  }
  return { offset, range, ts };
}

/** setOffsetForAtModifier sets the effective offsets of selectors and subqueries for evalTime. */
export function setOffsetForAtModifier(evalTime: number, expr: Expr): void {
  const getOffset = (ts: number | null, originalOffset: number, path: readonly Expr[]): number => {
    if (ts === null) return originalOffset;
    const sq = subqueryTimes(path);
    let subqOffset = sq.offset;
    if (sq.ts !== null) subqOffset += evalTime - sq.ts;
    const offsetForTs = evalTime - ts;
    return originalOffset + (offsetForTs - subqOffset);
  };
  walk(expr, (n, path) => {
    switch (n.kind) {
      case 'VectorSelector':
        n.offset = getOffset(n.timestamp, n.originalOffset, path);
        break;
      case 'SubqueryExpr':
        n.offset = getOffset(n.timestamp, n.originalOffset, path);
        break;
      default:
        break;
    }
  });
}

/** selectorRange is getTimeRangesForSelector: the [start, end] a selector reads. */
function selectorRange(
  stmtStart: number,
  stmtEnd: number,
  lookback: number,
  n: VectorSelector,
  path: readonly Expr[],
  evalRange: number,
): [number, number] {
  let start = stmtStart;
  let end = stmtEnd;
  const sq = subqueryTimes(path);
  if (sq.ts !== null) {
    start = sq.ts;
    end = sq.ts;
  }
  if (n.timestamp !== null) {
    start = n.timestamp;
    end = n.timestamp;
  } else {
    start = start - sq.offset - sq.range;
    end -= sq.offset;
  }
  if (evalRange === 0) {
    start -= lookback - 1;
    if (n.smoothed) end += lookback;
  } else if (n.anchored) {
    start -= lookback + evalRange - 1;
  } else if (n.smoothed) {
    start -= lookback + evalRange - 1;
    end += lookback;
  } else {
    start -= evalRange - 1;
  }
  start -= n.originalOffset;
  end -= n.originalOffset;
  return [start, end];
}

function funcFromPath(path: readonly Expr[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i]!;
    if (n.kind === 'AggregateExpr') return n.op;
    if (n.kind === 'Call') return n.func.name;
    if (n.kind === 'BinaryExpr') return '';
  }
  return '';
}

/**
 * planSelectors computes every selector's time range and select hints (FindMinMaxTime +
 * populateSeries) and returns the overall [mint, maxt] for the querier ([0, 0] without selectors).
 */
export function planSelectors(
  e: Expr,
  stmtStart: number,
  stmtEnd: number,
  interval: number,
  lookback: number,
  noStepSubqueryInterval: number,
  hints: Map<VectorSelector, SelectHints>,
): [number, number] {
  let mint = Infinity;
  let maxt = -Infinity;
  const visit = (n: Expr, path: Expr[], evalRange: number): void => {
    if (n.kind === 'VectorSelector') {
      const [s, en] = selectorRange(stmtStart, stmtEnd, lookback, n, path, evalRange);
      if (s < mint) mint = s;
      if (en > maxt) maxt = en;
      let step = 0;
      for (const p of path) {
        if (p.kind === 'SubqueryExpr') step = p.step !== 0 ? p.step : noStepSubqueryInterval;
      }
      if (step === 0) step = interval;
      const h: SelectHints = { start: s, end: en, step, range: evalRange };
      const fn = funcFromPath(path);
      if (fn !== '') h.func = fn;
      hints.set(n, h);
      return;
    }
    path.push(n);
    if (n.kind === 'MatrixSelector') {
      visit(n.vectorSelector, path, n.range);
    } else {
      for (const c of children(n)) visit(c, path, 0);
    }
    path.pop();
  };
  visit(e, [], 0);
  if (maxt === -Infinity) return [0, 0];
  return [mint, maxt];
}

/** validateModifiers rejects @ and negative offsets when disabled (validateOpts). */
export function validateModifiers(e: Expr, atEnabled: boolean, negOffsetEnabled: boolean): void {
  if (atEnabled && negOffsetEnabled) return;
  walk(e, (n) => {
    let vs: VectorSelector | SubqueryExpr | null = null;
    if (n.kind === 'VectorSelector' || n.kind === 'SubqueryExpr') vs = n;
    else if (n.kind === 'MatrixSelector') vs = n.vectorSelector;
    if (vs === null) return;
    if (!atEnabled && (vs.timestamp !== null || vs.startOrEnd !== null)) throw new QueryError('bad_data', '@ modifier is disabled');
    if (!negOffsetEnabled && vs.originalOffset < 0) throw new QueryError('bad_data', 'negative offset is disabled');
  });
}

/** containsCall reports whether the tree calls one of the named functions. */
export function containsCall(e: Expr, names: ReadonlySet<string>): boolean {
  let found = false;
  walk(e, (n) => {
    if (n.kind === 'Call' && names.has(n.func.name)) found = true;
  });
  return found;
}
