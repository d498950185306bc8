/**
 * A symbol-level layering check (what dependency-cruiser cannot see: which names a file takes from
 * a module), after VS Code's layersChecker: `ipcMain` only in the shell's IPC handler
 * (src/main/electron/ipc.ts), `ipcRenderer` and `contextBridge` only in the preload.
 *
 * Run: npx tsx test/layering/symbols.ts [ROOT]   (part of `npm run lint`; exits 1 on a violation)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** SYMBOL_RULES name, per symbol of the electron module, the only files that may use it. */
export const SYMBOL_RULES: { symbol: string; allowed: RegExp; why: string }[] = [
  { symbol: 'ipcMain', allowed: /^src\/main\/electron\/ipc\.ts$/, why: 'use the validated handler in src/main/electron/ipc.ts' },
  { symbol: 'ipcRenderer', allowed: /^src\/preload\//, why: 'only the preload talks IPC from the renderer side' },
  { symbol: 'contextBridge', allowed: /^src\/preload\//, why: 'only the preload exposes the bridge' },
];

/** Violation is one use of a symbol outside its allowed files. */
export interface Violation {
  file: string;
  line: number;
  symbol: string;
  why: string;
}

function walk(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(e.name)) out.push(p);
  }
}

/** usedElectronSymbols returns the electron symbols a source file takes, with their lines. */
export function usedElectronSymbols(text: string, fileName = 'x.ts'): { symbol: string; line: number }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const out: { symbol: string; line: number }[] = [];
  const namespaces = new Set<string>();
  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text === 'electron' && n.importClause) {
      const b = n.importClause.namedBindings;
      if (b && ts.isNamedImports(b)) for (const el of b.elements) out.push({ symbol: (el.propertyName ?? el.name).text, line: lineOf(el) });
      if (b && ts.isNamespaceImport(b)) namespaces.add(b.name.text);
      if (n.importClause.name) namespaces.add(n.importClause.name.text);
    }
    // const { ipcMain } = require('electron') / require('electron').ipcMain
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments[0] && ts.isStringLiteral(n.arguments[0]) && n.arguments[0].text === 'electron') {
      const p = n.parent;
      if (ts.isPropertyAccessExpression(p)) out.push({ symbol: p.name.text, line: lineOf(p) });
      if (ts.isVariableDeclaration(p) && ts.isObjectBindingPattern(p.name)) {
        for (const el of p.name.elements) out.push({ symbol: ((el.propertyName ?? el.name) as ts.Identifier).text, line: lineOf(el) });
      }
      if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) namespaces.add(p.name.text);
    }
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && namespaces.has(n.expression.text)) out.push({ symbol: n.name.text, line: lineOf(n) });
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** checkSymbols checks every .ts/.tsx file under root/src against SYMBOL_RULES. */
export function checkSymbols(root: string): Violation[] {
  const files: string[] = [];
  walk(path.join(root, 'src'), files);
  const out: Violation[] = [];
  for (const f of files) {
    const rel = path.relative(root, f).split(path.sep).join('/');
    for (const u of usedElectronSymbols(fs.readFileSync(f, 'utf8'), f)) {
      const rule = SYMBOL_RULES.find((r) => r.symbol === u.symbol);
      if (rule && !rule.allowed.test(rel)) out.push({ file: rel, line: u.line, symbol: u.symbol, why: rule.why });
    }
  }
  return out;
}

if (process.argv[1] && /symbols\.ts$/.test(process.argv[1])) {
  const root = path.resolve(process.argv[2] ?? '.');
  const v = checkSymbols(root);
  for (const x of v) console.error(`${x.file}:${x.line}: ${x.symbol} is not allowed here (symbol-${x.symbol}): ${x.why}`);
  console.log(v.length === 0 ? '✔ no symbol-layering violations' : `x ${v.length} symbol-layering violation(s)`);
  process.exit(v.length === 0 ? 0 : 1);
}
