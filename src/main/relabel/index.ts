/**
 * Relabeling, after Prometheus's model/relabel: the eleven actions with Prometheus's defaults
 * (separator `;`, regex `(.*)` fully anchored, replacement `$1`, action replace), Go's `$1`/`${name}`
 * template expansion, and hashmod as MD5's last 8 bytes (big-endian) modulo the modulus. Used for
 * target relabeling (relabel_configs) and metric relabeling (metric_relabel_configs).
 */
import { createHash } from 'node:crypto';
import { isValidLabelName, type Label, type Labels, type NameValidationScheme } from '../../common/model/labels';
import { compileAnchoredRegex, RegexError } from '../../common/model/regex';
import { isValidUTF8 } from '../../common/util/go/utf8';

/** RelabelAction is one of Prometheus's relabel actions (lower case). */
export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

/** RELABEL_ACTIONS lists every action. */
export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
];

/** isValidLabelName and NameValidationScheme are re-exported from src/common/model/labels, their home. */
export { isValidLabelName, type NameValidationScheme };

/** RelabelConfig is one relabel rule as loaded from YAML (Prometheus's relabel.Config). */
export interface RelabelConfig {
  /** sourceLabels is null when the field was not given. */
  sourceLabels: string[] | null;
  separator: string;
  /** regex is the RE2 pattern before anchoring. */
  regex: string;
  modulus: number;
  targetLabel: string;
  replacement: string;
  action: RelabelAction;
}

/** DEFAULT_RELABEL_CONFIG holds Prometheus's defaults. */
export const DEFAULT_RELABEL_CONFIG: Readonly<RelabelConfig> = Object.freeze({
  sourceLabels: null,
  separator: ';',
  regex: '(.*)',
  modulus: 0,
  targetLabel: '',
  replacement: '$1',
  action: 'replace',
});

/** relabelConfig builds a RelabelConfig from a partial one, filling Prometheus's defaults. */
export function relabelConfig(c: Partial<RelabelConfig>): RelabelConfig {
  return { ...DEFAULT_RELABEL_CONFIG, ...c };
}

/** parseRelabelAction maps a YAML action (case-insensitive) to an action, or null. */
export function parseRelabelAction(s: string): RelabelAction | null {
  const a = s.toLowerCase() as RelabelAction;
  return RELABEL_ACTIONS.includes(a) ? a : null;
}

const LEGACY_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/**
 * validateRelabelConfig returns Prometheus's error message for an invalid rule, or null. Regex
 * syntax errors are reported too.
 */
