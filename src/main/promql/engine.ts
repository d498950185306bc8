/**
 * Engine: the PromQL engine (Prometheus v3.14 semantics) behind the PromQLEngine contract.
 *
 * A query is parsed (typed AST), validated, preprocessed (duration expressions, step invariance,
 * `@ start()`/`@ end()`), its selectors' time ranges are computed, then it is evaluated over the
 * Queryable by the evaluator (src/main/promql/eval). Limits (max samples, timeout, cancellation)
 * raise typed QueryErrors. The engine never touches SQLite: it reads only through the Queryable.
 */
import type { Labels } from '../../common/model/labels';
import { labelsCompare } from '../../common/model/labels';
import { typeOf, type Expr } from '../../common/promql/ast';
import { documentedType } from '../../common/promql/check';
import { ParseError } from '../../common/promql';
import { StorageError, type Queryable } from '../storage/interface';
import { QueryContext, type EvalOptions } from './kernel/context';
import { Evaluator } from './eval/evaluator';
import { FUNCTIONS } from './functions/index';
import { planSelectors, preprocessExpr, setOffsetForAtModifier, validateModifiers } from './eval/preprocess';
import type { EMatrix } from './kernel/types';
import { parseQueryExpr, type ExprParser, type ParserFlags } from './parse';
import {
  QueryError,
  type EngineOpts,
  type FPoint,
  type HPoint,
  type MatrixSeries,
  type PromQLEngine,
  type QueryOpts,
  type QueryResult,
  type QueryLogger,
  type QueryStats,
  type Sample,
  type Value,
} from './value';

/** DEFAULT_ENGINE_OPTS are Prometheus's defaults (experimental features off). */
export const DEFAULT_ENGINE_OPTS: EngineOpts = {
  maxSamples: 50_000_000,
  timeoutMs: 120_000,
  lookbackDeltaMs: 300_000,
  noStepSubqueryIntervalMs: 60_000,
  enableAtModifier: true,
  enableNegativeOffset: true,
  enableDelayedNameRemoval: false,
  enableExperimentalFunctions: false,
  enableDurationExpressions: false,
  enableExtendedRangeSelectors: false,
  enableBinopFillModifiers: false,
  enableTypeAndUnitLabels: false,
  enableStartTimestamps: false,
};

function sortMatrix(m: MatrixSeries[]): MatrixSeries[] {
  return m.sort((a, b) => labelsCompare(a.metric, b.metric));
}

function toFPoints(t: number[], f: number[]): FPoint[] {
  const out: FPoint[] = new Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = { t: t[i]!, f: f[i]! };
  return out;
}

function toMatrix(m: EMatrix): MatrixSeries[] {
  return m.map((s) => {
    const hs: HPoint[] = s.hT.map((t, i) => ({ t, h: s.hH[i]! }));
    return { metric: s.metric as Labels, floats: toFPoints(s.fT, s.fF), histograms: hs };
  });
}

/**
 * toQueryError turns anything thrown during evaluation into a typed QueryError: storage failures
 * are internal errors (Prometheus's ErrStorage), anything unexpected is reported like Prometheus's
 * recovered runtime panics ("unexpected error: ...").
 */
export function toQueryError(e: unknown): QueryError {
  if (e instanceof QueryError) return e;
  if (e instanceof StorageError) return new QueryError('internal', e.message);
  const msg = e instanceof Error ? e.message : String(e);
  return new QueryError('execution', `unexpected error: ${msg}`);
}

/** PARSE_CACHE_SIZE bounds the parsed-query cache (least recently used trees go first). */
const PARSE_CACHE_SIZE = 2000;

/**
 * cloneTree copies a syntax tree's plain nodes and arrays; class instances in it (label matchers,
 * regular expressions) are immutable and shared.
 */
export function cloneTree<T>(x: T): T {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(cloneTree) as T;
  if (Object.getPrototypeOf(x) !== Object.prototype) return x;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x)) out[k] = cloneTree((x as Record<string, unknown>)[k]);
  return out as T;
}

/** ParseCache holds pristine syntax trees by key (least recently used dropped first) and hands out copies. */
export class ParseCache {
  private readonly trees = new Map<string, Expr>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.trees.size;
  }

  /** get returns a copy of key's tree, parsing it first when it is not held; parse errors are not cached. */
  get(key: string, parse: () => Expr): Expr {
    let tree = this.trees.get(key);
    if (tree === undefined) {
      tree = parse();
      if (this.trees.size >= this.capacity) this.trees.delete(this.trees.keys().next().value!);
    } else {
      this.trees.delete(key); // set again below: the map's order is least recently used first
    }
    this.trees.set(key, tree);
    return cloneTree(tree);
  }
}

/** Engine evaluates PromQL queries. */
export class Engine implements PromQLEngine {
  readonly opts: EngineOpts;
  private readonly parse: ExprParser;

