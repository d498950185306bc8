/**
 * The fake Kubernetes API server (demo mode's cluster and the tests' fault injector).
 */
export { FakeApiServer } from './server';
export type { FakeApiServerOptions, FakeNetwork, FakeNetworkAnswer, FakeUser, Faults, RequestRecord } from './server';
export { connectInProcess, duplexPair } from './inprocess';
export { ObjectStore, RESOURCES, parseFieldSelector, parseLabelSelector } from './store';
export type { KubeObj, ResourceType, StoreEvent } from './store';
