/**
 * The watched Kubernetes objects: their narrowed types, how each kind is trimmed, and the
 * collections and informer specs that all of Vigil's consumers of one collection share.
 */
export * from './types';
export * from './trim';
export * from './collections';
