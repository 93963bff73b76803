#!/usr/bin/env node
// The `loss-lab` command (package.json "bin"): the bundled CLI in dist/cli.js (`npm run build` creates it).
'use strict';
let cli;
try {
  cli = require('../dist/cli.js');
} catch (err) {
  process.stderr.write(`loss-lab: dist/cli.js is missing or broken; run \`npm run build\` first (${err.message})\n`);
  process.exit(2);
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`loss-lab: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
