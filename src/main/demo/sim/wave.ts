/**
 * Smooth rate functions with closed-form integrals. A Wave is f(s) = c + sum of a*sin(w*s + p) over
 * its terms (s in seconds); its integral between two times is exact, so a counter that integrates
 * a Wave from its start has the same value at a time however (and whether) it was computed before.
 * Products of Waves are Waves (sin x sin y = (cos(x-y) - cos(x+y)) / 2), which is how a request
 * counter split by a time-varying share (error rate, slow-request weight) stays closed-form.
 */

/** Term is one sinusoid a*sin(w*s + p). */
export interface Term {
  a: number;
  w: number;
  p: number;
}

const HALF_PI = Math.PI / 2;

/** Wave is a constant plus sinusoids. */
export class Wave {
  constructor(
    readonly c: number,
    readonly terms: readonly Term[] = [],
  ) {}

  /** of builds a Wave from a constant and [amplitude, period in seconds, phase] triples. */
  static of(c: number, parts: readonly (readonly [number, number, number])[] = []): Wave {
    return new Wave(
      c,
      parts.map(([a, period, p]) => ({ a, w: (2 * Math.PI) / period, p })),
    );
  }

  /** at is f(s). */
  at(s: number): number {
    let v = this.c;
    for (const t of this.terms) v += t.a * Math.sin(t.w * s + t.p);
    return v;
  }

  /** integral is the integral of f from s0 to s1. */
  integral(s0: number, s1: number): number {
    let v = this.c * (s1 - s0);
    for (const t of this.terms) v += (t.a / t.w) * (Math.cos(t.w * s0 + t.p) - Math.cos(t.w * s1 + t.p));
    return v;
  }

  /** lower is a lower bound of f (the constant less every amplitude). */
  lower(): number {
    let v = this.c;
    for (const t of this.terms) v -= Math.abs(t.a);
    return v;
  }

  /** upper is an upper bound of f. */
  upper(): number {
    let v = this.c;
    for (const t of this.terms) v += Math.abs(t.a);
    return v;
  }

  scale(k: number): Wave {
    return new Wave(
      this.c * k,
      this.terms.map((t) => ({ a: t.a * k, w: t.w, p: t.p })),
    );
  }

  plus(o: Wave | number): Wave {
    if (typeof o === 'number') return new Wave(this.c + o, this.terms);
    return new Wave(this.c + o.c, [...this.terms, ...o.terms]);
  }

  /** times is the product f*g, itself a Wave. */
  times(o: Wave): Wave {
    let c = this.c * o.c;
    const terms: Term[] = [];
    for (const t of o.terms) terms.push({ a: t.a * this.c, w: t.w, p: t.p });
    for (const t of this.terms) terms.push({ a: t.a * o.c, w: t.w, p: t.p });
    for (const x of this.terms) {
      for (const y of o.terms) {
        const k = (x.a * y.a) / 2;
        const dw = x.w - y.w;
        if (Math.abs(dw) < 1e-15) c += k * Math.cos(x.p - y.p);
        else terms.push({ a: k, w: dw, p: x.p - y.p + HALF_PI });
        terms.push({ a: -k, w: x.w + y.w, p: x.p + y.p + HALF_PI });
      }
    }
    return new Wave(c, terms.filter((t) => t.a !== 0));
  }
}
