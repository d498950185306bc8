/**
 * The Prometheus text exposition (0.0.4) as kube-state-metrics writes it (pkg/metric): a family's
 * `# HELP` (stable families' help prefixed `[STABLE] `) and `# TYPE` lines, then one line per
 * series `name{k="v",...} value`, label values escaped (`\\`, `\n`, `\"`), values as Go's
 * strconv.FormatFloat(v, 'g', -1, 64) with KSM's shortcuts for 0, 1 and -1.
 */
import { formatFloatG } from '../../common/util/go/strconv';

const NEEDS_ESCAPE = /[\\\n"]/;

/** escape escapes a label value as KSM's escapeString does. */
export function escape(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/[\\\n"]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : '\\"'));
}

/** formatValue writes a sample value as KSM's writeFloat does. */
export function formatValue(v: number): string {
  // Integers below 1e6 print the same in Go's 'g' format and JavaScript ('g' switches to an exponent at 1e6).
  if (Number.isInteger(v) && v > -1e6 && v < 1e6) return v === 0 ? '0' : String(v);
  return formatFloatG(v);
}

/** label renders one `name="value"` pair (name is a valid label name, value is escaped). */
export function label(name: string, value: string | undefined): string {
  return `${name}="${escape(value ?? '')}"`;
}

/** header is a family's HELP and TYPE lines as KSM's generateHeader writes them. */
export function header(name: string, help: string, type: string, stable: boolean): string {
  return `# HELP ${name} ${stable ? '[STABLE] ' : ''}${help}\n# TYPE ${name} ${type}\n`;
}

/**
 * Lines collects one family's series for the objects of a collection: `at(prefix)` names the
 * object's first part of each line (`name{base labels`), `add(extra, value)` writes one series
 * with the extra labels (`k="v",...`, already escaped) after the object's own.
 */
export class Lines {
  /** out holds the text written so far (joined by the caller). */
  readonly out: string[] = [];
  private prefix = '';

  /** at starts the series of one object: prefix is `name{base labels` (no closing brace). */
  at(prefix: string): void {
    this.prefix = prefix;
  }

  /** add writes a series of the current object. */
  add(extra: string, value: number): void {
    this.out.push(extra === '' ? `${this.prefix}} ${formatValue(value)}\n` : `${this.prefix},${extra}} ${formatValue(value)}\n`);
  }

  /** text appends raw text (headers). */
  text(s: string): void {
    this.out.push(s);
  }
}
