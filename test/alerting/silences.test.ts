import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMatchers } from '../../src/main/alerting/matchers';
import { DEFAULT_RETENTION_MS, SilenceError, SilenceStore } from '../../src/main/alerting/silences';

const H = 3600_000;
let dir: string;
let now: number;
let logs: string[];

const open = () => new SilenceStore({ dir, now: () => now, logger: (_l, m) => logs.push(m) });
const input = (matchers: string, startsAt: number, endsAt: number, extra: { id?: string; comment?: string } = {}) => ({
  matchers: parseMatchers(matchers),
  startsAt,
  endsAt,
  createdBy: 'me',
  comment: extra.comment ?? 'c',
  ...(extra.id ? { id: extra.id } : {}),
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-silences-'));
  now = Date.UTC(2025, 0, 1, 12);
  logs = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SilenceStore', () => {
  it('creates silences with UUIDs, starts in the past moved to now, and reports states', () => {
    const s = open();
    const a = s.set(input('alertname="A"', now - H, now + H));
    const b = s.set(input('alertname="B"', now + H, now + 2 * H));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(s.get(a)!.startsAt).toBe(now);
    expect(s.list().map((x) => [x.silence.id, x.state])).toEqual([
      [a, 'active'],
      [b, 'pending'],
    ]);
    now += 1.5 * H;
    expect(s.list().map((x) => x.state)).toEqual(['active', 'expired']);
    expect(s.list({ states: ['expired'] }).map((x) => x.silence.id)).toEqual([a]);
  });

  it('mutes label sets with active silences only', () => {
    const s = open();
    const a = s.set(input('alertname="A", sev=~"crit|warn"', now, now + H));
    s.set(input('alertname="A"', now + H, now + 2 * H));
    expect(s.mutes({ alertname: 'A', sev: 'crit' })).toEqual([a]);
    expect(s.mutes({ alertname: 'A', sev: 'info' })).toEqual([]);
    expect(s.pendingFor({ alertname: 'A', sev: 'info' })).toHaveLength(1);
  });

  it("updates in place when history allows, else expires the old silence and creates a new one", () => {
    const s = open();
    const a = s.set(input('x="1"', now, now + H));
    // Active: extending the end keeps the id.
    expect(s.set(input('x="1"', now, now + 2 * H, { id: a, comment: 'longer' }))).toBe(a);
    expect(s.get(a)).toMatchObject({ endsAt: now + 2 * H, comment: 'longer' });
    // Active: changing the matchers expires it and creates another.
    now += 60_000;
    const b = s.set(input('x="2"', now, now + H, { id: a }));
    expect(b).not.toBe(a);
    expect(s.get(a)!.endsAt).toBe(now);
    now += 1;
    expect(s.state(s.get(a)!)).toBe('expired');
    // Active: moving the start also replaces it.
    const c = s.set(input('x="2"', now + H / 2, now + H, { id: b }));
    expect(c).not.toBe(b);
    now += 1;
    expect(s.state(s.get(b)!)).toBe('expired');
    expect(s.state(s.get(c)!)).toBe('pending');
    // Pending: moving the start later keeps the id.
    expect(s.set(input('x="2"', now + H / 4, now + H, { id: c }))).toBe(c);
    // Expired: any change creates a new silence.
    const d = s.set(input('x="1"', now, now + H, { id: a }));
    expect(d).not.toBe(a);
  });

  it('validates with clear errors', () => {
    const s = open();
    const bad = (i: ReturnType<typeof input>, re: RegExp, kind: 'invalid' | 'not_found' = 'invalid') => {
      try {
        s.set(i);
      } catch (e) {
        expect(e).toBeInstanceOf(SilenceError);
        expect((e as SilenceError).kind).toBe(kind);
        expect((e as Error).message).toMatch(re);
        return;
      }
      throw new Error('accepted');
    };
    bad(input('x=""', now, now + H), /at least one matcher must not match the empty string/);
    bad(input('x=~".*", y=~"a|"', now, now + H), /at least one matcher must not match the empty string/);
    // As Alertmanager, a negative matcher alone does not count as matching the empty string.
    expect(s.set(input('y!="a"', now, now + H))).toMatch(/-/);
    bad(input('x="1"', now + H, now), /start time must be before end time/);
    bad(input('x="1"', now - 2 * H, now - H), /end time can't be in the past/);
    bad({ ...input('x="1"', now, now + H), matchers: [{ name: 'a-b', type: '=', value: 'v' }] }, /invalid label matcher 0: invalid label name "a-b"/);
    bad({ ...input('x="1"', now, now + H), matchers: [{ name: 'a', type: '=', value: 'v' }, { name: 'b', type: '=~', value: '(' }] }, /invalid label matcher 1: invalid regular expression "\("/);
    bad({ ...input('x="1"', now, now + H), matchers: [] }, /at least one matcher required/);
    bad(input('x="1"', now, now + H, { id: '00000000-0000-4000-8000-000000000000' }), /silence not found/, 'not_found');
    expect(s.size).toBe(1);
  });

  it('an invalid update leaves the old silence untouched', () => {
    const s = open();
    const a = s.set(input('x="1"', now, now + H));
    expect(() => s.set({ ...input('x="1"', now, now + H, { id: a }), matchers: [{ name: 'x', type: '=', value: '' }] })).toThrow(SilenceError);
    expect(s.state(s.get(a)!)).toBe('active');
  });

  it('expires silences (idempotent) and filters by matchers as the API does', () => {
    const s = open();
    const a = s.set(input('x="1", y=~"a|b"', now + H, now + 2 * H));
    s.expire(a);
    expect(s.get(a)).toMatchObject({ startsAt: now, endsAt: now });
    expect(s.state(s.get(a)!)).toBe('active');
    now += 1;
    expect(s.state(s.get(a)!)).toBe('expired');
    s.expire(a);
    expect(() => s.expire('nope')).toThrow(/silence not found/);
    const b = s.set(input('x="1"', now, now + H));
    expect(s.list({ filter: parseMatchers('x="1"') }).map((x) => x.silence.id)).toEqual([b, a]);
    expect(s.list({ filter: parseMatchers('y=~"a|b"') }).map((x) => x.silence.id)).toEqual([a]);
    expect(s.list({ filter: parseMatchers('y="a"') })).toEqual([]);
    expect(s.list({ matchesLabels: { x: '1' } }).map((x) => x.silence.id)).toEqual([b]);
  });

  it('keeps expired silences for 120h, then drops them (also from the file)', () => {
    const s = open();
    const a = s.set(input('x="1"', now, now + H));
    now += H + DEFAULT_RETENTION_MS - 1;
    expect(s.get(a)).toBeDefined();
    now += 1;
    expect(s.get(a)).toBeUndefined();
    expect(s.gc()).toBe(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'silences.json'), 'utf8')).silences).toEqual([]);
  });

  it('persists atomically and reloads', () => {
    fs.writeFileSync(path.join(dir, 'silences.json.tmp-99999'), '{"half": ');
    const s = open();
    const a = s.set(input('x="1"', now, now + H, { comment: 'persist me' }));
    expect(fs.readdirSync(dir)).toEqual(['silences.json']);
    const again = open();
    expect(again.get(a)).toEqual(s.get(a));
    expect(again.mutes({ x: '1' })).toEqual([a]);
  });

  it('moves a corrupt file aside, logs its name and starts empty', () => {
    fs.writeFileSync(path.join(dir, 'silences.json'), '{"version": 1, "silences": [{"id": 3}]');
    const s = open();
    expect(s.size).toBe(0);
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith('silences.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(logs.join('\n')).toContain(path.join(dir, aside[0]!));
    expect(logs.join('\n')).toContain(path.join(dir, 'silences.json'));
    // The store works afterwards and writes a fresh file.
    s.set(input('x="1"', now, now + H));
    expect(open().size).toBe(1);
  });

  it('rejects a snapshot with a bad entry by name', () => {
    fs.writeFileSync(path.join(dir, 'silences.json'), JSON.stringify({ version: 1, silences: [{ id: 'a', createdBy: '', comment: '', startsAt: 1, endsAt: 'x', updatedAt: 1, matchers: [] }] }));
    open();
    expect(logs.join('\n')).toContain('silences[0].endsAt');
  });

  it('calls change listeners and bumps the version', () => {
    const s = new SilenceStore({ dir: null, now: () => now });
    let n = 0;
    s.onChange(() => n++);
    const v = s.version;
    const a = s.set(input('x="1"', now, now + H));
    s.expire(a);
    expect(n).toBe(2);
    expect(s.version).toBe(v + 2);
  });
});
