import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labelsToRecord } from '../../src/common/model/labels';
import { loadConfig } from '../../src/main/config/index';
import type { TargetGroup } from '../../src/main/config/types';
import { readTargetGroupsFile, TargetDiscovery } from '../../src/main/scrape/discovery';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-filesd-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function summary(groups: TargetGroup[] | undefined): string[] {
  return (groups ?? []).map((g) => `${g.source.replace(dir, 'DIR')} ${g.targets.map((t) => t[0]!.value).join(',')} ${JSON.stringify(labelsToRecord(g.labels)).replace(dir, 'DIR')}`);
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
    const d = new TargetDiscovery((s) => seen.push(s));
    d.applyConfig(cfg);
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