  /** The parser defaults to Vigil's PromQL parser; tests may inject another. */
  constructor(opts: Partial<EngineOpts> = {}, parse: ExprParser = parseQueryExpr) {
    this.parse = parse;
    this.opts = { ...DEFAULT_ENGINE_OPTS, ...opts };
  }

  /** parserFlags returns the parser features enabled by this engine's options. */
  parserFlags(): ParserFlags {
    return {
      enableExperimentalFunctions: this.opts.enableExperimentalFunctions,
      enableDurationExpressions: this.opts.enableDurationExpressions,
      enableExtendedRangeSelectors: this.opts.enableExtendedRangeSelectors,
      enableBinopFillModifiers: this.opts.enableBinopFillModifiers,
    };
  }

  /**
   * Parsed queries by text: rule groups and dashboards run the same queries over and over, and
   * parsing is a good part of a small query's cost. Execution mutates its tree (offsets, step-
   * invariant wrapping), so the cache hands out copies.
   */
  private readonly parsed = new ParseCache(PARSE_CACHE_SIZE);

  /** parsedCopy is parseQuery through the cache: a fresh copy of the query's tree. */
  private parsedCopy(query: string): Expr {
    // The parser's feature flags are part of the key: a tree parsed under other flags may differ.
    const o = this.opts;
    const key = `${+o.enableExperimentalFunctions}${+o.enableDurationExpressions}${+o.enableExtendedRangeSelectors}${+o.enableBinopFillModifiers}${query}`;
    return this.parsed.get(key, () => this.parseQuery(query));
  }

  /** parseQuery parses a query string; syntax errors become QueryError('bad_data'). */
  parseQuery(query: string): Expr {
    try {
      return this.parse(query, this.parserFlags());
    } catch (e) {
      if (e instanceof QueryError) throw e;
      if (e instanceof ParseError) {
        throw new QueryError('bad_data', e.format(), { start: e.positionRange.start, end: e.positionRange.end });
      }
      throw new QueryError('bad_data', (e as Error).message);
    }
  }

  async instantQuery(q: Queryable, query: string, timeMs: number, opts: QueryOpts = {}): Promise<QueryResult> {
    return this.execInstant(q, query, timeMs, opts);
  }

  async rangeQuery(q: Queryable, query: string, startMs: number, endMs: number, stepMs: number, opts: QueryOpts = {}): Promise<QueryResult> {
    return this.execRange(q, query, startMs, endMs, stepMs, opts);
  }

  /** execInstant is the synchronous form of instantQuery. */
  execInstant(q: Queryable, query: string, timeMs: number, opts: QueryOpts = {}): QueryResult {
    // Queries that do not parse are not logged, as in Prometheus (they never reach execution).
    const expr = this.parsedCopy(query);
    return this.logged(query, timeMs, timeMs, 0, opts, (o) => this.execExpr(q, expr, timeMs, timeMs, 0, o, query));
  }

  /** execRange is the synchronous form of rangeQuery. */
  execRange(q: Queryable, query: string, startMs: number, endMs: number, stepMs: number, opts: QueryOpts = {}): QueryResult {
    const expr = this.parsedCopy(query);
    return this.logged(query, startMs, endMs, stepMs, opts, (o) => this.execExpr(q, expr, startMs, endMs, stepMs, o, query));
  }

  private queryLogger: QueryLogger | null = null;

  /**
   * setQueryLogger makes every query run through instantQuery/rangeQuery (or their exec forms)
   * reported to logger once it has run,
   * with its parameters, statistics and error, as Prometheus's query log does; null stops it.
   */
  setQueryLogger(logger: QueryLogger | null): void {
    this.queryLogger = logger;
  }

  private logged(query: string, startMs: number, endMs: number, stepMs: number, opts: QueryOpts, run: (o: QueryOpts) => QueryResult): QueryResult {
    const logger = this.queryLogger;
    if (logger === null) return run(opts);
    const params = { end: new Date(endMs).toISOString(), query, start: new Date(startMs).toISOString(), step: Math.trunc(stepMs / 1000) };
    const t0 = performance.now();
    let res: QueryResult;
    try {
      // Statistics are always gathered for the log; the caller gets them only if it asked.
      res = run(opts.stats ? opts : { ...opts, stats: true });
    } catch (e) {
      const s = (performance.now() - t0) / 1000;
      const timings = { evalTotalTime: s, resultSortTime: 0, queryPreparationTime: 0, innerEvalTime: 0, execQueueTime: 0, execTotalTime: s };
      logger({ params, error: (e as Error).message, stats: { timings, samples: { totalQueryableSamples: 0, peakSamples: 0 } } });
      throw e;
    }
    logger({ params, stats: res.stats! });
    return opts.stats ? res : { ...res, stats: null };
  }

