/**
 * Helpers for end-to-end tests: start the built `vigil` CLI as a real process, wait for its URL,
 * and launch Debian's Chromium through playwright-core.
 */
import * as fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// The process helpers moved to test/peers/vigil.ts (shared with the promtool test and the PromQL bench).
export { ROOT, startVigil, type VigilProcess } from '../peers/vigil';

/** getJson fetches a JSON document. */
/** Envelope is a Prometheus API answer as the e2e tests read it (data taken as present). */
export interface Envelope<T> {
  status: string;
  data: T;
  error?: string;
}

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
