/**
 * labelsString renders a label set as Prometheus's labels.Labels.String() does:
 * `{__name__="up", job="x"}` with every label inside the braces, names quoted when not legacy-valid.
 */
import { isValidLegacyMetricName, type Labels } from '../../../common/model/labels';
import { goQuote } from './format';

/** labelsString is labels.Labels.String(). */
export function labelsString(ls: Labels): string {
  const parts: string[] = [];
  for (const l of ls) {
    const n = isValidLegacyMetricName(l.name) ? l.name : goQuote(l.name);
    parts.push(`${n}=${goQuote(l.value)}`);
  }
  return `{${parts.join(', ')}}`;
}
