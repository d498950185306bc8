/**
 * label_replace and label_join, which work on whole series rather than samples
 * (Prometheus's evalLabelReplace / evalLabelJoin), plus Go regexp template expansion.
 */
import { isValidLabelName, MetricName } from '../../../common/model/labels';
import { compileAnchoredRegex } from '../../../common/model/regex';
import type { Expr } from '../../../common/promql/ast';
import type { EvalHost } from '../kernel/host';
import { execError } from '../kernel/context';
import { getLabel, LabelEditor } from '../kernel/labels';
import type { EMatrix } from '../kernel/types';

function stringArg(e: Expr): string {
  if (e.kind !== 'StringLiteral') throw execError('expected a string argument');
  return e.val;
}

function isWordChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_';
}

/**
 * expandTemplate is Go's Regexp.ExpandString: `$1`, `${1}`, `$name`, `${name}` refer to groups
 * ($name takes the longest run of letters, digits and underscores); `$$` is a literal dollar.
 * Missing or unmatched groups expand to the empty string.
 */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (i + 1 >= template.length) {
      out += '$';
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    let j = i + 1;
    if (template[j] === '{') {
      const close = template.indexOf('}', j + 1);
      if (close < 0) {
        out += '$';
        continue;
      }
      name = template.slice(j + 1, close);
      let ok = name.length > 0;
      for (const ch of name) if (!isWordChar(ch)) ok = false;
      if (!ok) {
        out += '$';
        continue;
      }
      j = close + 1;
    } else {
      while (j < template.length && isWordChar(template[j]!)) j++;
      name = template.slice(i + 1, j);
      if (name === '') {
        out += '$';
        continue;
      }
    }
    i = j - 1;
    if (/^[0-9]+$/.test(name)) {
      const idx = parseInt(name, 10);
      const g = idx < m.length ? m[idx] : undefined;
      out += g ?? '';
    } else {
      const g = m.groups?.[name];
      out += g ?? '';
    }
  }
  return out;
}

/** evalLabelReplace implements label_replace(v, dst, replacement, src, regex). */
export function evalLabelReplace(ev: EvalHost, args: readonly Expr[]): EMatrix {
  const dst = stringArg(args[1]!);
  const repl = stringArg(args[2]!);
  const src = stringArg(args[3]!);
  const regexStr = stringArg(args[4]!);
  let re: RegExp;
  try {
    re = compileAnchoredRegex(regexStr);
  } catch {
    throw execError(`invalid regular expression in label_replace(): ${regexStr}`);
  }
  if (!isValidLabelName(dst)) throw execError(`invalid destination label name in label_replace(): ${dst}`);
  const matrix = ev.evalMatrix(args[0]!);
  const lb = new LabelEditor([]);
  for (const el of matrix) {
    const srcVal = getLabel(el.metric, src);
    re.lastIndex = 0;
    const m = re.exec(srcVal);
    if (m === null) continue;
    const res = expandTemplate(repl, m);
    lb.reset(el.metric);
    lb.set(dst, res);
    el.metric = lb.labels();
    if (dst === MetricName) el.dropName = false;
  }
  return ev.mergeSeriesWithSameLabelset(matrix);
}

/** evalLabelJoin implements label_join(v, dst, separator, src...). */
export function evalLabelJoin(ev: EvalHost, args: readonly Expr[]): EMatrix {
  const dst = stringArg(args[1]!);
  const sep = stringArg(args[2]!);
  const srcLabels: string[] = [];
  for (let i = 3; i < args.length; i++) {
    const s = stringArg(args[i]!);
    if (!isValidLabelName(s)) throw execError(`invalid source label name in label_join(): ${s}`);
    srcLabels.push(s);
  }
  if (!isValidLabelName(dst)) throw execError(`invalid destination label name in label_join(): ${dst}`);
  const matrix = ev.evalMatrix(args[0]!);
  const lb = new LabelEditor([]);
  for (const el of matrix) {
    const v = srcLabels.map((s) => getLabel(el.metric, s)).join(sep);
    lb.reset(el.metric);
    lb.set(dst, v);
    el.metric = lb.labels();
    if (dst === MetricName) el.dropName = false;
  }
  return ev.mergeSeriesWithSameLabelset(matrix);
}
