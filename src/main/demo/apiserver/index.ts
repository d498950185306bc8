/**
 * The fake Kubernetes API server (demo mode's cluster and the tests' fault injector).
 */
export { FakeApiServer } from './server';
export type { FakeApiServerOptions, FakeUser, Faults, RequestRecord } from './server';
export { ObjectStore, RESOURCES, parseFieldSelector, parseLabelSelector } from './store';
export type { KubeObj, ResourceType, StoreEvent } from './store';
