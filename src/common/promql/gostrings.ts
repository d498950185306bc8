/**
 * Go string semantics that PromQL inherits: UTF-8 byte handling, Go's string unquoting
 * (prometheus/util/strutil.Unquote) and Go's quoting (strconv.Quote, %q, %#U), which Prometheus
 * uses in query printing and error messages.
 *
 * Byte strings in JavaScript. Go strings are byte strings, so a PromQL string literal may hold
 * bytes that are not UTF-8 (`"\xff"`). Vigil keeps such strings exact with the "surrogate escape"
 * convention: a byte 0x80..0xFF that is not part of a valid UTF-8 sequence is stored as the lone
 * surrogate U+DC80..U+DCFF. goQuote turns it back into `\xNN`, utf8Bytes back into the byte, and
 * isValidUTF8 reports such strings as invalid (as Go's utf8.ValidString would).
 */

/** utf8Bytes encodes s as UTF-8, mapping surrogate-escaped bytes (U+DC80..U+DCFF) back to raw bytes. */
export function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      out.push(c - 0xdc00);
    } else if (c < 0x80) {
      out.push(c);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      // A lone surrogate outside the escape range is encoded as U+FFFD, as Go does for invalid runes.
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    } else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return out;
}

/** utf8Length returns the number of UTF-8 bytes of s[0:end) (end defaults to s.length). */
export function utf8Length(s: string, end = s.length): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else if (c >= 0xdc80 && c <= 0xdcff) n += 1;
    else n += 3;
  }
  return n;
}

/**
 * decodeUTF8 decodes bytes as UTF-8. Bytes that do not start or continue a valid sequence become
 * surrogate escapes (U+DC80..U+DCFF), so decodeUTF8(utf8Bytes(s)) === s for any decoded string.
 */
export function decodeUTF8(b: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      min = 0x10000;
    }
    let ok = need > 0;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const d = b[i + k];
        if (d === undefined || (d & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (d & 0x3f);
      }
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (!ok) {
      out += String.fromCharCode(0xdc00 + c);
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** isValidUTF8 reports whether s holds no surrogate-escaped byte and no lone surrogate. */
export function isValidUTF8(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return false;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** GoUnquoteError is thrown by goUnquote for a malformed string literal ("invalid syntax"). */
export class GoUnquoteError extends Error {
  constructor() {
    super('invalid syntax');
    this.name = 'GoUnquoteError';
  }
}

function unhex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * goUnquote interprets a PromQL string literal written with double quotes, single quotes or
 * backticks (Prometheus's strutil.Unquote): Go escapes in the first two, none in raw strings.
 * Throws GoUnquoteError on malformed input.
 */
export function goUnquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new GoUnquoteError();
  const quote = s[0]!;
  if (quote !== s[n - 1]) throw new GoUnquoteError();
  const body = s.slice(1, n - 1);
  if (quote === '`') {
    if (body.includes('`')) throw new GoUnquoteError();
    return body;
  }
  if (quote !== '"' && quote !== "'") throw new GoUnquoteError();
  if (body.includes('\n')) throw new GoUnquoteError();
  if (!body.includes('\\') && !body.includes(quote)) return body;
  // Work on bytes so that \x and octal escapes can produce bytes that are not UTF-8.
  const src = utf8Bytes(body);
  const out: number[] = [];
  const q = quote.charCodeAt(0);
  let i = 0;
  const pushRune = (cp: number) => {
    for (const b of utf8Bytes(String.fromCodePoint(cp))) out.push(b);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === q) throw new GoUnquoteError();
    if (c !== 92) {
      out.push(c);
      i++;
      continue;
    }
    if (i + 1 >= src.length) throw new GoUnquoteError();
    const e = src[i + 1]!;
    i += 2;
    switch (e) {
      case 97: out.push(7); break; // \a
      case 98: out.push(8); break; // \b
      case 102: out.push(12); break; // \f
      case 110: out.push(10); break; // \n
      case 114: out.push(13); break; // \r
      case 116: out.push(9); break; // \t
      case 118: out.push(11); break; // \v
      case 92: out.push(92); break;
      case 39:
      case 34:
        if (e !== q) throw new GoUnquoteError();
        out.push(e);
        break;
      case 120: // \x
      case 117: // \u
      case 85: { // \U
        const len = e === 120 ? 2 : e === 117 ? 4 : 8;
        if (i + len > src.length) throw new GoUnquoteError();
        let v = 0;
        for (let k = 0; k < len; k++) {
          const h = unhex(src[i + k]!);
          if (h < 0) throw new GoUnquoteError();
          v = v * 16 + h;
        }
        i += len;
        if (e === 120) {
          out.push(v);
        } else {
          if (v > 0x10ffff) throw new GoUnquoteError();
          // Go's utf8.EncodeRune writes U+FFFD for surrogate code points.
          pushRune(v >= 0xd800 && v <= 0xdfff ? 0xfffd : v);
        }
        break;
      }
      default:
        if (e >= 48 && e <= 55) {
          if (i + 2 > src.length) throw new GoUnquoteError();
          let v = e - 48;
          for (let k = 0; k < 2; k++) {
            const d = src[i + k]! - 48;
            if (d < 0 || d > 7) throw new GoUnquoteError();
            v = v * 8 + d;
          }
          i += 2;
          if (v > 255) throw new GoUnquoteError();
          out.push(v);
          break;
        }
        throw new GoUnquoteError();
    }
  }
  return decodeUTF8(out);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** isPrint reports whether the code point is printable in Go's sense (unicode.IsPrint). */
export function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
  if (cp < 0x7f) return true;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function quoteWith(s: string, quote: number): string {
  let out = String.fromCharCode(quote);
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    i += w;
    if (cp >= 0xdc80 && cp <= 0xdcff) {
      out += '\\x' + hex(cp - 0xdc00, 2);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate is an invalid rune; Go prints U+FFFD for it.
      out += '\\ufffd';
      continue;
    }
    out += escapeRune(cp, quote);
  }
  return out + String.fromCharCode(quote);
}

function escapeRune(cp: number, quote: number): string {
  if (cp === quote || cp === 92) return '\\' + String.fromCharCode(cp);
  if (isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 7: return '\\a';
    case 8: return '\\b';
    case 12: return '\\f';
    case 10: return '\\n';
    case 13: return '\\r';
    case 9: return '\\t';
    case 11: return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

/** goQuote renders s as Go's strconv.Quote (and fmt's %q for strings) would. */
export function goQuote(s: string): string {
  return quoteWith(s, 34);
}

/** goQuoteRune renders a code point as Go's strconv.QuoteRune (fmt's %q for a rune). */
export function goQuoteRune(cp: number): string {
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return "'" + escapeRune(cp, 39) + "'";
}

/** goFormatU renders a code point as fmt's %#U: `U+0041 'A'` (the quoted form only if printable). */
export function goFormatU(cp: number): string {
  const u = 'U+' + hex(cp, 4).toUpperCase();
  return isPrint(cp) ? `${u} '${String.fromCodePoint(cp)}'` : u;
}

/**
 * goQuotePrefix renders %.Nq: s truncated to its first n code points, then quoted.
 */
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
