/**
 * The starter rule pack (resources/rules/vigil-starter.rules.yml):
 * - `promtool check rules` of Debian's 2.42 and of the reference 3.14 accept it;
 * - its promtool unit tests (test/rules/starter/vigil-starter.test.yml, a scenario per alert that
 *   fires and look-alikes that do not) pass in promtool, and the same scenarios run through
 *   Vigil's rule engine give the same firing alerts (labels and annotations);
 * - StarterRules: the copy written on first start, the user's copy loaded later, a broken copy
 *   reported with file:line:col and the shipped file loaded instead, rules switched off.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { labelsFromRecord, labelsToRecord } from '../../src/common/model/labels';
import { parseDuration } from '../../src/common/model/time';
import { StaleNaN } from '../../src/common/model/value';
import { parseMetricSelector } from '../../src/common/promql';
import { Engine } from '../../src/main/promql/engine';
import { openStorage } from '../../src/main/storage';
import { loadRuleFile } from '../../src/main/rules/file';
import { Group } from '../../src/main/rules/group';
import { RuleManager, engineQueryFunc } from '../../src/main/rules/manager';
import { AlertState } from '../../src/main/rules/rule';
import { StarterRules, shippedStarterPath, STARTER_COPY } from '../../src/main/rules/starter';
import { nopLogger } from '../../src/main/util/log';
import { SettingsStore, validateSettings } from '../../src/main/host/settings';
import { findPrometheus } from '../peers/prometheus';

const ROOT = path.resolve(__dirname, '..', '..');
const PACK = path.join(ROOT, 'resources', 'rules', 'vigil-starter.rules.yml');
const UNIT = path.join(__dirname, 'starter', 'vigil-starter.test.yml');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-starter-'));
  dirs.push(d);
  return d;
}

function promtools(): Promise<{ name: string; bin: string }[]> {
  return findPrometheus().then((peer) => {
    const out = [{ name: 'Debian promtool', bin: '/usr/bin/promtool' }];
    if (peer.reference) out.push({ name: `promtool ${peer.version}`, bin: peer.promtool });
    else console.log(peer.note);
    return out.filter((p) => fs.existsSync(p.bin));
  });
}

describe('the starter pack in promtool', () => {
  it('promtool check rules accepts it (2.42 and 3.14)', async () => {
    const tools = await promtools();
    expect(tools.length).toBeGreaterThanOrEqual(1);
    for (const t of tools) {
      const r = spawnSync(t.bin, ['check', 'rules', PACK], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, `${t.name}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/SUCCESS: 13 rules found/);
    }
  });

  it('promtool test rules passes every scenario (2.42 and 3.14)', async () => {
    for (const t of await promtools()) {
      const r = spawnSync(t.bin, ['test', 'rules', path.basename(UNIT)], { cwd: path.dirname(UNIT), encoding: 'utf8', timeout: 60_000 });
      expect(r.status, `${t.name}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/SUCCESS/);
    }
  });

  it('promtool fails a scenario that expects the wrong alert (the scenarios are checked)', async () => {
    const d = tmp();
    const text = fs.readFileSync(UNIT, 'utf8').replace('../../../resources/rules/vigil-starter.rules.yml', PACK).replace('pod: cart-1 }', 'pod: cart-2 }');
    fs.writeFileSync(path.join(d, 'broken.test.yml'), text);
    const tools = await promtools();
    const r = spawnSync(tools[tools.length - 1]!.bin, ['test', 'rules', 'broken.test.yml'], { cwd: d, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/FAILED/);
  });
});

// ---- Vigil's engine on promtool's unit-test file ----

interface UnitFile {
  rule_files: string[];
  evaluation_interval?: string;
  tests: {
    name: string;
    interval?: string;
    input_series: { series: string; values: string }[];
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[] }[];
  }[];
}

/** expandValues expands promtool's series notation: `a+bxN` (N+1 values), `axN`, `_`, `_xN` (N omitted), `stale`. */
export function expandValues(s: string): (number | null)[] {
  const out: (number | null)[] = [];
  const num = (x: string): number => (x === 'stale' ? StaleNaN : x === 'Inf' || x === '+Inf' ? Infinity : x === '-Inf' ? -Infinity : x === 'NaN' ? NaN : Number(x));
  for (const tok of s.trim().split(/\s+/)) {
    let m: RegExpExecArray | null;
    if (tok === '_') out.push(null);
    else if ((m = /^_x(\d+)$/.exec(tok))) for (let i = 0; i < Number(m[1]); i++) out.push(null);
    else if ((m = /^(-?[\d.e]+|stale)([+-][\d.e]+)x(\d+)$/.exec(tok))) {
      let v = num(m[1]!);
      const step = Number(m[2]);
      for (let i = 0; i <= Number(m[3]); i++, v += step) out.push(v);
    } else if ((m = /^(-?[\d.e]+|stale|[+-]?Inf|NaN)x(\d+)$/.exec(tok))) for (let i = 0; i <= Number(m[2]); i++) out.push(num(m[1]!));
    else {
      const v = num(tok);
      if (Number.isNaN(v) && tok !== 'NaN' && tok !== 'stale') throw new Error(`bad series value ${tok}`);
      out.push(v);
    }
  }
  return out;
}

