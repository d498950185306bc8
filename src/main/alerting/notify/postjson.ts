/**
 * POSTing a JSON body for the HTTP integrations: http_config's TLS and credentials, the attempt's
 * abort signal, and Alertmanager's retry rule (2xx succeeds, 5xx and the given codes retry, other
 * codes fail for good, transport errors retry).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { VERSION } from '../../util/version';
import type { NotifyResult } from '../types';
import { readSecretFile, type HttpClientConfig } from './parsefields';

/** HttpAnswer is a response's status and (bounded) body. */
export interface HttpAnswer {
  status: number;
  body: string;
}

const MAX_BODY = 64 * 1024;

/** postJson sends body to url; rejects on transport errors (the message names no secret). */
export function postJson(url: string, body: string, cfg: HttpClientConfig, signal: AbortSignal, extraHeaders: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new Error('invalid URL'));
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': `Vigil/${VERSION}`,
      'Content-Length': String(Buffer.byteLength(body)),
      ...extraHeaders,
    };
    try {
      if (cfg.basicAuth) {
        const pw = cfg.basicAuth.passwordFile !== '' ? readSecretFile(cfg.basicAuth.passwordFile) : cfg.basicAuth.password;
        const user = cfg.basicAuth.usernameFile ? readSecretFile(cfg.basicAuth.usernameFile) : cfg.basicAuth.username;
        headers.Authorization = 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64');
      } else if (cfg.authorization) {
        const cred = cfg.authorization.credentialsFile !== '' ? readSecretFile(cfg.authorization.credentialsFile) : cfg.authorization.credentials;
        headers.Authorization = `${cfg.authorization.type} ${cred}`;
      }
    } catch (e) {
      reject(new Error(`reading credentials: ${(e as Error).message}`));
      return;
    }
    const isHttps = u.protocol === 'https:';
    const opts: https.RequestOptions = { method: 'POST', headers, signal };
    if (isHttps) {
      try {
        if (cfg.tls.caFile !== '') opts.ca = fs.readFileSync(cfg.tls.caFile);
        else if (cfg.tls.ca) opts.ca = cfg.tls.ca;
        if (cfg.tls.certFile !== '') opts.cert = fs.readFileSync(cfg.tls.certFile);
        else if (cfg.tls.cert) opts.cert = cfg.tls.cert;
        if (cfg.tls.keyFile !== '') opts.key = fs.readFileSync(cfg.tls.keyFile);
        else if (cfg.tls.key) opts.key = cfg.tls.key;
      } catch (e) {
        reject(new Error(`tls_config: ${(e as Error).message}`));
        return;
      }
      opts.rejectUnauthorized = !cfg.tls.insecureSkipVerify;
      if (cfg.tls.serverName !== '') opts.servername = cfg.tls.serverName;
    }
    const req = (isHttps ? https : http).request(u, opts, (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        if (n < MAX_BODY) chunks.push(c);
        n += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY) }));
      res.on('error', reject);
    });
    req.on('error', (e) => reject(signal.aborted ? new Error('context canceled') : e));
    req.end(body);
  });
}

/** checkStatus is Alertmanager's Retrier.Check: 2xx ok; 5xx and retryCodes retry; others fail for good. */
export function checkStatus(a: HttpAnswer, retryCodes: readonly number[], prefix = ''): NotifyResult {
  if (a.status >= 200 && a.status < 300) return { ok: true, retry: false };
  const retry = Math.floor(a.status / 100) === 5 || retryCodes.includes(a.status);
  const details = a.body.trim();
  return { ok: false, retry, error: `${prefix}unexpected status code ${a.status}${details !== '' ? `: ${details}` : ''}` };
}
