/**
 * Where Prometheus's own PromQL test scripts come from: promql/promqltest/testdata/*.test of the
 * Go module github.com/prometheus/prometheus v0.314.0 (Prometheus v3.14.0), the module that
 * .ci/build-prometheus.sh builds the reference Prometheus from. findUpstreamTestdata looks, in
 * order, at $VIGIL_PROMQL_TESTDATA, the Go module cache, `go mod download` (when Go is installed;
 * it fetches the module from the Go module proxy into the cache), and ../shared/conformance/promql
 * beside the repository.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** PROMETHEUS_MODULE is the Go module (and version) that holds the upstream test scripts. */
export const PROMETHEUS_MODULE = 'github.com/prometheus/prometheus@v0.314.0';

/** TESTDATA_IN_MODULE is the scripts' folder inside the module. */
export const TESTDATA_IN_MODULE = 'promql/promqltest/testdata';

/** SHARED_TESTDATA is the copy some checkouts have beside the repository. */
export const SHARED_TESTDATA = path.resolve(__dirname, '../../../shared/conformance/promql');

/** UpstreamTestdata is a folder of scripts and how it was found, or null with what to install. */
export type UpstreamTestdata = { dir: string; source: string } | { dir: null; reason: string };

function hasScripts(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((f) => f.endsWith('.test'));
  } catch {
    return false;
  }
}

/** goOutput runs go with args (in cwd) and returns its stdout, or null when Go is missing or fails. */
function goOutput(args: string[], cwd?: string): string | null {
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', timeout: 600_000, env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (r.error !== undefined || r.status !== 0) return null;
  return r.stdout;
}

function moduleCaches(): string[] {
  const out: string[] = [];
  if (process.env.GOMODCACHE) out.push(process.env.GOMODCACHE);
  const gopath = process.env.GOPATH?.split(path.delimiter)[0];
  out.push(path.join(gopath || path.join(os.homedir(), 'go'), 'pkg', 'mod'));
  return out;
}

/**
 * findUpstreamTestdata returns the folder of the upstream PromQL test scripts. With download
 * false it does not run `go mod download` (which may take a minute on a cold cache).
 */
export function findUpstreamTestdata(download = true): UpstreamTestdata {
  const env = process.env.VIGIL_PROMQL_TESTDATA;
  if (env) {
    if (hasScripts(env)) return { dir: env, source: 'VIGIL_PROMQL_TESTDATA' };
    return { dir: null, reason: `VIGIL_PROMQL_TESTDATA=${env} holds no .test files` };
  }
  const inCache = (cache: string): string => path.join(cache, PROMETHEUS_MODULE, TESTDATA_IN_MODULE);
  for (const cache of moduleCaches()) {
    if (hasScripts(inCache(cache))) return { dir: inCache(cache), source: 'Go module cache' };
  }
  const goCache = goOutput(['env', 'GOMODCACHE'])?.trim();
  if (goCache && hasScripts(inCache(goCache))) return { dir: inCache(goCache), source: 'Go module cache' };
  if (goCache && download) {
    // `go mod download` wants a module to run in; a throw-away one will do.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-promql-testdata-'));
    try {
      fs.writeFileSync(path.join(tmp, 'go.mod'), 'module vigil.local/testdata\n\ngo 1.21\n');
      const json = goOutput(['mod', 'download', '-json', PROMETHEUS_MODULE], tmp);
      let dir: string | undefined;
      try {
        dir = json ? (JSON.parse(json) as { Dir?: string }).Dir : undefined;
      } catch {
        dir = undefined;
      }
      if (dir && hasScripts(path.join(dir, TESTDATA_IN_MODULE))) return { dir: path.join(dir, TESTDATA_IN_MODULE), source: 'go mod download' };
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (hasScripts(SHARED_TESTDATA)) return { dir: SHARED_TESTDATA, source: '../shared/conformance/promql' };
  return {
    dir: null,
    reason:
      `Prometheus's PromQL test scripts were not found: install Go (they come from the Go module ${PROMETHEUS_MODULE}, ` +
      `${TESTDATA_IN_MODULE}), or put them in ../shared/conformance/promql, or set VIGIL_PROMQL_TESTDATA`,
  };
}
