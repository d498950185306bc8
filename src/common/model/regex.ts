/**
 * Translation of RE2 syntax (what Prometheus accepts in matchers and relabel configs) to JavaScript
 * RegExp, fully anchored and with `.` matching newlines, as Prometheus compiles `^(?s:re)$`.
 */

/** RegexError is raised for a pattern RE2 would reject or that cannot be translated. */
export class RegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegexError';
  }
}

const cache = new Map<string, RegExp>();

/**
 * compileAnchoredRegex compiles an RE2 pattern to a RegExp matching whole strings only.
 * Throws RegexError with an RE2-like message when the pattern is invalid.
 */
export function compileAnchoredRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { source, flags } = translateRE2(pattern);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, 's' + flags);
  } catch (e) {
    throw new RegexError(`error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  if (cache.size > 10000) cache.clear();
  cache.set(pattern, re);
  return re;
}

/**
 * translateRE2 rewrites the RE2 constructs JavaScript lacks or spells differently:
 * a leading `(?i)` flag group, `(?P<name>`, `\z`, `\A`, `\Q...\E`, and POSIX classes in brackets.
 */
export function translateRE2(pattern: string): { source: string; flags: string } {
  let p = pattern;
  let flags = '';
  // Leading flag groups like (?i), (?s), (?is), (?U) are common in configs.
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    const f = lead[1]!;
    if (f.includes('i')) flags += 'i';
    if (f.includes('m')) flags += 'm';
    p = p.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  // Scoped case-insensitivity, `(?i:...)` and a mid-pattern `(?i)`, which JavaScript lacks: letters
  // in such a scope are rewritten to both cases. `ci` is the current state, `groups` the states to
  // restore at each `)`.
  const globalI = flags.includes('i');
  let ci = false;
  const groups: boolean[] = [];
  const fold = (ch: string): string => {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    return lo === up ? ch : inClass ? lo + up : `[${lo}${up}]`;
  };
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (!inClass && c === '(' && p[i + 1] === '?') {
      const fm = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(p.slice(i));
      if (fm && (fm[1] || fm[2] !== undefined)) {
        const on = fm[1]!.includes('i');
        const off = (fm[2] ?? '').includes('i');
        const next: boolean = on ? true : off ? false : ci;
        if (fm[3] === ')') {
          ci = next;
        } else {
          groups.push(ci);
          ci = next;
          out += '(?:';
        }
        i += fm[0].length - 1;
        continue;
      }
    }
    if (!inClass && c === '(') groups.push(ci);
    if (!inClass && c === ')') ci = groups.pop() ?? false;
    if (ci && !globalI && /[a-zA-Z]/.test(c)) {
      if (inClass && p[i + 1] === '-' && p[i + 2] !== undefined && p[i + 2] !== ']' && /[a-zA-Z]/.test(p[i + 2]!)) {
        const a = p[i + 2]!;
        out += c.toLowerCase() + '-' + a.toLowerCase() + c.toUpperCase() + '-' + a.toUpperCase();
        i += 2;
        continue;
      }
      out += fold(c);
      continue;
    }
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) throw new RegexError('error parsing regexp: trailing backslash at end of expression: ``');
      if (n === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const lit = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? p.length : end + 1;
        continue;
      }
      if (!inClass && n === 'z') { out += '$(?![\\s\\S])'; i++; continue; }
      if (!inClass && n === 'A') { out += '^'; i++; continue; }
      if (!inClass && (n === 'b' || n === 'B') && '*+?{'.includes(p[i + 2] ?? '-')) { out += `(?:\\${n})`; i++; continue; }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && p[i + 1] === ':') {
        const end = p.indexOf(':]', i + 2);
        if (end > 0) {
          const cls = posixClass(p.slice(i + 2, end));
          if (cls !== null) { out += cls; i = end + 1; continue; }
        }
      }
      if (c === ']') inClass = false;
      if (c === '[') { out += '\\['; continue; }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') { out += '^'; i++; }
      if (p[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && p.startsWith('(?P<', i)) { out += '(?<'; i += 3; continue; }
    // RE2 lets an assertion be repeated (`^*`, `$+`); JavaScript needs it in a group.
    if ((c === '^' || c === '$') && '*+?{'.includes(p[i + 1] ?? '-')) { out += `(?:${c})`; continue; }
    out += c;
  }
  return { source: out, flags };
}

function posixClass(name: string): string | null {
  switch (name) {
    case 'alnum': return '0-9A-Za-z';
    case 'alpha': return 'A-Za-z';
    case 'ascii': return '\\x00-\\x7F';
    case 'blank': return '\\t ';
    case 'cntrl': return '\\x00-\\x1F\\x7F';
    case 'digit': return '0-9';
    case 'graph': return '!-~';
    case 'lower': return 'a-z';
    case 'print': return ' -~';
    case 'punct': return '!-\\/:-@\\[-`{-~';
    case 'space': return '\\t\\n\\v\\f\\r ';
    case 'upper': return 'A-Z';
    case 'word': return '0-9A-Za-z_';
    case 'xdigit': return '0-9A-Fa-f';
    default: return null;
  }
}
