#!/usr/bin/env node
// The `vigil` command: runs the CLI entry built by electron-vite (out/main/cli.js).
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('vigil: the app is not built yet (missing out/main/cli.js). Run `npm run build` (npm ci/install does it).\n');
  process.exit(1);
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  })
  .catch((e) => {
    process.stderr.write(`vigil: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 1;
  });
