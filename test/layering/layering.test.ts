import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');

/** cruise runs the project's layering rules over a scratch tree holding the given files. */
function cruise(files: Record<string, string>): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-layering-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    fs.copyFileSync(path.join(root, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
    fs.copyFileSync(path.join(root, 'tsconfig.node.json'), path.join(dir, 'tsconfig.node.json'));
    fs.copyFileSync(path.join(root, 'tsconfig.base.json'), path.join(dir, 'tsconfig.base.json'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const r = spawnSync(depcruise, ['src', '--config', '.dependency-cruiser.cjs'], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ok = { 'src/common/a.ts': 'export const a = 1;\n' };

describe('layering rules', () => {
  it('pass on a clean tree', () => {
    const r = cruise({ ...ok, 'src/main/scrape/x.ts': "import { a } from '../../common/a';\nimport * as fs from 'node:fs';\nexport const x = [a, fs];\n" });
    expect(r.out).toContain('no dependency violations');
    expect(r.status).toBe(0);
  });

  it('fail when core code imports electron', () => {
    const r = cruise({ ...ok, 'src/main/scrape/bad.ts': "import { app } from 'electron';\nexport const x = app;\n" });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('core-imports-electron');
  });

  it('allow electron only in the shell', () => {
    const r = cruise({ 'src/main/electron/main.ts': "import { app } from 'electron';\nexport const x = app;\n" });
    expect(r.status).toBe(0);
  });

  it('fail when the renderer imports a Node module or the core', () => {
    const r = cruise({
      ...ok,
      'src/renderer/a.ts': "import * as fs from 'node:fs';\nexport const x = fs;\n",
      'src/renderer/b.ts': "import { y } from '../main/y';\nexport const x = y;\n",
      'src/main/y.ts': 'export const y = 1;\n',
    });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('renderer-no-node-builtins');
    expect(r.out).toContain('renderer-no-node');
  });

  it('fail when common code reaches outside common, or SQLite leaks out of storage', () => {
    const r = cruise({
      'src/common/a.ts': "import * as path from 'path';\nexport const a = path;\n",
      'src/main/promql/e.ts': "import Database from 'better-sqlite3';\nexport const e = Database;\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('common-is-pure');
    expect(r.out).toContain('sqlite-only-in-storage');
  });

  describe('inside the PromQL engine', () => {
    const promql = (files: Record<string, string>) => cruise({ 'src/main/promql/value.ts': 'export const v = 1;\n', ...files });

    it('pass when engine.ts wires eval/ and functions/ over the kernel', () => {
      const r = promql({
        'src/main/promql/kernel/k.ts': "import { v } from '../value';\nexport const k = v;\n",
        'src/main/promql/histogram/h.ts': "import { k } from '../kernel/k';\nexport const h = k;\n",
        'src/main/promql/functions/f.ts': "import { k } from '../kernel/k';\nimport { h } from '../histogram/h';\nexport const f = k + h;\n",
        'src/main/promql/eval/e.ts': "import { k } from '../kernel/k';\nimport { h } from '../histogram/h';\nexport const e = k + h;\n",
        'src/main/promql/engine.ts': "import { e } from './eval/e';\nimport { f } from './functions/f';\nexport const x = e + f;\n",
      });
      expect(r.out).toContain('no dependency violations');
      expect(r.status).toBe(0);
    });

    it('fail when the evaluator imports the functions', () => {
      const r = promql({
        'src/main/promql/functions/f.ts': 'export const f = 1;\n',
        'src/main/promql/eval/e.ts': "import { f } from '../functions/f';\nexport const e = f;\n",
      });
      expect(r.status).not.toBe(0);
      expect(r.out).toContain('promql-eval-not-functions');
    });

    it('fail when a function imports the evaluator', () => {
      const r = promql({
        'src/main/promql/eval/e.ts': 'export const e = 1;\n',
        'src/main/promql/functions/f.ts': "import { e } from '../eval/e';\nexport const f = e;\n",
      });
      expect(r.status).not.toBe(0);
      expect(r.out).toContain('promql-functions-only-kernel');
    });

    it('fail when a histogram operation imports the evaluator or the functions', () => {
      const r = promql({
        'src/main/promql/eval/e.ts': 'export const e = 1;\n',
        'src/main/promql/histogram/h.ts': "import { e } from '../eval/e';\nexport const h = e;\n",
      });
      expect(r.status).not.toBe(0);
      expect(r.out).toContain('promql-histogram-only-kernel');
    });

    it('fail when the kernel imports the evaluator or the functions', () => {
      const r = promql({
        'src/main/promql/eval/e.ts': 'export const e = 1;\n',
        'src/main/promql/functions/f.ts': 'export const f = 1;\n',
        'src/main/promql/kernel/a.ts': "import { e } from '../eval/e';\nexport const a = e;\n",
        'src/main/promql/kernel/b.ts': "import { f } from '../functions/f';\nexport const b = f;\n",
      });
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/promql-kernel-is-base[\s\S]*kernel\/a\.ts[\s\S]*eval\/e\.ts/);
      expect(r.out).toMatch(/promql-kernel-is-base[\s\S]*kernel\/b\.ts[\s\S]*functions\/f\.ts/);
    });
  });
});

/** file writes a module importing each of the given paths (relative to src/main/<from>). */
function importer(imports: string[]): string {
  return imports.map((p, i) => `import * as m${i} from '${p}';\n`).join('') + `export const x = [${imports.map((_, i) => `m${i}`).join(', ')}];\n`;
}

describe('subsystem layering rules', () => {
  // One scratch tree with a target module per folder, and a violation per rule.
  const targets: Record<string, string> = {};
  for (const d of ['util', 'storage', 'relabel', 'kube', 'config', 'discovery', 'scrape', 'promql', 'rules', 'alerting', 'push', 'remote', 'demo', 'electron', 'api', 'host', 'cli']) {
    targets[`src/main/${d}/t.ts`] = 'export const t = 1;\n';
  }
  targets['src/main/storage/interface.ts'] = 'export const i = 1;\n';
  const violations: Record<string, [string, string[]]> = {
    'subsystem-util': ['util', ['../storage/t']],
    'subsystem-storage': ['storage', ['../promql/t']],
    'subsystem-kube': ['kube', ['../discovery/t']],
    'subsystem-config': ['config', ['../scrape/t']],
    'subsystem-discovery': ['discovery', ['../scrape/t']],
    'subsystem-scrape': ['scrape', ['../storage/t', '../promql/t', '../api/t']],
    'subsystem-promql': ['promql', ['../scrape/t']],
    'subsystem-rules': ['rules', ['../api/t', '../scrape/t']],
    'subsystem-alerting': ['alerting', ['../host/t']],
    'subsystem-push': ['push', ['../scrape/t']],
    'subsystem-remote': ['remote', ['../promql/t']],
    'subsystem-demo': ['demo', ['../host/t']],
    'subsystem-electron': ['electron', ['../host/t']],
    'subsystem-api': ['api', ['../host/t']],
    'subsystem-host': ['host', ['../cli/t']],
    'subsystem-relabel': ['relabel', ['../config/t']],
  };

  it('pass for the arrows the data flow allows', () => {
    const files = { ...targets };
    files['src/main/scrape/ok.ts'] = importer(['../storage/interface', '../discovery/t', '../kube/t', '../util/t']);
    files['src/main/promql/ok.ts'] = importer(['../storage/interface']);
    files['src/main/host/ok.ts'] = importer(['../api/t', '../scrape/t', '../rules/t']);
    files['src/main/cli/ok.ts'] = importer(['../host/t']);
    const r = cruise(files);
    expect(r.out).toContain('no dependency violations');
    expect(r.status).toBe(0);
  });

  it('fail, each with its own rule, for every forbidden arrow', () => {
    const files = { ...targets };
    for (const [rule, [from, imports]] of Object.entries(violations)) files[`src/main/${from}/bad-${rule}.ts`] = importer(imports);
    const r = cruise(files);
    expect(r.status).not.toBe(0);
    for (const rule of Object.keys(violations)) expect(r.out, rule).toContain(rule);
  });

  it('keep @kubernetes/client-node inside kube and discovery/kubernetes', () => {
    const use = "import type { V1Pod } from '@kubernetes/client-node';\nexport type P = V1Pod;\n";
    const r = cruise({ 'src/main/kube/a.ts': use, 'src/main/discovery/kubernetes/b.ts': use, 'src/main/scrape/c.ts': use });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('kube-client-only-in-kube');
    expect(r.out).toContain('src/main/scrape/c.ts');
    expect(r.out).not.toContain('src/main/kube/a.ts');
    expect(r.out).not.toContain('src/main/discovery/kubernetes/b.ts');
  });
});

describe('symbol layering (ipcMain, ipcRenderer, contextBridge)', () => {
  it('finds every way of taking ipcMain from electron', async () => {
    const { usedElectronSymbols } = await import('./symbols');
    expect(usedElectronSymbols("import { app, ipcMain as m } from 'electron';\n").map((u) => u.symbol)).toEqual(['app', 'ipcMain']);
    expect(usedElectronSymbols("import * as e from 'electron';\ne.ipcMain.handle('x', () => 1);\n").map((u) => u.symbol)).toEqual(['ipcMain']);
    expect(usedElectronSymbols("const { ipcMain } = require('electron');\n").map((u) => u.symbol)).toEqual(['ipcMain']);
    expect(usedElectronSymbols("const x = require('electron').ipcMain;\n").map((u) => u.symbol)).toEqual(['ipcMain']);
    expect(usedElectronSymbols("import { app } from 'electron';\nconst ipcMain = 1;\n").map((u) => u.symbol)).toEqual(['app']);
  });

  it('fail outside the shell IPC handler, pass in it and on the real tree', async () => {
    const { checkSymbols } = await import('./symbols');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-symbols-'));
    try {
      const put = (rel: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      };
      put('src/main/electron/ipc.ts', "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n");
      put('src/main/electron/main.ts', "import { app, ipcMain } from 'electron';\nexport const i = [app, ipcMain];\n");
      put('src/preload/index.ts', "import { contextBridge, ipcRenderer } from 'electron';\nexport const p = [contextBridge, ipcRenderer];\n");
      put('src/main/electron/other.ts', "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n");
      const v = checkSymbols(dir);
      expect(v.map((x) => `${x.file}:${x.line} ${x.symbol}`)).toEqual(['src/main/electron/main.ts:1 ipcMain', 'src/main/electron/other.ts:1 ipcRenderer']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(checkSymbols(root)).toEqual([]);
  });
});
