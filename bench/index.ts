// `npm run bench`: every bench module, one after another (they measure speed, so never in parallel), each
// printing its figures. A module that cannot run here (no Chromium, no PyTorch) says why and the others still
// run; `npm run bench -- trainer` runs only the named ones. Exit code 1 only when a module crashed.
import { runAnalysisBench } from './analysis';
import { benchRender, formatRenderResult } from './render';
import { formatTrainerBench, runTrainerBench } from './trainer';

interface BenchModule {
  name: string;
  /** Resolves to the lines to print. */
  run: () => Promise<string>;
}

const modules: BenchModule[] = [
  {
    name: 'analysis',
    run: async () => {
      const results = await runAnalysisBench();
      return results
        .map((r) => `${r.name}: ${r.value.toFixed(1)} ${r.unit}${r.target ? ` (target < ${r.target} ${r.unit}: ${r.value < r.target ? 'meets target' : 'MISSES target'})` : ''}${r.detail ? `  [${r.detail}]` : ''}`)
        .join('\n');
    },
  },
  {
    name: 'trainer',
    run: async () => {
      return formatTrainerBench(await runTrainerBench());
    },
  },
  {
    name: 'render',
    run: async () => {
      return formatRenderResult(await benchRender());
    },
  },
];

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  let failed = 0;
  for (const m of modules) {
    if (only.length > 0 && !only.includes(m.name)) continue;
    const t0 = performance.now();
    process.stdout.write(`── ${m.name} ──\n`);
    try {
      process.stdout.write(`${await m.run()}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`${m.name}: could not run: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
    }
    process.stdout.write(`(${((performance.now() - t0) / 1000).toFixed(1)} s)\n\n`);
  }
  return failed > 0 ? 1 : 0;
}

void main().then((code) => {
  process.exitCode = code;
});
