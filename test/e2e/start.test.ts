/**
 * `npm start` where Electron cannot run (here: no Electron binary, no display) must not crash: it
 * says why and starts serve mode, printing the URL. `vigil` itself works through its bin wrapper.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, waitFor } from './helpers';

describe('npm start without a usable Electron', () => {
  it('falls back to serve mode and prints the URL', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-start-'));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'start.js'), '--listen', '127.0.0.1:0', '--data', data], {
      cwd: ROOT,
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const url = await waitFor(async () => /serving at (http:\/\/\S+)/.exec(out)?.[1], 20_000, 'the serve-mode URL');
      expect(err).toMatch(/cannot open the desktop window: /);
      expect(err).toMatch(/starting serve mode instead/);
      expect(err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
      const health = await fetch(`${url}/-/healthy`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(child.exitCode === 0 || child.signalCode === 'SIGTERM').toBe(true);
  });

  it('runs `vigil --help` through the bin wrapper', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'vigil.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: vigil COMMAND');
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'vigil.js'), 'serve', '--listen', 'nonsense'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--listen must be HOST:PORT');
  });
});
