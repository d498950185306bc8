/**
 * Go's JSON rendering of times and label sets, for payloads (the webhook's). The data of a
 * notification itself is template/data.ts's notificationData.
 */
import type { LabelSet } from './types';

/** goTime renders ms as Go's time.Time JSON (RFC 3339 with trailing zeros of the fraction dropped; 0 is Go's zero time). */
export function goTime(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, f: string) => (f === '' ? 'Z' : `.${f}Z`));
}

/** sortedKV returns a label set with its keys in order (Go's JSON encodes maps sorted). */
export function sortedKV(l: LabelSet): LabelSet {
  const out: LabelSet = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k];
  return out;
}