type Fired = { labels: Record<string, string>; annotations: Record<string, string> };
const sortFired = (xs: Fired[]): Fired[] => xs.map((x) => ({ labels: x.labels, annotations: x.annotations })).sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));

/** runUnitTests runs each test of a promtool unit-test file through Vigil's groups; returns [got, expected] per check. */
function runUnitTests(file: string): { test: string; at: string; alertname: string; got: Fired[]; want: Fired[] }[] {
  const unit = parseYaml(fs.readFileSync(file, 'utf8')) as UnitFile;
  const evalMs = parseDuration(unit.evaluation_interval ?? '1m');
  const results: { test: string; at: string; alertname: string; got: Fired[]; want: Fired[] }[] = [];
  for (const t of unit.tests) {
    const st = openStorage({ path: ':memory:' });
    try {
      const step = parseDuration(t.interval ?? '1m');
      const app = st.appender();
      for (const s of t.input_series) {
        const rec: Record<string, string> = {};
        for (const m of parseMetricSelector(s.series)) rec[m.name] = m.value;
        const lset = labelsFromRecord(rec);
        expandValues(s.values).forEach((v, i) => {
          if (v !== null) app.append(0, lset, i * step, v);
        });
      }
      app.commit();
      const engine = new Engine();
      const groups = unit.rule_files.flatMap((rf) => {
        const p = path.resolve(path.dirname(file), rf);
        const loaded = loadRuleFile(fs.readFileSync(p, 'utf8'));
        expect(loaded.errors).toEqual([]);
        let now = 0;
        return loaded.groups.map(
          (g) =>
            new Group(g, p, { intervalMs: evalMs, queryOffsetMs: 0 }, {
              query: engineQueryFunc(engine, st),
              appendable: st,
              queryable: st,
              externalLabels: {},
              externalURL: '',
              logger: nopLogger,
              now: () => now,
              forGracePeriodMs: 10 * 60_000,
              outageToleranceMs: 60 * 60_000,
              resendDelayMs: 60_000,
              notify: () => {},
            }, false),
        ).map((g) => ({ g, tick: (ts: number) => ((now = ts), g.eval(ts)) }));
      });
      const checks = t.alert_rule_test ?? [];
      const maxT = Math.max(0, ...checks.map((c) => parseDuration(c.eval_time)));
      for (let ts = 0; ts <= maxT; ts += evalMs) {
        for (const { tick } of groups) tick(ts);
        for (const c of checks.filter((x) => parseDuration(x.eval_time) === ts)) {
          const got: Fired[] = [];
          for (const { g } of groups)
            for (const r of g.alertingRules())
              if (r.name === c.alertname) for (const a of r.activeAlerts()) if (a.state === AlertState.Firing) got.push({ labels: labelsToRecord(a.labels), annotations: labelsToRecord(a.annotations) });
          const want = (c.exp_alerts ?? []).map((e) => ({ labels: { ...(e.exp_labels ?? {}), alertname: c.alertname }, annotations: { ...(e.exp_annotations ?? {}) } }));
          results.push({ test: t.name, at: c.eval_time, alertname: c.alertname, got: sortFired(got), want: sortFired(want).map((w) => ({ labels: Object.fromEntries(Object.entries(w.labels).sort()), annotations: w.annotations })) });
        }
      }
    } finally {
      st.close();
    }
  }
  return results;
}

describe('the starter pack in Vigil', () => {
  it('expands promtool series notation as promtool does', () => {
    expect(expandValues('1+2x3')).toEqual([1, 3, 5, 7]);
    expect(expandValues('1x2 _x2 5')).toEqual([1, 1, 1, null, null, 5]);
    expect(expandValues('0-1x2')).toEqual([0, -1, -2]);
  });

  it('gives the alerts promtool expects in every scenario (fires, and stays quiet)', () => {
    const results = runUnitTests(UNIT);
    // every alert of the pack is checked, firing at least once
    const names = loadRuleFile(fs.readFileSync(PACK, 'utf8')).groups.flatMap((g) => g.rules.map((r) => (r.kind === 'alerting' ? r.alert : r.record)));
    expect(new Set(results.filter((r) => r.want.length > 0).map((r) => r.alertname))).toEqual(new Set(names));
    // and every alert has a check where it must stay quiet
    expect(new Set(results.filter((r) => r.want.length === 0).map((r) => r.alertname))).toEqual(new Set(names));
    for (const r of results) {
      const labels = (xs: Fired[]): Record<string, string>[] => xs.map((x) => Object.fromEntries(Object.entries(x.labels).sort()));
      expect(labels(r.got), `${r.test} at ${r.at}: ${r.alertname}`).toEqual(labels(r.want));
      expect(r.got.map((x) => x.annotations), `${r.test} at ${r.at}: ${r.alertname} annotations`).toEqual(r.want.map((x) => x.annotations));
      // every alert keeps its cluster
      for (const g of r.got) expect(g.labels.cluster, `${r.alertname} keeps cluster`).toMatch(/^c\d$/);
    }
  });
});

