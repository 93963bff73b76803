// `loss-lab train <file>`: finds the loss in the file with the analysis front end, builds the same TrialSpec the
// editor builds (src/trial/spec.ts, plain TS), forks the same trainer program, and prints progress
// (a bar on a terminal, JSON Lines with --json) and a final summary table. Exit code: 0 when every run completed,
// 1 when a run diverged or the trial failed, 2 for a usage error.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeSource, initParsers, languageOf } from '../analysis';
import { chooseLoss, type LossChoice, qualifiedName } from '../analysis/choose';
import type { LossModel, SourceLanguage } from '../analysis/ir';
import { isNotebookPath, notebookCells, OTHER_KERNEL } from '../analysis/notebook';
import type { BackendChoice, RunSummary, TrainerToHost } from '../protocol';
import { startTrainer } from '../trainer/session';
import { buildTrialSpec, type TrainingSettings } from '../trial/spec';
import { formatSummary, ProgressBar } from './trainReport';

export const trainUsage = `Usage: loss-lab train <file> [options]

Trial-trains the loss function in <file> (Python Keras/PyTorch, TypeScript/JavaScript TF.js, or a cell of a
Jupyter notebook) with several λ values side by side on TensorFlow.js, and prints every term's final value and
the constraint's violation.

Options:
  --function NAME      the loss to train: a name, Class.method, or name:line (default: the loss the file
                       uses (compiled, .backward(), returned by a training step) that has a penalty)
  --lambda LIST        comma-separated λ values (default 0,0.1,1,10; the λ in the code is added)
  --steps N            training steps per run (default 300)
  --batch-size N       batch size (default 64)
  --hidden LIST        hidden layer sizes (default 64,64)
  --lr X               Adam learning rate (default 0.01)
  --seed N             random seed (default 42)
  --data FILE          a .csv, .json or .npy dataset (default: synthetic data chosen from the loss)
  --backend B          auto | tensorflow | wasm | cpu (default auto)
  --json               print every trainer message as one JSON line (JSON Lines) instead of the bar and table
  -h, --help           this help`;

interface TrainArgs {
  file: string;
  fn?: string;
  json: boolean;
  settings: TrainingSettings;
}

/** `loss-lab train`'s settings when no option changes them. */
export const defaults: TrainingSettings = {
  lambdas: [0, 0.1, 1, 10],
  includeCodeLambda: true,
  steps: 300,
  batchSize: 64,
  hiddenLayers: [64, 64],
  outputActivation: 'auto',
  optimizer: 'adam',
  learningRate: 0.01,
  dataset: '',
  seed: 42,
  backend: 'auto',
};

const numberList = (flag: string, v: string): number[] => {
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const nums = items.map(Number);
  if (items.length === 0 || nums.some((n) => !Number.isFinite(n))) throw new UsageError(`${flag} takes comma-separated numbers, got '${v}'`);
  return nums;
};
const positiveInt = (flag: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a positive integer, got '${v}'`);
  return n;
};

class UsageError extends Error {}

/** Flag → how it sets the settings (a table, so --help and parsing cannot drift far apart). */
const flags: Record<string, (a: TrainArgs, v: string) => void> = {
  '--function': (a, v) => {
    a.fn = v;
  },
  '--lambda': (a, v) => {
    a.settings.lambdas = numberList('--lambda', v);
  },
  '--steps': (a, v) => {
    a.settings.steps = positiveInt('--steps', v);
  },
  '--batch-size': (a, v) => {
    a.settings.batchSize = positiveInt('--batch-size', v);
  },
  '--hidden': (a, v) => {
    a.settings.hiddenLayers = numberList('--hidden', v);
  },
  '--lr': (a, v) => {
    a.settings.learningRate = Number(v);
  },
  '--seed': (a, v) => {
    a.settings.seed = Number(v);
  },
  '--data': (a, v) => {
    a.settings.dataset = resolve(v);
  },
  '--backend': (a, v) => {
    if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(v)) throw new UsageError(`--backend takes auto, tensorflow, wasm or cpu, got '${v}'`);
    a.settings.backend = v as BackendChoice;
  },
};

export function parseTrainArgs(argv: readonly string[]): TrainArgs | 'help' {
  const args: TrainArgs = { file: '', json: false, settings: { ...defaults, lambdas: [...defaults.lambdas] } };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--json') {
      args.json = true;
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const set = flags[flag];
    if (set) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      set(args, value);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option '${arg}'`);
    } else if (!args.file) {
      args.file = arg;
    } else {
      throw new UsageError(`one file at a time (got '${args.file}' and '${arg}')`);
    }
  }
  if (!args.file) throw new UsageError('which file? loss-lab train <file>');
  return args;
}

