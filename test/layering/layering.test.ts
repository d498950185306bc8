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
