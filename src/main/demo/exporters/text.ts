/**
 * TextWriter writes one exposition in the Prometheus text format 0.0.4 or, with openMetrics, in
 * OpenMetrics 1.0 (counter families named without `_total`, exemplars, `# EOF`), with optional
 * millisecond timestamps on every sample (as cAdvisor and the kubelet's resource metrics have).
 */

/** Labels of one sample, in the order they are written. */
export type SampleLabels = Record<string, string | number>;

/** Exemplar is an OpenMetrics exemplar. */
export interface Exemplar {
  labels: Record<string, string>;
  value: number;
  tsMs: number;
}

export class TextWriter {
  private readonly out: string[] = [];

  constructor(
    private readonly o: { openMetrics?: boolean; tsMs?: number } = {},
  ) {}

  /** family writes the HELP and TYPE lines of a metric family. */
  family(name: string, type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped', help: string): this {
    if (this.o.openMetrics) {
      const fam = type === 'counter' ? name.replace(/_total$/, '') : name;
      this.out.push(`# TYPE ${fam} ${type === 'untyped' ? 'unknown' : type}`, `# HELP ${fam} ${help}`);
    } else {
      this.out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    }
    return this;
  }

  /** sample writes one sample; an exemplar is written only in OpenMetrics. */
  sample(name: string, labels: SampleLabels, value: number, exemplar?: Exemplar): this {
    let line = `${name}${labelText(labels)} ${formatValue(value)}`;
    if (this.o.tsMs !== undefined) line += ` ${Math.floor(this.o.tsMs)}`;
    if (exemplar && this.o.openMetrics) line += ` # ${labelText(exemplar.labels) || '{}'} ${formatValue(exemplar.value)} ${(exemplar.tsMs / 1000).toFixed(3)}`;
    this.out.push(line);
    return this;
  }

  /** one writes a family with a single sample. */
  one(name: string, type: 'counter' | 'gauge', help: string, value: number, labels: SampleLabels = {}): this {
    return this.family(name, type, help).sample(name, labels, value);
  }

  toString(): string {
    if (this.o.openMetrics) this.out.push('# EOF');
    return this.out.join('\n') + '\n';
  }
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** labelText renders a label set, `{a="1",b="2"}`, or '' for none. */
export function labelText(labels: SampleLabels): string {
  const ls = Object.entries(labels)
    .map(([k, v]) => `${k}="${escape(String(v))}"`)
    .join(',');
  return ls ? `{${ls}}` : '';
}

/**
 * formatValue renders a sample value as client_golang does (Go's shortest 'g' format: exponent
 * notation from 1e6 up and below 1e-4, `2.68435456e+08`; NaN and +Inf spelled out).
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [mant, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}

/** round rounds to a number of decimals. */
export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** traceId returns a deterministic 16-hex-digit id for an exemplar (FNV-1a of the key, twice). */
export function traceId(key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h1 = Math.imul(h1 ^ key.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ key.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