describe('StarterRules', () => {
  const logs: string[] = [];
  const logger = (level: string, msg: string): void => void logs.push(`${level} ${msg}`);

  it('finds the shipped file from the code (a checkout) and from a build (out/main)', () => {
    expect(shippedStarterPath(path.join(ROOT, 'src', 'main', 'rules'))).toBe(PACK);
    expect(shippedStarterPath(path.join(ROOT, 'out', 'main'))).toBe(PACK);
    expect(shippedStarterPath(os.tmpdir())).toBeNull();
  });

  it('writes a copy on first start, loads the copy later, falls back to the shipped file when the copy is broken', () => {
    const data = tmp();
    let settings = { enabled: true, disabled: [] as string[] };
    const s = new StarterRules({ dataDir: data, logger, settings: () => settings });
    s.ensureCopy();
    const copy = path.join(data, 'rules', STARTER_COPY);
    expect(fs.readFileSync(copy, 'utf8')).toBe(fs.readFileSync(PACK, 'utf8'));
    expect(s.starter()!.file).toBe(copy);

    // the user's edit is what is loaded, and not overwritten on the next start
    fs.writeFileSync(copy, 'groups:\n  - name: mine\n    rules:\n      - alert: Mine\n        expr: vector(1)\n');
    new StarterRules({ dataDir: data, logger, settings: () => settings }).ensureCopy();
    expect(s.starter()!.text).toContain('Mine');

    // broken: file:line:col in the log, the shipped rules loaded instead, the copy left alone
    const broken = 'groups:\n  - name: mine\n    rules:\n      - alert: Mine\n        expr: sum(\n';
    fs.writeFileSync(copy, broken);
    const st = s.starter()!;
    expect(st.file).toBe(PACK);
    expect(logs.some((l) => l.startsWith('error starter rules: ') && l.includes(`${copy}:5:15: could not parse expression`))).toBe(true);
    expect(fs.readFileSync(copy, 'utf8')).toBe(broken);

    // switched off: nothing
    settings = { enabled: false, disabled: [] };
    expect(s.starter()).toBeNull();
  });

  it('loads the pack besides rule_files in the manager, leaving disabled rules (and emptied groups) out; user files in rules/ too', () => {
    const data = tmp();
    let settings = { enabled: true, disabled: ['TargetDown', 'VigilClusterUnreachable', 'KubePodCrashLooping'] };
    const s = new StarterRules({ dataDir: data, logger, settings: () => settings });
    s.ensureCopy();
    fs.writeFileSync(path.join(data, 'rules', 'team.yml'), 'groups:\n  - name: team\n    rules:\n      - record: team:one\n        expr: vector(1)\n');
    const st = openStorage({ path: ':memory:' });
    const m = new RuleManager({ query: engineQueryFunc(new Engine(), st), appendable: st, queryable: st, logger: nopLogger, watchDebounceMs: 0 });
    m.setExtraRules(() => s.extraRules());
    expect(m.update([]).ok).toBe(true);
    const names = m.ruleGroups().flatMap((g) => g.rules.map((r) => r.name));
    expect(names).not.toContain('TargetDown');
    expect(names).not.toContain('KubePodCrashLooping');
    expect(names).toContain('KubeContainerOOMKilled');
    expect(names).toContain('team:one');
    expect(m.ruleGroups().map((g) => g.name)).not.toContain('vigil-starter.targets');
    expect(m.ruleFiles()).toEqual([path.join(data, 'rules', STARTER_COPY), path.join(data, 'rules', 'team.yml')]);
    settings = { enabled: false, disabled: [] };
    expect(m.update([]).ok).toBe(true);
    expect(m.ruleGroups().map((g) => g.name)).toEqual(['team']);
    m.stop();
    st.close();
  });
});

describe('settings: rules.starter', () => {
  it('defaults to enabled with nothing disabled, persists changes, and names the field of a bad value', () => {
    const d = tmp();
    const s = new SettingsStore(d);
    expect(s.starterRules()).toEqual({ enabled: true, disabled: [] });
    s.update({ rules: { starter: { enabled: false, disabled: ['TargetDown'] } } });
    expect(new SettingsStore(d).starterRules()).toEqual({ enabled: false, disabled: ['TargetDown'] });
    s.update({ retention: { time: '7d' } });
    expect(new SettingsStore(d).starterRules()).toEqual({ enabled: false, disabled: ['TargetDown'] });
    expect(() => validateSettings({ rules: { starter: { enabled: 'yes' } } }, 'settings.json')).toThrow('settings.json: rules.starter.enabled must be true or false');
    expect(() => validateSettings({ rules: { starter: { disabled: [1] } } }, 'settings.json')).toThrow('settings.json: rules.starter.disabled must be a list of rule names');
    expect(() => validateSettings({ rules: { other: {} } }, 'settings.json')).toThrow('settings.json: unknown setting rules.other');
  });
});
