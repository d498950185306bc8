/**
 * A Go text/template interpreter for the subset alert and notification templates use: text and
 * actions with trim markers and comments, pipelines, variables (`:=`, `=`), fields on maps and
 * structs, method calls on values whose type has methods (gofmt.ts's GoMethod), if/else if/else,
 * range (slices, maps, ints; else; break/continue), with/else, define/template/block (a
 * TemplateGroup holds the named templates), parenthesised pipelines and the builtins
 * and/or/not/len/index/print/printf/println/eq/ne/lt/le/gt/ge.
 * Errors read as Go's: "template: NAME:LINE: ..." when parsing, "template: NAME:LINE:COL:
 * executing "NAME" at <...>: ..." when executing.
 */
import { GoMap, GoStruct, goTypeName, methodsOf, printValue, quote, sprintf, truth, type GoMethod, type GoValue } from './gofmt';

/** GoFunc is a template function: receives evaluated arguments, returns a value or throws an Error. */
export interface GoFunc {
  /** params: the Go type of each parameter ('any', 'string', ...); variadic repeats the last. */
  params: string[];
  variadic?: boolean;
  fn: (...args: GoValue[]) => GoValue;
}

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

type Tok =
  | 'text' | 'left' | 'right' | 'ident' | 'field' | 'var' | 'dot' | 'string' | 'number' | 'bool' | 'nil'
  | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'keyword' | 'eof';

