/**
 * Rule editing over HTTP on a running core: GET /api/v1/rules/files, POST /api/v1/rules/check,
 * POST /api/v1/rules/files/save (validated with line:column, atomic, reloaded, refusing paths
 * outside the starter copy, <dataDir>/rules/ and the configuration's rule files), and GET|POST
 * /api/v1/rules/starter (persisted in settings.json, disabled rules left out). And `vigil serve`
 * reloads the rule files on SIGHUP.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../src/main/host/core';
import { nopLogger } from '../../src/main/util/log';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-rules-edit-'));
const data = path.join(dir, 'data');
const confRules = path.join(dir, 'conf.rules.yml');
let core: Core;

beforeAll(async () => {
  fs.writeFileSync(confRules, 'groups:\n  - name: conf\n    rules:\n      - record: conf:one\n        expr: vector(1)\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global: {evaluation_interval: 1s}\nrule_files: [${JSON.stringify(confRules)}]\n`);
  core = await startCore({ dataDir: data, configFile: path.join(dir, 'prometheus.yml'), host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger, defaultJobs: false });
}, 60_000);

afterAll(async () => {
  await core?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Env = { status: string; data?: any; error?: string; errorType?: string; warnings?: string[] };

async function post(p: string, params: [string, string][]): Promise<{ code: number; body: Env }> {
  const r = await fetch(`${core.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return { code: r.status, body: (await r.json()) as Env };
}
async function get(p: string): Promise<Env> {
  return (await (await fetch(`${core.url}${p}`)).json()) as Env;
}
const groupNames = async (): Promise<string[]> => ((await get('/api/v1/rules')).data.groups as { name: string }[]).map((g) => g.name);

describe('rule files', () => {
  it('lists the starter copy (written on first start), the configuration file and the user files', async () => {
    const copy = path.join(data, 'rules', 'starter.rules.yml');
    expect(fs.existsSync(copy)).toBe(true);
    const files = (await get('/api/v1/rules/files')).data as { path: string; name: string; source: string; editable: boolean; text: string }[];
    expect(files.map((f) => [f.source, f.path, f.editable])).toEqual([
      ['starter', copy, true],
      ['config', confRules, true],
    ]);
    expect(files[0]!.text).toContain('KubePodCrashLooping');
    expect(files[1]!.text).toContain('conf:one');
    expect(await groupNames()).toEqual(['conf', 'vigil-starter.pods', 'vigil-starter.workloads', 'vigil-starter.nodes', 'vigil-starter.storage', 'vigil-starter.targets'].sort((a, b) => (a === 'conf' ? -1 : b === 'conf' ? 1 : a < b ? -1 : 1)));
  });

  it('checks text without saving: errors with line and column, or the counts', async () => {
    const bad = await post('/api/v1/rules/check', [['text', 'groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: sum(\n      - record: "bad name"\n        expr: up\n']]);
    expect(bad.code).toBe(200);
    expect(bad.body.data.ok).toBe(false);
    expect(bad.body.data.errors.map((e: { line: number; column: number }) => [e.line, e.column])).toEqual([
      [5, 15],
      [6, 17],
    ]);
    expect(bad.body.data.errors[0].message).toMatch(/^could not parse expression/);
    const good = await post('/api/v1/rules/check', [['text', 'groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: up == 0\n      - record: b\n        expr: up\n']]);
    expect(good.body.data).toEqual({ ok: true, errors: [], groups: 1, rules: 2 });
    expect((await post('/api/v1/rules/check', [])).body).toMatchObject({ status: 'error', errorType: 'bad_data', error: 'parameter "text" is required' });
  });

  it('refuses paths outside the allowed set, and invalid text, saving nothing', async () => {
    for (const p of ['/etc/vigil.rules.yml', path.join(dir, 'other.rules.yml'), path.join(data, 'rules', '..', 'sneaky.yml'), path.join(data, 'settings.json')]) {
      const r = await post('/api/v1/rules/files/save', [['path', p], ['text', 'groups: []\n']]);
      expect(r.code, p).toBe(400);
      expect(r.body.errorType).toBe('bad_data');
      expect(r.body.error).toMatch(/may not be written|must be named/);
      expect(fs.existsSync(p) && p.endsWith('.yml')).toBe(false);
    }
    expect((await post('/api/v1/rules/files/save', [['path', 'rel.yml'], ['text', '']])).body.error).toBe('path "rel.yml" must be absolute');
    const before = fs.readFileSync(confRules, 'utf8');
    const r = await post('/api/v1/rules/files/save', [['path', confRules], ['text', 'groups:\n  - name: conf\n    rules:\n      - record: conf:one\n        expr: rate(x[5m]\n']]);
    expect(r.code).toBe(400);
    expect(r.body.error).toMatch(new RegExp(`^${confRules.replace(/[.]/g, '\\.')}:5:15: could not parse expression.*; not saved$`));
    expect(r.body.data.errors[0]).toMatchObject({ line: 5, column: 15 });
    expect(fs.readFileSync(confRules, 'utf8')).toBe(before);
  });

  it('saves the configuration file, a new user file and the starter copy atomically, and reloads', async () => {
    const r1 = await post('/api/v1/rules/files/save', [['path', confRules], ['text', 'groups:\n  - name: conf2\n    rules:\n      - record: conf:two\n        expr: vector(2)\n      - record: conf:three\n        expr: vector(3)\n']]);
    expect(r1.body).toMatchObject({ status: 'success', data: { saved: confRules, groups: 1, rules: 2 } });
    expect(await groupNames()).toContain('conf2');
    expect(await groupNames()).not.toContain('conf');
    const team = path.join(data, 'rules', 'team.yml');
    const r2 = await post('/api/v1/rules/files/save', [['path', team], ['text', 'groups:\n  - name: team\n    rules:\n      - alert: TeamAlert\n        expr: vector(1)\n']]);
    expect(r2.body.data).toEqual({ saved: team, groups: 1, rules: 1 });
    expect(await groupNames()).toContain('team');
    const files = (await get('/api/v1/rules/files')).data as { path: string; source: string }[];
    expect(files.map((f) => f.source)).toEqual(['starter', 'config', 'user']);
    const copy = path.join(data, 'rules', 'starter.rules.yml');
    const edited = fs.readFileSync(copy, 'utf8').replace('alert: TargetDown', 'alert: TargetsDown');
    const r3 = await post('/api/v1/rules/files/save', [['path', copy], ['text', edited]]);
    expect(r3.body.data).toMatchObject({ saved: copy, rules: 13 });
    const rules = (await get('/api/v1/rules?rule_group[]=vigil-starter.targets')).data.groups[0].rules.map((x: { name: string }) => x.name);
    expect(rules).toEqual(['TargetsDown', 'VigilClusterUnreachable']);
    // no temporary files left behind
    expect(fs.readdirSync(path.join(data, 'rules')).sort()).toEqual(['starter.rules.yml', 'team.yml']);
  });

  it('switches the starter pack and single rules off and on, persisted in settings.json', async () => {
    expect((await get('/api/v1/rules/starter')).data).toEqual({ enabled: true, disabled: [] });
    const off = await post('/api/v1/rules/starter', [['enabled', 'false']]);
    expect(off.body.data).toEqual({ enabled: false, disabled: [] });
    expect((await groupNames()).filter((n) => n.startsWith('vigil-starter'))).toEqual([]);
    const some = await post('/api/v1/rules/starter', [['enabled', 'true'], ['disabled', 'KubeNodeNotReady'], ['disabled', 'NodeHighCPUUsage']]);
    expect(some.body.data).toEqual({ enabled: true, disabled: ['KubeNodeNotReady', 'NodeHighCPUUsage'] });
    const nodes = (await get('/api/v1/rules?rule_group[]=vigil-starter.nodes')).data.groups[0].rules.map((x: { name: string }) => x.name);
    expect(nodes).toEqual(['KubeNodePressure', 'NodeHighMemoryUsage', 'NodeFilesystemAlmostFull']);
    expect(JSON.parse(fs.readFileSync(path.join(data, 'settings.json'), 'utf8')).rules).toEqual({ starter: { enabled: true, disabled: ['KubeNodeNotReady', 'NodeHighCPUUsage'] } });
    const bad = await post('/api/v1/rules/starter', [['disabled', 'NoSuchRule']]);
    expect(bad.code).toBe(400);
    expect(bad.body.error).toBe('invalid parameter "disabled": no starter rule named "NoSuchRule"');
    expect((await post('/api/v1/rules/starter', [['enabled', 'maybe']])).body.error).toBe('invalid parameter "enabled": "maybe" is not true or false');
    expect((await get('/api/v1/rules/starter')).data).toEqual({ enabled: true, disabled: ['KubeNodeNotReady', 'NodeHighCPUUsage'] });
  });

  it('lists no gaps on a quiet run', async () => {
    expect((await get('/api/v1/vigil/gaps')).data).toEqual([]);
    const metrics = await (await fetch(`${core.url}/metrics`)).text();
    expect(metrics).toContain('vigil_gaps_total{reason="sleep"} 0');
  });
});

describe('vigil serve and SIGHUP', () => {
  it('reloads the rule files on SIGHUP', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-hup-'));
    const rules = path.join(d, 'r.yml');
    fs.writeFileSync(rules, 'groups:\n  - name: before\n    rules:\n      - record: a\n        expr: vector(1)\n');
    fs.writeFileSync(path.join(d, 'prometheus.yml'), `rule_files: [${JSON.stringify(rules)}]\n`);
    fs.mkdirSync(path.join(d, 'data'));
    // The file watcher may reload too (after its debounce): the test waits for the SIGHUP's own report.
    const main = path.resolve(__dirname, '..', '..', 'src', 'main', 'cli', 'main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `require(${JSON.stringify(main)}).main(process.argv.slice(1)).then((c) => process.exit(c ?? 0))`, 'serve', '--listen', '127.0.0.1:0', '--data', path.join(d, 'data'), '--config', path.join(d, 'prometheus.yml')], {
      cwd: path.resolve(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const wait = async (pred: () => boolean, what: string): Promise<void> => {
        const deadline = Date.now() + 40_000;
        while (!pred()) {
          if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${what}; output:\n${out}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await wait(() => /serving at http:\/\/[\d.]+:\d+/.test(out), 'vigil serve did not start');
      const url = /serving at (http:\/\/[\d.]+:\d+)/.exec(out)![1]!;
      const names = async (): Promise<string[]> => ((await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: { name: string }[] } }).data.groups.map((g) => g.name);
      expect(await names()).toContain('before');
      fs.writeFileSync(rules, 'groups:\n  - name: after\n    rules:\n      - record: a\n        expr: vector(2)\n');
      child.kill('SIGHUP');
      await wait(() => out.includes('SIGHUP received, rule files reloaded'), 'no reload on SIGHUP');
      expect(await names()).toContain('after');
      expect(await names()).not.toContain('before');
      // a broken file on SIGHUP: the errors are printed with file:line:col, the rules stay
      fs.writeFileSync(rules, 'groups:\n  - name: broken\n    rules:\n      - record: a\n        expr: sum(\n');
      child.kill('SIGHUP');
      await wait(() => out.includes('the rule files were not reloaded'), 'no report of the broken file');
      expect(out).toContain(`${rules}:5:15: could not parse expression`);
      expect(await names()).toContain('after');
    } finally {
      if (child.exitCode === null) {
        await new Promise<void>((r) => {
          child.once('exit', () => r());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        });
      }
      fs.rmSync(d, { recursive: true, force: true });
    }
  }, 90_000);
});
