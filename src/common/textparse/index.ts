/**
 * Exposition parsers: Prometheus text 0.0.4/1.0.0, OpenMetrics 1.0 and protobuf, chosen by
 * Content-Type as Prometheus 3 does (textparse.New). Pure TypeScript; the body is decoded from
 * UTF-8 once. Imports only src/common: Go's float parsing, quoting and UTF-8 decoding come from
 * src/common/util/go, labels and FormatOpenMetricsFloat from src/common/model; floats.ts keeps
 * only what is particular to expositions (the pre-Go-1.13 float syntax, le/quantile
 * normalisation).
 */
import { OpenMetricsParser } from './openmetrics';
import type { OpenMetricsOptions } from './openmetrics';
import { PromTextParser } from './promtext';
import { ProtobufParser } from './protobuf';
import { decodeBody, utf8Bytes } from '../util/go/utf8';
import { ContentTypeError } from './types';
import type { Parser } from './types';

export * from './types';
export { OpenMetricsParser } from './openmetrics';
export type { OpenMetricsOptions } from './openmetrics';
export { PromTextParser } from './promtext';
export { ProtobufParser } from './protobuf';
export { decodeBody, type DecodedBody } from '../util/go/utf8';
export { formatOpenMetricsFloat } from '../model/labels';
export { normalizeLabelValue, parseGoFloat, floatStatus } from './floats';
export { forEachOpenMetricsSample } from './import';
export type { ImportedSample, ImportStats } from './import';

/** MEDIA_OPENMETRICS is the OpenMetrics media type. */
export const MEDIA_OPENMETRICS = 'application/openmetrics-text';
/** MEDIA_TEXT is the Prometheus text format's media type. */
export const MEDIA_TEXT = 'text/plain';
/** MEDIA_PROTOBUF is the protobuf exposition's media type (delimited io.prometheus.client.MetricFamily messages). */
export const MEDIA_PROTOBUF = 'application/vnd.google.protobuf';

/** ParserOptions tune createParser. */
export interface ParserOptions extends OpenMetricsOptions {
  /**
   * fallbackMediaType is used when the Content-Type is blank, unparsable or unsupported (the scrape
   * config's fallback_scrape_protocol); without it such bodies are rejected, as in Prometheus 3.
   */
  fallbackMediaType?: string;
  /** onWarning receives the notice Prometheus logs when the fallback is used. */
  onWarning?: (message: string) => void;
}

/** Body is what createParser accepts: raw bytes or an already decoded string. */
export type Body = Uint8Array | string;

/**
 * createParser returns the parser for body chosen by contentType. Throws ContentTypeError when no
 * parser applies.
 */
export function createParser(body: Body, contentType: string, opts: ParserOptions = {}): Parser {
  const mediaType = selectMediaType(contentType, opts.fallbackMediaType ?? '', opts.onWarning);
  if (mediaType === MEDIA_PROTOBUF) return new ProtobufParser(typeof body === 'string' ? Uint8Array.from(utf8Bytes(body)) : body);
  const { text, invalid } = typeof body === 'string' ? { text: body, invalid: null } : decodeBody(body);
  switch (mediaType) {
    case MEDIA_OPENMETRICS:
      return new OpenMetricsParser(text, invalid, opts);
    case MEDIA_TEXT:
      return new PromTextParser(text, invalid);
    default:
      throw new ContentTypeError(`unsupported media type ${JSON.stringify(mediaType)}`);
  }
}

/**
 * selectMediaType mirrors Prometheus's extractMediaType: the media type of contentType when it is
 * one of the three known ones, otherwise the fallback (with a warning), otherwise an error.
 */
export function selectMediaType(contentType: string, fallback: string, onWarning?: (m: string) => void): string {
  const warn = (m: string): void => {
    if (onWarning) onWarning(m);
  };
  if (contentType === '') {
    if (fallback === '') {
      throw new ContentTypeError('non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target');
    }
    warn(`non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol ${JSON.stringify(fallback)}`);
    return fallback;
  }
  const mt = parseMediaType(contentType);
  if (mt === null) {
    if (fallback === '') {
      throw new ContentTypeError(`cannot parse Content-Type ${JSON.stringify(contentType)} and no fallback_scrape_protocol for target`);
    }
    warn(`could not parse received Content-Type ${JSON.stringify(contentType)}, using fallback_scrape_protocol ${JSON.stringify(fallback)}`);
    return fallback;
  }
  if (mt === MEDIA_OPENMETRICS || mt === MEDIA_TEXT || mt === MEDIA_PROTOBUF) return mt;
  if (fallback === '') {
    throw new ContentTypeError(`received unsupported Content-Type ${JSON.stringify(contentType)} and no fallback_scrape_protocol specified for target`);
  }
  warn(`received unsupported Content-Type ${JSON.stringify(contentType)}, using fallback_scrape_protocol ${JSON.stringify(fallback)}`);
  return fallback;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/**
 * parseMediaType returns the lower-cased `type/subtype` of a Content-Type header, or null when
 * the header is malformed in a way Go's mime.ParseMediaType rejects.
 */
export function parseMediaType(v: string): string | null {
  const parts = splitParams(v);
  if (parts === null) return null;
  const base = parts[0]!.trim().toLowerCase();
  const slash = base.indexOf('/');
  if (slash <= 0 || !TOKEN.test(base.slice(0, slash)) || !TOKEN.test(base.slice(slash + 1))) return null;
  const seen = new Set<string>();
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return null;
    const key = p.slice(0, eq).trim().toLowerCase();
    const val = p.slice(eq + 1).trim();
    if (!TOKEN.test(key) || seen.has(key)) return null;
    seen.add(key);
    if (val.startsWith('"')) {
      if (val.length < 2 || !val.endsWith('"')) return null;
    } else if (!TOKEN.test(val.toLowerCase())) return null;
  }
  return base;
}

/** splitParams splits on ';' outside double quotes; null on an unterminated quote. */
function splitParams(v: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let inQ = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (inQ) {
      cur += c;
      if (c === '\\' && i + 1 < v.length) cur += v[++i];
      else if (c === '"') inQ = false;
    } else if (c === '"') {
      inQ = true;
      cur += c;
    } else if (c === ';') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (inQ) return null;
  out.push(cur);
  return out;
}

