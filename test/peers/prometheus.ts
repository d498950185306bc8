/**
 * The reference Prometheus for tests and benchmarks: finds the binaries, backfills blocks with
 * promtool, starts `prometheus` on a loopback port with a temporary data directory, and runs
 * `promtool` as an API client.
 *
 * Lookup order: $VIGIL_PROMETHEUS_DIR, then the cache `.ci/build-prometheus.sh` fills
 * (${VIGIL_PEERS_DIR:-$HOME/.cache/vigil-peers}/prometheus-3.14.0), both holding the v3.14 build
 * whose semantics the conformance scripts describe; then Debian's 2.42 in /usr/bin as a fallback,
 * which callers must announce (see `PrometheusPeer.note`). Nothing found is an error naming the
 * scripts that provide the peer: tests that need it fail, they never skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** REFERENCE_VERSION is the Prometheus release Vigil's PromQL follows. */
export const REFERENCE_VERSION = '3.14.0';

/** PrometheusPeer locates one Prometheus installation. */
export interface PrometheusPeer {
  prometheus: string;
  promtool: string;
  /** version as `prometheus --version` reports it, e.g. "3.14.0" or "2.42.0+ds". */
  version: string;
  /** reference is true for the v3.14 build, false for the Debian fallback. */
  reference: boolean;
  /** note is one line for the test or bench output saying which Prometheus is used and why. */
  note: string;
}

/** MISSING_PEER_HINT tells how to provide the reference peer. */
export const MISSING_PEER_HINT =
  `run .ci/build-prometheus.sh (or .ci/run, which installs the peers and runs the tests) to build Prometheus v${REFERENCE_VERSION} ` +
  `into \${VIGIL_PEERS_DIR:-$HOME/.cache/vigil-peers}/prometheus-${REFERENCE_VERSION}, or set VIGIL_PROMETHEUS_DIR to a directory holding prometheus and promtool; ` +
  `Debian's prometheus package (2.42) is the fallback`;

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** referenceDirs lists where the v3.14 build may be, in lookup order. */
export function referenceDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.VIGIL_PROMETHEUS_DIR) dirs.push(process.env.VIGIL_PROMETHEUS_DIR);
  const peers = process.env.VIGIL_PEERS_DIR || path.join(os.homedir(), '.cache', 'vigil-peers');
  dirs.push(path.join(peers, `prometheus-${REFERENCE_VERSION}`));
  return dirs;
}

async function versionOf(bin: string): Promise<string> {
  const r = await run(bin, ['--version'], { timeoutMs: 20_000 });
  const m = /version (\S+)/.exec(r.stdout + r.stderr);
  if (!m) throw new Error(`${bin} --version printed no version: ${r.stdout}${r.stderr}`);
  return m[1]!;
}

let cached: Promise<PrometheusPeer> | null = null;

/**
 * findPrometheus returns the reference Prometheus (v3.14) or Debian's 2.42, with a note saying
 * which. It throws an Error naming `.ci/build-prometheus.sh` and `.ci/run` when neither is there.
 */
export function findPrometheus(): Promise<PrometheusPeer> {
  cached ??= locate();
  return cached;
}

async function locate(): Promise<PrometheusPeer> {
  const tried: string[] = [];
  for (const dir of referenceDirs()) {
    const prometheus = path.join(dir, 'prometheus');
    const promtool = path.join(dir, 'promtool');
    tried.push(dir);
    if (!executable(prometheus) || !executable(promtool)) continue;
    const version = await versionOf(prometheus);
    const reference = version === REFERENCE_VERSION;
    return {
      prometheus,
      promtool,
      version,
      reference,
      note: reference
        ? `reference Prometheus ${version} (${dir})`
        : `Prometheus ${version} from ${dir}, NOT the reference v${REFERENCE_VERSION}: results may differ where Prometheus changed`,
    };
  }
  const prometheus = '/usr/bin/prometheus';
  const promtool = '/usr/bin/promtool';
  if (executable(prometheus) && executable(promtool)) {
    const version = await versionOf(prometheus);
    return {
      prometheus,
      promtool,
      version,
      reference: false,
      note:
        `FALLBACK: Debian's Prometheus ${version} (${prometheus}); the reference v${REFERENCE_VERSION} was not found in ${tried.join(', ')}. ` +
        `To compare against the reference, ${MISSING_PEER_HINT.replace(/; Debian.*$/, '')}`,
    };
  }
  throw new Error(`no Prometheus found (looked in ${tried.join(', ')} and /usr/bin): ${MISSING_PEER_HINT}`);
}

/** RunResult is the outcome of a finished child process. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** run executes a command to completion, collecting its output; it never rejects for a non-zero exit. */
export function run(bin: string, args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    c.stdout.on('data', (d: Buffer) => out.push(d));
    c.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      c.kill('SIGKILL');
      reject(new Error(`${path.basename(bin)} ${args.join(' ')}: no exit after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs ?? 120_000);
    c.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    c.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** freePort asks the kernel for a free loopback port (released again before it is returned). */
export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * createBlocks backfills `dir` from an OpenMetrics file with timestamps using
 * `promtool tsdb create-blocks-from openmetrics` (several files may go into one directory).
 */
export async function createBlocks(peer: PrometheusPeer, openMetricsFile: string, dir: string, opts: { maxBlockDuration?: string; timeoutMs?: number } = {}): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const args = ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet'];
  // A hidden flag in both 2.42 and 3.x: blocks may span more than 2 h (fewer, larger blocks).
  if (opts.maxBlockDuration) args.push(`--max-block-duration=${opts.maxBlockDuration}`);
  args.push(openMetricsFile, dir);
  const r = await run(peer.promtool, args, { timeoutMs: opts.timeoutMs ?? 600_000 });
  if (r.code !== 0) throw new Error(`promtool ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout + r.stderr;
}

/** RunningPrometheus is a started `prometheus`. */
export interface RunningPrometheus {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** output is the tail of the process's log. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * startPrometheus runs `prometheus` over `dataDir` (blocks written by createBlocks are loaded at
 * start) with a configuration that scrapes nothing, on a free loopback port, and resolves once
 * /-/ready answers. Time retention is long, and relative to the newest block anyway, so old
 * backfilled data stays queryable.
 */
export async function startPrometheus(peer: PrometheusPeer, dataDir: string, opts: { extraArgs?: string[]; timeoutMs?: number } = {}): Promise<RunningPrometheus> {
  fs.mkdirSync(dataDir, { recursive: true });
  const config = path.join(dataDir, '..', `${path.basename(dataDir)}-prometheus.yml`);
  fs.writeFileSync(config, 'global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\nscrape_configs: []\n');
  let lastErr = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=3650d',
      '--log.level=warn',
      ...(opts.extraArgs ?? []),
    ];
    const child = spawn(peer.prometheus, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (d: Buffer): void => {
      log = (log + d.toString()).slice(-8000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const url = `http://127.0.0.1:${port}`;
    const stop = (): Promise<void> =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      });
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    let exited = false;
    child.once('exit', () => (exited = true));
    while (!exited && Date.now() < deadline) {
      try {
        const r = await fetch(`${url}/-/ready`);
        if (r.status === 200) return { url, port, dataDir, child, output: () => log, stop };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    lastErr = exited ? `prometheus exited (code ${child.exitCode}):\n${log}` : `prometheus did not become ready in time:\n${log}`;
    if (!/address already in use/.test(log)) break;
  }
  throw new Error(`${peer.prometheus}: ${lastErr}`);
}
