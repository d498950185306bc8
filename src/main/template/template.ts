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
import { argString, cmdString, isEmptyTree, lex, Parser, pipeString, TemplateError, type Arg, type Cmd, type ControlNode, type Def, type Node, type Pipe } from './parse';

export { TemplateError };

/** GoFunc is a template function: receives evaluated arguments, returns a value or throws an Error. */
export interface GoFunc {
  /** params: the Go type of each parameter ('any', 'string', ...); variadic repeats the last. */
  params: string[];
  variadic?: boolean;
  fn: (...args: GoValue[]) => GoValue;
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
