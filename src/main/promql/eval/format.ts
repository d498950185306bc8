/**
 * Go-compatible formatting used in PromQL error and annotation texts, so that messages match
 * Prometheus byte for byte: %g / %v of a float64 (strconv 'g' with shortest precision) and %q
 * (strconv.Quote).
 */

/** fmtG formats a float like Go's %g / %v: shortest digits, exponent form when exp < -4 or exp >= 6. */
export function fmtG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = f.toExponential(); // shortest round-trip digits, e.g. "1.5e+7"
  const idx = e.indexOf('e');
  const exp = parseInt(e.slice(idx + 1), 10);
  if (exp < -4 || exp >= 6) {
    const mant = e.slice(0, idx);
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(f);
}

/**
 * fmtGPrec formats a float like Go's %.<prec>g: prec significant digits (trailing zeros dropped),
 * exponent form when the exponent is < -4 or >= the precision (strconv's 'g' rules).
 */
export function fmtGPrec(f: number, prec: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (prec < 1) prec = 1;
  const neg = f < 0 || Object.is(f, -0);
  let e = Math.abs(f).toExponential(prec - 1); // "d.ddde+x"; JavaScript rounds ties up
  if (prec <= 100) {
    // Go rounds an exact tie to even: detect "...5000..." in the exact expansion.
    const full = Math.abs(f).toExponential(100);
    const fe = full.indexOf('e');
    const fd = full.slice(0, fe).replace('.', '');
    if (fd[prec] === '5' && /^0*$/.test(fd.slice(prec + 1)) && Number(fd[prec - 1]) % 2 === 0) {
      e = `${fd[0]}${prec > 1 ? '.' + fd.slice(1, prec) : ''}${full.slice(fe)}`;
    }
  }
  const idx = e.indexOf('e');
  const digits = e.slice(0, idx).replace('.', '').replace(/0+$/, '') || '0';
  const nd = digits.length;
  const dp = f === 0 ? 1 : parseInt(e.slice(idx + 1), 10) + 1;
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  const exp = dp - 1;
  let out: string;
  if (exp < -4 || exp >= eprec) {
    const mant = nd > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const a = Math.abs(exp);
    out = `${mant}e${exp < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
  } else if (dp <= 0) {
    out = `0.${'0'.repeat(-dp)}${digits}`;
  } else if (dp >= nd) {
    out = digits + '0'.repeat(dp - nd);
  } else {
    out = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  }
  return neg ? `-${out}` : out;
}

/** isValidUTF8 reports whether s encodes valid UTF-8 (no lone surrogates, see surrogate escapes). */
export function isValidUTF8(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
      return false;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** isValidLabelNameUTF8 is Prometheus's UTF-8 label-name validation: non-empty valid UTF-8. */
export function isValidLabelNameUTF8(s: string): boolean {
  return s.length > 0 && isValidUTF8(s);
}

function hex2(n: number): string {
  return (n < 16 ? '0' : '') + n.toString(16);
}

/**
 * goQuote renders s like Go's strconv.Quote. Lone surrogates U+DC80..U+DCFF stand for raw bytes
 * that are not valid UTF-8 (surrogate escapes) and are rendered as \xNN.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
      out += '\\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      if (c >= 0xdc80 && c <= 0xdcff) out += '\\x' + hex2(c - 0xdc00);
      else out += '\\ufffd';
      continue;
    }
    switch (c) {
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
      case 0x5c: out += '\\\\'; continue;
      case 0x22: out += '\\"'; continue;
    }
    if (c < 0x20 || c === 0x7f) {
      out += '\\x' + hex2(c);
      continue;
    }
    if (c >= 0x80 && c < 0xa0) {
      out += '\\u00' + hex2(c);
      continue;
    }
    out += s[i]!;
  }
  return out + '"';
}

/** formatOpenMetricsFloat renders a float as labels.FormatOpenMetricsFloat does (quantile labels). */
export function formatOpenMetricsFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = fmtG(f);
  if (Number.isInteger(f) && !s.includes('e')) return s + '.0';
  return s;
}