  /**
   * execExpr evaluates an already parsed expression (the AST is modified in place; parse anew for
   * every execution). stepMs 0 with start == end is an instant query. With the query text,
   * annotations are rendered as Prometheus's API renders them (` (line:col)` of the expression
   * they are about, at most 10 of each kind); without it they are the bare texts, as Prometheus's
   * test scripts compare them.
   */
  execExpr(q: Queryable, expr: Expr, startMs: number, endMs: number, stepMs: number, opts: QueryOpts = {}, query?: string): QueryResult {
    const t0 = performance.now();
    const isInstant = startMs === endMs && stepMs === 0;
    if (!isInstant) {
      const t = typeOf(expr);
      if (t !== 'vector' && t !== 'scalar') {
        throw new QueryError('bad_data', `invalid expression type "${documentedType(t)}" for range query, must be Scalar or instant Vector`);
      }
      if (stepMs <= 0) throw new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted');
      if (endMs < startMs) throw new QueryError('bad_data', 'end timestamp must not be before start time');
    }
    validateModifiers(expr, this.opts.enableAtModifier, this.opts.enableNegativeOffset);
    const root = preprocessExpr(expr, startMs, endMs, stepMs);
    const lookback = opts.lookbackDeltaMs !== undefined && opts.lookbackDeltaMs > 0 ? opts.lookbackDeltaMs : this.opts.lookbackDeltaMs;
    const evalOpts: EvalOptions = {
      maxSamples: this.opts.maxSamples,
      lookbackDelta: lookback,
      noStepSubqueryInterval: this.opts.noStepSubqueryIntervalMs,
      enableDelayedNameRemoval: this.opts.enableDelayedNameRemoval,
      enableTypeAndUnitLabels: this.opts.enableTypeAndUnitLabels,
      enableStartTimestamps: this.opts.enableStartTimestamps,
      functions: FUNCTIONS,
    };
    const interval = isInstant ? 1 : stepMs;
    const timeout = opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? opts.timeoutMs : this.opts.timeoutMs;
    const deadline = Date.now() + timeout;
    const hintsCtx = new Map();
    const [mint, maxt] = planSelectors(root, startMs, endMs, isInstant ? 0 : stepMs, lookback, this.opts.noStepSubqueryIntervalMs, hintsCtx);
    const ctx = new QueryContext(evalOpts, q, mint, maxt, deadline, opts.signal);
    for (const [k, v] of hintsCtx) ctx.hints.set(k, v);
    ctx.queryStart = startMs;
    ctx.queryEnd = endMs;
    ctx.queryStep = isInstant ? 0 : stepMs;
    if (opts.stats === 'all') ctx.stats.perStep = new Float64Array(isInstant ? 1 : Math.floor((endMs - startMs) / stepMs) + 1);
    ctx.checkNow();
    const t1 = performance.now();
    let value: Value;
    try {
      setOffsetForAtModifier(startMs, root);
      const ev = new Evaluator(ctx, startMs, isInstant ? startMs : endMs, interval);
      const v = ev.evalTop(root);
      if (!Array.isArray(v)) {
        value = { type: 'string', t: startMs, v: v.v };
      } else if (isInstant) {
        const t = typeOf(expr);
        if (t === 'vector') {
          const samples: Sample[] = v.map((s) =>
            s.hH.length > 0 ? { metric: s.metric, t: startMs, f: 0, h: s.hH[0]! } : { metric: s.metric, t: startMs, f: s.fF[0]!, h: null },
          );
          value = { type: 'vector', samples };
        } else if (t === 'scalar') {
          value = { type: 'scalar', t: startMs, v: v[0]?.fF[0] ?? NaN };
        } else {
          value = { type: 'matrix', series: sortMatrix(toMatrix(v)) };
        }
      } else {
        ctx.checkNow();
        value = { type: 'matrix', series: sortMatrix(toMatrix(v)) };
      }
    } catch (e) {
      throw toQueryError(e);
    } finally {
      ctx.close();
    }
    const t2 = performance.now();
    let stats: QueryStats | null = null;
    if (opts.stats) {
      stats = {
        timings: {
          evalTotalTime: (t2 - t0) / 1000,
          resultSortTime: 0,
          queryPreparationTime: (t1 - t0) / 1000,
          innerEvalTime: (t2 - t1) / 1000,
          execQueueTime: 0,
          execTotalTime: (t2 - t0) / 1000,
        },
        samples: { totalQueryableSamples: ctx.stats.totalSamples, peakSamples: ctx.stats.peakSamples },
      };
      const ps = ctx.stats.perStep;
      if (ps !== null) {
        const perStep: [number, number][] = [];
        for (let i = 0; i < ps.length; i++) perStep.push([startMs + i * (isInstant ? 0 : stepMs), ps[i]!]);
        stats.samples.totalQueryableSamplesPerStep = perStep;
      }
    }
    if (query !== undefined) {
      const r = ctx.annos.render(query);
      return { value, warnings: r.warnings, infos: r.infos, stats };
    }
    return { value, warnings: ctx.annos.warnings(), infos: ctx.annos.infos(), stats };
  }
}
