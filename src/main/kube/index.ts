/**
 * The Kubernetes connection: kubeconfig files merged as kubectl merges them, contexts,
 * credentials (tokens, client certificates, exec plugins, OIDC), and the client that talks to
 * API servers with bounded concurrency and rate. See README.md.
 */
export type { ContextInfo, ConnectionState, KubeObject, ObjectMeta } from './types';
