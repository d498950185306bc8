import { describe, expect, it } from 'vitest';
import type { AmAlert, AmSilence } from '../../src/common/api/alerting';
import {
  bucketSilences,
  filterSilences,
  describeSpan,
  endOf,
  formatMatchers,
  formFromSilence,
  fromAmMatchers,
  fromLocalInput,
  hasErrors,
  newForm,
  parseMatchers,
  previewAlerts,
  rowsFromLabels,
  toLocalInput,
  toParams,
  validateForm,
  type MatcherRow,
} from '../../src/renderer/pages/silences/model';

function alert(labels: Record<string, string>): AmAlert {
  return { labels, annotations: {}, startsAt: '2026-12-03T10:00:00Z', endsAt: '2026-12-03T12:00:00Z', updatedAt: '', fingerprint: Object.values(labels).join('-'), receivers: [], status: { state: 'active', silencedBy: [], inhibitedBy: [] } };
}

function silence(id: string, state: AmSilence['status']['state'], startsAt: string, endsAt: string): AmSilence {
  return { id, matchers: [{ name: 'alertname', value: 'X', isRegex: false, isEqual: true }], startsAt, endsAt, updatedAt: startsAt, createdBy: 'me', comment: 'c', status: { state } };
}

describe('matcher syntax', () => {
  it('reads braces, the four operators, quoted and bare names and values, and Go escapes', () => {
    expect(parseMatchers('{alertname="Disk Full", severity=~"crit.*", env!="dev", team!~"a|b"}')).toEqual([
      { name: 'alertname', op: '=', value: 'Disk Full' },
      { name: 'severity', op: '=~', value: 'crit.*' },
      { name: 'env', op: '!=', value: 'dev' },
      { name: 'team', op: '!~', value: 'a|b' },
    ]);
    expect(parseMatchers('alertname=Foo, job = node ')).toEqual([
      { name: 'alertname', op: '=', value: 'Foo' },
      { name: 'job', op: '=', value: 'node' },
    ]);
    expect(parseMatchers('{"a b"="x\\"y\\n"}')).toEqual([{ name: 'a b', op: '=', value: 'x"y\n' }]);
    // Only \n, \" and \\ are escapes; any other backslash stays (Alertmanager's reading).
    expect(parseMatchers('{a="\\t\\\\"}')).toEqual([{ name: 'a', op: '=', value: '\\t\\' }]);
    expect(parseMatchers('{}')).toEqual([]);
    expect(parseMatchers('')).toEqual([]);
  });

  it('names the column of a malformed list', () => {
    // Braces are optional at either end, as Alertmanager trims each.
    expect(parseMatchers('{a="x"')).toEqual([{ name: 'a', op: '=', value: 'x' }]);
    expect(parseMatchers('a=x}')).toEqual([{ name: 'a', op: '=', value: 'x' }]);
    expect(() => parseMatchers('{a "x"}')).toThrow(/column 4: expected an operator/);
    expect(() => parseMatchers('{a="x}')).toThrow(/column 4: unterminated quoted string/);
    expect(() => parseMatchers('{="x"}')).toThrow(/column 2: expected a label name/);
    expect(() => parseMatchers('{a="x" b="y"}')).toThrow(/column 8: expected ","/);
  });

  it('round-trips rows through the text the route takes', () => {
    const rows: MatcherRow[] = [
      { name: 'alertname', op: '=', value: 'He said "hi"\\' },
      { name: 'severity', op: '=~', value: 'warn|crit' },
      { name: 'odd name', op: '!=', value: '' },
      { name: 'x', op: '!~', value: 'ab\nc' },
      { name: 't', op: '=', value: 'tab\there' },
    ];
    const text = formatMatchers(rows);
    expect(text).toBe('{alertname="He said \\"hi\\"\\\\", severity=~"warn|crit", "odd name"!="", x!~"ab\\nc", t="tab\there"}');
    expect(parseMatchers(text)).toEqual(rows);
  });

  it('turns v2 matchers and alert labels into rows', () => {
    expect(
      fromAmMatchers([
        { name: 'a', value: '1', isRegex: false, isEqual: true },
        { name: 'b', value: '2', isRegex: true },
        { name: 'c', value: '3', isRegex: false, isEqual: false },
        { name: 'd', value: '4', isRegex: true, isEqual: false },
      ]).map((r) => r.op),
    ).toEqual(['=', '=~', '!=', '!~']);
    expect(rowsFromLabels({ severity: 'page', alertname: 'A', cluster: 'c1' }).map((r) => r.name)).toEqual(['alertname', 'cluster', 'severity']);
  });
});

