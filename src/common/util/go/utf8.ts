/**
 * UTF-8 as Go and Prometheus see it (Go's unicode/utf8), for JavaScript strings.
 *
 * Byte strings in JavaScript. Go strings are byte strings, so a PromQL string literal may hold
 * bytes that are not UTF-8 (`"\xff"`). Vigil keeps such strings exact with the "surrogate escape"
 * convention: a byte 0x80..0xFF that is not part of a valid UTF-8 sequence is stored as the lone
 * surrogate U+DC80..U+DCFF. goQuote (strconv.ts) turns it back into `\xNN`, utf8Bytes back into
 * the byte, and isValidUTF8 reports such strings as invalid (as Go's utf8.ValidString would).
 *
 * Exposition bodies are decoded differently (decodeBody): invalid sequences become U+FFFD, as
 * the platform's TextDecoder does, and their offsets are recorded so that parsers can reject
 * invalid UTF-8 exactly where Prometheus does.
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
 * decodeRune decodes the multi-byte UTF-8 sequence starting at b[i] (i < n, b[i] >= 0x80), as
 * Go's utf8.DecodeRune does. A valid sequence gives (code point << 3) | length; an invalid one
 * gives minus the length of its maximal valid prefix (at least 1: the bytes a decoder replaces by
 * one U+FFFD under the WHATWG rules; Go itself skips one byte).
 */
export function decodeRune(b: ArrayLike<number>, i: number, n: number): number {
  const c = b[i]!;
  let need: number;
  let cp: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    cp = c & 0x0f;
    if (c === 0xe0) lower = 0xa0; // overlong
    if (c === 0xed) upper = 0x9f; // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    cp = c & 0x07;
    if (c === 0xf0) lower = 0x90; // overlong
    if (c === 0xf4) upper = 0x8f; // above U+10FFFF
  } else {
    return -1;
  }
  for (let k = 1; k <= need; k++) {
    const d = i + k < n ? b[i + k]! : -1;
    if (d < lower || d > upper) return -k;
    cp = (cp << 6) | (d & 0x3f);
    lower = 0x80;
    upper = 0xbf;
  }
  return (cp << 3) | (need + 1);
}

/**
 * decodeUTF8 decodes bytes as UTF-8. Bytes that do not start or continue a valid sequence become
 * surrogate escapes (U+DC80..U+DCFF), so decodeUTF8(utf8Bytes(s)) === s for any decoded string.
 */
export function decodeUTF8(b: readonly number[]): string {
  let out = '';
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    const r = decodeRune(b, i, n);
    if (r < 0) {
      out += String.fromCharCode(0xdc00 + c);
      i++;
      continue;
    }
    out += String.fromCodePoint(r >> 3);
    i += r & 7;
  }
  return out;
}

/** isValidUTF8 reports whether s holds no surrogate-escaped byte and no lone surrogate (utf8.ValidString). */
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

/** DecodedBody is a decoded exposition with the character offsets of invalid byte sequences. */
export interface DecodedBody {
  readonly text: string;
  /** invalid lists, ascending, the offsets in text of U+FFFD characters that replaced invalid bytes. */
  readonly invalid: Int32Array | null;
}

interface TextDecoderLike {
  decode(input: Uint8Array): string;
}

let platformDecoder: TextDecoderLike | null | undefined;

function getPlatformDecoder(): TextDecoderLike | null {
  if (platformDecoder === undefined) {
    const ctor = (globalThis as unknown as {
      TextDecoder?: new (label: string, options: { ignoreBOM: boolean }) => TextDecoderLike;
    }).TextDecoder;
    // ignoreBOM keeps a leading BOM in the output: Prometheus treats it as data.
    platformDecoder = ctor ? new ctor('utf-8', { ignoreBOM: true }) : null;
  }
  return platformDecoder;
}

/**
 * decodeBody decodes UTF-8 bytes (no BOM handling: a BOM is content, as in Prometheus). The fast
 * path is the platform's TextDecoder; only when its result contains U+FFFD (which may come from
 * invalid bytes) is the body decoded again by decodeUtf8Tracked, to learn where.
 */
export function decodeBody(bytes: Uint8Array): DecodedBody {
  const td = getPlatformDecoder();
  if (td !== null) {
    const text = td.decode(bytes);
    if (text.indexOf('\ufffd') < 0) return { text, invalid: null };
  }
  return decodeUtf8Tracked(bytes);
}

/**
 * decodeUtf8Tracked decodes with WHATWG replacement semantics (one U+FFFD per maximal invalid
 * subpart) and records the output offsets of the replacement characters it produced.
 */
export function decodeUtf8Tracked(b: Uint8Array): DecodedBody {
  const n = b.length;
  const parts: string[] = [];
  const units = new Uint16Array(Math.min(n, 16384) + 2);
  let u = 0;
  let outLen = 0;
  const invalid: number[] = [];
  const flush = (): void => {
    if (u > 0) {
      parts.push(String.fromCharCode.apply(null, units.subarray(0, u) as unknown as number[]));
      u = 0;
    }
  };
  let i = 0;
  while (i < n) {
    if (u >= units.length - 2) flush();
    const c = b[i]!;
    if (c < 0x80) {
      units[u++] = c;
      outLen++;
      i++;
      continue;
    }
    const r = decodeRune(b, i, n);
    if (r < 0) {
      // The maximal subpart becomes one replacement character.
      invalid.push(outLen);
      units[u++] = 0xfffd;
      outLen++;
      i -= r;
      continue;
    }
    const cp = r >> 3;
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      units[u++] = 0xd800 | (v >> 10);
      units[u++] = 0xdc00 | (v & 0x3ff);
      outLen += 2;
    } else {
      units[u++] = cp;
      outLen++;
    }
    i += r & 7;
  }
  flush();
  return { text: parts.join(''), invalid: invalid.length > 0 ? Int32Array.from(invalid) : null };
}

/** firstInvalidIn returns the first invalid offset in [start, end), or -1. */
export function firstInvalidIn(invalid: Int32Array, start: number, end: number): number {
  let lo = 0;
  let hi = invalid.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (invalid[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < invalid.length && invalid[lo]! < end ? invalid[lo]! : -1;
}
