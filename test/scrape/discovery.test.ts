import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labelsToRecord } from '../../src/common/model/labels';
import { loadConfig } from '../../src/main/config/index';
import { DiscoveryManager, readTargetGroupsFile, type Discoverer, type DiscoveryKind, type SDConfig, type TargetGroup } from '../../src/main/discovery';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-filesd-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function summary(groups: TargetGroup[] | undefined): string[] {
  return (groups ?? []).map((g) => `${g.source.replace(dir, 'DIR')} ${g.targets.map((t) => t[0]!.value).join(',')} ${JSON.stringify(labelsToRecord(g.labels)).replace(dir, 'DIR')}`);
}

function poolSets(cfg: ReturnType<typeof loadConfig>): Map<string, { staticConfigs: TargetGroup[]; sdConfigs: SDConfig[] }> {
  return new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc]));
}

describe('file service discovery', () => {
  it('reads JSON and YAML target files with __meta_filepath, and rejects bad ones with a reason', () => {
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify([{ targets: ['a:1', 'b:2'], labels: { env: 'prod' } }]));
    fs.writeFileSync(path.join(dir, 'b.yml'), '- targets: [c:3]\n');
    expect(summary(readTargetGroupsFile(path.join(dir, 'a.json')))).toEqual(['DIR/a.json:0 a:1,b:2 {"__meta_filepath":"DIR/a.json","env":"prod"}']);
    expect(summary(readTargetGroupsFile(path.join(dir, 'b.yml')))).toEqual(['DIR/b.yml:0 c:3 {"__meta_filepath":"DIR/b.yml"}']);
    fs.writeFileSync(path.join(dir, 'bad.json'), '[{"targets": "x"}]');
    expect(() => readTargetGroupsFile(path.join(dir, 'bad.json'))).toThrow('targets must be a list of strings');
    fs.rmSync(path.join(dir, 'bad.json'));
  });

  it('emits static and file groups per job and follows file changes', () => {
    const cfg = loadConfig(`scrape_configs:\n  - job_name: j\n    static_configs: [{targets: [s:1]}]\n    file_sd_configs: [{files: ["${dir}/*.json"], refresh_interval: 1h}]\n`, 'p.yml');
    const seen: Map<string, TargetGroup[]>[] = [];
    const d = new DiscoveryManager((s) => seen.push(s));
    d.applyConfig(poolSets(cfg));
    expect(summary(seen[0]!.get('j'))).toEqual(['static/0 s:1 {}', 'DIR/a.json:0 a:1,b:2 {"__meta_filepath":"DIR/a.json","env":"prod"}']);
    // A broken write keeps the previous groups; a fixed one replaces them; a deleted file removes them.
    fs.writeFileSync(path.join(dir, 'a.json'), '[{"targets": [');
    d.refreshNow();
    expect(seen).toHaveLength(1);
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify([{ targets: ['z:9'] }]));
    d.refreshNow();
    expect(summary(seen[1]!.get('j'))).toEqual(['static/0 s:1 {}', 'DIR/a.json:0 z:9 {"__meta_filepath":"DIR/a.json"}']);
    fs.rmSync(path.join(dir, 'a.json'));
    d.refreshNow();
    expect(summary(seen[2]!.get('j'))).toEqual(['static/0 s:1 {}']);
    d.stop();
  });
});

describe('discovery manager', () => {
  /** counting is a test kind whose discoverers report what the test pushes, counting how many run. */
  function countingKind(): { kind: DiscoveryKind; started: string[]; stopped: string[]; push: (key: string, groups: TargetGroup[]) => void } {
    const ups = new Map<string, (g: TargetGroup[]) => void>();
    const started: string[] = [];
    const stopped: string[] = [];
    const kind: DiscoveryKind = {
      kind: 'test',
      parse: () => null,
      key: (c) => (c as SDConfig & { name: string }).name,
      create: (c): Discoverer => ({
        run: (signal, up) => {
          const name = (c as SDConfig & { name: string }).name;
          started.push(name);
          ups.set(name, up);
          return new Promise((resolve) => signal.addEventListener('abort', () => (stopped.push(name), resolve())));
        },
      }),
    };
    return { kind, started, stopped, push: (key, g) => ups.get(key)!(g) };
  }
  const cfg = (name: string): SDConfig => ({ kind: 'test', line: 1, name }) as SDConfig;
  const group = (source: string, ...addrs: string[]): TargetGroup => ({ source, targets: addrs.map((a) => [{ name: '__address__', value: a }]), labels: [] });

  it('shares one discoverer between pools with the same config, keeps it across reloads, and batches updates', async () => {
    const k = countingKind();
    const seen: Map<string, TargetGroup[]>[] = [];
    const d = new DiscoveryManager((s) => seen.push(s), { kindOf: () => k.kind, updateDelayMs: 20 });
    d.applyConfig(new Map([['a', { staticConfigs: [], sdConfigs: [cfg('x')] }], ['b', { staticConfigs: [], sdConfigs: [cfg('x'), cfg('y')] }]]));
    expect(k.started).toEqual(['x', 'y']);
    expect([...seen[0]!.keys()]).toEqual(['a', 'b']);
    k.push('x', [group('s1', 'h:1')]);
    k.push('x', [group('s2', 'h:2')]);
    k.push('y', [group('s1', 'h:3')]);
    expect(seen).toHaveLength(1); // batched
    await new Promise((r) => setTimeout(r, 60));
    expect(seen).toHaveLength(2);
    expect(summary(seen[1]!.get('a'))).toEqual(['s1 h:1 {}', 's2 h:2 {}']);
    expect(summary(seen[1]!.get('b'))).toEqual(['s1 h:1 {}', 's2 h:2 {}', 's1 h:3 {}']);
    // An empty group removes its source.
    k.push('x', [group('s1')]);
    await new Promise((r) => setTimeout(r, 60));
    expect(summary(seen[2]!.get('a'))).toEqual(['s2 h:2 {}']);
    // A reload keeping x restarts nothing and stops y; pool a is told its groups at once.
    d.applyConfig(new Map([['a', { staticConfigs: [], sdConfigs: [cfg('x')] }]]));
    expect(k.started).toEqual(['x', 'y']);
    expect(k.stopped).toEqual(['y']);
    expect(summary(seen[3]!.get('a'))).toEqual(['s2 h:2 {}']);
    d.stop();
    expect(k.stopped).toEqual(['y', 'x']);
  });
});
