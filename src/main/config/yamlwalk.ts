/**
 * A strict, position-aware reader over a parsed YAML document: every accessor checks the YAML type
 * the way Go's yaml.v2 UnmarshalStrict does for Prometheus's config structs and records a
 * ConfigIssue (file:line:col) instead of throwing, so one pass reports every problem.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { parseDuration } from '../../common/model/time';
import type { ConfigIssue } from './types';

/** YNode is a YAML node (or null for an explicit null / missing value). */
export type YNode = Node | null;

/** Fields maps a mapping's keys to their key and value nodes, in file order. */
export type Fields = Map<string, { key: Node; value: YNode }>;

/** Walker reads one document and collects issues. */
export class Walker {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  readonly doc: Document.Parsed;
  private readonly lc: LineCounter;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.lc = new LineCounter();
    // YAML 1.1 as Go's yaml.v2 (yes/no booleans, merge keys); aliases resolved on access.
    this.doc = parseDocument(text, { lineCounter: this.lc, version: '1.1', merge: true, uniqueKeys: false, prettyErrors: false });
    for (const e of this.doc.errors) {
      const [start] = e.pos;
      const { line, col } = this.lc.linePos(start);
      this.issues.push({ file, line, column: col, message: `yaml: ${e.message.split('\n')[0]}` });
    }
  }

  /** root returns the document's root node. */
  root(): YNode {
    return this.deref(this.doc.contents as Node | null);
  }

  /** deref resolves aliases. */
  deref(n: YNode | undefined): YNode {
    if (n === undefined || n === null) return null;
    if (isAlias(n)) return (n.resolve(this.doc) as Node | undefined) ?? null;
    return n;
  }

  /** position returns the 1-based line and column of a node. */
  position(n: YNode): { line: number; column: number } {
    if (n === null || !n.range) return { line: 0, column: 0 };
    const { line, col } = this.lc.linePos(n.range[0]);
    return { line, column: col };
  }

  /** err records an issue at node n. */
  err(n: YNode, message: string): void {
    const { line, column } = this.position(n);
    this.issues.push({ file: this.file, line, column, message });
  }

  /** warn records a warning at node n. */
  warn(n: YNode, message: string): void {
    const { line, column } = this.position(n);
    this.warnings.push({ file: this.file, line, column, message });
  }

  /** isNull reports whether n is absent or an explicit null. */
  isNull(n: YNode): boolean {
    const d = this.deref(n);
    return d === null || (isScalar(d) && d.value === null);
  }

  /**
   * fields reads a mapping of a Go struct named typeName; keys not in allowed are reported as
   * "field X not found in type T", duplicate keys as yaml.v2 does. Null yields an empty map.
   */
  fields(n: YNode, typeName: string, allowed: readonly string[] | ((k: string) => boolean)): Fields | null {
    const d = this.deref(n);
    const out: Fields = new Map();
    if (this.isNull(d)) return out;
    if (!isMap(d)) {
      this.err(d, `cannot unmarshal ${tagOf(d)} into ${typeName}`);
      return null;
    }
    const ok = typeof allowed === 'function' ? allowed : (k: string) => allowed.includes(k);
    for (const item of this.pairs(d)) {
      const keyNode = this.deref(item.key as Node);
      if (!isScalar(keyNode)) {
        this.err(keyNode, `cannot unmarshal ${tagOf(keyNode)} as a key of ${typeName}`);
        continue;
      }
      const key = String(keyNode.value);
      if (out.has(key)) {
        this.err(keyNode, `mapping key ${JSON.stringify(key)} already defined at line ${this.position(out.get(key)!.key).line}`);
        continue;
      }
      if (!ok(key)) {
        this.err(keyNode, `field ${key} not found in type ${typeName}`);
        continue;
      }
      out.set(key, { key: keyNode, value: this.deref(item.value as Node | null) });
    }
    return out;
  }

  /** pairs returns a mapping's pairs with YAML merge keys (<<) expanded (explicit keys win). */
  private pairs(m: YAMLMap): Pair[] {
    const own: Pair[] = [];
    const merged: Pair[] = [];
    for (const p of m.items) {
      if (!isPair(p)) continue;
      const k = this.deref(p.key as Node);
      // With merge enabled the yaml package keys a merge with a symbol; older versions with '<<'.
      if (isScalar(k) && (k.value === '<<' || typeof k.value === 'symbol')) {
        const v = this.deref(p.value as Node | null);
        const sources = isSeq(v) ? v.items.map((x) => this.deref(x as Node)) : [v];
        for (const src of sources) if (isMap(src)) merged.push(...this.pairs(src));
        continue;
      }
      own.push(p);
    }
    if (merged.length === 0) return own;
    const seen = new Set(own.map((p) => String((this.deref(p.key as Node) as Scalar | null)?.value)));
    return [...own, ...merged.filter((p) => !seen.has(String((this.deref(p.key as Node) as Scalar | null)?.value)))];
  }

  /** scalarText returns the source text of a scalar (as yaml.v2 decodes any scalar into a string). */
  private scalarText(s: Scalar): string {
    if (s.value === null) return '';
    if (typeof s.source === 'string') return s.source;
    return String(s.value);
  }

  /** str reads a string (any scalar, as yaml.v2); null is ''. */
  str(n: YNode, what = 'string'): string {
    const d = this.deref(n);
    if (this.isNull(d)) return '';
    if (!isScalar(d)) {
      this.err(d, `cannot unmarshal ${tagOf(d)} into ${what}`);
      return '';
    }
    return this.scalarText(d);
  }

  /** bool reads a boolean. */
  bool(n: YNode, dflt: boolean): boolean {
    const d = this.deref(n);
    if (this.isNull(d)) return dflt;
    if (isScalar(d) && typeof d.value === 'boolean') return d.value;
    this.err(d, `cannot unmarshal ${tagOf(d)} ${isScalar(d) ? JSON.stringify(this.scalarText(d)) + ' ' : ''}into bool`);
    return dflt;
  }

  /** uint reads a non-negative integer. */
  uint(n: YNode, what = 'uint'): number {
    const d = this.deref(n);
    if (this.isNull(d)) return 0;
    if (isScalar(d) && typeof d.value === 'number' && Number.isInteger(d.value) && d.value >= 0) return d.value;
    if (isScalar(d) && typeof d.value === 'bigint' && d.value >= 0n) return Number(d.value);
    this.err(d, `cannot unmarshal ${tagOf(d)} ${isScalar(d) ? JSON.stringify(this.scalarText(d)) + ' ' : ''}into ${what}`);
    return 0;
  }

  /** float reads a number. */
  float(n: YNode): number {
    const d = this.deref(n);
    if (this.isNull(d)) return 0;
    if (isScalar(d) && typeof d.value === 'number') return d.value;
    this.err(d, `cannot unmarshal ${tagOf(d)} ${isScalar(d) ? JSON.stringify(this.scalarText(d)) + ' ' : ''}into float64`);
    return 0;
  }

  /** duration reads a Prometheus duration (e.g. 1m30s) into ms; null keeps dflt. */
  duration(n: YNode, dflt: number): number {
    const d = this.deref(n);
    if (this.isNull(d)) return dflt;
    const s = this.str(d, 'model.Duration');
    try {
      return parseDuration(s);
    } catch (e) {
      this.err(d, (e as Error).message);
      return dflt;
    }
  }

  /** size reads a Base2Bytes size ("100MB", "1GiB", an integer of bytes, or 0). */
  size(n: YNode): number {
    const d = this.deref(n);
    if (this.isNull(d)) return 0;
    if (isScalar(d) && typeof d.value === 'number' && Number.isInteger(d.value) && d.value >= 0) return d.value;
    const s = this.str(d, 'units.Base2Bytes');
    const v = parseBase2Bytes(s);
    if (v === null) {
      this.err(d, `units: unknown unit in ${JSON.stringify(s)}, expected one of B, KB, MB, GB, TB, PB, EB (or KiB, MiB, ...)`);
      return 0;
    }
    return v;
  }

  /** seq reads a sequence's items (null yields []). */
  seq(n: YNode, what: string): YNode[] {
    const d = this.deref(n);
    if (this.isNull(d)) return [];
    if (!isSeq(d)) {
      this.err(d, `cannot unmarshal ${tagOf(d)} into ${what}`);
      return [];
    }
    return d.items.map((x) => this.deref(x as Node | null));
  }

  /** strList reads a list of strings. */
  strList(n: YNode, what = '[]string'): string[] {
    return this.seq(n, what).map((x) => this.str(x));
  }

  /** strMap reads a mapping of string to string (insertion order). */
  strMap(n: YNode, what: string): { key: Node; name: string; value: string; valueNode: YNode }[] {
    return this.entries(n, what).map((e) => ({ ...e, value: this.str(e.valueNode) }));
  }

  /** entries reads a mapping with string keys and any values (insertion order). */
  entries(n: YNode, what: string): { key: Node; name: string; valueNode: YNode }[] {
    const f = this.fields(n, what, () => true);
    if (f === null) return [];
    return [...f].map(([name, { key, value }]) => ({ key, name, valueNode: value }));
  }
}

/** tagOf names a node's YAML type as yaml.v2 errors do. */
export function tagOf(n: YNode): string {
  if (n === null) return '!!null';
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (isScalar(n)) {
    const v = n.value;
    if (v === null) return '!!null';
    if (typeof v === 'boolean') return '!!bool';
    if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? '!!int' : '!!float';
    return '!!str';
  }
  return '!!unknown';
}

const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
  EB: 1024 ** 6,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  PiB: 1024 ** 5,
  EiB: 1024 ** 6,
};

/** parseBase2Bytes parses alecthomas/units Base2Bytes syntax ("1GB512MB", "1.5KiB", "0"); null if invalid. */
export function parseBase2Bytes(s: string): number | null {
  if (s === '0') return 0;
  if (s === '') return null;
  const re = /(\d+(?:\.\d+)?)([KMGTPE]i?B|B)/y;
  let pos = 0;
  let total = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return null;
    total += Number(m[1]) * BYTE_UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  return Math.floor(total);
}
