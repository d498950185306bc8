/**
 * The PromQL function signatures of Prometheus v3.14, declared once as data (Prometheus's
 * promql/parser/functions.go). The parser checks calls against this table; the engine keeps its
 * implementations in a second table keyed by the same names, and a test keeps the two in sync.
 */
import type { FunctionSignature, ValueType } from './ast';

function fn(
  name: string,
  argTypes: ValueType[],
  returnType: ValueType,
  opts: { variadic?: number; experimental?: boolean } = {},
): FunctionSignature {
  return Object.freeze({
    name,
    argTypes: Object.freeze(argTypes) as ValueType[],
    variadic: opts.variadic ?? 0,
    returnType,
    experimental: opts.experimental ?? false,
  });
}

/**
 * FUNCTION_LIST lists every function of PromQL v3.14 in name order. `variadic`: 0 = fixed arity;
 * n > 0 = up to n optional trailing arguments of the last argument type; -1 = unlimited.
 * `experimental` functions are rejected unless ParserOptions.enableExperimentalFunctions is set.
 */
export const FUNCTION_LIST: readonly FunctionSignature[] = Object.freeze([
  fn('abs', ['vector'], 'vector'),
  fn('absent', ['vector'], 'vector'),
  fn('absent_over_time', ['matrix'], 'vector'),
  fn('acos', ['vector'], 'vector'),
  fn('acosh', ['vector'], 'vector'),
  fn('asin', ['vector'], 'vector'),
  fn('asinh', ['vector'], 'vector'),
  fn('atan', ['vector'], 'vector'),
  fn('atanh', ['vector'], 'vector'),
  fn('avg_over_time', ['matrix'], 'vector'),
  fn('ceil', ['vector'], 'vector'),
  fn('changes', ['matrix'], 'vector'),
  fn('clamp', ['vector', 'scalar', 'scalar'], 'vector'),
  fn('clamp_max', ['vector', 'scalar'], 'vector'),
  fn('clamp_min', ['vector', 'scalar'], 'vector'),
  fn('cos', ['vector'], 'vector'),
  fn('cosh', ['vector'], 'vector'),
  fn('count_over_time', ['matrix'], 'vector'),
  fn('day_of_month', ['vector'], 'vector', { variadic: 1 }),
  fn('day_of_week', ['vector'], 'vector', { variadic: 1 }),
  fn('day_of_year', ['vector'], 'vector', { variadic: 1 }),
  fn('days_in_month', ['vector'], 'vector', { variadic: 1 }),
  fn('deg', ['vector'], 'vector'),
  fn('delta', ['matrix'], 'vector'),
  fn('deriv', ['matrix'], 'vector'),
  fn('double_exponential_smoothing', ['matrix', 'scalar', 'scalar'], 'vector', { experimental: true }),
  fn('end', [], 'scalar', { experimental: true }),
  fn('exp', ['vector'], 'vector'),
  fn('first_over_time', ['matrix'], 'vector'),
  fn('floor', ['vector'], 'vector'),
  fn('histogram_avg', ['vector'], 'vector'),
  fn('histogram_count', ['vector'], 'vector'),
  fn('histogram_fraction', ['scalar', 'scalar', 'vector'], 'vector'),
  fn('histogram_quantile', ['scalar', 'vector'], 'vector'),
  fn('histogram_quantiles', ['vector', 'string', 'scalar', 'scalar'], 'vector', { variadic: 9, experimental: true }),
  fn('histogram_stddev', ['vector'], 'vector'),
  fn('histogram_stdvar', ['vector'], 'vector'),
  fn('histogram_sum', ['vector'], 'vector'),
  fn('hour', ['vector'], 'vector', { variadic: 1 }),
  fn('idelta', ['matrix'], 'vector'),
  fn('increase', ['matrix'], 'vector'),
  fn('info', ['vector', 'vector'], 'vector', { variadic: 1, experimental: true }),
  fn('irate', ['matrix'], 'vector'),
  fn('label_join', ['vector', 'string', 'string', 'string'], 'vector', { variadic: -1 }),
  fn('label_replace', ['vector', 'string', 'string', 'string', 'string'], 'vector'),
  fn('last_over_time', ['matrix'], 'vector'),
  fn('ln', ['vector'], 'vector'),
  fn('log10', ['vector'], 'vector'),
  fn('log2', ['vector'], 'vector'),
  fn('mad_over_time', ['matrix'], 'vector', { experimental: true }),
  fn('max_of', ['scalar', 'scalar'], 'scalar', { experimental: true }),
  fn('max_over_time', ['matrix'], 'vector'),
  fn('min_of', ['scalar', 'scalar'], 'scalar', { experimental: true }),
  fn('min_over_time', ['matrix'], 'vector'),
  fn('minute', ['vector'], 'vector', { variadic: 1 }),
  fn('month', ['vector'], 'vector', { variadic: 1 }),
  fn('pi', [], 'scalar'),
  fn('predict_linear', ['matrix', 'scalar'], 'vector'),
  fn('present_over_time', ['matrix'], 'vector'),
  fn('quantile_over_time', ['scalar', 'matrix'], 'vector'),
  fn('rad', ['vector'], 'vector'),
  fn('range', [], 'scalar', { experimental: true }),
  fn('rate', ['matrix'], 'vector'),
  fn('resets', ['matrix'], 'vector'),
  fn('round', ['vector', 'scalar'], 'vector', { variadic: 1 }),
  fn('scalar', ['vector'], 'scalar'),
  fn('sgn', ['vector'], 'vector'),
  fn('sin', ['vector'], 'vector'),
  fn('sinh', ['vector'], 'vector'),
  fn('sort', ['vector'], 'vector'),
  fn('sort_by_label', ['vector', 'string'], 'vector', { variadic: -1, experimental: true }),
  fn('sort_by_label_desc', ['vector', 'string'], 'vector', { variadic: -1, experimental: true }),
  fn('sort_desc', ['vector'], 'vector'),
  fn('sqrt', ['vector'], 'vector'),
  fn('start', [], 'scalar', { experimental: true }),
  fn('start_timestamp', ['vector'], 'vector', { experimental: true }),
  fn('stddev_over_time', ['matrix'], 'vector'),
  fn('stdvar_over_time', ['matrix'], 'vector'),
  fn('step', [], 'scalar', { experimental: true }),
  fn('sum_over_time', ['matrix'], 'vector'),
  fn('tan', ['vector'], 'vector'),
  fn('tanh', ['vector'], 'vector'),
  fn('time', [], 'scalar'),
  fn('timestamp', ['vector'], 'vector'),
  fn('ts_of_first_over_time', ['matrix'], 'vector', { experimental: true }),
  fn('ts_of_last_over_time', ['matrix'], 'vector', { experimental: true }),
  fn('ts_of_max_over_time', ['matrix'], 'vector', { experimental: true }),
  fn('ts_of_min_over_time', ['matrix'], 'vector', { experimental: true }),
  fn('vector', ['scalar'], 'vector'),
  fn('year', ['vector'], 'vector', { variadic: 1 }),
]);

/** FUNCTIONS maps a function name to its signature. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map(FUNCTION_LIST.map((f) => [f.name, f]));

/** getFunction returns the signature of the named function (case-sensitive), or undefined. */
export function getFunction(name: string): FunctionSignature | undefined {
  return FUNCTIONS.get(name);
}
