/**
 * amtool against Vigil and against the real Alertmanager 0.25: the same silence commands (add,
 * query in its three output formats and with a filter, update, expire, a rejected add) give the
 * same output from both, ids and times aside. Also Alertmanager's alert fingerprints equal
 * Vigil's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, type ApiServer } from '../../src/main/api/server';
import { RouteTable } from '../../src/main/api/table';
import { fingerprint } from '../../src/main/alerting/alerts';
import { silenceRoutes } from '../../src/main/alerting/silence-routes';
import { SilenceStore } from '../../src/main/alerting/silences';
import { amtool, startAlertmanager, type RunningAlertmanager } from './alertmanager-peer';

let dir: string;
let vigil: ApiServer;
let store: SilenceStore;
let am: RunningAlertmanager;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-silences-'));
  store = new SilenceStore({ dir: path.join(dir, 'vigil') });
  vigil = await startServer({ host: '127.0.0.1', port: 0, uiDir: null, routes: new RouteTable(silenceRoutes(() => store)) });
  am = await startAlertmanager(path.join(dir, 'am'), 'route:\n  receiver: a\nreceivers:\n- name: a\n');
}, 60_000);

afterAll(async () => {
  await am?.stop();
  await vigil?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Session normalizes amtool output: ids become <id1>, <id2>, ... in order of appearance, times <time>. */
class Session {
  private readonly ids = new Map<string, string>();
  constructor(readonly url: string) {}

  norm(s: string): string {
    return s
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
        if (!this.ids.has(id)) this.ids.set(id, `<id${this.ids.size + 1}>`);
        return this.ids.get(id)!;
      })
      .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?( UTC|Z|[+-]\d\d:\d\d)/g, '<time>');
  }

  async run(...args: string[]): Promise<{ code: number | null; out: string; err: string; raw: string }> {
    const r = await amtool([`--alertmanager.url=${this.url}`, ...args]);
    return { code: r.code, out: this.norm(r.stdout), err: this.norm(r.stderr.replace(/^Warning: amtool version.*\n/m, '')), raw: r.stdout };
  }

  /** json normalizes `-o json` output: ids mapped, times dropped. */
  json(raw: string): unknown {
    const list = JSON.parse(raw) as Record<string, unknown>[];
    return list.map((s) => {
      const { startsAt: _s, endsAt: _e, updatedAt: _u, ...rest } = s;
      return JSON.parse(this.norm(JSON.stringify(rest)));
    });
  }
}

async function script(url: string): Promise<unknown[]> {
  const s = new Session(url);
  const out: unknown[] = [];
  const a = await s.run('silence', 'add', 'alertname=Foo', 'sev=~"crit|warn"', '-c', 'hello', '-a', 'me', '-d', '2h');
  out.push(['add A', a.code, a.out, a.err]);
  const b = await s.run('silence', 'add', 'job=x', 'instance!=y', '-c', 'second', '-a', 'you', '-d', '1h');
  out.push(['add B', b.code, b.out, b.err]);
  const idA = a.raw.trim();
  const idB = b.raw.trim();
  const q = await s.run('silence', 'query');
  out.push(['query', q.code, q.out, q.err]);
  const qj = await s.run('silence', 'query', '-o', 'json');
  out.push(['query json', qj.code, s.json(qj.raw)]);
  const qe = await s.run('silence', 'query', '-o', 'extended');
  out.push(['query extended', qe.code, qe.out]);
  const qf = await s.run('silence', 'query', 'alertname=Foo');
  out.push(['query filter', qf.code, qf.out]);
  const qq = await s.run('silence', 'query', '-q');
  out.push(['query quiet', qq.code, qq.out]);
  const u = await s.run('silence', 'update', idB, '-d', '3h');
  out.push(['update B', u.code, u.out, u.err, u.raw.includes(idB)]);
  const e = await s.run('silence', 'expire', idA);
  out.push(['expire A', e.code, e.out, e.err]);
  const qx = await s.run('silence', 'query', '--expired');
  out.push(['query expired', qx.code, qx.out]);
  const qa = await s.run('silence', 'query', '-o', 'json');
  out.push(['query json after', s.json(qa.raw)]);
  const bad = await s.run('silence', 'add', 'foo=""', '-c', 'x', '-a', 'me');
  out.push(['add empty', bad.code, bad.out, bad.err]);
  const bad2 = await s.run('silence', 'expire', '00000000-0000-4000-8000-000000000000');
  out.push(['expire unknown', bad2.code, bad2.out, bad2.err]);
  return out;
}

describe('amtool against Vigil and Alertmanager', () => {
  it('gives the same outputs for the same silence commands', async () => {
    const fromAm = await script(am.url);
    const fromVigil = await script(vigil.url);
    expect(fromVigil).toEqual(fromAm);
    // The script did what it says: two silences, one expired, the update kept its id.
    expect(fromAm[7]).toMatchObject(['update B', 0, expect.stringContaining('<id2>'), '', true]);
    expect(JSON.stringify(fromAm)).not.toContain('<id3>');
    expect(JSON.stringify(fromAm[12])).toContain('silence not found');
    expect(store.list().map((x) => x.state).sort()).toEqual(['active', 'expired']);
  }, 120_000);

  it('Vigil kept the silences in its snapshot', () => {
    const again = new SilenceStore({ dir: path.join(dir, 'vigil') });
    expect(again.list().map((x) => x.silence.comment).sort()).toEqual(['hello', 'second']);
  });

  it("Alertmanager's alert fingerprints are Vigil's", async () => {
    const sets = [{ alertname: 'A' }, { alertname: 'B', instance: 'host:9100', job: 'node' }, { alertname: 'C', msg: 'é ü\nx', z: 'last' }];
    const r = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(sets.map((labels) => ({ labels }))) });
    expect(r.status).toBe(200);
    const got = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { labels: Record<string, string>; fingerprint: string }[];
    expect(got).toHaveLength(3);
    for (const a of got) expect(a.fingerprint).toBe(fingerprint(a.labels));
  });
});
