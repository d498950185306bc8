/**
 * Prometheus's status endpoints (/api/v1/status/{buildinfo,runtimeinfo,config,flags}) and the
 * health endpoints, answered from what the composition root knows.
 */
import type { ApiBuildInfo } from '../../common/api/types';
import { ok, text, type Route } from '../../common/api/route';

/** StatusSource is what the status routes read. */
export interface StatusSource {
  buildInfo: ApiBuildInfo;
  runtimeInfo(): Record<string, unknown>;
  /** config is the loaded configuration's YAML. */
  config(): string;
  flags(): Record<string, string>;
}

/** statusRoutes returns the status routes. */
export function statusRoutes(s: StatusSource): Route[] {
  const get = { methods: ['GET'], readOnly: true } as const;
  return [
    { ...get, pattern: '/api/v1/status/buildinfo', handler: () => ok(s.buildInfo) },
    { ...get, pattern: '/api/v1/status/runtimeinfo', handler: () => ok(s.runtimeInfo()) },
    { ...get, pattern: '/api/v1/status/config', handler: () => ok({ yaml: s.config() }) },
    { ...get, pattern: '/api/v1/status/flags', handler: () => ok(s.flags()) },
  ];
}

/** healthRoutes answers /-/healthy and /-/ready as Prometheus does. */
export function healthRoutes(): Route[] {
  const get = { methods: ['GET'], readOnly: true } as const;
  return [
    { ...get, pattern: '/-/healthy', handler: () => text(200, 'Vigil is Healthy.\n') },
    { ...get, pattern: '/-/ready', handler: () => text(200, 'Vigil is Ready.\n') },
  ];
}
