/**
 * Sets of function names with special treatment in the engine (Prometheus's
 * AtModifierUnsafeFunctions, AnchoredSafeFunctions, SmoothedSafeFunctions and the sort functions).
 * They are facts about names, shared by the preprocessor, the evaluator and the conformance
 * runner, so they live here rather than beside the implementations in functions/.
 */

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