/** The trainer next to this bundle (dist/trainer.js), or its source when running under tsx. */
export function trainerPath(): string {
  const bundled = join(__dirname, 'trainer.js');
  if (!__filename.endsWith('.ts') && existsSync(bundled)) return bundled;
  return join(__dirname, '..', 'trainer', 'main.ts');
}

/** The folder with the tree-sitter grammars: dist/wasm next to the bundle, else the front end's own default. */
export function grammarsDir(): string | undefined {
  const dir = join(__dirname, 'wasm');
  return existsSync(join(dir, 'tree-sitter.wasm')) ? dir : undefined;
}

export async function runTrain(argv: readonly string[]): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  let args: TrainArgs | 'help';
  try {
    args = parseTrainArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`loss-lab train: ${e.message}\n\n${trainUsage}\n`);
    return 2;
  }
  if (args === 'help') {
    out.write(`${trainUsage}\n`);
    return 0;
  }
  const file = resolve(args.file);
  if (!existsSync(file)) {
    err.write(`loss-lab train: ${args.file}: no such file\n`);
    return 2;
  }
  const language = languageOf(file);
  if (!language) {
    err.write(`loss-lab train: ${args.file}: not a Python, TypeScript or JavaScript file\n`);
    return 2;
  }
  await initParsers(grammarsDir());
  const found = findLosses(file, language);
  if (typeof found === 'string') {
    err.write(`loss-lab train: ${args.file}: ${found}\n`);
    return 2;
  }
  const picked = pickModel(found.losses, args.fn);
  if (typeof picked === 'string') {
    // A half-typed file often has no loss only because it does not parse: say where it breaks.
    const why = found.brokenAt ? `; the file has a syntax error at ${found.brokenAt}` : '';
    err.write(`loss-lab train: ${args.file}: ${picked}${why}\n`);
    return 2;
  }
  const { model, cell, choice } = picked;
  // In a notebook, lines count from the top of the cell: the trainer's locations carry no file, and are said here.
  const where = (line: number) => (cell ? `${args.file}, cell ${cell}, line ${line}` : `${args.file}:${line}`);
  const chosen = chosenJson(choice, args.file, cell);
  // A trainer 'log' line (so a JSON Lines reader of trainer messages reads it too) that also carries the choice.
  if (args.json) out.write(`${JSON.stringify({ type: 'log', level: 'info', message: `training ${chosen.name}: ${choice.because}`, chosen })}\n`);
  // with several losses in the file, say which one trains and why (with one, there is nothing to choose)
  else if (choice.others.length > 0) err.write(`loss-lab train: training ${chosen.name} (${where(chosen.line)}): ${choice.because}\n`);
  // The command line is trusted: the user ran it in this folder, with these arguments.
  const built = buildTrialSpec(model, args.settings, { sourceFile: cell ? undefined : file, workspaceDir: process.cwd(), trusted: true });
  if (!built.ok) {
    err.write(`loss-lab train: ${built.message}\n`);
    return 2;
  }
  const spec = built.spec;
  const messages: TrainerToHost[] = [];
  const bar = !args.json && out.isTTY ? new ProgressBar(err, spec.steps) : undefined;
  let summaries: RunSummary[] | undefined;
  let fatal = false;

  const session = startTrainer(spec, {
    trainerPath: trainerPath(),
    onMessage: (m) => {
      messages.push(m);
      if (args.json && !closed) out.write(`${JSON.stringify(m)}\n`);
      if (m.type === 'started') bar?.setRuns(m.runs);
      if (m.type === 'metrics') bar?.update(m.points, m.stepsPerSecond);
      if (m.type === 'done') summaries = m.summaries;
      if (m.type === 'error') {
        fatal ||= m.fatal;
        if (!args.json) {
          bar?.clear();
          const at = m.location ? `${m.location.file ? `${m.location.file}:${m.location.line}` : where(m.location.line)}: ` : '';
          err.write(`${m.fatal ? 'error' : 'warning'}: ${at}${m.message}\n`);
        }
      }
      if (m.type === 'log' && m.level !== 'info' && !args.json) err.write(`trainer: ${m.message}\n`);
    },
  });
  // `loss-lab train --json … | head`: the reader went away, so stop training instead of crashing on EPIPE.
  let closed = false;
  const onStdoutError = (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
    session.kill();
  };
  out.on('error', onStdoutError);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) session.stop();
    else session.kill();
  };
  process.on('SIGINT', onSigint);
  const { code, signal } = await session.exited;
  process.off('SIGINT', onSigint);
  out.off('error', onStdoutError);
  if (closed) return 0;
  bar?.clear();
  if (!summaries) {
    if (!fatal) err.write(`loss-lab train: the trainer exited (${signal ?? `code ${code}`}) before finishing\n`);
    return 1;
  }
  if (!args.json) out.write(formatSummary(model, messages, summaries, where(model.nameRange.startLine + 1)));
  return summaries.every((s) => s.status === 'completed' || s.status === 'stopped') && !fatal ? 0 : 1;
}

