// The `loss-lab` command line (bundled to dist/cli.js, started by bin/loss-lab.js). Subcommands are loaded on
// demand, so `check` never loads the trainer (and tfjs) that `train` needs.
/** A subcommand's entry: `run(argv)` (or `main`/`<command>`) resolves to the process exit code. */
type Entry = (argv: readonly string[]) => Promise<number> | number;

// `require` with a literal path: esbuild bundles the module but evaluates it only when the command runs.
const commands: Record<string, { summary: string; load: () => unknown }> = {
  check: { summary: 'check loss functions for constraint mistakes (CI, pre-commit)', load: () => require('./check') },
  sweep: { summary: 'sweep λ, judge each run against its constraints, recommend one (--write applies it)', load: () => require('./sweep') },
  train: { summary: 'trial-train a loss with several λ values on TensorFlow.js', load: () => require('./train') },
};

export const usage = `Usage: loss-lab <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`)
  .join('\n')}

Run \`loss-lab <command> --help\` for a command's options.`;

function entryOf(mod: unknown, name: string): Entry | undefined {
  if (!mod || typeof mod !== 'object') return undefined;
  const exports = mod as Record<string, unknown>;
  const fn = [exports.run, exports.main, exports[name]].find((f) => typeof f === 'function');
  return fn as Entry | undefined;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`loss-lab: unknown command '${name}'\n\n${usage}\n`);
    return 2;
  }
  let mod: unknown;
  try {
    mod = command.load();
  } catch (err) {
    process.stderr.write(`loss-lab: the '${name}' command is not available in this build: ${(err as Error).message}\n`);
    return 2;
  }
  const entry = entryOf(mod, name);
  if (!entry) {
    process.stderr.write(`loss-lab: the '${name}' command is not available in this build (its module exports no run())\n`);
    return 2;
  }
  try {
    return await entry(rest);
  } catch (err) {
    process.stderr.write(`loss-lab ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

// `node dist/cli.js …` runs directly; bin/loss-lab.js requires this bundle and calls main().
if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
