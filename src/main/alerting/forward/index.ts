export { Forwarder, forwarderRoutes, discover, alertsPath, QUEUE_CAPACITY, MAX_BATCH, type ForwarderOptions } from './forwarder';
