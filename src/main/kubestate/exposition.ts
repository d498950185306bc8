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

/** CHUNK is how much text Lines gathers in a string before it turns it into a Buffer. */
const CHUNK = 1 << 16;

/**
 * Lines writes the exposition: `at(prefix, base)` names the object whose series follow (prefix
 * is `name{`, base its escaped base labels), `add(extra, value)` writes one series with the extra
 * labels (`k="v",...`, already escaped) after the object's own. Text gathers in a string and
 * moves into one growing Buffer every 64 KiB (a 15,000-pod cluster writes ~60 MB; sizeHint, the
 * size of the last render, saves the regrowing).
 */
export class Lines {
  private buf: Buffer;
  private pos = 0;
  private s = '';
  private prefix = '';
  private base = '';

  constructor(sizeHint = 0) {
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK * 4, Math.ceil(sizeHint * 1.1)));
  }

  /** at starts the series of one object. */
  at(prefix: string, base: string): void {
    this.prefix = prefix;
    this.base = base;
  }

  /** add writes a series of the current object. */
  add(extra: string, value: number): void {
    this.s += extra === '' ? this.prefix + this.base + '} ' + formatValue(value) + '\n' : this.prefix + this.base + ',' + extra + '} ' + formatValue(value) + '\n';
    if (this.s.length > CHUNK) this.flush();
  }

  /** text appends raw text (headers). */
  text(t: string): void {
    this.s += t;
    if (this.s.length > CHUNK) this.flush();
  }

  private flush(): void {
    const need = this.pos + this.s.length * 3;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.pos);
      this.buf = grown;
    }
    this.pos += this.buf.write(this.s, this.pos, 'utf8');
    this.s = '';
  }

  /** buffer returns everything written. */
  buffer(): Buffer {
    if (this.s !== '') this.flush();
    return this.buf.subarray(0, this.pos);
  }
}