interface Item {
  t: Tok;
  v: string;
  pos: number;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

function lex(name: string, src: string): Item[] {
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

type Arg =
  | { k: 'field'; pos: number; names: string[] }
  | { k: 'var'; pos: number; name: string; names: string[] }
  | { k: 'dot'; pos: number }
  | { k: 'nil'; pos: number }
  | { k: 'bool'; pos: number; v: boolean }
  | { k: 'string'; pos: number; v: string; text: string }
  | { k: 'number'; pos: number; text: string; v: GoValue; float: number }
  | { k: 'ident'; pos: number; name: string }
  | { k: 'pipe'; pos: number; pipe: Pipe; names: string[] };

interface Cmd {
  pos: number;
  args: Arg[];
}

interface Pipe {
  pos: number;
  decl: string[];
  isAssign: boolean;
  cmds: Cmd[];
}

interface ControlNode {
  k: 'if' | 'with' | 'range';
  pos: number;
  pipe: Pipe;
  list: Node[];
  elseList: Node[] | null;
}

type Node =
  | { k: 'text'; v: string }
  | { k: 'action'; pos: number; pipe: Pipe }
  | ControlNode
  | { k: 'break' | 'continue'; pos: number }
  | { k: 'template'; pos: number; name: string; pipe: Pipe | null };

/** Def is one named template: its tree, and the file (parse name and text) it was defined in. */
interface Def {
  name: string;
  parseName: string;
  src: string;
  list: Node[];
}

/** isEmptyTree is Go's parse.IsEmptyTree: only whitespace text (an empty definition does not replace a full one). */
function isEmptyTree(list: Node[]): boolean {
  return list.every((n) => n.k === 'text' && n.v.trim() === '');
}

function argString(a: Arg): string {
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

function cmdString(c: Cmd): string {
  return c.args.map((a) => (a.k === 'pipe' && c.args.length > 1 ? argString(a) : argString(a))).join(' ');
}

function pipeString(p: Pipe): string {
  const d = p.decl.length > 0 ? p.decl.join(', ') + (p.isAssign ? ' = ' : ' := ') : '';
  return d + p.cmds.map(cmdString).join(' | ');
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  try {
    return JSON.parse(s.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\'/g, "'").replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as string;
  } catch {
    return s.slice(1, -1);
  }
}

class Parser {
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

function describe(it: Item): string {
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

// ---------------------------------------------------------------------------------------------
// Execution

class Break {}
class Continue {}

const BUILTINS = ['and', 'or', 'not', 'len', 'index', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'urlquery', 'html', 'js'];

/** MAX_EXEC_DEPTH bounds nested {{template}} calls, as Go's maxExecDepth. */
const MAX_EXEC_DEPTH = 100000;

/**
 * TemplateGroup is a set of named templates sharing functions, as a Go *template.Template with its
 * associated templates: each parse adds its file's main tree (under the parse name) and its
 * {{define}}s and {{block}}s; a later parse's definition replaces an earlier one of the same name
 * unless it is empty. clone gives a copy to add to without changing this one.
 */
export class TemplateGroup {
  private readonly defs: Map<string, Def>;
  private readonly known: ReadonlySet<string>;

  constructor(
    readonly funcs: Readonly<Record<string, GoFunc>>,
    defs?: Map<string, Def>,
  ) {
    this.defs = new Map(defs ?? []);
    this.known = new Set([...BUILTINS, ...Object.keys(funcs)]);
  }

  /** parse adds name's text (its main tree and definitions); throws a TemplateError (nothing is added then). */
  parse(name: string, src: string): void {
    const p = new Parser(name, src, lex(name, src), this.known);
    p.parse();
    for (const [n, d] of p.defs) {
      const cur = this.defs.get(n);
      if (cur !== undefined && !isEmptyTree(cur.list) && isEmptyTree(d.list)) continue;
      this.defs.set(n, d);
    }
  }

  /** has reports whether a template of that name is defined. */
  has(name: string): boolean {
    return this.defs.has(name);
  }

  /** names lists the defined templates. */
  names(): string[] {
    return [...this.defs.keys()].sort();
  }

  clone(): TemplateGroup {
    return new TemplateGroup(this.funcs, this.defs);
  }

  /**
   * execute runs the named template on data; throws a TemplateError with Go's message. With
   * escapeHtml every action's output is HTML-escaped unless its value is SAFE_HTML_TYPE (safeHtml's
   * result), the text-content part of what html/template does.
   */
  execute(name: string, data: GoValue, opts: { escapeHtml?: boolean } = {}): string {
    const d = this.defs.get(name);
    if (d === undefined) throw new TemplateError(`template: no template "${name}" associated with template "${name}"`, 'exec');
    const st = new State(d, this.defs, this.funcs, data, opts.escapeHtml === true);
    try {
      st.walkList(data, d.list);
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw new TemplateError(`template: ${name}: exceeded maximum template depth (${MAX_EXEC_DEPTH})`, 'exec');
      throw e;
    }
    return st.out;
  }
}

/** Template is a parsed template (with the templates it defines). */
export class Template {
  private readonly group: TemplateGroup;

  constructor(
    readonly name: string,
    src: string,
    funcs: Readonly<Record<string, GoFunc>>,
  ) {
    this.group = new TemplateGroup(funcs);
    this.group.parse(name, src);
  }

  /** execute runs the template on data and returns its output; throws a TemplateError. */
  execute(data: GoValue): string {
    return this.group.execute(this.name, data);
  }
}

class State {
  out = '';
  private vars: { name: string; v: GoValue }[];
  private at: { pos: number; ctx: string } | null = null;
  /** cur is the template executing now (its name, and the file its position refers to). */
  private cur: Def;
  private depth = 0;

  constructor(
    cur: Def,
    private readonly defs: ReadonlyMap<string, Def>,
    private readonly funcs: Readonly<Record<string, GoFunc>>,
    data: GoValue,
    private readonly escapeHtml = false,
  ) {
    this.cur = cur;
    this.vars = [{ name: '$', v: data }];
  }

  private fail(msg: string): never {
    const { name, parseName, src } = this.cur;
    if (this.at === null) throw new TemplateError(`template: ${name}: ${msg}`, 'exec');
    const before = src.slice(0, this.at.pos);
    const nl = before.lastIndexOf('\n');
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = nl < 0 ? this.at.pos : this.at.pos - nl - 1;
    const ctx = this.at.ctx;
    throw new TemplateError(`template: ${parseName}:${line}:${col}: executing "${name}" at <${ctx}>: ${msg}`, 'exec');
  }

  /** walkTemplate runs {{template "name" pipeline}}: the named tree with dot (and $) the pipeline's value. */
  private walkTemplate(dot: GoValue, n: Extract<Node, { k: 'template' }>): void {
    const ctxText = `{{template ${quote(n.name)}${n.pipe ? ' ' + pipeString(n.pipe) : ''}}}`;
    this.setAt(n.pos, ctxText);
    const d = this.defs.get(n.name);
    if (d === undefined) this.fail(`template ${quote(n.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.fail(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const v = n.pipe ? this.evalPipeline(dot, n.pipe) : null;
    const saved = { cur: this.cur, vars: this.vars, at: this.at };
    this.cur = d;
    this.vars = [{ name: '$', v }];
    this.depth++;
    try {
      this.walkList(v, d.list);
    } finally {
      this.depth--;
      this.cur = saved.cur;
      this.vars = saved.vars;
      this.at = saved.at;
    }
  }

  private setAt(pos: number, ctx: string): void {
    this.at = { pos, ctx };
  }

  walkList(dot: GoValue, list: Node[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: GoValue, n: Node): void {
    switch (n.k) {
      case 'text':
        this.out += n.v;
        return;
      case 'action': {
        const v = this.evalPipeline(dot, n.pipe);
        if (n.pipe.decl.length === 0) this.out += this.escapeHtml && !isSafe(v) ? escapeHtmlText(printOutput(v)) : printOutput(v);
        return;
      }
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, n.pipe);
        if (truth(v)) this.walkList(n.k === 'with' ? v : dot, n.list);
        else if (n.elseList) this.walkList(dot, n.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, n);
        return;
      case 'template':
        this.walkTemplate(dot, n);
        return;
    }
  }

  private walkRange(dot: GoValue, n: ControlNode): void {
    const mark = this.vars.length;
    const decl = n.pipe.decl;
    const val = this.evalPipeline(dot, { ...n.pipe, decl: [] });
    const items: [GoValue, GoValue][] = [];
    if (Array.isArray(val)) val.forEach((x, i) => items.push([BigInt(i), x]));
    else if (val instanceof GoMap) for (const k of [...val.entries.keys()].sort()) items.push([k, val.entries.get(k)!]);
    else if (typeof val === 'bigint') for (let i = 0n; i < val; i++) items.push([i, i]);
    else if (val !== null) {
      this.setAt(n.pipe.pos, pipeString(n.pipe));
      this.fail(`range can't iterate over ${printValue(val)}`);
    }
    for (const [k, x] of items) {
      const inner = this.vars.length;
      if (decl.length === 1) this.setVar(decl[0]!, x, n.pipe.isAssign);
      else if (decl.length === 2) {
        this.setVar(decl[0]!, k, n.pipe.isAssign);
        this.setVar(decl[1]!, x, n.pipe.isAssign);
      }
      try {
        this.walkList(x, n.list);
      } catch (e) {
        if (e instanceof Break) break;
        if (!(e instanceof Continue)) throw e;
      } finally {
        this.vars.length = Math.max(inner, decl.length > 0 && !n.pipe.isAssign ? inner : inner);
      }
    }
    if (items.length === 0 && n.elseList) this.walkList(dot, n.elseList);
    this.vars.length = mark;
  }

  private setVar(name: string, v: GoValue, assign: boolean): void {
    if (assign) {
      for (let i = this.vars.length - 1; i >= 0; i--) {
        if (this.vars[i]!.name === name) {
          this.vars[i]!.v = v;
          return;
        }
      }
      this.fail(`undefined variable: ${name}`);
    }
    this.vars.push({ name, v });
  }

  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.v;
    return this.fail(`undefined variable: ${name}`);
  }

  private evalPipeline(dot: GoValue, p: Pipe): GoValue {
    let v: GoValue | undefined = undefined;
    for (const c of p.cmds) v = this.evalCommand(dot, c, v);
    const r = v === undefined ? null : v;
    for (const d of p.decl) this.setVar(d, r, p.isAssign);
    return r;
  }

  private evalCommand(dot: GoValue, c: Cmd, final: GoValue | undefined): GoValue {
    const first = c.args[0]!;
    if (first.k === 'ident') return this.evalFunction(dot, first, c, final);
    const rest = c.args.slice(1);
    // A field chain's last element receives the command's arguments (a method call, as Go's evalFieldNode).
    if (first.k === 'field') return this.fieldChain(dot, dot, first.names, first, rest, final);
    if (first.k === 'var' && first.names.length > 0) return this.fieldChain(dot, this.varValue(first.name), first.names, first, rest, final);
    if (first.k === 'pipe' && first.names.length > 0) return this.fieldChain(dot, this.evalPipeline(dot, first.pipe), first.names, first, rest, final);
    if (c.args.length > 1 || final !== undefined) {
      this.setAt(first.pos, argString(first));
      this.fail(`can't give argument to non-function ${argString(first)}`);
    }
    return this.evalArg(dot, first);
  }

  private evalArg(dot: GoValue, a: Arg): GoValue {
    switch (a.k) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'bool':
        return a.v;
      case 'string':
        return a.v;
      case 'number':
        return a.v;
      case 'field':
        return this.fieldChain(dot, dot, a.names, a);
      case 'var':
        return this.fieldChain(dot, this.varValue(a.name), a.names, a);
      case 'pipe': {
        const v = this.evalPipeline(dot, a.pipe);
        return this.fieldChain(dot, v, a.names, a);
      }
      case 'ident':
        return this.evalFunction(dot, a, { pos: a.pos, args: [a] }, undefined);
    }
  }

  /**
   * fieldChain evaluates .A.B.C on v: each name a method of the value's type (called, the last one
   * with the command's arguments and the piped value), a struct field or a map key, as Go's evalField.
   */
  private fieldChain(dot: GoValue, v: GoValue, names: string[], a: Arg, args: Arg[] = [], final?: GoValue): GoValue {
    let cur = v;
    for (let i = 0; i < names.length; i++) {
      const n = names[i]!;
      const last = i === names.length - 1;
      const argNodes = last ? args : [];
      const fin = last ? final : undefined;
      const hasArgs = argNodes.length > 0 || fin !== undefined;
      this.setAt(a.pos, argString(a));
      const m = methodsOf(cur)?.[n];
      if (m !== undefined) {
        const vals = argNodes.map((x) => this.evalArg(dot, x));
        if (fin !== undefined) vals.push(fin);
        this.setAt(a.pos, argString(a));
        cur = this.call(n, m, vals, argNodes, (...xs) => m.fn(cur, ...xs));
        continue;
      }
      if (cur instanceof GoMap) {
        if (hasArgs) this.fail(`${n} is not a method but has arguments`);
        cur = cur.entries.has(n) ? cur.entries.get(n)! : cur.zero;
      } else if (cur instanceof GoStruct) {
        if (!(n in cur.fields)) this.fail(`can't evaluate field ${n} in type ${goTypeName(cur)}`);
        if (hasArgs) this.fail(`${n} has arguments but cannot be invoked as function`);
        cur = cur.fields[n]!;
      } else if (cur === null) {
        return null; // nil data: the zero value, printed as <no value>
      } else {
        this.fail(`can't evaluate field ${n} in type ${goTypeName(cur)}`);
      }
    }
    return cur;
  }

  /** call checks a function's or method's arguments (count and types) as Go's evalCall and runs it. */
  private call(name: string, f: GoFunc | GoMethod, args: GoValue[], argNodes: Arg[], run: (...a: GoValue[]) => GoValue): GoValue {
    const np = f.params.length;
    if (f.variadic ? args.length < np - 1 : args.length !== np) {
      this.fail(`wrong number of args for ${name}: want ${f.variadic ? 'at least ' + (np - 1) : np} got ${args.length}`);
    }
    for (let i = 0; i < args.length; i++) {
      const want = f.params[Math.min(i, np - 1)]!;
      const a = args[i]!;
      if (want === 'any') continue;
      const node = i < argNodes.length ? argNodes[i]! : null;
      if (node !== null && (node.k === 'string' || node.k === 'number' || node.k === 'bool' || node.k === 'nil')) {
        this.checkConstant(node, want);
        if (want === 'float64' && typeof a === 'bigint') args[i] = Number(a);
        continue;
      }
      if (want === 'float64' && typeof a === 'bigint') {
        args[i] = Number(a);
        continue;
      }
      // A nil argument is the zero value of a slice, map or pointer parameter.
      if (a === null && (want.startsWith('[]') || want.startsWith('map[') || want.startsWith('*'))) continue;
      const got = goTypeName(a);
      if (got !== want) {
        // Go checks an argument as it evaluates it: the error points at the argument.
        if (node !== null) this.setAt(node.pos, argString(node));
        this.fail(`wrong type for value; expected ${want}; got ${got}`);
      }
    }
    try {
      return run(...args);
    } catch (e) {
      if (e instanceof TemplateError || e instanceof Break || e instanceof Continue || e instanceof RangeError) throw e;
      return this.fail(`error calling ${name}: ${(e as Error).message}`);
    }
  }

  /** checkConstant is Go's evalArg for a constant argument: its errors point at the constant. */
  private checkConstant(node: Extract<Arg, { k: 'string' | 'number' | 'bool' | 'nil' }>, want: string): void {
    const text = argString(node);
    const at = (msg: string): never => {
      this.setAt(node.pos, text);
      return this.fail(msg);
    };
    if (node.k === 'nil') {
      if (!(want.startsWith('[]') || want.startsWith('map[') || want.startsWith('*'))) at(`cannot assign nil to ${want}`);
      return;
    }
    switch (want) {
      case 'string':
        if (node.k !== 'string') at(`expected string; found ${text}`);
        return;
      case 'bool':
        if (node.k !== 'bool') at(`expected bool; found ${text}`);
        return;
      case 'int':
        if (node.k !== 'number' || typeof node.v !== 'bigint') at(`expected integer; found ${text}`);
        return;
      case 'float64':
        if (node.k !== 'number') at(`expected float; found ${text}`);
        return;
      default:
        at(`can't handle ${text} for arg of type ${want}`);
    }
  }

  private evalFunction(dot: GoValue, id: Extract<Arg, { k: 'ident' }>, c: Cmd, final: GoValue | undefined): GoValue {
    const name = id.name;
    const argNodes = c.args.slice(1);
    const ctx = (): void => this.setAt(c.pos, cmdString(c));
    const evalAll = (): GoValue[] => {
      const vs = argNodes.map((a) => this.evalArg(dot, a));
      if (final !== undefined) vs.push(final);
      return vs;
    };
    // Short-circuit and/or, as Go 1.18+.
    if (name === 'and' || name === 'or') {
      const n = argNodes.length + (final !== undefined ? 1 : 0);
      if (n < 1) {
        ctx();
        this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
      }
      let v: GoValue = null;
      for (let i = 0; i < n; i++) {
        v = i < argNodes.length ? this.evalArg(dot, argNodes[i]!) : final!;
        if (name === 'and' ? !truth(v) : truth(v)) return v;
      }
      return v;
    }
    const builtin = BUILTIN_FUNCS[name];
    const f: GoFunc | undefined = this.funcs[name] ?? builtin;
    if (!f) {
      ctx();
      return this.fail(`"${name}" is not a defined function`);
    }
    const args = evalAll();
    ctx();
    return this.call(name, f, args, argNodes, (...a) => f.fn(...a));
  }
}

/** SAFE_TYPES are the types whose values HTML escaping leaves alone (html/template's HTML and URL). */
const SAFE_TYPES = new Set(['template.HTML', 'template.URL']);

function isSafe(v: GoValue): boolean {
  return v instanceof GoStruct && SAFE_TYPES.has(v.typeName);
}

/** escapeHtmlText is html/template's escaping of text and quoted attribute values. */
export function escapeHtmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;').replace(/\+/g, '&#43;').replace(/\0/g, '\uFFFD');
}

/** printOutput is how an action prints its value: fmt.Fprint, with nil as "<no value>". */
function printOutput(v: GoValue): string {
  return v === null ? '<no value>' : printValue(v);
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'other';

function basicKind(v: GoValue): Kind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return 'other';
}

function eqOne(a: GoValue, b: GoValue): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'other' || kb === 'other') {
    if (a === null || b === null) return a === b;
    throw new Error('incompatible types for comparison');
  }
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return a === b;
}

function lessThan(a: GoValue, b: GoValue): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'other' || kb === 'other' || ka === 'bool') throw new Error('invalid type for comparison');
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return (a as number | bigint | string) < (b as number | bigint | string);
}

