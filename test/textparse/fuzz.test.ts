import { mulberry32 as rng } from '../../src/common/util/random';
/**
 * Fuzz and property tests of both parsers: any byte input yields entries or a positioned
 * ExpositionError (never another exception, never a hang); random valid expositions round-trip;
 * the fast float path agrees with the platform's correctly rounded conversion.
 */
import { describe, expect, it } from 'vitest';
import type { Labels } from '../../src/common/model/labels';
import { createParser, Entry, ExpositionError, floatStatus, formatOpenMetricsFloat, parseGoFloat } from '../../src/common/textparse/index';
import { OM_INVALID, OM_VALID, TEXT_INVALID, TEXT_VALID } from './corpus';
import { OM, TEXT } from './dump';


const INTERESTING = [...Buffer.from('{}",=#\n \t\\_:aZ09.e+-xPp_ \x00\r', 'latin1'), 0xff, 0xc3, 0xe2, 0x82, 0xf0, 0x9f, 0x80, 0xed, 0xa0];
const TOKENS = ['# HELP ', '# TYPE ', '# UNIT ', '# EOF', '# EOF\n', ' # {', 'NaN', '+Inf', '-Inf', 'counter', 'histogram', '_created', '_total', '{"', '"}', 'le="', 'quantile="', '\\"', '\\n', '\\\\', '1e400', '0x1p3'];

function seeds(om: boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of om ? [...OM_VALID, ...OM_VALID, ...OM_INVALID] : [...TEXT_VALID, ...TEXT_INVALID]) {
    out.push(typeof c.body === 'string' ? Buffer.from(c.body) : Uint8Array.from(c.body));
  }
  return out;
}

function mutate(r: () => number, input: Uint8Array, pool: Uint8Array[]): Uint8Array {
  let b = Array.from(input);
  const n = 1 + Math.floor(r() * r() * 8);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 7)) {
      case 0:
        if (b.length > 0) b[Math.min(pos, b.length - 1)] = Math.floor(r() * 256);
        break;
      case 1:
        b.splice(pos, 0, INTERESTING[Math.floor(r() * INTERESTING.length)]!);
        break;
      case 2:
        b.splice(pos, Math.floor(r() * 8));
        break;
      case 3: {
        const t = TOKENS[Math.floor(r() * TOKENS.length)]!;
        b.splice(pos, 0, ...Buffer.from(t));
        break;
      }
      case 4: {
        const len = Math.floor(r() * 16);
        b.splice(pos, 0, ...b.slice(pos, pos + len));
        break;
      }
      case 5: {
        const other = pool[Math.floor(r() * pool.length)]!;
        const from = Math.floor(r() * other.length);
        b = b.slice(0, pos).concat(Array.from(other.subarray(from, from + Math.floor(r() * 64))));
        break;
      }
      default:
        if (b.length > 0) b[Math.min(pos, b.length - 1)] = INTERESTING[Math.floor(r() * INTERESTING.length)]!;
    }
  }
  return Uint8Array.from(b.slice(0, 4096));
}

/** exercise parses input completely, touching every accessor; returns the outcome kind. */
function exercise(input: Uint8Array, ct: string): 'ok' | 'error' {
  const p = createParser(input, ct);
  const limit = input.length + 8;
  let steps = 0;
  try {
    for (;;) {
      if (++steps > limit) throw new Error(`parser did not terminate within ${limit} entries`);
      const e = p.next();
      if (e === Entry.EOF) return 'ok';
      if (e === Entry.Series) {
        const ls = p.labels();
        if (ls.length < 1 || ls.length !== p.labelCount() + 1) throw new Error('label count mismatch');
        for (let i = 0; i < p.labelCount(); i++) {
          p.labelName(i);
          p.labelValue(i);
        }
        if (typeof p.value() !== 'number') throw new Error('value is not a number');
        const t = p.timestamp();
        if (t !== null && !Number.isFinite(t)) throw new Error('non-finite timestamp');
        p.series();
        p.metricName();
        p.exemplar();
        p.createdTimestamp();
        if (p.line() < 1) throw new Error('bad line');
      } else {
        p.family();
        p.help();
        p.type();
        p.comment();
      }
    }
  } catch (err) {
    if (!(err instanceof ExpositionError)) throw err;
    if (err.line < 1 || err.column < 1 || err.offset < 0 || err.offset > input.length * 2 + 1) {
      throw new Error(`error without a valid position: ${err.message}`);
    }
    if (p.next() !== Entry.EOF) throw new Error('parser continued after an error');
    return 'error';
  }
}

