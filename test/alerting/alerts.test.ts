/**
 * The alert store and marker: fingerprints (checked against a BigInt FNV-1a reference; the peer
 * test checks them against Alertmanager's), Alertmanager's merge rules, the API's defaults for
 * startsAt/endsAt (resolve_timeout), validation, GC of resolved alerts, subscribers, the marker.
 */
import { describe, expect, it } from 'vitest';
import { AlertStore, Marker, compareAlerts, fingerprint, mergeAlerts, resolvedAt } from '../../src/main/alerting/alerts';
import { Alerting, validateAlert } from '../../src/main/alerting/alerting';
import { goTime, notificationData, quoteMeta } from '../../src/main/alerting/data';
import type { Alert } from '../../src/main/alerting/types';
import { Capture, FakeClock, loadTestConfig } from './core-helpers';

function refFingerprint(l: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const add = (b: Uint8Array) => {
    for (const x of b) h = ((h ^ BigInt(x)) * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  const enc = new TextEncoder();
  for (const n of Object.keys(l).sort()) {
    add(enc.encode(n));
    add(new Uint8Array([255]));
    add(enc.encode(l[n]!));
    add(new Uint8Array([255]));
  }
  return h.toString(16).padStart(16, '0');
}

const A = (o: Partial<Alert>): Alert => ({ labels: { alertname: 'A' }, annotations: {}, startsAt: 0, endsAt: 0, generatorURL: '', updatedAt: 0, timeout: false, ...o });

describe('fingerprint', () => {
  it('is FNV-1a 64 over the sorted names and values with 0xff separators', () => {
    const sets: Record<string, string>[] = [{}, { a: 'b' }, { alertname: 'X', job: 'é', zz: '1', instance: 'h:9100' }, { b: '2', a: '1' }, { '': '' }];
    for (const l of sets) expect(fingerprint(l)).toBe(refFingerprint(l));
    expect(fingerprint({})).toBe('cbf29ce484222325');
    expect(fingerprint({ a: 'b', c: 'd' })).toBe(fingerprint({ c: 'd', a: 'b' }));
    expect(fingerprint({ a: 'bc' })).not.toBe(fingerprint({ ab: 'c' }));
  });
});

describe('merge (types.Alert.Merge)', () => {
  const now = 10_000;
  it('keeps the earliest start and the newer alert\'s annotations', () => {
    const old = A({ startsAt: 1000, endsAt: 20_000, updatedAt: 5000, annotations: { v: 'old' } });
    const nu = A({ startsAt: 3000, endsAt: 30_000, updatedAt: 9000, annotations: { v: 'new' } });
    expect(mergeAlerts(old, nu, now)).toMatchObject({ startsAt: 1000, endsAt: 30_000, annotations: { v: 'new' } });
    // Argument order does not matter: the younger by updatedAt wins.
    expect(mergeAlerts(nu, old, now)).toMatchObject({ startsAt: 1000, endsAt: 30_000, annotations: { v: 'new' } });
  });
  it('a later explicit end of the older alert rules over a timeout end, not over an explicit one', () => {
    const old = A({ startsAt: 1000, endsAt: 50_000, updatedAt: 5000 });
    expect(mergeAlerts(old, A({ startsAt: 1000, endsAt: 30_000, updatedAt: 9000, timeout: true }), now).endsAt).toBe(50_000);
    const oldTimeout = A({ startsAt: 1000, endsAt: 50_000, updatedAt: 5000, timeout: true });
    expect(mergeAlerts(oldTimeout, A({ startsAt: 1000, endsAt: 30_000, updatedAt: 9000 }), now).endsAt).toBe(30_000);
  });
  it('of two resolved alerts the latest end wins', () => {
    const old = A({ startsAt: 1000, endsAt: 9000, updatedAt: 5000 });
    expect(mergeAlerts(old, A({ startsAt: 1000, endsAt: 8000, updatedAt: 9000 }), now).endsAt).toBe(9000);
  });
});

describe('AlertStore', () => {
  it('merges only overlapping activity ranges, tells subscribers, and GC drops resolved alerts and their marks', () => {
    const clock = new FakeClock(100_000);
    const marker = new Marker();
    const store = new AlertStore({ clock, marker, gcIntervalMs: 0 });
    const heard: string[] = [];
    store.put([A({ labels: { alertname: 'early' }, startsAt: 1, endsAt: 200_000, updatedAt: 100_000 })]);
    const unsub = store.subscribe((a) => heard.push(`${a.labels.alertname}:${a.startsAt}`));
    expect(heard).toEqual(['early:1']);
    // Overlapping: the start stays the earliest.
    store.put([A({ labels: { alertname: 'early' }, startsAt: 50_000, endsAt: 300_000, updatedAt: 100_001 })]);
    expect(store.get(fingerprint({ alertname: 'early' }))!.startsAt).toBe(1);
    // Not overlapping (starts after the old one ended): replaced.
    store.put([A({ labels: { alertname: 'r' }, startsAt: 10, endsAt: 20, updatedAt: 100_000 })]);
    store.put([A({ labels: { alertname: 'r' }, startsAt: 500_000, endsAt: 600_000, updatedAt: 100_002 })]);
    expect(store.get(fingerprint({ alertname: 'r' }))!.startsAt).toBe(500_000);
    unsub();
    store.put([A({ labels: { alertname: 'quiet' }, startsAt: 1, endsAt: 50, updatedAt: 100_000 })]);
    expect(heard).toEqual(['early:1', 'early:1', 'r:10', 'r:500000']);
    marker.setSilenced(fingerprint({ alertname: 'quiet' }), ['s1']);
    expect(store.size).toBe(3);
    const dropped = store.gc();
    expect(dropped.map((a) => a.labels.alertname)).toEqual(['quiet']);
    expect(marker.status(fingerprint({ alertname: 'quiet' })).state).toBe('unprocessed');
    expect(store.firingCount()).toBe(2);
    store.stop();
  });

  it('runs GC on its interval', async () => {
    const clock = new FakeClock(100_000);
    const store = new AlertStore({ clock, marker: new Marker(), gcIntervalMs: 60_000 });
    store.put([A({ startsAt: 1, endsAt: 110_000, updatedAt: 100_000 })]);
    await clock.advance(59_000);
    expect(store.size).toBe(1);
    await clock.advance(1000);
    expect(store.size).toBe(0);
    store.stop();
  });

  it('sorts alerts by job, then instance, then labels (types.AlertSlice)', () => {
    const xs = [A({ labels: { alertname: 'z' } }), A({ labels: { alertname: 'a', instance: 'b' } }), A({ labels: { alertname: 'a', job: 'j', instance: 'z' } }), A({ labels: { alertname: 'b', job: 'j', instance: 'a' } }), A({ labels: { alertname: 'a', instance: 'a' } })];
    expect(xs.sort(compareAlerts).map((a) => JSON.stringify(a.labels))).toEqual([
      '{"alertname":"b","job":"j","instance":"a"}',
      '{"alertname":"a","job":"j","instance":"z"}',
      '{"alertname":"a","instance":"a"}',
      '{"alertname":"a","instance":"b"}',
      '{"alertname":"z"}',
    ]);
  });
});

describe('receiving alerts as the v2 API does', () => {
  it('sets startsAt and resolve_timeout ends, drops empty labels, validates, counts', async () => {
    const clock = new FakeClock(1_000_000);
    const cap = new Capture(clock);
    const am = new Alerting({ dataDir: null, clock, externalURL: '' });
    am.applyConfig(loadTestConfig('global: {resolve_timeout: 1m}\nroute: {receiver: r}\nreceivers: [{name: r}]\n', cap, clock));
    const errs = am.put([
      { labels: { alertname: 'NoTimes', empty: '' }, annotations: {}, startsAt: 0, endsAt: 0, generatorURL: '' },
      { labels: { alertname: 'EndOnly' }, annotations: {}, startsAt: 0, endsAt: 900_000, generatorURL: '' },
      { labels: {}, annotations: {}, startsAt: 0, endsAt: 0, generatorURL: '' },
      { labels: { alertname: 'Backwards' }, annotations: {}, startsAt: 2_000_000, endsAt: 1_500_000, generatorURL: '' },
    ]);
    expect(errs).toEqual(['at least one label pair required', 'start time must be before end time']);
    const nt = am.store.get(fingerprint({ alertname: 'NoTimes' }))!;
    expect(nt).toMatchObject({ labels: { alertname: 'NoTimes' }, startsAt: 1_000_000, endsAt: 1_060_000, timeout: true, updatedAt: 1_000_000 });
    expect(am.store.get(fingerprint({ alertname: 'EndOnly' }))).toMatchObject({ startsAt: 900_000, endsAt: 900_000, timeout: false });
    expect(am.received).toEqual({ firing: 3, resolved: 1, invalid: 2 });
    expect(am.selfMetrics()).toMatch(/^alertmanager_alerts_received_total\{status="firing"\} 3$/m);
    // The rule engine's alerts (Labels lists) arrive through receive().
    am.receive([{ labels: [{ name: 'alertname', value: 'FromRules' }] as any, annotations: [] as any, startsAt: 990_000, endsAt: 1_100_000, generatorURL: 'http://x/graph' }]);
    expect(am.store.get(fingerprint({ alertname: 'FromRules' }))).toMatchObject({ startsAt: 990_000, endsAt: 1_100_000, generatorURL: 'http://x/graph' });
    await am.stop();
    expect(validateAlert(A({ labels: { '0bad': 'x' }, startsAt: 1 }))).toMatch(/invalid name "0bad"/);
    expect(resolvedAt(A({ endsAt: 5 }), 5)).toBe(true);
    expect(resolvedAt(A({ endsAt: 0 }), 5)).toBe(false);
  });

  it('onChange reports the firing (unsuppressed) count as it changes', async () => {
    const clock = new FakeClock(1_000_000);
    const cap = new Capture(clock);
    const am = new Alerting({ dataDir: null, clock, externalURL: '', changeCheckMs: 1000 });
    am.applyConfig(loadTestConfig('route: {receiver: r}\nreceivers: [{name: r}]\n', cap, clock));
    const seen: number[] = [];
    am.onChange((n) => seen.push(n));
    am.put([{ labels: { alertname: 'X' }, annotations: {}, startsAt: 0, endsAt: 1_010_000, generatorURL: '' }]);
    am.put([{ labels: { alertname: 'Y' }, annotations: {}, startsAt: 0, endsAt: 1_020_000, generatorURL: '' }]);
    am.silences.set({ matchers: [{ name: 'alertname', type: '=', value: 'Y' }], startsAt: clock.now(), endsAt: clock.now() + 5000, createdBy: 't', comment: '' });
    await clock.advance(1000);
    expect(seen).toEqual([1, 2, 1]); // Y silenced
    await clock.advance(5000);
    expect(seen).toEqual([1, 2, 1, 2]); // the silence ended
    await clock.advance(5000);
    expect(seen).toEqual([1, 2, 1, 2, 1]); // X resolved by time
    await clock.advance(10_000);
    expect(seen).toEqual([1, 2, 1, 2, 1, 0]);
    await am.stop();
  });
});

describe('notification data', () => {
  it('quotes the receiver as regexp.QuoteMeta, renders Go times, and finds common labels', () => {
    expect(quoteMeta('a.b+c[d]{e}(f)|g^h$i*j?k\\')).toBe('a\\.b\\+c\\[d\\]\\{e\\}\\(f\\)\\|g\\^h\\$i\\*j\\?k\\\\');
    expect(goTime(0)).toBe('0001-01-01T00:00:00Z');
    expect(goTime(Date.UTC(2026, 0, 1, 0, 0, 0, 120))).toBe('2026-01-01T00:00:00.12Z');
    expect(goTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00Z');
    const d = notificationData({ receiver: 'r', groupLabels: { a: '1' }, externalURL: 'u', groupKey: 'k', now: 100 }, [A({ labels: { a: '1', b: '2' }, annotations: { s: 'x' }, endsAt: 50 }), A({ labels: { a: '1', b: '3' }, annotations: { s: 'x' } })]);
    expect(d.status).toBe('firing');
    expect(d.alerts.map((a) => a.status)).toEqual(['resolved', 'firing']);
    expect(d.commonLabels).toEqual({ a: '1' });
    expect(d.commonAnnotations).toEqual({ s: 'x' });
  });
});