export function validateRelabelConfig(c: RelabelConfig, scheme: NameValidationScheme = 'utf8'): string | null {
  const a = c.action;
  const d = DEFAULT_RELABEL_CONFIG;
  if ((a as string) === '') return 'relabel action cannot be empty';
  if (!RELABEL_ACTIONS.includes(a)) return `unknown relabel action ${JSON.stringify(a)}`;
  for (const n of c.sourceLabels ?? []) {
    if (!isValidLabelName(n, scheme)) return `${JSON.stringify(n)} is not a valid label name`;
  }
  try {
    compileAnchoredRegex(c.regex);
  } catch (e) {
    return e instanceof RegexError ? e.message : String(e);
  }
  if (c.modulus === 0 && a === 'hashmod') return 'relabel configuration for hashmod requires non-zero modulus';
  if ((a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && c.targetLabel === '') {
    return `relabel configuration for ${a} action requires 'target_label' value`;
  }
  const validTargetTemplate = (t: string): boolean => (scheme === 'legacy' ? LEGACY_TARGET.test(t) : t.length > 0 && isValidUTF8(t));
  if (a === 'replace' && !c.targetLabel.includes('$') && !isValidLabelName(c.targetLabel, scheme)) {
    return `${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`;
  }
  if (a === 'replace' && c.targetLabel.includes('$') && !validTargetTemplate(c.targetLabel)) {
    return `${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`;
  }
  if ((a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && !isValidLabelName(c.targetLabel, scheme)) {
    return `${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`;
  }
  if ((a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && c.replacement !== d.replacement) {
    return `'replacement' can not be set for ${a} action`;
  }
  if (a === 'labelmap' && !validTargetTemplate(c.replacement)) {
    return `${JSON.stringify(c.replacement)} is invalid 'replacement' for ${a} action`;
  }
  if (a === 'hashmod' && !isValidLabelName(c.targetLabel, scheme)) {
    return `${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`;
  }
  if (a === 'dropequal' || a === 'keepequal') {
    if (c.regex !== d.regex || c.modulus !== d.modulus || c.separator !== d.separator || c.replacement !== d.replacement) {
      return `${a} action requires only 'source_labels' and \`target_label\`, and no other fields`;
    }
  }
  if (a === 'labeldrop' || a === 'labelkeep') {
    if (c.sourceLabels !== null || c.targetLabel !== d.targetLabel || c.modulus !== d.modulus || c.separator !== d.separator || c.replacement !== d.replacement) {
      return `${a} action requires only 'regex', and no other fields`;
    }
  }
  return null;
}

/** LabelBuilder is a mutable label set for relabeling (Prometheus's labels.Builder). */
export class LabelBuilder {
  private readonly m = new Map<string, string>();

  constructor(base?: Labels) {
    if (base) this.reset(base);
  }

  /** reset replaces the content with ls. */
  reset(ls: Labels): this {
    this.m.clear();
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      if (l.value !== '') this.m.set(l.name, l.value);
    }
    return this;
  }

  /** get returns the value of name or ''. */
  get(name: string): string {
    return this.m.get(name) ?? '';
  }

  /** set sets name to value; an empty value deletes the label. */
  set(name: string, value: string): this {
    if (value === '') this.m.delete(name);
    else this.m.set(name, value);
    return this;
  }

  /** del removes a label. */
  del(name: string): this {
    this.m.delete(name);
    return this;
  }

  /** size returns the number of labels. */
  get size(): number {
    return this.m.size;
  }

  /** range calls fn for every label present when range was called; fn may modify the builder. */
  range(fn: (name: string, value: string) => void): void {
    for (const [n, v] of Array.from(this.m)) fn(n, v);
  }

  /** labels returns the sorted label set. */
  labels(): Labels {
    const out: Label[] = [];
    for (const [name, value] of this.m) out.push({ name, value });
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }
}

interface CompiledRule {
  readonly cfg: RelabelConfig;
  readonly re: RegExp;
  readonly modulus: bigint;
  readonly scheme: NameValidationScheme;
}

/**
 * Relabeler applies a list of rules. Construct once per config (regexes are compiled here);
 * throws RegexError for an invalid pattern.
 */
export class Relabeler {
  private readonly rules: CompiledRule[];

  constructor(cfgs: readonly RelabelConfig[], scheme: NameValidationScheme = 'utf8') {
    this.rules = cfgs.map((cfg) => ({ cfg, re: compileAnchoredRegex(cfg.regex), modulus: BigInt(Math.max(0, Math.trunc(cfg.modulus))), scheme }));
  }

  /** empty reports whether there are no rules. */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** process returns the relabeled label set, or null when a rule dropped it. */
  process(ls: Labels): Labels | null {
    if (this.rules.length === 0) return ls;
    const b = new LabelBuilder(ls);
    return this.processBuilder(b) ? b.labels() : null;
  }

  /** processBuilder applies the rules to b in place; false means dropped. */
  processBuilder(b: LabelBuilder): boolean {
    return this.dropIndex(b) < 0;
  }

  /**
   * dropIndex applies the rules to b in place and returns the index of the rule that dropped the
   * label set (a keep, drop, keepequal or dropequal rule), or -1 when every rule kept it; so the
   * service discovery page can say which rule of relabel_configs removed a target.
   */
  dropIndex(b: LabelBuilder): number {
    for (let i = 0; i < this.rules.length; i++) if (!applyRule(this.rules[i]!, b)) return i;
    return -1;
  }

  /** rule returns the i-th rule's configuration. */
  rule(i: number): RelabelConfig | undefined {
    return this.rules[i]?.cfg;
  }
}

/** relabel applies cfgs to ls; null means the label set was dropped. */
export function relabel(ls: Labels, cfgs: readonly RelabelConfig[], scheme: NameValidationScheme = 'utf8'): Labels | null {
  return new Relabeler(cfgs, scheme).process(ls);
}

function applyRule(r: CompiledRule, b: LabelBuilder): boolean {
  const cfg = r.cfg;
  let val: string;
  const src = cfg.sourceLabels;
  if (src === null || src.length === 0) val = '';
  else if (src.length === 1) val = b.get(src[0]!);
  else {
    val = b.get(src[0]!);
    for (let i = 1; i < src.length; i++) val += cfg.separator + b.get(src[i]!);
  }
  switch (cfg.action) {
    case 'drop':
      return !r.re.test(val);
    case 'keep':
      return r.re.test(val);
    case 'dropequal':
      return b.get(cfg.targetLabel) !== val;
    case 'keepequal':
      return b.get(cfg.targetLabel) === val;
    case 'replace': {
      const m = r.re.exec(val);
      if (m === null) return true;
      const target = expandTemplate(cfg.targetLabel, m);
      if (!isValidLabelName(target, r.scheme)) return true;
      const res = expandTemplate(cfg.replacement, m);
      if (res === '') b.del(target);
      else b.set(target, res);
      return true;
    }
    case 'lowercase':
      b.set(cfg.targetLabel, val.toLowerCase());
      return true;
    case 'uppercase':
      b.set(cfg.targetLabel, val.toUpperCase());
      return true;
    case 'hashmod':
      b.set(cfg.targetLabel, hashmod(val, r.modulus).toString());
      return true;
    case 'labelmap':
      b.range((name, value) => {
        const m = r.re.exec(name);
        if (m !== null) b.set(expandTemplate(cfg.replacement, m), value);
      });
      return true;
    case 'labeldrop':
      b.range((name) => {
        if (r.re.test(name)) b.del(name);
      });
      return true;
    case 'labelkeep':
      b.range((name) => {
        if (!r.re.test(name)) b.del(name);
      });
      return true;
  }
}

/** hashmod returns the big-endian uint64 of the last 8 bytes of MD5(val), modulo modulus. */
export function hashmod(val: string, modulus: bigint): bigint {
  const sum = createHash('md5').update(val, 'utf8').digest();
  return sum.readBigUInt64BE(8) % modulus;
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/**
 * expandTemplate expands `$1`, `${1}`, `$name`, `${name}` and `$$` in template like Go's
 * regexp.Expand: a name is the longest run of letters, digits and `_` (so `$1x` names group "1x"),
 * unknown or non-participating groups expand to '', and a malformed `$` stays literal.
 */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  if (template.indexOf('$') < 0) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (i < template.length && template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    let ok = false;
    if (i < template.length && template[i] === '{') {
      const close = template.indexOf('}', i + 1);
      if (close > i + 1) {
        name = template.slice(i + 1, close);
        ok = [...name].every((ch) => NAME_CHAR.test(ch));
        if (ok) i = close + 1;
      }
    } else {
      let j = i;
      while (j < template.length) {
        const cp = template.codePointAt(j)!;
        const ch = String.fromCodePoint(cp);
        if (!NAME_CHAR.test(ch)) break;
        j += ch.length;
      }
      if (j > i) {
        name = template.slice(i, j);
        ok = true;
        i = j;
      }
    }
    if (!ok) {
      out += '$';
      continue;
    }
    out += groupValue(m, name);
  }
  return out;
}

function groupValue(m: RegExpExecArray, name: string): string {
  let num = -1;
  if (/^[0-9]+$/.test(name) && !(name.length > 1 && name[0] === '0') && name.length <= 8) num = Number(name);
  if (num >= 0) return num < m.length ? (m[num] ?? '') : '';
  return m.groups?.[name] ?? '';
}
