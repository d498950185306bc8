/**
 * interpolate is linear interpolation between (t1, v1) and (t2, v2) at t. For counters, a drop
 * between the two points is read as a reset: the counter is taken to restart from 0 at t1.
 */
export function interpolate(t1: number, v1: number, t2: number, v2: number, t: number, isCounter: boolean): number {
  let y1 = v1;
  if (isCounter && v2 < y1) y1 = 0;
  return y1 + ((v2 - y1) * (t - t1)) / (t2 - t1);
}
