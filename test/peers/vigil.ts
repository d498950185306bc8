/**
 * Vigil as a real process: the built `vigil` CLI (bin/vigil.js -> out/main/cli.js), for tests and
 * benchmarks that compare it with real peers over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type RunResult } from './prometheus';

/** ROOT is the repository root. */
export const ROOT = path.resolve(__dirname, '../..');

/** VIGIL_BIN is the `vigil` command. */
export const VIGIL_BIN = path.join(ROOT, 'bin', 'vigil.js');

/** requireBuiltCli throws a clear error when out/main/cli.js is missing (npm test builds it first). */
export function requireBuiltCli(): void {
  if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js'))) {
    throw new Error('out/main/cli.js is missing: run `npm run build` (npm test builds before running the tests)');
  }
}

/** VigilProcess is a running `vigil serve`. */
export interface VigilProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
  startedAt: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * startVigil runs `node [nodeArgs] bin/vigil.js serve --listen 127.0.0.1:0 --data DIR ...args` and
 * resolves when it prints its URL.
 */
export async function startVigil(args: string[], opts: { dataDir?: string | null; timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<VigilProcess> {
  requireBuiltCli();
  // dataDir null leaves --data out (the command picks its folder; pass env.VIGIL_DATA to place it).
  const dataDir = opts.dataDir === null ? '' : (opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-')));
  const startedAt = Date.now();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), VIGIL_BIN, 'serve', '--listen', '127.0.0.1:0', ...(dataDir ? ['--data', dataDir] : []), ...args], {
    cwd: ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigil did not print its URL in time; output:\n${out}`)), opts.timeoutMs ?? 30_000);
    const check = (): void => {
      const m = /serving at (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil exited with code ${code}; output:\n${out}`));
    });
  });
  return {
    url,
    child,
    dataDir,
    startedAt,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/**
 * quietConfig writes a configuration that scrapes nothing into `dir` and returns its path. Serving
 * backfilled data needs it: without --config Vigil scrapes itself, and time retention (relative to
 * the newest sample, as in Prometheus) would then drop the old backfilled blocks.
 */
export function quietConfig(dir: string): string {
  const file = path.join(dir, 'vigil-quiet.yml');
  fs.writeFileSync(file, 'global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\nscrape_configs: []\n');
  return file;
}

/** vigilImport runs `vigil import FILE --data DIR` and throws with its output when it fails. */
export async function vigilImport(file: string, dataDir: string, timeoutMs = 600_000): Promise<RunResult> {
  requireBuiltCli();
  const r = await run(process.execPath, [VIGIL_BIN, 'import', file, '--data', dataDir], { timeoutMs, cwd: ROOT });
  if (r.code !== 0) throw new Error(`vigil import ${file} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  return r;
}