/** E4's dispatcher calls `run`. */
export const run = runTrain;

export interface FoundLoss {
  model: LossModel;
  /** The notebook cell it is in (1-based); its lines count from the top of the cell. */
  cell?: number;
}

/** The losses of a source file, or of each code cell of a notebook (read as the editor reads cells); where it stops parsing. */
export function findLosses(file: string, language: SourceLanguage): { losses: FoundLoss[]; brokenAt?: string } | string {
  const text = readFileSync(file, 'utf8');
  if (!isNotebookPath(file)) {
    const analysis = analyzeSource(text, language, file);
    // A file the parser gave up on (or not text) says so; "no loss found" would send the user looking for one.
    if (analysis.notAnalysed) return analysis.notAnalysed.message;
    const broken = analysis.syntaxErrors[0];
    return { losses: analysis.models.map((model) => ({ model })), ...(broken ? { brokenAt: `line ${broken.range.startLine + 1}` } : {}) };
  }
  const nb = notebookCells(text);
  if (!nb.ok) return nb.message;
  if (!nb.language) return OTHER_KERNEL;
  const losses: FoundLoss[] = [];
  let brokenAt: string | undefined;
  for (const [i, cell] of nb.cells.entries()) {
    // a cell's scope is the notebook: the constants of the cells above it count, and a compile in any cell
    const analysis = analyzeSource(cell.source, nb.language, file, { cellsAbove: nb.cells.slice(0, i), cellsBelow: nb.cells.slice(i + 1) });
    if (analysis.notAnalysed) return `cell ${cell.number}: ${analysis.notAnalysed.message}`;
    losses.push(...analysis.models.map((model) => ({ model, cell: cell.number })));
    const broken = analysis.syntaxErrors[0];
    if (broken && !brokenAt) brokenAt = `cell ${cell.number}, line ${broken.range.startLine + 1}`;
  }
  return { losses, ...(brokenAt ? { brokenAt } : {}) };
}

export interface PickedLoss extends FoundLoss {
  choice: LossChoice;
}

/** The loss to train: `--function` when given, else the one the file uses with a penalty (src/analysis/choose.ts). */
export function pickModel(losses: FoundLoss[], name: string | undefined): PickedLoss | string {
  if (losses.length === 0) return 'no loss function found (a function taking (y_true, y_pred) or (pred, target) that returns a loss)';
  const choice = chooseLoss({ models: losses.map((l) => l.model) }, name === undefined ? {} : { function: name });
  if (!choice.ok) return choice.message;
  const found = losses.find((l) => l.model === choice.model) as FoundLoss;
  return { ...found, choice };
}

/** What `--json` says about the chosen loss: name, file, line, why, and the others. */
export function chosenJson(choice: LossChoice, file: string, cell?: number) {
  const m = choice.model;
  return {
    name: qualifiedName(m),
    kind: m.kind,
    file,
    ...(cell ? { cell } : {}),
    line: m.nameRange.startLine + 1,
    why: choice.why,
    because: choice.because,
    others: choice.others.map((o) => ({ name: qualifiedName(o), line: o.nameRange.startLine + 1 })),
  };
}
