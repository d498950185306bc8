/**
 * The real Alertmanager (Debian's 0.25) and amtool for peer tests: amtool runs as a command with a
 * bounded time; prometheus-alertmanager starts on a free loopback port with clustering off and a
 * temporary storage folder, under `timeout` so it cannot outlive the test run, and stops by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, run, type RunResult } from '../peers/prometheus';

export const AMTOOL = '/usr/bin/amtool';
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

/** amtool runs amtool to completion (30 s at most). */
export function amtool(args: string[], timeoutMs = 30_000): Promise<RunResult> {
  return run(AMTOOL, args, { timeoutMs });
}

/** RunningAlertmanager is a started prometheus-alertmanager. */
export interface RunningAlertmanager {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** startAlertmanager runs the real Alertmanager over a configuration in dir and waits for /-/ready. */
export async function startAlertmanager(dir: string, configText: string, lifetimeSeconds = 300): Promise<RunningAlertmanager> {
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(config, configText);
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      'timeout',
      [
        String(lifetimeSeconds),
        ALERTMANAGER,
        `--config.file=${config}`,
        `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    const keep = (d: Buffer): void => {
      log = (log + d.toString()).slice(-8000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited = false;
    child.once('exit', () => (exited = true));
    const stop = (): Promise<void> =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline) {
      try {
        const r = await fetch(`${url}/-/ready`);
        if (r.status === 200) return { url, child, output: () => log, stop };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    last = log;
    if (!/address already in use/.test(log)) break;
  }
  throw new Error(`prometheus-alertmanager did not become ready:\n${last}`);
}
