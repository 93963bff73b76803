// Runs every `*.test.ts` under a folder (or one test file) with node's test runner (through tsx). Node 20's `--test` takes file
// paths but no globs, so the files are found here.
//   node scripts/run-tests.mjs <folder> [more node --test options]
// e.g. node scripts/run-tests.mjs test/unit --test-reporter=spec
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

// `*.slow.test.ts` files start first: the runner fills its slots in this order, so the longest files (the corpus's
// training shards) run beside each other and the short ones fill in around them, instead of one starting last.
const slowFirst = (a, b) => Number(b.endsWith('.slow.test.ts')) - Number(a.endsWith('.slow.test.ts'));
const files = (statSync(folder).isFile() ? [folder] : findTests(folder).sort(slowFirst)).map((f) => relative(process.cwd(), f));
if (files.length === 0) {
  console.error(`no *.test.ts files under ${folder}`);
  process.exit(1);
}
// No --test-force-exit: with it, node drops the results of tests that ran from its report (and its counts), so a
// run could look complete when it is not. A test file that leaves something running (a child process, a timer)
// would instead hang the run: so the whole run has a time limit, past which it fails and says why.
const limitMinutes = Number(process.env.LOSS_LAB_TEST_TIMEOUT_MINUTES ?? 30);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...options, ...files], { stdio: 'inherit', timeout: limitMinutes * 60_000, killSignal: 'SIGKILL' });
if (r.error?.code === 'ETIMEDOUT') {
  console.error(`\ntests under ${folder} did not finish within ${limitMinutes} min: a test hangs, or a test file leaves something running`);
  process.exit(1);
}
process.exit(r.status ?? 1);
