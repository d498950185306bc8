import { describe, expect, it } from 'vitest';
import { escape, formatValue } from '../../src/main/kubestate/exposition';
import { parseQuantity } from '../../src/main/kubestate/quantity';
import { isExtendedResourceName, resourceSeries } from '../../src/main/kubestate/resources';

describe('quantities as resource.Quantity reads them', () => {
  it('Value() rounds up to a whole number, float is milli-value / 1000 (also rounded up)', () => {
    const cases: [string, number, number][] = [
      // string, Value(), MilliValue()/1000
      ['100m', 1, 0.1],
      ['1500m', 2, 1.5],
      ['0.5', 1, 0.5],
      ['4', 4, 4],
      ['1e3', 1000, 1000],
      ['1E-3', 1, 0.001],
      ['0.0001', 1, 0.001],
      ['2500u', 1, 0.003],
      ['1Ki', 1024, 1024],
      ['1.5Gi', 1610612736, 1610612736],
      ['3917104Ki', 4011114496, 4011114496],
      ['100M', 100_000_000, 100_000_000],
      ['2k', 2000, 2000],
      ['0', 0, 0],
      ['+5', 5, 5],
      ['.5', 1, 0.5],
      ['5.', 5, 5],
      ['007', 7, 7],
      // Negative quantities round away from zero, as int64Amount does.
      ['-100m', -1, -0.1],
      ['-1.5', -2, -1.5],
    ];
    for (const [s, value, float] of cases) expect(parseQuantity(s), s).toEqual({ value, float });
  });

  it('beyond resource.MaxMilliValue the float is the value itself', () => {
    const ei = parseQuantity('8Ei')!; // 2^63 does not fit an int64: Value() saturates
    expect(ei.value).toBe(9223372036854775807);
    expect(ei.float).toBe(ei.value);
    const big = parseQuantity('10E')!; // 1e19, saturated too
    expect(big.float).toBe(9223372036854775807);
    // resource.MaxMilliValue: the milli-value still fits, and float64(9223372036854775000) / 1000
    // rounds (in float64, as in Go) to 9223372036854774; one more and the value is used as is.
    expect(parseQuantity('9223372036854775')!.float).toBe(9223372036854774);
    expect(parseQuantity('9223372036854777')!.float).toBe(9223372036854777);
  });

  it('refuses what ParseQuantity refuses', () => {
    for (const s of ['', 'm', '.', '-', '1.2.3', '1Qi', '1 Gi', 'abc', '1e', '1ee3', '0x10', 'Gi']) expect(parseQuantity(s), JSON.stringify(s)).toBeNull();
  });
});

describe('values and label values as KSM writes them', () => {
  it('formats values as strconv.FormatFloat(v, g, -1): exponent from 1e6 on and below 1e-4', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1, '1'],
      [-1, '-1'],
      [110, '110'],
      [999999, '999999'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [8589934592, '8.589934592e+09'],
      [1.7960328e9, '1.7960328e+09'],
      [0.1, '0.1'],
      [0.25, '0.25'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5, '1.5'],
      [9223372036854775807, '9.223372036854776e+18'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [v, s] of cases) expect(formatValue(v), String(v)).toBe(s);
  });

  it('escapes backslash, newline and double quote, nothing else', () => {
    expect(escape('plain')).toBe('plain');
    expect(escape('a\\b\nc"d\te')).toBe('a\\\\b\\nc\\"d\te');
  });
});

describe('resource names', () => {
  const of = (name: string, node: boolean): string[] => resourceSeries(name, node).map((s) => s.labels);

  it('gives cpu cores, memory and storage bytes, hugepages and attachable volumes bytes, extended resources integers', () => {
    expect(of('cpu', false)).toEqual(['resource="cpu",unit="core"']);
    expect(of('memory', false)).toEqual(['resource="memory",unit="byte"']);
    expect(of('ephemeral-storage', true)).toEqual(['resource="ephemeral_storage",unit="byte"']);
    expect(of('storage', false)).toEqual(['resource="storage",unit="byte"']);
    expect(of('hugepages-2Mi', false)).toEqual(['resource="hugepages_2Mi",unit="byte"']);
    expect(of('attachable-volumes-gce-pd', true)).toEqual(['resource="attachable_volumes_gce_pd",unit="byte"']);
    expect(of('nvidia.com/gpu', false)).toEqual(['resource="nvidia_com_gpu",unit="integer"']);
    expect(of('example.com/foo-bar.baz', true)).toEqual(['resource="example_com_foo_bar_baz",unit="integer"']);
  });

  it('counts pods on nodes only, and leaves other native names out', () => {
    expect(of('pods', true)).toEqual(['resource="pods",unit="integer"']);
    expect(of('pods', false)).toEqual([]);
    for (const n of ['example', 'kubernetes.io/batch', 'requests.example.com/x', 'Example.com/gpu', 'a/b/c', 'example.com/', 'example.com/-x']) {
      expect(isExtendedResourceName(n), n).toBe(false);
      expect(of(n, false), n).toEqual([]);
    }
  });
});