const BUILTIN_FUNCS: Record<string, GoFunc> = {
  not: { params: ['any'], fn: (a) => !truth(a) },
  len: {
    params: ['any'],
    fn: (a) => {
      if (typeof a === 'string') return BigInt(Buffer.byteLength(a, 'utf8'));
      if (Array.isArray(a)) return BigInt(a.length);
      if (a instanceof GoMap) return BigInt(a.entries.size);
      throw new Error(`len of type ${goTypeName(a)}`);
    },
  },
  index: {
    params: ['any', 'any'],
    variadic: true,
    fn: (item, ...idx) => {
      let cur = item;
      for (const i of idx) {
        if (cur instanceof GoMap) {
          if (typeof i !== 'string') throw new Error(`value has type ${goTypeName(i)}; should be string`);
          cur = cur.entries.has(i) ? cur.entries.get(i)! : cur.zero;
        } else if (Array.isArray(cur) || typeof cur === 'string') {
          if (typeof i !== 'bigint') throw new Error(`cannot index slice/array with type ${goTypeName(i)}`);
          const n = Number(i);
          if (n < 0 || n >= cur.length) throw new Error(`index out of range: ${n}`);
          cur = Array.isArray(cur) ? cur[n]! : BigInt(Buffer.from(cur)[n]!);
        } else throw new Error(`can't index item of type ${goTypeName(cur)}`);
      }
      return cur;
    },
  },
  print: { params: ['any'], variadic: true, fn: (...a) => goSprint(a) },
  println: { params: ['any'], variadic: true, fn: (...a) => a.map((x) => printValue(x)).join(' ') + '\n' },
  printf: { params: ['string', 'any'], variadic: true, fn: (f, ...a) => sprintf(f as string, a) },
  eq: {
    params: ['any', 'any'],
    variadic: true,
    fn: (a, ...bs) => {
      if (bs.length === 0) throw new Error('missing argument for comparison');
      return bs.some((b) => eqOne(a, b));
    },
  },
  ne: { params: ['any', 'any'], fn: (a, b) => !eqOne(a, b) },
  lt: { params: ['any', 'any'], fn: (a, b) => lessThan(a, b) },
  le: { params: ['any', 'any'], fn: (a, b) => lessThan(a, b) || eqOne(a, b) },
  gt: { params: ['any', 'any'], fn: (a, b) => !lessThan(a, b) && !eqOne(a, b) },
  ge: { params: ['any', 'any'], fn: (a, b) => !lessThan(a, b) },
  urlquery: { params: ['any'], variadic: true, fn: (...a) => encodeURIComponent(goSprint(a)).replace(/%20/g, '+') },
  html: {
    params: ['any'],
    variadic: true,
    fn: (...a) => goSprint(a).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  },
  js: { params: ['any'], variadic: true, fn: (...a) => JSON.stringify(goSprint(a)).slice(1, -1).replace(/'/g, "\\'") },
};

/** goSprint is fmt.Sprint: spaces between operands when neither is a string. */
function goSprint(a: GoValue[]): string {
  let out = '';
  for (let i = 0; i < a.length; i++) {
    if (i > 0 && typeof a[i] !== 'string' && typeof a[i - 1] !== 'string') out += ' ';
    out += printValue(a[i]!);
  }
  return out;
}