describe('parser fuzzing', () => {
  for (const [fmt, ct] of [
    ['text', TEXT],
    ['openmetrics', OM],
  ] as const) {
    it(`${fmt}: mutated corpus inputs give entries or a positioned error, in bounded time`, () => {
      const r = rng(fmt === 'text' ? 42 : 4242);
      const pool = seeds(fmt === 'openmetrics');
      const counts = { ok: 0, error: 0 };
      let slowest = 0;
      for (let i = 0; i < 4000; i++) {
        const base = pool[Math.floor(r() * pool.length)]!;
        const input = mutate(r, base, pool);
        const t0 = performance.now();
        let outcome: 'ok' | 'error';
        try {
          outcome = exercise(input, ct);
        } catch (e) {
          throw new Error(`input ${JSON.stringify(Buffer.from(input).toString('latin1'))}: ${(e as Error).stack}`);
        }
        slowest = Math.max(slowest, performance.now() - t0);
        counts[outcome]++;
        if (i % 7 === 0 && outcome === 'ok') pool.push(input);
      }
      // Both outcomes must occur, or the mutator is not exploring.
      expect(counts.ok).toBeGreaterThan(150);
      expect(counts.error).toBeGreaterThan(100);
      expect(slowest).toBeLessThan(1000);
    });

    it(`${fmt}: random bytes give a positioned error or entries`, () => {
      const r = rng(fmt === 'text' ? 7 : 77);
      for (let i = 0; i < 2000; i++) {
        const len = Math.floor(r() * 512);
        const input = new Uint8Array(len);
        for (let k = 0; k < len; k++) input[k] = r() < 0.5 ? INTERESTING[Math.floor(r() * INTERESTING.length)]! : Math.floor(r() * 256);
        exercise(input, ct);
      }
    });
  }

  it('a 4 MB hostile body (one endless line, deep quotes) parses in bounded time', () => {
    const line = 'm{' + 'a="'.repeat(1) + '\\"'.repeat(1_000_000) + '"} 1\n';
    const t0 = performance.now();
    expect(exercise(Buffer.from(line), TEXT)).toBe('ok');
    expect(exercise(Buffer.from('x'.repeat(4_000_000)), TEXT)).toBe('error');
    expect(exercise(Buffer.from('{'.repeat(100_000)), OM)).toBe('error');
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

/** Random valid series for round-trip tests. */
interface GenSeries {
  name: string;
  labels: [string, string][];
  value: number;
  ts: number | null;
}

function genSeries(r: () => number, i: number): GenSeries {
  const alpha = 'abcxyzABC_';
  const name = `m${i}_` + Array.from({ length: 1 + Math.floor(r() * 5) }, () => alpha[Math.floor(r() * alpha.length)]).join('');
  const labels: [string, string][] = [];
  const nl = Math.floor(r() * 4);
  const valueChars = ['a', 'b', ' ', '"', '\\', '\n', 'é', '€', '😀', '{', '}', ',', '=', '#'];
  for (let k = 0; k < nl; k++) {
    const v = Array.from({ length: Math.floor(r() * 6) }, () => valueChars[Math.floor(r() * valueChars.length)]).join('');
    labels.push([`l${k}_${alpha[Math.floor(r() * 8)]}`, v]);
  }
  const kinds = [() => Math.floor(r() * 1e6), () => r() * 1e6, () => -r(), () => Math.exp(r() * 200 - 100), () => NaN, () => Infinity, () => -Infinity, () => 0];
  const value = kinds[Math.floor(r() * kinds.length)]!();
  const ts = r() < 0.3 ? Math.floor(r() * 2e12) : null;
  return { name, labels, value, ts };
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function fmtNum(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function render(series: GenSeries[], om: boolean): string {
  const lines: string[] = [];
  for (const s of series) {
    const ls = s.labels.map(([n, v]) => `${n}="${escapeValue(v)}"`).join(',');
    let line = `${s.name}${ls ? `{${ls}}` : ''} ${fmtNum(s.value)}`;
    if (s.ts !== null) line += om ? ` ${s.ts / 1000}` : ` ${s.ts}`;
    lines.push(line);
  }
  return lines.join('\n') + (om ? '\n# EOF\n' : '\n');
}

function expectedLabels(s: GenSeries): Labels {
  return [{ name: '__name__', value: s.name }, ...s.labels.map(([name, value]) => ({ name, value }))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

describe('round trip', () => {
  for (const om of [false, true]) {
    it(`${om ? 'openmetrics' : 'text'}: random valid expositions parse back to the same series`, () => {
      const r = rng(om ? 99 : 9);
      for (let round = 0; round < 50; round++) {
        const series = Array.from({ length: 1 + Math.floor(r() * 40) }, (_, i) => genSeries(r, i));
        const p = createParser(Buffer.from(render(series, om)), om ? OM : TEXT);
        for (const s of series) {
          expect(p.next()).toBe(Entry.Series);
          expect(p.labels()).toEqual(expectedLabels(s));
          if (Number.isNaN(s.value)) expect(p.value()).toBeNaN();
          else expect(p.value()).toBe(s.value);
          if (s.ts === null) expect(p.timestamp()).toBeNull();
          else expect(Math.abs(p.timestamp()! - s.ts)).toBeLessThanOrEqual(om ? 1 : 0);
        }
        expect(p.next()).toBe(Entry.EOF);
      }
    });
  }
});

describe('float syntax', () => {
  it('agrees with the correctly rounded platform conversion on random decimals', () => {
    const r = rng(5);
    const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join('');
    for (let i = 0; i < 20000; i++) {
      let s = (r() < 0.2 ? '-' : '') + digits(Math.floor(r() * 20));
      if (r() < 0.6) s += '.' + digits(Math.floor(r() * 20));
      if (s.replace(/[-.]/g, '') === '') s += '1';
      if (r() < 0.4) s += 'e' + (r() < 0.5 ? '-' : '') + Math.floor(r() * 40);
      const v = parseGoFloat(s, 0, s.length);
      expect(floatStatus.err, s).toBe('');
      expect(Object.is(v, Number(s)) || v === Number(s), `${s}: ${v} vs ${Number(s)}`).toBe(true);
    }
  });

  it('renders OpenMetrics floats as Go does', () => {
    const cases: [number, string][] = [
      [1, '1.0'], [0, '0.0'], [-0, '0.0'], [-1, '-1.0'], [0.5, '0.5'], [100000, '100000.0'], [1e6, '1e+06'], [1234567.5, '1.2345675e+06'],
      [0.0001, '0.0001'], [0.00001, '1e-05'], [2.5e-7, '2.5e-07'], [1e21, '1e+21'], [1.5e300, '1.5e+300'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [v, s] of cases) expect(formatOpenMetricsFloat(v), String(v)).toBe(s);
  });
});
