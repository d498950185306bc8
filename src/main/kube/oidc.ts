/**
 * The OIDC auth-provider (`auth-provider: {name: oidc}`), as client-go's plugin/pkg/client/auth/oidc
 * does it: the id-token is the bearer token while it is valid (its JWT `exp`, with 10 s of margin);
 * then the refresh-token is exchanged at the issuer's token endpoint (found through
 * `/.well-known/openid-configuration`), and the new tokens are written back into the kubeconfig
 * file that defines the user, as kubectl does, so kubectl and Vigil keep sharing one session.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as http from 'node:http';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import type { AuthInfo, Named } from './kubeconfig';
import { AuthError, type AuthMaterial, type Authenticator } from './auth';

const EXPIRY_DELTA_MS = 10_000;

/** jwtExpiry returns a JWT's `exp` in ms, or null when it has none or is not a JWT. */
export function jwtExpiry(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** OidcAuthenticator authenticates with an OIDC id-token, refreshing it when it expires. */
export class OidcAuthenticator implements Authenticator {
  readonly kind = 'oidc' as const;
  private idToken: string;
  private refreshToken: string;
  private current: AuthMaterial | null = null;
  private inflight: Promise<AuthMaterial> | null = null;
  private readonly now: () => number;
  private readonly cfg: Record<string, string>;
  /** refreshes counts token refreshes (tests). */
  refreshes = 0;

  constructor(
    private readonly user: Named<AuthInfo>,
    private readonly cert: { cert: Buffer; key: Buffer } | null,
    o: { now?: () => number } = {},
  ) {
    this.cfg = user.value.authProvider!.config;
    this.idToken = this.cfg['id-token'] ?? '';
    this.refreshToken = this.cfg['refresh-token'] ?? '';
    this.now = o.now ?? Date.now;
    if (!this.cfg['client-id']) throw new AuthError(`oidc auth-provider of user ${user.name}: client-id is missing`);
    if (!this.cfg['idp-issuer-url']) throw new AuthError(`oidc auth-provider of user ${user.name}: idp-issuer-url is missing`);
  }

  private material(): AuthMaterial {
    if (this.current === null || this.current.authorization !== `Bearer ${this.idToken}`) {
      this.current = { authorization: `Bearer ${this.idToken}`, ...(this.cert ? { cert: this.cert.cert, key: this.cert.key } : {}) };
    }
    return this.current;
  }

  private valid(): boolean {
    if (this.idToken === '') return false;
    const exp = jwtExpiry(this.idToken);
    return exp === null || this.now() + EXPIRY_DELTA_MS < exp;
  }

  async get(): Promise<AuthMaterial> {
    if (this.valid()) return this.material();
    return this.refresh();
  }

  async onUnauthorized(used: AuthMaterial): Promise<AuthMaterial | null> {
    if (this.current !== null && this.current !== used) return this.current;
    if (this.refreshToken === '') return null;
    return this.refresh();
  }

  private refresh(): Promise<AuthMaterial> {
    this.inflight ??= this.doRefresh().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async doRefresh(): Promise<AuthMaterial> {
    const who = `oidc auth-provider of user ${this.user.name}`;
    if (this.refreshToken === '') throw new AuthError(`${who}: the id-token has expired and there is no refresh-token; sign in again (e.g. with kubectl oidc-login)`);
    const ca = this.cfg['idp-certificate-authority-data'] ? Buffer.from(this.cfg['idp-certificate-authority-data'], 'base64') : this.cfg['idp-certificate-authority'] ? fs.readFileSync(this.cfg['idp-certificate-authority']) : undefined;
    const issuer = this.cfg['idp-issuer-url']!.replace(/\/$/, '');
    let discovery: { token_endpoint?: unknown };
    try {
      discovery = JSON.parse(await request('GET', `${issuer}/.well-known/openid-configuration`, null, ca)) as typeof discovery;
    } catch (e) {
      throw new AuthError(`${who}: cannot read the issuer's configuration at ${issuer}/.well-known/openid-configuration: ${(e as Error).message}`);
    }
    if (typeof discovery.token_endpoint !== 'string') throw new AuthError(`${who}: the issuer's configuration has no token_endpoint`);
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.refreshToken, client_id: this.cfg['client-id']! });
    if (this.cfg['client-secret']) form.set('client_secret', this.cfg['client-secret']);
    let tok: { id_token?: unknown; refresh_token?: unknown; error?: unknown; error_description?: unknown };
    try {
      tok = JSON.parse(await request('POST', discovery.token_endpoint, form.toString(), ca)) as typeof tok;
    } catch (e) {
      throw new AuthError(`${who}: refreshing the token failed: ${(e as Error).message}`);
    }
    if (typeof tok.id_token !== 'string' || tok.id_token === '') throw new AuthError(`${who}: token response did not contain an id_token`);
    this.refreshes++;
    this.idToken = tok.id_token;
    if (typeof tok.refresh_token === 'string' && tok.refresh_token !== '') this.refreshToken = tok.refresh_token;
    persistTokens(this.user.file, this.user.name, { 'id-token': this.idToken, 'refresh-token': this.refreshToken });
    return this.material();
  }
}

/** request performs one HTTPS (or HTTP, for tests on loopback) request and returns the body; non-2xx throws with the status (never the body's secrets). */
function request(method: string, url: string, body: string | null, ca: Buffer | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method, ca, timeout: 30_000, headers: body !== null ? { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' } : { Accept: 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (d: Buffer) => (data += d.toString()));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(data);
        else {
          let detail = '';
          try {
            const e = JSON.parse(data) as { error?: unknown; error_description?: unknown };
            if (typeof e.error === 'string') detail = `: ${e.error}${typeof e.error_description === 'string' ? ` (${e.error_description})` : ''}`;
          } catch {
            // not JSON
          }
          reject(new Error(`HTTP ${res.statusCode}${detail}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/**
 * persistTokens writes refreshed tokens into the user's auth-provider config in file, keeping the
 * rest of the file as it was (kubectl does the same). A file that changed shape meanwhile is left
 * alone: the tokens then live in memory only.
 */
export function persistTokens(file: string, userName: string, tokens: Record<string, string>): boolean {
  let text: string;
  let mode = 0o600;
  try {
    text = fs.readFileSync(file, 'utf8');
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    return false;
  }
  const doc = parseDocument(text);
  const users = doc.get('users', true);
  if (!isSeq(users)) return false;
  for (const item of users.items) {
    if (!isMap(item) || item.get('name') !== userName) continue;
    const cfg = (item as YAMLMap).getIn(['user', 'auth-provider', 'config'], true);
    if (!isMap(cfg)) return false;
    for (const [k, v] of Object.entries(tokens)) cfg.set(k, v);
    const tmp = `${file}.vigil-${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, doc.toString(), { mode });
      fs.renameSync(tmp, file);
      return true;
    } catch {
      fs.rmSync(tmp, { force: true });
      return false;
    }
  }
  return false;
}
