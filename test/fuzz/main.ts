// `npm run fuzz -- [--minutes N] [--seed S]`: the long fuzz run for nightly use (see fuzzer.ts). Prints progress and
// the figures; each failing input is written to test/fixtures/fuzz/ (a crasher fixture the unit run replays) and
// the exit code is 1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { initParsers } from '../../src/analysis/index';
import { crashersDir, fuzz } from './fuzzer';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

async function main(): Promise<number> {
  const minutes = option('minutes', 5);
  const seed = option('seed', Date.now() % 1_000_000);
  await initParsers();
  console.log(`fuzzing for ${minutes} min with seed ${seed}`);
  const stats = fuzz({
    seed,
    maxInputs: Number.MAX_SAFE_INTEGER,
    maxSeconds: minutes * 60,
    parseBaseMs: 50,
    onProgress: (s) => {
      if (s.inputs % 10_000 === 0) console.log(`${s.inputs} inputs, ${s.seconds.toFixed(0)} s, ${s.failures.length} failures`);
    },
  });
  console.log(
    `${stats.inputs} inputs in ${stats.seconds.toFixed(1)} s (${(stats.inputs / stats.seconds).toFixed(0)}/s): ${stats.escapes} escapes, ${stats.hangs} hangs, ${stats.badRanges} ranges outside the document, ${stats.notAnalysed} parses gave up at their deadline, slowest ${stats.slowestMs.toFixed(0)} ms`,
  );
  if (stats.failures.length === 0) return 0;
  mkdirSync(crashersDir, { recursive: true });
  stats.failures.slice(0, 50).forEach((f, i) => {
    const ext = extname(f.fileName);
    const file = join(crashersDir, `${f.kind}-${seed}-${i}-${basename(f.seed, extname(f.seed)).replace(/\W+/g, '_')}${ext}`);
    writeFileSync(file, f.input);
    console.log(`${f.kind}: ${f.seed} (${f.mutation}) → ${file}\n  ${f.detail.split('\n')[0]}`);
  });
  return 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(2);
});
