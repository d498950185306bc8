/**
 * The function implementation table (Prometheus's FunctionCalls), keyed by name. The parser's
 * signature table (src/common/promql/functions.ts) must list exactly the same names; a test keeps
 * the two in sync.
 */
import type { FunctionImpl, InstantFunction, RangeFunction } from '../eval/helper';
import {
  funcHistogramAvg,
  funcHistogramCount,
  funcHistogramFraction,
  funcHistogramQuantile,
  funcHistogramQuantiles,
  funcHistogramStdDev,
  funcHistogramStdVar,
  funcHistogramSum,
} from './histogram';
import { funcAbsent, funcSort, funcSortByLabel, funcSortByLabelDesc, funcSortDesc } from './label';
import * as m from './math';
import * as ot from './over_time';
import { funcChanges, funcDelta, funcIdelta, funcIncrease, funcIrate, funcRate, funcResets } from './rate';
import * as tm from './time';

const instant = (fn: InstantFunction): FunctionImpl => ({ kind: 'instant', fn });
const range = (fn: RangeFunction): FunctionImpl => ({ kind: 'range', fn });
const special: FunctionImpl = { kind: 'special' };

/** FUNCTIONS maps every PromQL function name to its implementation. */
export const FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  abs: instant(m.funcAbs),
  absent: instant(funcAbsent),
  absent_over_time: range(ot.funcAbsentOverTime),
  acos: instant(m.funcAcos),
  acosh: instant(m.funcAcosh),
  asin: instant(m.funcAsin),
  asinh: instant(m.funcAsinh),
  atan: instant(m.funcAtan),
  atanh: instant(m.funcAtanh),
  avg_over_time: range(ot.funcAvgOverTime),
  ceil: instant(m.funcCeil),
  changes: range(funcChanges),
  clamp: instant(m.funcClamp),
  clamp_max: instant(m.funcClampMax),
  clamp_min: instant(m.funcClampMin),
  cos: instant(m.funcCos),
  cosh: instant(m.funcCosh),
  count_over_time: range(ot.funcCountOverTime),
  day_of_month: instant(tm.funcDayOfMonth),
  day_of_week: instant(tm.funcDayOfWeek),
  day_of_year: instant(tm.funcDayOfYear),
  days_in_month: instant(tm.funcDaysInMonth),
  deg: instant(m.funcDeg),
  delta: range(funcDelta),
  deriv: range(ot.funcDeriv),
  double_exponential_smoothing: range(ot.funcDoubleExponentialSmoothing),
  end: instant(tm.funcEnd),
  exp: instant(m.funcExp),
  first_over_time: range(ot.funcFirstOverTime),
  floor: instant(m.funcFloor),
  histogram_avg: instant(funcHistogramAvg),
  histogram_count: instant(funcHistogramCount),
  histogram_fraction: instant(funcHistogramFraction),
  histogram_quantile: instant(funcHistogramQuantile),
  histogram_quantiles: instant(funcHistogramQuantiles),
  histogram_stddev: instant(funcHistogramStdDev),
  histogram_stdvar: instant(funcHistogramStdVar),
  histogram_sum: instant(funcHistogramSum),
  hour: instant(tm.funcHour),
  idelta: range(funcIdelta),
  increase: range(funcIncrease),
  info: special,
  irate: range(funcIrate),
  label_join: special,
  label_replace: special,
  last_over_time: range(ot.funcLastOverTime),
  ln: instant(m.funcLn),
  log10: instant(m.funcLog10),
  log2: instant(m.funcLog2),
  mad_over_time: range(ot.funcMadOverTime),
  max_of: instant(m.funcMaxOf),
  max_over_time: range(ot.funcMaxOverTime),
  min_of: instant(m.funcMinOf),
  min_over_time: range(ot.funcMinOverTime),
  minute: instant(tm.funcMinute),
  month: instant(tm.funcMonth),
  pi: instant(m.funcPi),
  predict_linear: range(ot.funcPredictLinear),
  present_over_time: range(ot.funcPresentOverTime),
  quantile_over_time: range(ot.funcQuantileOverTime),
  rad: instant(m.funcRad),
  range: instant(tm.funcRange),
  rate: range(funcRate),
  resets: range(funcResets),
  round: instant(m.funcRound),
  scalar: instant(m.funcScalar),
  sgn: instant(m.funcSgn),
  sin: instant(m.funcSin),
  sinh: instant(m.funcSinh),
  sort: instant(funcSort),
  sort_by_label: instant(funcSortByLabel),
  sort_by_label_desc: instant(funcSortByLabelDesc),
  sort_desc: instant(funcSortDesc),
  sqrt: instant(m.funcSqrt),
  start: instant(tm.funcStart),
  start_timestamp: special,
  stddev_over_time: range(ot.funcStddevOverTime),
  stdvar_over_time: range(ot.funcStdvarOverTime),
  step: instant(tm.funcStep),
  sum_over_time: range(ot.funcSumOverTime),
  tan: instant(m.funcTan),
  tanh: instant(m.funcTanh),
  time: instant(tm.funcTime),
  timestamp: instant(tm.funcTimestamp),
  ts_of_first_over_time: range(ot.funcTsOfFirstOverTime),
  ts_of_last_over_time: range(ot.funcTsOfLastOverTime),
  ts_of_max_over_time: range(ot.funcTsOfMaxOverTime),
  ts_of_min_over_time: range(ot.funcTsOfMinOverTime),
  vector: instant(m.funcVector),
  year: instant(tm.funcYear),
};

/**
 * AT_MODIFIER_UNSAFE_FUNCTIONS are functions whose result depends on the evaluation time even when
 * their arguments are step invariant (or that use sample timestamps).
 */
export const AT_MODIFIER_UNSAFE_FUNCTIONS: ReadonlySet<string> = new Set([
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'time',
  'timestamp',
  'start',
  'end',
  'range',
  'step',
]);

/** ANCHORED_SAFE_FUNCTIONS may take an `anchored` range. */
export const ANCHORED_SAFE_FUNCTIONS: ReadonlySet<string> = new Set(['resets', 'changes', 'rate', 'increase', 'delta']);

/** SMOOTHED_SAFE_FUNCTIONS may take a `smoothed` range. */
export const SMOOTHED_SAFE_FUNCTIONS: ReadonlySet<string> = new Set(['rate', 'increase', 'delta']);

/** SORT_FUNCTIONS trigger the "sort is ineffective" warning in range queries. */
export const SORT_FUNCTIONS: ReadonlySet<string> = new Set(['sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc']);
