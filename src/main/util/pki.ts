/**
 * A small certificate authority for the simulated cluster of demo mode and for the test clusters:
 * ECDSA P-256 keys from node:crypto and X.509 v3 certificates encoded here in DER (basic
 * constraints, key usage, extended key usage, subject alternative names), so no npm package or
 * openssl binary is needed on the user's machine.
 */
import * as crypto from 'node:crypto';
import * as net from 'node:net';

// --- DER encoding -----------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bitString = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, b: Buffer): Buffer => tlv(0xa0 + n, b);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2) + 'Z')) : tlv(0x18, Buffer.from(iso + 'Z'));
}

// --- certificates -----------------------------------------------------------------------------

/** KeyPair is a PEM private key with its public key. */
export interface KeyPair {
  privateKeyPem: string;
  publicKey: crypto.KeyObject;
  privateKey: crypto.KeyObject;
}

/** Issued is a certificate with its key, in PEM. */
export interface Issued {
  certPem: string;
  keyPem: string;
}

/** CertSpec describes a certificate to issue. */
export interface CertSpec {
  commonName: string;
  /** organizations become O= attributes (Kubernetes reads them as groups). */
  organizations?: string[];
  /** dnsNames and ips become subject alternative names. */
  dnsNames?: string[];
  ips?: string[];
  /** usage is server, client or both (extended key usage). */
  usage?: 'server' | 'client' | 'both';
  /** days of validity (default 365). */
  days?: number;
}

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';

function newKey(): KeyPair {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function name(cn: string, orgs: string[] = []): Buffer {
  const rdns = orgs.map((o) => set(seq(oid('2.5.4.10'), utf8(o))));
  rdns.push(set(seq(oid('2.5.4.3'), utf8(cn))));
  return seq(...rdns);
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.endsWith('\n') ? b64 : b64 + '\n'}-----END ${label}-----\n`;
}

function keyId(pub: crypto.KeyObject): Buffer {
  return crypto.createHash('sha1').update(pub.export({ type: 'spki', format: 'der' })).digest();
}

/** CertificateAuthority issues certificates signed by its own self-signed root. */
export class CertificateAuthority {
  readonly certPem: string;
  private readonly key: KeyPair;
  private readonly subject: Buffer;

  constructor(commonName = 'vigil-test-ca') {
    this.key = newKey();
    this.subject = name(commonName);
    const ext = [
      extension('2.5.29.19', true, seq(bool(true))),
      extension('2.5.29.15', true, bitString(Buffer.from([0x06]))), // keyCertSign, cRLSign
      extension('2.5.29.14', false, octets(keyId(this.key.publicKey))),
    ];
    this.certPem = this.sign(this.subject, this.key.publicKey, ext, 3650);
  }

  private sign(subject: Buffer, pub: crypto.KeyObject, exts: Buffer[], days: number): string {
    const now = Date.now();
    const tbs = seq(
      explicit(0, integer(Buffer.from([2]))),
      integer(crypto.randomBytes(16)),
      seq(oid(OID_ECDSA_SHA256)),
      this.subject,
      seq(time(new Date(now - 3_600_000)), time(new Date(now + days * 86_400_000))),
      subject,
      Buffer.from(pub.export({ type: 'spki', format: 'der' })),
      explicit(3, seq(...exts)),
    );
    const sig = crypto.sign('sha256', tbs, this.key.privateKey);
    return pem('CERTIFICATE', seq(tbs, seq(oid(OID_ECDSA_SHA256)), bitString(sig)));
  }

  /** issue creates a key and a certificate for it. */
  issue(spec: CertSpec): Issued {
    const k = newKey();
    const usage = spec.usage ?? 'both';
    const eku: Buffer[] = [];
    if (usage !== 'client') eku.push(oid('1.3.6.1.5.5.7.3.1'));
    if (usage !== 'server') eku.push(oid('1.3.6.1.5.5.7.3.2'));
    const sans: Buffer[] = [];
    for (const d of spec.dnsNames ?? []) sans.push(tlv(0x82, Buffer.from(d, 'ascii')));
    for (const ip of spec.ips ?? []) {
      const bytes = net.isIPv4(ip) ? Buffer.from(ip.split('.').map(Number)) : ipv6Bytes(ip);
      sans.push(tlv(0x87, bytes));
    }
    const ext = [
      extension('2.5.29.19', true, seq()),
      extension('2.5.29.15', true, bitString(Buffer.from([0xa0]))), // digitalSignature, keyEncipherment
      extension('2.5.29.37', false, seq(...eku)),
      extension('2.5.29.35', false, seq(tlv(0x80, keyId(this.key.publicKey)))),
    ];
    if (sans.length > 0) ext.push(extension('2.5.29.17', false, seq(...sans)));
    return { certPem: this.sign(name(spec.commonName, spec.organizations), k.publicKey, ext, spec.days ?? 365), keyPem: k.privateKeyPem };
  }
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}
