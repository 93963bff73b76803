// Runs every `*.test.ts` under a folder with node's test runner (through tsx). Node 20's `--test` takes file
// paths but no globs, so the files are found here.
//   node scripts/run-tests.mjs <folder> [more node --test options]
// e.g. node scripts/run-tests.mjs test/unit --test-reporter=spec
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const [folder, ...options] = process.argv.slice(2);
if (!folder || !existsSync(folder)) {
  console.error(`usage: node scripts/run-tests.mjs <folder> [node --test options] (no folder ${folder ?? ''})`);
  process.exit(2);
}

/** Test files under `dir`, skipping helper folders such as node_modules and fixtures. */
function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : findTests(path);
      return e.name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const files = findTests(folder).map((f) => relative(process.cwd(), f));
if (files.length === 0) {
  console.error(`no *.test.ts files under ${folder}`);
  process.exit(1);
}
// --test-force-exit: a test file whose tests are done exits even if something it started (a child process, a
// timer) is still alive, so a leak fails that file's tests instead of hanging the whole run.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', ...options, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
