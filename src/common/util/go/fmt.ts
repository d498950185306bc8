/**
 * Go's fmt verbs that Prometheus's messages use and strconv does not cover directly: %.Nq (a
 * quoted prefix) and %#U (a code point). %v, %g and %.Ng of a float64 are formatFloatG and
 * formatFloatGPrec, %.Nf is formatFloatFixed and %q is goQuote (strconv.ts).
 */
import { goQuote, hex, isPrint } from './strconv';

/** goFormatU renders a code point as fmt's %#U: `U+0041 'A'` (the quoted form only if printable). */
export function goFormatU(cp: number): string {
  const u = 'U+' + hex(cp, 4).toUpperCase();
  return isPrint(cp) ? `${u} '${String.fromCodePoint(cp)}'` : u;
}

/** goQuotePrefix renders fmt's %.Nq: s truncated to its first n code points, then quoted. */
export function goQuotePrefix(s: string, n: number): string {
  let i = 0;
  let k = 0;
  while (i < s.length && k < n) {
    const cp = s.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    k++;
  }
  return goQuote(s.slice(0, i));
}
