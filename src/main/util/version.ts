/**
 * Build information reported by /api/v1/status/buildinfo and `vigil --version`.
 */

/** VERSION is Vigil's version. */
export const VERSION = '0.1.0';

/**
 * PROMETHEUS_COMPAT_VERSION is the Prometheus version whose API and PromQL semantics Vigil
 * implements; clients such as Grafana read `version` to enable features, so it is reported there.
 */
export const PROMETHEUS_COMPAT_VERSION = '3.14.0';

/** buildInfo returns the buildinfo payload. */
export function buildInfo(): { version: string; revision: string; branch: string; buildUser: string; buildDate: string; goVersion: string; vigilVersion: string } {
  return {
    version: PROMETHEUS_COMPAT_VERSION,
    revision: 'vigil',
    branch: 'main',
    buildUser: 'vigil',
    buildDate: '',
    goVersion: `node ${process.versions.node}`,
    vigilVersion: VERSION,
  };
}
