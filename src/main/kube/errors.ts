/**
 * Errors a user can act on. Every failure talking to an API server becomes a KubeError with a
 * kind (so the UI can show the connection state of each context) and a message that names the
 * context and says what to do: an RBAC refusal names the missing permission and the `kubectl auth
 * can-i` command to check it; expired credentials, an exec plugin failure (with its stderr), an
 * unreachable server and a TLS mismatch each get their own message. No message carries a secret.
 */
import type { ConnectionState } from './types';

/** KubeErrorKind classifies failures. */
export type KubeErrorKind = 'config' | 'unauthorized' | 'forbidden' | 'auth' | 'exec' | 'unreachable' | 'tls' | 'not_found' | 'gone' | 'too_many_requests' | 'server' | 'bad_response' | 'timeout' | 'canceled';

/** KubeError is a failed request to an API server. */
export class KubeError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly status = 0,
    /** retryAfterMs is a 429's Retry-After (0 without one). */
    readonly retryAfterMs = 0,
    /** permission is the missing permission of a 403 (`get pods/proxy`), when the server said. */
    readonly permission = '',
  ) {
    super(message);
    this.name = 'KubeError';
  }

  /** state is the connection state this failure puts the context in. */
  get state(): ConnectionState {
    switch (this.kind) {
      case 'unauthorized':
      case 'auth':
      case 'exec':
        return 'auth-failed';
      case 'forbidden':
        return 'forbidden';
      case 'unreachable':
      case 'timeout':
        return 'unreachable';
      case 'tls':
        return 'tls-error';
      case 'config':
        return 'misconfigured';
      default:
        return 'connected';
    }
  }
}

/** K8sStatus is the part of a metav1.Status body Vigil reads. */
interface K8sStatus {
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string; group?: string };
}

/**
 * forbiddenPermission reads a 403's message (`pods "x" is forbidden: User "bob" cannot get
 * resource "pods/proxy" in API group "" in the namespace "default"`) into the verb, resource,
 * subresource, group and namespace of the missing permission.
 */
export function forbiddenPermission(message: string): { verb: string; resource: string; subresource: string; group: string; namespace: string; nonResourceURL: string } | null {
  const nr = /cannot (\w+) path "([^"]+)"/.exec(message);
  if (nr) return { verb: nr[1]!, resource: '', subresource: '', group: '', namespace: '', nonResourceURL: nr[2]! };
  const m = /cannot (\w+) resource "([^"/]+)(?:\/([^"]+))?" in API group "([^"]*)"(?: in the namespace "([^"]+)"| at the cluster scope)?/.exec(message);
  if (!m) return null;
  return { verb: m[1]!, resource: m[2]!, subresource: m[3] ?? '', group: m[4]!, namespace: m[5] ?? '', nonResourceURL: '' };
}

/** canIHint is the `kubectl auth can-i` command that checks a permission in a context. */
export function canIHint(p: NonNullable<ReturnType<typeof forbiddenPermission>>, context: string): string {
  if (p.nonResourceURL) return `kubectl auth can-i ${p.verb} ${p.nonResourceURL} --context ${context}`;
  const res = p.group ? `${p.resource}.${p.group}` : p.resource;
  return `kubectl auth can-i ${p.verb} ${res}${p.subresource ? ` --subresource=${p.subresource}` : ''}${p.namespace ? ` -n ${p.namespace}` : ''} --context ${context}`;
}

/** httpError turns a non-2xx answer into a KubeError for context ctx (user names the kubeconfig user). */
export function httpError(status: number, body: string, what: string, ctx: string, user: string, retryAfter?: string): KubeError {
  let st: K8sStatus = {};
  try {
    st = JSON.parse(body) as K8sStatus;
  } catch {
    st = { message: body.slice(0, 300).trim() };
  }
  const msg = st.message ?? '';
  switch (status) {
    case 401:
      return new KubeError(
        'unauthorized',
        `context ${ctx}: the API server refused the credentials of user ${user} (401 Unauthorized) for ${what}: they may have expired. Run \`kubectl get namespaces --context ${ctx}\` to sign in again, or update the kubeconfig.`,
        401,
      );
    case 403: {
      const p = forbiddenPermission(msg);
      if (p === null) return new KubeError('forbidden', `context ${ctx}: forbidden (403) for ${what}: ${msg}`, 403);
      const perm = p.nonResourceURL ? `${p.verb} ${p.nonResourceURL}` : `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}`;
      const where = p.nonResourceURL ? '' : p.namespace ? ` in namespace ${p.namespace}` : ' at the cluster scope';
      return new KubeError('forbidden', `context ${ctx}: user ${user} lacks the permission "${perm}"${where} (RBAC), needed for ${what}. Check with \`${canIHint(p, ctx)}\`.`, 403, 0, perm);
    }
    case 404:
      return new KubeError('not_found', `context ${ctx}: ${what}: not found${msg ? `: ${msg}` : ''}`, 404);
    case 410:
      return new KubeError('gone', `context ${ctx}: ${what}: resource version too old (410 Gone)`, 410);
    case 429: {
      const secs = Number(retryAfter);
      const ms = Number.isFinite(secs) && secs > 0 ? secs * 1000 : 1000;
      return new KubeError('too_many_requests', `context ${ctx}: the API server asked to slow down (429 Too Many Requests) for ${what}; retrying after ${ms / 1000} s`, 429, ms);
    }
    default:
      if (status >= 500) return new KubeError('server', `context ${ctx}: the API server failed ${what} (HTTP ${status})${msg ? `: ${msg}` : ''}`, status);
      return new KubeError('bad_response', `context ${ctx}: ${what}: HTTP ${status}${msg ? `: ${msg}` : ''}`, status);
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** networkError turns a socket-level failure reaching server into a KubeError. */
export function networkError(e: NodeJS.ErrnoException, server: string, ctx: string, cluster: string): KubeError {
  const code = e.code ?? '';
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(e.message)) {
    const why =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `its certificate is not valid for this name (${e.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}); set tls-server-name on cluster ${cluster} if the server is reached by another name`
        : code === 'CERT_HAS_EXPIRED'
          ? 'its certificate has expired'
          : `its certificate is not signed by the certificate-authority of cluster ${cluster} (${code || e.message})`;
      return new KubeError('tls', `context ${ctx}: TLS with the API server ${server} failed: ${why}.`);
  }
  const reason: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'no such host',
    EAI_AGAIN: 'the host name cannot be resolved now',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'no route to host',
    ENETUNREACH: 'network unreachable',
    ECONNRESET: 'connection reset',
  };
  return new KubeError('unreachable', `context ${ctx}: cannot reach the API server ${server}: ${reason[code] ?? e.message}. Is the cluster up, and the VPN connected?`);
}
