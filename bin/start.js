#!/usr/bin/env node
// `npm start`: opens the desktop window when Electron can run here; otherwise says why and starts
// serve mode (the same core, the UI in a browser) instead of failing with a stack trace.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const root = path.join(__dirname, '..');
const extra = process.argv.slice(2);

function serveInstead(reason) {
  process.stderr.write(`Vigil: cannot open the desktop window: ${reason}\nVigil: starting serve mode instead (the same app, in your browser).\n`);
  require('./vigil.js');
}

function electronBinary() {
  try {
    // In plain Node, require('electron') returns the path of the Electron binary, or throws when
    // the binary was never downloaded (e.g. installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1).
    const p = require('electron');
    if (typeof p !== 'string' || !fs.existsSync(p)) return { error: 'the Electron binary is not installed' };
    return { path: p };
  } catch (e) {
    return { error: `the Electron binary is not installed (${String(e.message || e).split('\n')[0]})` };
  }
}

function main() {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'index.js'))) {
    process.stderr.write('Vigil: the app is not built yet; run `npm run build` first (npm ci/install does it).\n');
    process.exit(1);
  }
  process.argv = [process.argv[0], process.argv[1], 'serve', ...extra];
  const bin = electronBinary();
  if (bin.error) return serveInstead(bin.error);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return serveInstead('no display (neither DISPLAY nor WAYLAND_DISPLAY is set)');
  }
  const started = Date.now();
  const child = spawn(bin.path, [root, ...extra], { stdio: ['inherit', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d.toString();
    if (stderr.length > 20000) stderr = stderr.slice(-20000);
    process.stderr.write(d);
  });
  child.on('error', (e) => serveInstead(`Electron failed to start (${e.message})`));
  child.on('exit', (code, signal) => {
    // A crash within seconds of launch means Electron cannot run here (missing libraries, no GPU,
    // sandbox restrictions): fall back rather than leave the user with nothing.
    if (code !== 0 && Date.now() - started < 5000) {
      const last = stderr.trim().split('\n').slice(-1)[0] || `exit code ${code ?? signal}`;
      return serveInstead(`Electron exited at start-up: ${last}`);
    }
    process.exit(code ?? 0);
  });
}

main();
