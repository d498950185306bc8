/**
 * The starter pack on the demo cluster (`--demo`: a simulated cluster with a crash-looping pod,
 * OOM kills and node outages, behind its own fake API server): every rule of the pack evaluates
 * without errors on the series Vigil has with zero configuration, and the pack's crash-loop
 * expression finds the simulated crash-looping container in the history.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../src/main/host/core';
import { loadRuleFile } from '../../src/main/rules/file';
import { nopLogger } from '../../src/main/util/log';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-starter-demo-'));
const PACK = path.resolve(__dirname, '..', '..', 'resources', 'rules', 'vigil-starter.rules.yml');
let core: Core;

beforeAll(async () => {
  core = await startCore({ dataDir: dir, configFile: null, host: '127.0.0.1', port: 0, demo: true, uiDir: null, logger: nopLogger, demoHistoryMs: 30 * 60_000, demoInterval: '15s' });
  await core.history;
}, 180_000);

afterAll(async () => {
  await core?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Rule = { name: string; health: string; lastError?: string; lastEvaluation: string; query: string };

describe('the starter pack on the demo cluster', () => {
  it('every rule evaluates with health ok', async () => {
    const names = loadRuleFile(fs.readFileSync(PACK, 'utf8')).groups.flatMap((g) => g.rules.map((r) => (r.kind === 'alerting' ? r.alert : r.record)));
    // The pods group runs every minute (its first evaluation up to a minute after start).
    const deadline = Date.now() + 100_000;
    let rules: Rule[] = [];
    for (;;) {
      const body = (await (await fetch(`${core.url}/api/v1/rules`)).json()) as { data: { groups: { file: string; rules: Rule[] }[] } };
      rules = body.data.groups.filter((g) => g.file.endsWith('starter.rules.yml')).flatMap((g) => g.rules);
      if (rules.length === names.length && rules.every((r) => !r.lastEvaluation.startsWith('0001'))) break;
      if (Date.now() > deadline) throw new Error(`the starter rules were not all evaluated: ${JSON.stringify(rules.map((r) => [r.name, r.lastEvaluation]))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(rules.map((r) => r.name).sort()).toEqual([...names].sort());
    for (const r of rules) expect({ name: r.name, health: r.health, lastError: r.lastError }).toEqual({ name: r.name, health: 'ok', lastError: undefined });
  }, 130_000);

  it('the expressions run over the demo history; the crash-loop one finds the crash-looping container', async () => {
    const now = Date.now() / 1000;
    const found: Record<string, number> = {};
    for (const g of loadRuleFile(fs.readFileSync(PACK, 'utf8')).groups) {
      for (const r of g.rules) {
        const qs = new URLSearchParams({ query: r.exprText, start: String(now - 25 * 60), end: String(now), step: '60' });
        const body = (await (await fetch(`${core.url}/api/v1/query_range?${qs}`)).json()) as { status: string; error?: string; data: { result: { metric: Record<string, string> }[] } };
        const name = r.kind === 'alerting' ? r.alert : r.record;
        expect(body.status, `${name}: ${body.error}`).toBe('success');
        found[name] = body.data.result.length;
        for (const s of body.data.result) expect(s.metric.cluster, `${name} keeps the cluster label`).toBe('demo');
      }
    }
    console.log(`starter expressions with results on the demo (last 25 min): ${JSON.stringify(found)}`);
    expect(found.KubePodCrashLooping).toBeGreaterThan(0);
  }, 90_000);
});
