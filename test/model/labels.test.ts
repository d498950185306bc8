import { describe, expect, it } from 'vitest';
import {
  LabelsBuilder,
  labelsCompare,
  labelsEqual,
  labelsFromRecord,
  labelsFromStrings,
  labelsGet,
  labelsKey,
  labelsSet,
  labelsToString,
  labelsWithout,
} from '../../src/common/model/labels';

describe('labels', () => {
  it('sorts by name and drops empty values', () => {
    const ls = labelsFromRecord({ job: 'a', __name__: 'up', instance: '', zone: 'z' });
    expect(ls.map((l) => l.name)).toEqual(['__name__', 'job', 'zone']);
    expect(labelsGet(ls, 'job')).toBe('a');
    expect(labelsGet(ls, 'instance')).toBe('');
  });

  it('gives equal keys exactly for equal sets', () => {
    const a = labelsFromStrings('a', '1', 'b', '2');
    const b = labelsFromRecord({ b: '2', a: '1' });
    const c = labelsFromStrings('a', '1', 'b', '3');
    // Keys must not collide when a separator-like character appears in a value.
    const d = labelsFromStrings('a', '1\xffb', 'b', '2');
    expect(labelsKey(a)).toBe(labelsKey(b));
    expect(labelsKey(a)).not.toBe(labelsKey(c));
    expect(labelsEqual(a, b)).toBe(true);
    expect(labelsEqual(a, c)).toBe(false);
    expect(labelsKey(a)).not.toBe(labelsKey(d));
  });

  it('orders like Prometheus labels.Compare', () => {
    const x = labelsFromStrings('a', '1');
    const y = labelsFromStrings('a', '1', 'b', '1');
    const z = labelsFromStrings('a', '2');
    expect(labelsCompare(x, y)).toBeLessThan(0);
    expect(labelsCompare(y, z)).toBeLessThan(0);
    expect(labelsCompare(z, z)).toBe(0);
  });

  it('edits through set, without and the builder', () => {
    const ls = labelsFromStrings('__name__', 'm', 'job', 'j');
    expect(labelsToString(labelsSet(ls, 'a', 'x'))).toBe('m{a="x", job="j"}');
    expect(labelsToString(labelsSet(ls, 'job', ''))).toBe('m');
    expect(labelsToString(labelsWithout(ls, '__name__'))).toBe('{job="j"}');
    const b = new LabelsBuilder(ls).set('z', '1').del('job').set('__name__', 'n');
    expect(labelsToString(b.labels())).toBe('n{z="1"}');
    expect(labelsToString(new LabelsBuilder(ls).keep(['job']).labels())).toBe('{job="j"}');
  });

  it('renders names that are not legacy-valid quoted', () => {
    expect(labelsToString(labelsFromStrings('__name__', 'my.metric', 'a.b', 'c'))).toBe('{__name__="my.metric", "a.b"="c"}');
    expect(labelsToString([])).toBe('{}');
    expect(labelsToString(labelsFromStrings('a', 'q"\n'))).toBe('{a="q\\"\\n"}');
  });
});