describe('silence form', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const ok = { ...newForm(now, [{ name: 'alertname', op: '=', value: 'A' }], 'me'), comment: 'maintenance' };

  it('accepts a complete form and builds the route parameters', () => {
    expect(validateForm(ok)).toEqual({});
    expect(toParams(ok)).toEqual({ matchers: '{alertname="A"}', startsAt: '2026-12-03T12:00:00.000Z', duration: '2h', createdBy: 'me', comment: 'maintenance' });
    const end = { ...ok, endMode: 'end' as const, endsAt: now + 60_000, id: 'abc' };
    expect(toParams(end)).toEqual({ matchers: '{alertname="A"}', startsAt: '2026-12-03T12:00:00.000Z', endsAt: '2026-12-03T12:01:00.000Z', createdBy: 'me', comment: 'maintenance', id: 'abc' });
  });

  it('refuses what Alertmanager refuses, field by field', () => {
    expect(validateForm({ ...ok, rows: [] }).matchers).toMatch(/at least one matcher/);
    expect(validateForm({ ...ok, rows: [{ name: 'a', op: '=~', value: '.*' }, { name: 'b', op: '!=', value: 'x' }] }).matchers).toMatch(/must not match the empty string/);
    const bad = validateForm({ ...ok, rows: [{ name: '', op: '=', value: 'x' }, { name: 'r', op: '=~', value: '(' }, { name: 'ok', op: '=', value: 'y' }] });
    expect(bad.rows?.[0]).toMatch(/label name is empty/);
    expect(bad.rows?.[1]).toMatch(/invalid regular expression/);
    expect(bad.rows?.[2]).toBeNull();
    expect(validateForm({ ...ok, duration: '2 hours' }).duration).toMatch(/not a duration/);
    expect(validateForm({ ...ok, duration: '0s' }).duration).toMatch(/more than 0/);
    expect(validateForm({ ...ok, endMode: 'end', endsAt: now - 1 }).endsAt).toMatch(/after the start/);
    expect(validateForm({ ...ok, endMode: 'end', endsAt: NaN }).endsAt).toMatch(/not a valid time/);
    expect(validateForm({ ...ok, startsAt: NaN }).startsAt).toMatch(/not a valid time/);
    const who = validateForm({ ...ok, createdBy: ' ', comment: '' });
    expect(Object.keys(who).sort()).toEqual(['comment', 'createdBy']);
    expect(hasErrors(who)).toBe(true);
    expect(hasErrors(validateForm(ok))).toBe(false);
  });

  it('ends a duration after the start, or after now once the start has passed', () => {
    expect(endOf(ok, now - 1000)).toBe(now + 2 * 3_600_000);
    expect(endOf(ok, now + 60_000)).toBe(now + 60_000 + 2 * 3_600_000);
    expect(endOf({ ...ok, duration: 'soon' }, now)).toBeNull();
    expect(endOf({ ...ok, endMode: 'end', endsAt: now + 5 }, now + 1e9)).toBe(now + 5);
  });

  it('edits an open silence keeping its end, and re-creates an expired one from now', () => {
    const open = silence('s1', 'active', '2026-12-03T11:00:00Z', '2026-12-03T14:00:00Z');
    const f = formFromSilence(open, now);
    expect(f).toMatchObject({ id: 's1', endMode: 'end', startsAt: Date.parse(open.startsAt), endsAt: Date.parse(open.endsAt), duration: '3h', createdBy: 'me', comment: 'c' });
    const old = formFromSilence(silence('s2', 'expired', '2026-12-01T10:00:00Z', '2026-12-01T10:30:00Z'), now);
    expect(old.id).toBeUndefined();
    expect(old).toMatchObject({ startsAt: now, endMode: 'duration', duration: '30m' });
    expect(toParams(old).id).toBeUndefined();
  });

  it('says how long until or since a time', () => {
    expect(describeSpan(now + 90_000, now)).toBe('in 1m30s');
    expect(describeSpan(now - 3_000, now)).toBe('3s ago');
    // Over ten minutes, to the minute.
    expect(describeSpan(now - (49 * 60_000 + 59_000), now)).toBe('50m ago');
    expect(describeSpan(now + 2 * 3_600_000 + 61_000, now)).toBe('in 2h1m');
    expect(describeSpan(now, now)).toBe('in 0s');
  });

  it('datetime-local values round-trip to the minute', () => {
    const t = Date.parse('2026-07-04T09:05:00Z');
    expect(fromLocalInput(toLocalInput(t))).toBe(t);
    expect(toLocalInput(t)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput('yesterday')).toBeNaN();
  });
});

