// The packaged extension the e2e tests install: dist/loss-lab.vsix, rebuilt when a source is newer, then copied
// away so that another build (which empties dist/) cannot pull it from under a running test.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
export const vsixPath = join(repoRoot, 'dist', 'loss-lab.vsix');

/** What goes into the .vsix: if any of these is newer than it, it is packaged again. */
const inputs = ['src', 'webview', 'media', 'docs/rules', 'package.json', 'scripts/build.mjs', 'scripts/generate-snippets.ts', '.vscodeignore'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isStale(): boolean {
  if (!existsSync(vsixPath)) return true;
  const built = statSync(vsixPath).mtimeMs;
  return inputs.some((p) => newestMtime(join(repoRoot, p)) > built);
}

/** A .vsix is a zip: complete once its end-of-central-directory record is there. */
function isCompleteZip(file: string): boolean {
  try {
    const buf = readFileSync(file);
    const tail = buf.subarray(Math.max(0, buf.length - 65_557));
    return buf.length > 1000 && tail.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  } catch {
    return false;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Copies an up-to-date dist/loss-lab.vsix to `destDir` and returns the copy's path. Set LOSS_LAB_VSIX to test a
 * given package instead (e.g. one built by CI).
 */
export function packagedVsix(destDir: string): string {
  const given = process.env.LOSS_LAB_VSIX;
  const source = given ?? vsixPath;
  if (!given && isStale()) {
    execFileSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const dest = join(destDir, 'loss-lab.vsix');
  // Another process may be rebuilding dist/ right now: retry until a complete package could be copied.
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      if (isCompleteZip(source)) {
        copyFileSync(source, dest);
        if (isCompleteZip(dest)) return dest;
      }
    } catch {
      /* being rewritten */
    }
    sleep(500);
  }
  throw new Error(`no complete package at ${source}: run \`npm run package\``);
}
