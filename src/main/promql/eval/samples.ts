/**
 * Max-samples accounting shared by the evaluator's paths: the sample weight of series and
 * matrices, and the replay of rangeEval's step-by-step accounting for results computed series by
 * series (so both paths fail on the same limits and report the same peak).
 */
import { histogramSizeInSamples } from '../histogram/float_histogram';
import { tooManySamples } from '../kernel/context';
import type { EvalHost } from '../kernel/host';
import type { EMatrix, ESeries } from '../kernel/types';

/** seriesSamples is the max-samples weight of a series' points. */
export function seriesSamples(s: ESeries): number {
  let n = s.fT.length;
  for (const h of s.hH) n += histogramSizeInSamples(h);
  return n;
}

/** matrixSamples is the max-samples weight of a matrix. */
export function matrixSamples(m: EMatrix): number {
  let n = 0;
  for (const s of m) n += seriesSamples(s);
  return n;
}

/**
 * seriesWiseDone finishes a series-wise evaluation that replaced rangeEvalMatrices over inputs:
 * it replays rangeEval's sample accounting step by step (same limit errors and peak), then
 * orders the output as rangeEval would have created it (by first step, stable).
 */
export function seriesWiseDone(ev: EvalHost, inputs: readonly EMatrix[], out: EMatrix, originalNumSamples: number): EMatrix {
  ev.ctx.check();
  const steps = ev.numSteps();
  const gathered = new Int32Array(steps);
  const produced = new Int32Array(steps);
  const start = ev.start;
  const interval = ev.interval;
  const count = (counts: Int32Array, T: readonly number[], from: number): void => {
    for (let j = from; j < T.length; j++) {
      const k = (T[j]! - start) / interval;
      if (k >= 0 && k < steps && Number.isInteger(k)) counts[k]!++;
    }
  };
  for (const m of inputs) {
    for (const s of m) {
      count(gathered, s.fT, s.fi);
      count(gathered, s.hT, s.hi);
    }
  }
  for (const s of out) count(produced, s.fT, 0);
  const max = ev.ctx.opts.maxSamples;
  const stats = ev.ctx.stats;
  let temp = ev.currentSamples;
  for (let k = 0; k < steps; k++) {
    let cur = temp + gathered[k]!;
    if (cur > max) throw tooManySamples();
    cur += produced[k]!;
    temp += produced[k]!;
    if (cur > stats.peakSamples) stats.peakSamples = cur;
    if (cur > max) throw tooManySamples();
  }
  out.sort((a, b) => a.fT[0]! - b.fT[0]!);
  ev.currentSamples = originalNumSamples + matrixSamples(out);
  return out;
}