describe('preview and lists', () => {
  const alerts = [alert({ alertname: 'A', severity: 'critical', cluster: 'c1' }), alert({ alertname: 'A', severity: 'warning', cluster: 'c2' }), alert({ alertname: 'B', cluster: 'c1' })];

  it('lists the alerts the matchers would mute, with an absent label as empty', () => {
    const names = (rows: MatcherRow[]): string[] => previewAlerts(rows, alerts).map((a) => a.fingerprint);
    expect(names([{ name: 'alertname', op: '=', value: 'A' }])).toEqual(['A-critical-c1', 'A-warning-c2']);
    expect(names([{ name: 'severity', op: '=~', value: 'crit.*' }])).toEqual(['A-critical-c1']);
    // Anchored: "crit" alone does not match "critical".
    expect(names([{ name: 'severity', op: '=~', value: 'crit' }])).toEqual([]);
    expect(names([{ name: 'severity', op: '!=', value: 'warning' }, { name: 'cluster', op: '=', value: 'c1' }])).toEqual(['A-critical-c1', 'B-c1']);
    expect(names([{ name: 'severity', op: '!~', value: '.+' }])).toEqual(['B-c1']);
    expect(names([{ name: 'x', op: '=~', value: '(' }])).toEqual([]);
    expect(names([])).toEqual([]);
  });

  it('filters silences by text or by the labels of an alert they would mute', () => {
    const a = { ...silence('aaa1', 'active', '2026-12-03T10:00:00Z', '2026-12-03T15:00:00Z'), comment: 'Disk resize', createdBy: 'ana' };
    const b = { ...silence('bbb2', 'active', '2026-12-03T10:00:00Z', '2026-12-03T15:00:00Z'), matchers: [{ name: 'severity', value: 'warn.*', isRegex: true }], createdBy: 'bo' };
    const ids = (text: string): string[] => filterSilences([a, b], text).map((s) => s.id);
    expect(ids('')).toEqual(['aaa1', 'bbb2']);
    expect(ids('RESIZE')).toEqual(['aaa1']);
    expect(ids('bo')).toEqual(['bbb2']);
    expect(ids('warn.*')).toEqual(['bbb2']);
    expect(ids('bbb')).toEqual(['bbb2']);
    expect(ids('severity="warning"')).toEqual(['bbb2']);
    expect(ids('alertname="X", severity="warning"')).toEqual(['aaa1', 'bbb2']);
    expect(ids('alertname="Y"')).toEqual([]);
  });

  it('sorts silences into active, pending and expired', () => {
    const b = bucketSilences([
      silence('a2', 'active', '2026-12-03T10:00:00Z', '2026-12-03T15:00:00Z'),
      silence('e1', 'expired', '2026-12-01T10:00:00Z', '2026-12-01T11:00:00Z'),
      silence('a1', 'active', '2026-12-03T10:00:00Z', '2026-12-03T13:00:00Z'),
      silence('p1', 'pending', '2026-12-04T10:00:00Z', '2026-12-04T11:00:00Z'),
      silence('e2', 'expired', '2026-12-02T10:00:00Z', '2026-12-02T11:00:00Z'),
    ]);
    expect(b.active.map((s) => s.id)).toEqual(['a1', 'a2']);
    expect(b.pending.map((s) => s.id)).toEqual(['p1']);
    expect(b.expired.map((s) => s.id)).toEqual(['e2', 'e1']);
  });
});
