/**
 * The authentication contract of the Kubernetes client: what a request authenticates with, and
 * how a kind of credentials recovers from a 401.
 */

/** AuthMaterial is what one request authenticates with. */
export interface AuthMaterial {
  /** authorization is the Authorization header ('' for none). */
  readonly authorization: string;
  /** cert and key are a client certificate and key in PEM (absent for none). */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
}

/** AuthKind names how a user authenticates (shown in the UI and errors, never the secret). */
export type AuthKind = 'none' | 'token' | 'token-file' | 'basic' | 'client-certificate' | 'exec' | 'oidc';

/** Authenticator authenticates requests as one kubeconfig user. */
export interface Authenticator {
  readonly kind: AuthKind;
  /** get returns the material for the next request (may run a plugin or refresh a token). */
  get(): Promise<AuthMaterial>;
  /**
   * onUnauthorized is told that used got a 401 and returns new material to retry with, or null
   * when the kind cannot get any (a static token, a certificate).
   */
  onUnauthorized(used: AuthMaterial): Promise<AuthMaterial | null>;
}

/** AuthError is a user whose credentials cannot be used, with a user-facing reason. */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

