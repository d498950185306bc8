/**
 * The lexer and parser of Go's text/template (text/template/parse): items with trim markers and
 * comments, the parse tree (actions, pipelines, commands, if/range/with/else, define/template/
 * block, break/continue) and Go's parse errors ("template: NAME:LINE: ..."). template.ts executes
 * the trees.
 */
import { quote, type GoValue } from './gofmt';

/** TemplateError is a parse or execution error, with Go's message. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly phase: 'parse' | 'exec',
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

// ---------------------------------------------------------------------------------------------
// Lexer

export type Tok =
  | 'text' | 'left' | 'right' | 'ident' | 'field' | 'var' | 'dot' | 'string' | 'number' | 'bool' | 'nil'
  | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'keyword' | 'eof';

export interface Item {
  t: Tok;
  v: string;
  pos: number;
}

export const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

export function lex(name: string, src: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  const line = (pos: number): number => 1 + (src.slice(0, pos).match(/\n/g)?.length ?? 0);
  const fail = (pos: number, msg: string): never => {
    throw new TemplateError(`template: ${name}:${line(pos)}: ${msg}`, 'parse');
  };
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      items.push({ t: 'text', v: src.slice(i), pos: i });
      break;
    }
    let text = src.slice(i, open);
    let p = open + 2;
    const trimLeft = src[p] === '-' && /[ \t\r\n]/.test(src[p + 1] ?? '');
    if (trimLeft) {
      text = text.replace(/[ \t\r\n]+$/, '');
      p++;
    }
    if (text !== '') items.push({ t: 'text', v: text, pos: i });
    // comment
    let q = p;
    while (/[ \t\r\n]/.test(src[q] ?? '')) q++;
    if (src.startsWith('/*', q)) {
      const endC = src.indexOf('*/', q + 2);
      if (endC < 0) fail(q, 'unclosed comment');
      let r = endC + 2;
      while (/[ \t\r\n]/.test(src[r] ?? '')) r++;
      let trimRight = false;
      if (src.startsWith('-}}', r) && r > endC + 2) {
        trimRight = true;
        r++;
      }
      if (!src.startsWith('}}', r)) fail(r, 'comment ends before closing delimiter');
      i = r + 2;
      if (trimRight) while (/[ \t\r\n]/.test(src[i] ?? '')) i++;
      continue;
    }
    items.push({ t: 'left', v: '{{', pos: open });
    // inside an action
    let depth = 0;
    for (;;) {
      if (p >= src.length) fail(open, 'unclosed action');
      const c = src[p]!;
      if (/[ \t\r\n]/.test(c)) {
        const sp = p;
        while (/[ \t\r\n]/.test(src[p] ?? '')) p++;
        if (src.startsWith('-}}', p) && p > sp) {
          items.push({ t: 'right', v: '}}', pos: p + 1 });
          p += 3;
          while (/[ \t\r\n]/.test(src[p] ?? '')) p++;
          break;
        }
        continue;
      }
      if (src.startsWith('}}', p)) {
        if (depth > 0) fail(p, 'unclosed left paren');
        items.push({ t: 'right', v: '}}', pos: p });
        p += 2;
        break;
      }
      const start = p;
      if (c === '|') items.push({ t: 'pipe', v: c, pos: p++ });
      else if (c === '(') {
        depth++;
        items.push({ t: 'lparen', v: c, pos: p++ });
      } else if (c === ')') {
        depth--;
        if (depth < 0) fail(p, `unexpected right paren`);
        items.push({ t: 'rparen', v: c, pos: p++ });
      } else if (c === ',') items.push({ t: 'comma', v: c, pos: p++ });
      else if (c === ':' && src[p + 1] === '=') {
        items.push({ t: 'declare', v: ':=', pos: p });
        p += 2;
      } else if (c === '=') items.push({ t: 'assign', v: c, pos: p++ });
      else if (c === '"') {
        p++;
        while (p < src.length && src[p] !== '"') {
          if (src[p] === '\\') p++;
          if (src[p] === '\n') fail(start, 'unterminated quoted string');
          p++;
        }
        if (p >= src.length) fail(start, 'unterminated quoted string');
        p++;
        items.push({ t: 'string', v: src.slice(start, p), pos: start });
      } else if (c === '`') {
        const e = src.indexOf('`', p + 1);
        if (e < 0) fail(start, 'unterminated raw quoted string');
        p = e + 1;
        items.push({ t: 'string', v: src.slice(start, p), pos: start });
      } else if (c === '$') {
        p++;
        while (/[\p{L}\p{N}_]/u.test(src[p] ?? '')) p++;
        items.push({ t: 'var', v: src.slice(start, p), pos: start });
      } else if (c === '.' && !/\d/.test(src[p + 1] ?? '')) {
        p++;
        if (/[\p{L}_]/u.test(src[p] ?? '')) {
          while (/[\p{L}\p{N}_]/u.test(src[p] ?? '')) p++;
          items.push({ t: 'field', v: src.slice(start, p), pos: start });
        } else items.push({ t: 'dot', v: '.', pos: start });
      } else if (/[\d+\-.]/.test(c)) {
        const m = /^[+-]?(0[xX][\da-fA-F_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)/.exec(src.slice(p))!;
        if (m[0] === '' || m[0] === '+' || m[0] === '-') fail(p, `bad number syntax: "${c}"`);
        p += m[0].length;
        items.push({ t: 'number', v: m[0], pos: start });
      } else if (c === "'") {
        const m = /^'(\\.|[^\\'])'/.exec(src.slice(p));
        if (!m) fail(p, 'unterminated character constant');
        p += m![0].length;
        items.push({ t: 'number', v: m![0], pos: start });
      } else if (/[\p{L}_]/u.test(c)) {
        while (/[\p{L}\p{N}_]/u.test(src[p] ?? '')) p++;
        const w = src.slice(start, p);
        const t: Tok = KEYWORDS.has(w) ? 'keyword' : w === 'true' || w === 'false' ? 'bool' : w === 'nil' ? 'nil' : 'ident';
        items.push({ t, v: w, pos: start });
      } else {
        fail(p, `unrecognized character in action: U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
      }
    }
    i = p;
  }
  items.push({ t: 'eof', v: '', pos: src.length });
  return items;
}

// ---------------------------------------------------------------------------------------------
// Parse tree

export type Arg =
  | { k: 'field'; pos: number; names: string[] }
  | { k: 'var'; pos: number; name: string; names: string[] }
  | { k: 'dot'; pos: number }
  | { k: 'nil'; pos: number }
  | { k: 'bool'; pos: number; v: boolean }
  | { k: 'string'; pos: number; v: string; text: string }
  | { k: 'number'; pos: number; text: string; v: GoValue; float: number }
  | { k: 'ident'; pos: number; name: string }
  | { k: 'pipe'; pos: number; pipe: Pipe; names: string[] };

export interface Cmd {
  pos: number;
  args: Arg[];
}

export interface Pipe {
  pos: number;
  decl: string[];
  isAssign: boolean;
  cmds: Cmd[];
}

export interface ControlNode {
  k: 'if' | 'with' | 'range';
  pos: number;
  pipe: Pipe;
  list: Node[];
  elseList: Node[] | null;
}

export type Node =
  | { k: 'text'; v: string }
  | { k: 'action'; pos: number; pipe: Pipe }
  | ControlNode
  | { k: 'break' | 'continue'; pos: number }
  | { k: 'template'; pos: number; name: string; pipe: Pipe | null };

/** Def is one named template: its tree, and the file (parse name and text) it was defined in. */
export interface Def {
  name: string;
  parseName: string;
  src: string;
  list: Node[];
}

/** isEmptyTree is Go's parse.IsEmptyTree: only whitespace text (an empty definition does not replace a full one). */
export function isEmptyTree(list: Node[]): boolean {
  return list.every((n) => n.k === 'text' && n.v.trim() === '');
}

export function argString(a: Arg): string {
  switch (a.k) {
    case 'field':
      return '.' + a.names.join('.');
    case 'var':
      return [a.name, ...a.names].join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(a.v);
    case 'string':
      return a.text;
    case 'number':
      return a.text;
    case 'ident':
      return a.name;
    case 'pipe':
      return '(' + pipeString(a.pipe) + ')' + a.names.map((n) => '.' + n).join('');
  }
}

export function cmdString(c: Cmd): string {
  return c.args.map((a) => (a.k === 'pipe' && c.args.length > 1 ? argString(a) : argString(a))).join(' ');
}

export function pipeString(p: Pipe): string {
  const d = p.decl.length > 0 ? p.decl.join(', ') + (p.isAssign ? ' = ' : ' := ') : '';
  return d + p.cmds.map(cmdString).join(' | ');
}

export function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  try {
    return JSON.parse(s.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\'/g, "'").replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as string;
  } catch {
    return s.slice(1, -1);
  }
}

export class Parser {
  private i = 0;
  private vars: string[][] = [['$']];
  /** rangeDepth counts the {{range}}s around the current position ({{break}} and {{continue}} need one). */
  private rangeDepth = 0;
  /** defs are the templates this parse defines ({{define}}, {{block}}), by name. */
  readonly defs = new Map<string, Def>();

  constructor(
    private readonly name: string,
    private readonly src: string,
    private readonly items: Item[],
    private readonly funcs: ReadonlySet<string>,
  ) {}

  /** add records a definition as Go's Tree.add: an empty one never replaces, two full ones in one parse are an error. */
  private add(pos: number, name: string, list: Node[]): void {
    const cur = this.defs.get(name);
    if (cur === undefined || isEmptyTree(cur.list)) {
      this.defs.set(name, { name, parseName: this.name, src: this.src, list });
      return;
    }
    if (!isEmptyTree(list)) this.fail(pos, `template: multiple definition of template "${name}"`);
  }

  /** templateName reads the quoted name of a define, template or block clause. */
  private templateName(context: string): { name: string; pos: number } {
    const it = this.next();
    if (it.t !== 'string') this.fail(it.pos, `unexpected ${describe(it)} in ${context}`);
    return { name: unquote(it.v), pos: it.pos };
  }

  /** body parses a definition's list up to its {{end}}, with variables of its own. */
  private body(context: string): Node[] {
    const saved = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = [['$']];
    this.rangeDepth = 0;
    const { list, end } = this.list(false);
    this.rangeDepth = savedDepth;
    if (end === null) this.fail(this.src.length, 'unexpected EOF');
    if (end.v !== 'end') this.fail(end.pos, `unexpected {{${end.v}}} in ${context}`);
    this.expect('right', 'end');
    this.vars = saved;
    return list;
  }

  private fail(pos: number, msg: string): never {
    const line = 1 + (this.src.slice(0, pos).match(/\n/g)?.length ?? 0);
    throw new TemplateError(`template: ${this.name}:${line}: ${msg}`, 'parse');
  }

  private peek(): Item {
    return this.items[this.i]!;
  }

  private next(): Item {
    return this.items[this.i++]!;
  }

  private nonSpace(): Item {
    return this.next();
  }

  /** parse parses the whole text: its main tree is recorded under the parse name, beside its definitions. */
  parse(): Node[] {
    const { list, end } = this.list(true);
    if (end !== null) this.fail(end.pos, `unexpected {{${end.v}}}`);
    this.add(0, this.name, list);
    return list;
  }

  /** list parses until {{end}}, {{else}} or EOF and returns which ended it (null for EOF); top allows {{define}}. */
  private list(top = false): { list: Node[]; end: Item | null } {
    const list: Node[] = [];
    for (;;) {
      const it = this.next();
      if (it.t === 'eof') return { list, end: null };
      if (it.t === 'text') {
        list.push({ k: 'text', v: it.v });
        continue;
      }
      // left delim
      const kw = this.peek();
      if (kw.t === 'keyword') {
        switch (kw.v) {
          case 'end':
          case 'else':
            this.next();
            return { list, end: kw };
          case 'if':
          case 'with':
          case 'range':
            this.next();
            list.push(this.control(kw.v, kw.pos));
            continue;
          case 'break':
          case 'continue':
            this.next();
            if (this.rangeDepth === 0) this.fail(kw.pos, `{{${kw.v}}} outside {{range}}`);
            this.expect('right', kw.v);
            list.push({ k: kw.v, pos: kw.pos });
            continue;
          case 'define': {
            if (!top) this.fail(kw.pos, `unexpected <define> in command`);
            this.next();
            const { name } = this.templateName('define clause');
            this.expect('right', 'define clause');
            this.add(kw.pos, name, this.body('define clause'));
            continue;
          }
          case 'template': {
            this.next();
            // The node's position is its name's, as Go's (errors point at it).
            const { name, pos } = this.templateName('template clause');
            let pipe: Pipe | null = null;
            if (this.peek().t === 'right') this.next();
            else pipe = this.pipeline('template clause', 'right');
            list.push({ k: 'template', pos, name, pipe });
            continue;
          }
          case 'block': {
            this.next();
            const { name, pos } = this.templateName('block clause');
            const pipe = this.pipeline('block clause', 'right');
            this.add(kw.pos, name, this.body('block clause'));
            list.push({ k: 'template', pos, name, pipe });
            continue;
          }
          default:
            this.fail(kw.pos, `unexpected <${kw.v}> in command`);
        }
      }
      const pipe = this.pipeline('command', 'right');
      list.push({ k: 'action', pos: kw.pos, pipe });
    }
  }

  private expect(t: Tok, context: string): Item {
    const it = this.nonSpace();
    if (it.t !== t) this.fail(it.pos, `unexpected ${describe(it)} in ${context}`);
    return it;
  }

  private control(kind: 'if' | 'with' | 'range', pos: number): Node {
    this.vars.push([]);
    const pipe = this.pipeline(kind, 'right');
    if (kind === 'range') this.rangeDepth++;
    const { list, end } = this.list();
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | null = null;
    if (end === null) this.fail(this.src.length, 'unexpected EOF');
    if (end.v === 'else') {
      const nx = this.peek();
      if ((kind === 'if' && nx.t === 'keyword' && nx.v === 'if') || (kind === 'with' && nx.t === 'keyword' && nx.v === 'with')) {
        // {{else if ...}}: an if inside the else list, sharing the {{end}}.
        this.next();
        this.vars.pop();
        elseList = [this.control(kind, nx.pos)];
        return { k: kind, pos, pipe, list, elseList };
      }
      this.expect('right', 'else');
      const r = this.list();
      if (r.end === null) this.fail(this.src.length, 'unexpected EOF');
      if (r.end.v !== 'end') this.fail(r.end.pos, `expected end; found {{else}}`);
      this.expect('right', 'end');
      elseList = r.list;
    } else {
      this.expect('right', 'end');
    }
    this.vars.pop();
    return { k: kind, pos, pipe, list, elseList };
  }

  private declared(name: string): boolean {
    return this.vars.some((s) => s.includes(name));
  }

  private pipeline(context: string, end: 'right' | 'rparen'): Pipe {
    const pos = this.peek().pos;
    const decl: string[] = [];
    let isAssign = false;
    // declarations: $x := / $x = / $i, $e :=
    const save = this.i;
    const v = this.peek();
    if (v.t === 'var') {
      this.next();
      const nx = this.peek();
      if (nx.t === 'declare' || nx.t === 'assign') {
        this.next();
        isAssign = nx.t === 'assign';
        decl.push(v.v);
      } else if (nx.t === 'comma' && context === 'range') {
        this.next();
        const v2 = this.next();
        if (v2.t !== 'var') this.fail(v2.pos, `range can only initialize variables`);
        const d = this.next();
        if (d.t !== 'declare' && d.t !== 'assign') this.fail(d.pos, `expected := or = in range`);
        isAssign = d.t === 'assign';
        decl.push(v.v, v2.v);
      } else this.i = save;
    }
    for (const d of decl) {
      if (isAssign && !this.declared(d)) this.fail(v.pos, `undefined variable "${d}"`);
    }
    const cmds: Cmd[] = [];
    for (;;) {
      const it = this.peek();
      if (it.t === end) {
        this.next();
        break;
      }
      if (it.t === 'right' || it.t === 'rparen' || it.t === 'eof') this.fail(it.pos, `unexpected ${describe(it)} in ${context === 'command' ? 'operand' : context}`);
      cmds.push(this.command());
      const after = this.peek();
      if (after.t === 'pipe') {
        this.next();
        if (this.peek().t === end) this.fail(this.peek().pos, `missing command after pipe`);
      }
    }
    if (cmds.length === 0) this.fail(pos, `missing value for ${context}`);
    if (!isAssign) for (const d of decl) this.vars[this.vars.length - 1]!.push(d);
    return { pos, decl, isAssign, cmds };
  }

  private command(): Cmd {
    const pos = this.peek().pos;
    const args: Arg[] = [];
    for (;;) {
      const it = this.peek();
      if (it.t === 'pipe' || it.t === 'right' || it.t === 'rparen') break;
      if (it.t === 'eof') this.fail(it.pos, 'unclosed action');
      args.push(this.operand());
    }
    if (args.length === 0) this.fail(pos, 'empty command');
    return { pos, args };
  }

  /** fieldChain reads the .Field names written right after prev (no space between: `.A.B`, `$x.A`, `(p).A`). */
  private fieldChain(prev: Item): string[] {
    return this.chain(prev).names;
  }

  /** chain is fieldChain with the position of the first chained name (Go's ChainNode position: errors point there). */
  private chain(prev: Item): { names: string[]; pos: number } {
    const names: string[] = [];
    let end = prev.pos + prev.v.length;
    let pos = prev.pos;
    while (this.peek().t === 'field' && this.peek().pos === end) {
      const f = this.next();
      if (names.length === 0) pos = f.pos;
      names.push(f.v.slice(1));
      end = f.pos + f.v.length;
    }
    return { names, pos };
  }

  private operand(): Arg {
    const it = this.next();
    switch (it.t) {
      case 'field':
      {
        const c = this.chain(it);
        return { k: 'field', pos: c.names.length > 0 ? c.pos : it.pos, names: [it.v.slice(1), ...c.names] };
      }
      case 'var':
        if (!this.declared(it.v)) this.fail(it.pos, `undefined variable "${it.v}"`);
      {
        const c = this.chain(it);
        return { k: 'var', pos: c.pos, name: it.v, names: c.names };
      }
      case 'dot':
        return { k: 'dot', pos: it.pos };
      case 'nil':
        return { k: 'nil', pos: it.pos };
      case 'bool':
        return { k: 'bool', pos: it.pos, v: it.v === 'true' };
      case 'string':
        return { k: 'string', pos: it.pos, v: unquote(it.v), text: it.v };
      case 'number':
        return this.number(it);
      case 'ident':
        if (!this.funcs.has(it.v)) this.fail(it.pos, `function "${it.v}" not defined`);
        return { k: 'ident', pos: it.pos, name: it.v };
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rparen');
        const c = this.chain(this.items[this.i - 1]!);
        return { k: 'pipe', pos: c.names.length > 0 ? c.pos : it.pos, pipe, names: c.names };
      }
      default:
        return this.fail(it.pos, `unexpected ${describe(it)} in operand`);
    }
  }

  private number(it: Item): Arg {
    const text = it.v;
    if (text.startsWith("'")) {
      const ch = unquote('"' + text.slice(1, -1).replace(/"/g, '\\"') + '"');
      const c = ch.codePointAt(0) ?? 0;
      return { k: 'number', pos: it.pos, text, v: BigInt(c), float: c };
    }
    const clean = text.replace(/_/g, '');
    const f = Number(clean);
    if (Number.isNaN(f)) this.fail(it.pos, `bad number syntax: "${text}"`);
    const isFloat = /[.eE]/.test(clean) && !/^[+-]?0[xX]/.test(clean);
    return { k: 'number', pos: it.pos, text, v: isFloat ? f : BigInt(clean.replace(/^\+/, '')), float: f };
  }
}

export function describe(it: Item): string {
  switch (it.t) {
    case 'right':
      return '"}}"';
    case 'rparen':
      return '")"';
    case 'eof':
      return 'EOF';
    case 'keyword':
    case 'dot':
    case 'nil':
      return `<${it.v}>`;
    default: {
      // Go's item.String: other items quoted, cut at 10 characters.
      const chars = [...it.v];
      return chars.length > 10 ? `${quote(chars.slice(0, 10).join(''))}...` : quote(it.v);
    }
  }
}

