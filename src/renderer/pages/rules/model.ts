/**
 * The rules and alerts pages' pure logic: the rule files a configuration names (`rule_files:`,
 * block or flow list), read from the loaded configuration's YAML without a YAML library (tested
 * in test/renderer/rules-model.test.ts).
 */

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.endsWith('"')) || (t[0] === "'" && t.endsWith("'")))) {
    return t[0] === '"' ? (JSON.parse(t) as string) : t.slice(1, -1).replace(/''/g, "'");
  }
  return t;
}

function stripComment(s: string): string {
  // A `#` starts a comment at the line start or after a space, outside quotes.
  let q = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

/** ruleFilesFromYaml returns the entries of the top-level `rule_files` list (globs as written). */
export function ruleFilesFromYaml(yaml: string): string[] {
  const lines = yaml.split(/\r?\n/);
  const at = lines.findIndex((l) => /^rule_files\s*:/.test(l));
  if (at < 0) return [];
  const rest = stripComment(lines[at]!.replace(/^rule_files\s*:/, '')).trim();
  if (rest.startsWith('[')) {
    // Flow list, possibly over several lines.
    let text = rest;
    for (let i = at + 1; !text.includes(']') && i < lines.length; i++) text += ' ' + stripComment(lines[i]!);
    const inner = text.slice(1, text.indexOf(']') >= 0 ? text.indexOf(']') : undefined);
    return inner
      .split(',')
      .map(unquote)
      .filter((s) => s !== '');
  }
  if (rest !== '' && rest !== '~' && rest !== 'null') return [];
  const out: string[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const l = stripComment(lines[i]!);
    if (l.trim() === '') continue;
    if (!/^\s/.test(l) && !l.startsWith('-')) break; // the next top-level key
    const m = /^\s*-\s+(.*)$/.exec(l) ?? /^\s*-$/.exec(l);
    if (!m) break;
    const v = unquote(m[1] ?? '');
    if (v !== '') out.push(v);
  }
  return out;
}
