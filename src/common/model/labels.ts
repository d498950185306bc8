/**
 * Labels: the identity of a series, as in Prometheus's model/labels.
 *
 * A label set is an array of {name, value} pairs sorted by name, with unique names and no empty
 * values (an empty value means "label absent"). Functions here never mutate their inputs.
 *
 * This module is the one home of label-name validation (isValidLabelName and the legacy forms),
 * of the label byte encoding that Prometheus hashes (labelsBytes), of the label-set renderings
 * (labelsString, labelsToString) and of FormatOpenMetricsFloat for `le`/`quantile` values.
 */
import { formatFloatG, goQuote } from '../util/go/strconv';
import { isValidUTF8, utf8Bytes } from '../util/go/utf8';

/** Label is one name/value pair. */
export interface Label {
  readonly name: string;
  readonly value: string;
}

/** Labels is a label set sorted by name. Treat it as immutable. */
export type Labels = readonly Label[];

/** MetricName is the reserved label that holds a series' metric name. */
export const MetricName = '__name__';

/** EMPTY_LABELS is the empty label set. */
export const EMPTY_LABELS: Labels = Object.freeze([]) as Labels;

const SEP = '\xff';

/** labelsFromRecord builds a sorted label set from a plain object, dropping empty values. */
export function labelsFromRecord(rec: Readonly<Record<string, string>>): Labels {
  const out: Label[] = [];
  for (const name of Object.keys(rec)) {
    const value = rec[name];
    if (value !== undefined && value !== '') out.push({ name, value });
  }
  out.sort(compareLabelByName);
  return out;
}

/** labelsFromStrings builds a sorted label set from name, value, name, value... */
export function labelsFromStrings(...nv: string[]): Labels {
  if (nv.length % 2 !== 0) throw new Error('labelsFromStrings: odd number of strings');
  const out: Label[] = [];
  for (let i = 0; i < nv.length; i += 2) if (nv[i + 1] !== '') out.push({ name: nv[i]!, value: nv[i + 1]! });
  out.sort(compareLabelByName);
  return out;
}

/** labelsToRecord converts a label set to a plain object. */
export function labelsToRecord(ls: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of ls) out[l.name] = l.value;
  return out;
}

function compareLabelByName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** labelsGet returns the value of name, or '' when absent. */
export function labelsGet(ls: Labels, name: string): string {
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (l.name === name) return l.value;
    if (l.name > name) return '';
  }
  return '';
}

/** labelsHas reports whether name is present. */
export function labelsHas(ls: Labels, name: string): boolean {
  return labelsGet(ls, name) !== '';
}

/**
 * labelsKey returns a string that identifies the label set exactly; equal sets give equal keys.
 * Use it as a Map key in place of a hash.
 */
export function labelsKey(ls: Labels): string {
  let s = '';
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    s += l.name + SEP + l.value + SEP;
  }
  return s;
}

/** labelsKeyFor returns the key of only the named labels (like Prometheus's HashForLabels). */
export function labelsKeyFor(ls: Labels, names: readonly string[]): string {
  let s = '';
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (names.includes(l.name)) s += l.name + SEP + l.value + SEP;
  }
  return s;
}

/** labelsKeyWithout returns the key of all labels except the named ones (and except __name__ when dropName). */
export function labelsKeyWithout(ls: Labels, names: readonly string[]): string {
  let s = '';
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (!names.includes(l.name)) s += l.name + SEP + l.value + SEP;
  }
  return s;
}

/** labelsEqual reports whether two label sets are identical. */
export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.name !== b[i]!.name || a[i]!.value !== b[i]!.value) return false;
  }
  return true;
}

/** labelsCompare orders label sets the way Prometheus's labels.Compare does. */
export function labelsCompare(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name) return x.name < y.name ? -1 : 1;
    if (x.value !== y.value) return x.value < y.value ? -1 : 1;
  }
  return a.length - b.length;
}

/** labelsWithout returns ls minus the named labels. */
export function labelsWithout(ls: Labels, ...names: string[]): Labels {
  return ls.filter((l) => !names.includes(l.name));
}

/** labelsOnly returns only the named labels of ls. */
export function labelsOnly(ls: Labels, names: readonly string[]): Labels {
  return ls.filter((l) => names.includes(l.name));
}

/** labelsSet returns ls with name set to value (removed when value is ''). */
export function labelsSet(ls: Labels, name: string, value: string): Labels {
  const out: Label[] = [];
  let done = false;
  for (const l of ls) {
    if (!done && l.name >= name) {
      done = true;
      if (value !== '') out.push({ name, value });
      if (l.name === name) continue;
    }
    out.push(l);
  }
  if (!done && value !== '') out.push({ name, value });
  return out;
}

/** LabelsBuilder edits a label set and builds a new sorted one, like Prometheus's labels.Builder. */
export class LabelsBuilder {
  private base: Labels;
  private readonly changes = new Map<string, string>();

  constructor(base: Labels = EMPTY_LABELS) {
    this.base = base;
  }

  /** reset starts over from base, so one builder can serve a loop. */
  reset(base: Labels): this {
    this.base = base;
    this.changes.clear();
    return this;
  }

