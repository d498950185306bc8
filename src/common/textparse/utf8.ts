/**
 * UTF-8 decoding for exposition bodies. The body is decoded once; the fast path uses the
 * platform's TextDecoder. Only when the result contains U+FFFD (which may come from invalid bytes)
 * is the body decoded again by the pure decoder below, which records where each invalid sequence
 * became a replacement character, so the parsers can reject invalid UTF-8 exactly where
 * Prometheus does (label values, help text) and report the position.
 */

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

/** decodeBody decodes UTF-8 bytes (no BOM handling: a BOM is content, as in Prometheus). */
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
  const bad = (): void => {
    invalid.push(outLen);
    units[u++] = 0xfffd;
    outLen++;
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
    let need = 0;
    let cp = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      if (c === 0xe0) lower = 0xa0;
      if (c === 0xed) upper = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      if (c === 0xf0) lower = 0x90;
      if (c === 0xf4) upper = 0x8f;
    } else {
      bad();
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const cc = j < n ? b[j]! : -1;
      const lo = k === 0 ? lower : 0x80;
      const hi = k === 0 ? upper : 0xbf;
      if (cc < lo || cc > hi) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (!ok) {
      // The maximal subpart [i, j) becomes one replacement character.
      bad();
      i = j;
      continue;
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      units[u++] = 0xd800 | (v >> 10);
      units[u++] = 0xdc00 | (v & 0x3ff);
      outLen += 2;
    } else {
      units[u++] = cp;
      outLen++;
    }
    i = j;
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
