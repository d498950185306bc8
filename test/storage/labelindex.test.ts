import { describe, expect, it } from 'vitest';
import { labelsCompare, labelsFromRecord, labelsGet, type Labels } from '../../src/common/model/labels';
import { Matcher, type MatchType } from '../../src/common/model/matcher';
import { SeriesIndex, intersect, union } from '../../src/main/storage/labelindex';
import { Rng } from './helpers';

function brute(all: Map<number, Labels>, ms: readonly Matcher[]): number[] {
  const out: number[] = [];
  for (const [ref, ls] of all) if (ms.every((m) => m.matches(labelsGet(ls, m.name)))) out.push(ref);
  return out.sort((a, b) => a - b);
}

describe('SeriesIndex', () => {
  const idx = new SeriesIndex();
  const all = new Map<number, Labels>();
  const rng = new Rng(11);
  const jobs = ['api', 'db', 'web', 'node'];
  let ref = 1;
  for (let i = 0; i < 2000; i++) {
    const rec: Record<string, string> = { __name__: rng.pick(['up', 'http_requests_total', 'cpu_seconds', 'mem']), job: rng.pick(jobs), instance: `host-${rng.int(50)}:9100` };
    if (rng.next() < 0.5) rec.env = rng.pick(['prod', 'dev', 'staging']);
    if (rng.next() < 0.3) rec.code = rng.pick(['200', '404', '500', '']);
    const ls = labelsFromRecord(rec);
    if (idx.lookup(ls) !== 0) continue;
    idx.add(ref, ls);
    all.set(ref, ls);
    ref++;
  }

  it('finds series by label set and rejects unknown ones', () => {
    for (const [r, ls] of all) expect(idx.lookup(ls)).toBe(r);
    expect(idx.lookup(labelsFromRecord({ __name__: 'nope' }))).toBe(0);
    expect(idx.labels(1)).toEqual(all.get(1));
  });

  it('selects exactly what brute force selects for =, !=, =~, !~, including empty-value semantics', () => {
    const cases: [MatchType, string, string][][] = [
      [['=', 'job', 'api']],
      [['=', 'job', 'api'], ['=', '__name__', 'up']],
      [['!=', 'job', 'api']],
      [['=~', 'job', 'api|db']],
      [['=~', 'instance', 'host-1.*']],
      [['!~', 'instance', 'host-1.*'], ['=', '__name__', 'mem']],
      [['=', 'env', '']], // series lacking env
      [['!=', 'env', '']], // series having env
      [['=~', 'env', 'prod|']], // env=prod or no env
      [['!~', 'env', '.+']], // no env
      [['=~', 'env', '.*']], // everything
      [['!=', 'env', 'prod'], ['=', 'job', 'web']], // includes series without env
      [['=', 'code', ''], ['=~', 'env', 'dev|staging']],
      [['=', 'nosuchlabel', '']], // everything
      [['=', 'nosuchlabel', 'x']], // nothing
      [['=~', 'job', 'nomatch.*']],
      [['!~', 'job', '.*']], // nothing
      [['=', '__name__', 'up'], ['!~', 'job', 'api|db'], ['=~', 'instance', '.*-[0-9]:.*']],
    ];
    for (const c of cases) {
      const ms = c.map(([t, n, v]) => new Matcher(t, n, v));
      expect(idx.select(ms), ms.join(',')).toEqual(brute(all, ms));
    }
  });

  it('returns label names and values, optionally restricted to a set of series', () => {
    expect(idx.labelValues('job', null)).toEqual([...jobs].sort());
    const refs = idx.select([new Matcher('=', 'job', 'db')]);
    expect(idx.labelValues('job', refs)).toEqual(['db']);
    expect(idx.labelNames(null)).toContain('instance');
    const envNames = idx.labelNames(idx.select([new Matcher('!=', 'env', '')]));
    expect(envNames).toContain('env');
  });

  it('sorts refs by label set like labels.Compare, through the cached rank and directly', () => {
    const cmp = (a: number, b: number): number => labelsCompare(all.get(a)!, all.get(b)!);
    const big = idx.select([new Matcher('=~', 'job', 'api|db')]);
    expect(big.length).toBeGreaterThan(256);
    const expected = [...big].sort(cmp);
    idx.sortByLabels(big); // builds the rank
    expect(big).toEqual(expected);
    const small = idx.select([new Matcher('=', 'job', 'node'), new Matcher('=', 'env', 'prod')]);
    const expSmall = [...small].sort(cmp);
    idx.sortByLabels(small.reverse()); // rank cached
    expect(small).toEqual(expSmall);
    // A new series invalidates the rank; small selections sort directly, large ones rebuild it.
    const extra = labelsFromRecord({ __name__: 'up', job: 'api', instance: 'aaa' });
    idx.add(ref, extra);
    all.set(ref, extra);
    ref++;
    const again = idx.select([new Matcher('=~', 'job', 'api|db')]);
    idx.sortByLabels(again);
    expect(again).toEqual([...again].sort(cmp));
    expect(again).toContain(ref - 1);
  });

  it('drops removed series from selections and look-ups', () => {
    const victim = idx.select([new Matcher('=', 'job', 'web')]);
    for (const r of victim) idx.remove(r);
    expect(idx.select([new Matcher('=', 'job', 'web')])).toEqual([]);
    expect(idx.lookup(all.get(victim[0]!)!)).toBe(0);
    expect(idx.labelValues('job', null)).not.toContain('web');
    for (const r of victim) all.delete(r);
    const ms = [new Matcher('!=', 'env', 'prod')];
    expect(idx.select(ms)).toEqual(brute(all, ms));
  });
});

describe('posting list operations', () => {
  it('intersects and unions sorted lists', () => {
    expect(intersect([1, 3, 5, 7], [3, 4, 5])).toEqual([3, 5]);
    const long = Array.from({ length: 1000 }, (_, i) => i * 2);
    expect(intersect([4, 5, 1998, 2001], long)).toEqual([4, 1998]);
    expect(union([[1, 5], [2, 5, 9], []])).toEqual([1, 2, 5, 9]);
  });
});
