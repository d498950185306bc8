/**
 * Prometheus rule files: loading and validation (what `promtool check rules` checks), with every
 * error naming file:line:col. Evaluation of the rules arrives with the rules issue; the loaded
 * shapes here are what it will run.
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YamlNode, type YAMLMap, type Pair } from 'yaml';
import { parseExpr, ParseError } from '../../common/promql';
import type { Expr } from '../../common/promql/ast';
import { isValidLegacyLabelName, isValidLegacyMetricName } from '../../common/model/labels';
import { parseDuration } from '../../common/model/time';

/** RuleFileError is one problem in a rule file. */
export interface RuleFileError {
  line: number;
  column: number;
  message: string;
}

/** RecordingRule is a loaded `record:` rule. */
export interface RecordingRule {
  kind: 'recording';
  record: string;
  expr: Expr;
  exprText: string;
  labels: Record<string, string>;
}

/** AlertingRule is a loaded `alert:` rule. */
export interface AlertingRule {
  kind: 'alerting';
  alert: string;
  expr: Expr;
  exprText: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** RuleGroup is a loaded group. */
export interface RuleGroup {
  name: string;
  intervalMs: number | null;
  queryOffsetMs: number | null;
  limit: number;
  labels: Record<string, string>;
  rules: (RecordingRule | AlertingRule)[];
}

/** RuleFile is the result of loading: groups, or errors (never both empty on failure). */
export interface RuleFile {
  groups: RuleGroup[];
  errors: RuleFileError[];
}

const PARSER_OPTS = {
  enableExperimentalFunctions: true,
  enableDurationExpressions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

/** loadRuleFile parses and validates the YAML text of a rule file. */
export function loadRuleFile(text: string): RuleFile {
  const lc = new LineCounter();
  const errors: RuleFileError[] = [];
  const groups: RuleGroup[] = [];
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const at = (node: YamlNode | null | undefined, message: string): void => {
    const off = node?.range?.[0] ?? 0;
    const p = lc.linePos(off);
    errors.push({ line: p.line, column: p.col, message });
  };
  for (const e of doc.errors) {
    const p = lc.linePos(e.pos[0]);
    errors.push({ line: p.line, column: p.col, message: e.message.split('\n')[0]! });
  }
  if (errors.length) return { groups, errors };
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { groups, errors };
  if (!isMap(root)) {
    at(root, 'rule file must be a mapping with a "groups" list');
    return { groups, errors };
  }
  checkKeys(root, ['groups'], at);
  const gs = root.get('groups', true) as YamlNode | undefined;
  if (gs === undefined) return { groups, errors };
  if (!isSeq(gs)) {
    at(gs, '"groups" must be a list');
    return { groups, errors };
  }
  const names = new Set<string>();
  for (const g of gs.items as YamlNode[]) {
    if (!isMap(g)) {
      at(g, 'a group must be a mapping');
      continue;
    }
    checkKeys(g, ['name', 'interval', 'query_offset', 'limit', 'labels', 'rules'], at);
    const name = str(g, 'name', at, true);
    if (name === '') at(g, 'group name must not be empty');
    else if (names.has(name)) at(g.get('name', true) as YamlNode, `groupname: "${name}" is repeated in the same file`);
    names.add(name);
    const group: RuleGroup = {
      name,
      intervalMs: dur(g, 'interval', at),
      queryOffsetMs: dur(g, 'query_offset', at),
      limit: int(g, 'limit', at),
      labels: stringMap(g, 'labels', at, true),
      rules: [],
    };
    const rs = g.get('rules', true) as YamlNode | undefined;
    if (rs !== undefined && !isSeq(rs)) at(rs, '"rules" must be a list');
    for (const r of isSeq(rs) ? (rs.items as YamlNode[]) : []) {
      const rule = loadRule(r, at);
      if (rule) group.rules.push(rule);
    }
    groups.push(group);
  }
  return { groups, errors };
}

function loadRule(r: YamlNode, at: (n: YamlNode | null | undefined, m: string) => void): RecordingRule | AlertingRule | null {
  if (!isMap(r)) {
    at(r, 'a rule must be a mapping');
    return null;
  }
  checkKeys(r, ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'], at);
  const hasRecord = r.has('record');
  const hasAlert = r.has('alert');
  if (hasRecord && hasAlert) {
    at(r, "only one of 'record' and 'alert' must be set");
    return null;
  }
  if (!hasRecord && !hasAlert) {
    at(r, "one of 'record' or 'alert' must be set");
    return null;
  }
  const exprNode = r.get('expr', true) as YamlNode | undefined;
  const exprText = str(r, 'expr', at, true);
  let expr: Expr | null = null;
  if (exprText === '') at(exprNode ?? r, "field 'expr' must be set in rule");
  else {
    try {
      expr = parseExpr(exprText, PARSER_OPTS);
    } catch (e) {
      const msg = e instanceof ParseError ? e.toString() : (e as Error).message;
      at(exprNode ?? r, `could not parse expression: ${msg}`);
    }
  }
  const labels = stringMap(r, 'labels', at, true);
  if (hasRecord) {
    const record = str(r, 'record', at, true);
    if (!isValidLegacyMetricName(record)) at(r.get('record', true) as YamlNode, `invalid recording rule name: ${record}`);
    for (const k of ['for', 'keep_firing_for', 'annotations']) {
      if (r.has(k)) at(r.get(k, true) as YamlNode, `invalid field '${k}' in recording rule`);
    }
    return expr ? { kind: 'recording', record, expr, exprText, labels } : null;
  }
  const alert = str(r, 'alert', at, true);
  if (alert === '') at(r.get('alert', true) as YamlNode, 'alert name must not be empty');
  const annotations = stringMap(r, 'annotations', at, false);
  for (const [k, v] of Object.entries({ ...labels, ...annotations })) {
    const bad = templateProblem(v);
    if (bad) at(r, `template error in ${k}: ${bad}`);
  }
  return expr
    ? {
        kind: 'alerting',
        alert,
        expr,
        exprText,
        forMs: dur(r, 'for', at) ?? 0,
        keepFiringForMs: dur(r, 'keep_firing_for', at) ?? 0,
        labels,
        annotations,
      }
    : null;
}

/** templateProblem finds unbalanced Go-template actions ({{ without }}), or returns null. */
export function templateProblem(s: string): string | null {
  let depth = 0;
  for (let i = 0; i < s.length - 1; i++) {
    if (s[i] === '{' && s[i + 1] === '{') {
      if (depth > 0) return `unexpected "{{" inside an action`;
      depth++;
      i++;
    } else if (s[i] === '}' && s[i + 1] === '}') {
      if (depth === 0) return null; // literal "}}" outside an action is text
      depth--;
      i++;
    }
  }
  return depth > 0 ? 'unclosed action' : null;
}

function checkKeys(m: YAMLMap, allowed: string[], at: (n: YamlNode | null | undefined, m: string) => void): void {
  for (const p of m.items as Pair[]) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (!allowed.includes(k)) at(p.key as YamlNode, `field ${k} not found in type ${allowed.includes('rules') ? 'rulefmt.RuleGroup' : allowed.includes('groups') ? 'rulefmt.RuleGroups' : 'rulefmt.Rule'}`);
  }
}

function str(m: YAMLMap, key: string, at: (n: YamlNode | null | undefined, m: string) => void, required: boolean): string {
  const n = m.get(key, true) as YamlNode | undefined;
  if (n === undefined) return '';
  if (!isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'number')) {
    at(n, `field ${key} must be a string`);
    return '';
  }
  void required;
  return String(n.value);
}

function dur(m: YAMLMap, key: string, at: (n: YamlNode | null | undefined, m: string) => void): number | null {
  const n = m.get(key, true) as YamlNode | undefined;
  if (n === undefined) return null;
  const s = isScalar(n) ? String(n.value) : '';
  try {
    return parseDuration(s);
  } catch {
    at(n, `invalid duration for ${key}: ${JSON.stringify(s)}`);
    return null;
  }
}

function int(m: YAMLMap, key: string, at: (n: YamlNode | null | undefined, m: string) => void): number {
  const n = m.get(key, true) as YamlNode | undefined;
  if (n === undefined) return 0;
  if (!isScalar(n) || typeof n.value !== 'number' || !Number.isInteger(n.value) || n.value < 0) {
    at(n, `${key} must be a non-negative integer`);
    return 0;
  }
  return n.value;
}

function stringMap(m: YAMLMap, key: string, at: (n: YamlNode | null | undefined, m: string) => void, labelNames: boolean): Record<string, string> {
  const n = m.get(key, true) as YamlNode | undefined;
  const out: Record<string, string> = {};
  if (n === undefined || (isScalar(n) && n.value === null)) return out;
  if (!isMap(n)) {
    at(n, `${key} must be a mapping of strings`);
    return out;
  }
  for (const p of n.items as Pair[]) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    const v = isScalar(p.value) ? p.value.value : undefined;
    if (labelNames && !isValidLegacyLabelName(k)) at(p.key as YamlNode, `invalid label name: ${k}`);
    if (labelNames && k === '__name__') at(p.key as YamlNode, 'invalid label name: __name__');
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      at((p.value ?? p.key) as YamlNode, `value of ${key}.${k} must be a string`);
      continue;
    }
    out[k] = String(v);
  }
  return out;
}
