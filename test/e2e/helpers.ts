/**
 * Helpers for end-to-end tests: start the built `vigil` CLI as a real process, wait for its URL,
 * and launch Debian's Chromium through playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');

/** VigilProcess is a running `vigil serve`. */
export interface VigilProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
  startedAt: number;
  output(): string;
  stop(): Promise<void>;
}

/** startVigil runs `node bin/vigil.js serve ...args` and resolves when it prints its URL. */
export async function startVigil(args: string[], opts: { dataDir?: string; timeoutMs?: number } = {}): Promise<VigilProcess> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
  const startedAt = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'vigil.js'), 'serve', '--listen', '127.0.0.1:0', '--data', dataDir, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
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
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** getJson fetches a JSON document. */
export async function getJson<T = unknown>(url: string): Promise<T> {
  const r = await fetch(url);
  return (await r.json()) as T;
}

/** CHROMIUM is Debian's Chromium, which `.ci/run` installs. */
export const CHROMIUM = '/usr/bin/chromium';

/** launchChromium starts headless Chromium with flags that keep it off the network. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** waitFor polls fn until it returns a non-undefined value or the deadline passes. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