  /** set sets name to value; an empty value deletes the label. */
  set(name: string, value: string): this {
    this.changes.set(name, value);
    return this;
  }

  /** del removes the named labels. */
  del(...names: string[]): this {
    for (const n of names) this.changes.set(n, '');
    return this;
  }

  /** get returns the current value of name, or ''. */
  get(name: string): string {
    const c = this.changes.get(name);
    return c !== undefined ? c : labelsGet(this.base, name);
  }

  /** keep removes every label not in names. */
  keep(names: readonly string[]): this {
    for (const l of this.base) if (!names.includes(l.name)) this.changes.set(l.name, '');
    for (const n of [...this.changes.keys()]) if (!names.includes(n)) this.changes.set(n, '');
    return this;
  }

  /** labels returns the current state as a sorted label set; empty values are dropped, as in Prometheus. */
  labels(): Labels {
    if (this.changes.size === 0 && this.base.every((l) => l.value !== '')) return this.base;
    const out: Label[] = [];
    for (const l of this.base) if (!this.changes.has(l.name) && l.value !== '') out.push(l);
    for (const [name, value] of this.changes) if (value !== '') out.push({ name, value });
    out.sort(compareLabelByName);
    return out;
  }
}

/** NameValidationScheme is how label and metric names are validated: Prometheus 3's UTF-8 rules or the legacy charset. */
export type NameValidationScheme = 'utf8' | 'legacy';

/**
 * isValidLabelName reports whether name is a valid label name under the scheme: non-empty valid
 * UTF-8 (model.UTF8Validation), or [a-zA-Z_][a-zA-Z0-9_]* (model.LegacyValidation).
 */
export function isValidLabelName(name: string, scheme: NameValidationScheme = 'utf8'): boolean {
  if (scheme === 'legacy') return isValidLegacyLabelName(name);
  return name.length > 0 && isValidUTF8(name);
}

/** isValidLegacyLabelName reports whether name matches [a-zA-Z_][a-zA-Z0-9_]*. */
export function isValidLegacyLabelName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/** isValidLegacyMetricName reports whether name matches [a-zA-Z_:][a-zA-Z0-9_:]*. */
export function isValidLegacyMetricName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/**
 * labelsBytes is the byte encoding Prometheus's labels.Hash() hashes (the default "stringlabels"
 * representation of a label set): for every label, the UTF-8 length of its name, the name, the
 * length of its value and the value, each length one byte below 255 or else 0xFF and three bytes
 * little-endian. Surrogate-escaped bytes are written as the raw bytes they stand for.
 */
export function labelsBytes(ls: Labels): Uint8Array {
  const parts: number[][] = [];
  let n = 0;
  for (const l of ls) {
    const a = utf8Bytes(l.name);
    const b = utf8Bytes(l.value);
    parts.push(a, b);
    n += a.length + (a.length < 255 ? 1 : 4) + b.length + (b.length < 255 ? 1 : 4);
  }
  const buf = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    const len = p.length;
    if (len < 255) {
      buf[o++] = len;
    } else {
      buf[o++] = 255;
      buf[o++] = len & 0xff;
      buf[o++] = (len >> 8) & 0xff;
      buf[o++] = (len >> 16) & 0xff;
    }
    buf.set(p, o);
    o += len;
  }
  return buf;
}

/**
 * labelsString renders a label set as Prometheus's labels.Labels.String() does:
 * `{__name__="up", job="x"}` with every label inside the braces, names quoted when not legacy-valid.
 */
export function labelsString(ls: Labels): string {
  const parts: string[] = [];
  for (const l of ls) {
    const n = isValidLegacyMetricName(l.name) ? l.name : goQuote(l.name);
    parts.push(`${n}=${goQuote(l.value)}`);
  }
  return `{${parts.join(', ')}}`;
}

/**
 * labelsToString renders a label set in the exposition style: `name{a="1", b="2"}`, with the
 * metric name outside the braces and label names that are not legacy-valid quoted (JSON string
 * escapes; labelsString is the Go-exact rendering).
 */
export function labelsToString(ls: Labels): string {
  const name = labelsGet(ls, MetricName);
  const parts: string[] = [];
  for (const l of ls) {
    if (l.name === MetricName && isValidLegacyMetricName(name)) continue;
    const n = isValidLegacyLabelName(l.name) ? l.name : JSON.stringify(l.name);
    parts.push(`${n}=${JSON.stringify(l.value)}`);
  }
  const metric = name !== '' && isValidLegacyMetricName(name) ? name : '';
  if (parts.length === 0) return metric === '' ? '{}' : metric;
  return `${metric}{${parts.join(', ')}}`;
}

/**
 * formatOpenMetricsFloat renders f as Prometheus's labels.FormatOpenMetricsFloat (the normalised
 * `le` and `quantile` label values): Go's shortest 'g' format, with ".0" appended when the result
 * has neither '.' nor an exponent.
 */
export function formatOpenMetricsFloat(f: number): string {
  if (f === 1) return '1.0';
  if (f === 0) return '0.0';
  if (f === -1) return '-1.0';
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const g = formatFloatG(f);
  return g.includes('e') || g.includes('.') ? g : g + '.0';
}
