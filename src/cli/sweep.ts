// `loss-lab sweep <file>`: trains a λ grid centred on |L|/|P| (or the λ given), reads the runs as the panel does
// (src/sweep: feasibility per constraint, Pareto front, recommendation) and prints the answer; `--write` puts the
// recommended λ where the code sets it (src/analysis/lambdaSite.ts). Exit code: 0 with a feasible
// recommendation, 1 when no run met the constraints or the trial failed, 2 for a usage error.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { initParsers, languageOf } from '../analysis';
import type { LossModel } from '../analysis/ir';
import { type PenaltyKnob, penaltyKnobs, pickKnobs } from '../analysis/knobs';
import { writeChoice } from '../analysis/writeBack';
import type { TrainerToHost, TrialSpecInput } from '../protocol';
import { choiceText, DEFAULT_GRID, DEFAULT_TOLERANCE, type MultiPenaltyMode, multiGrid, SweepCollector } from '../sweep';
import { startTrainer } from '../trainer/session';
import { buildTrialSpec, type TrainingSettings } from '../trial/spec';
import { formatSweep } from './sweepReport';
import { findLosses, grammarsDir, pickModel, trainerPath } from './train';

export const sweepUsage = `Usage: loss-lab sweep <file> [options]

Trains the loss in <file> for a grid of λ values side by side, judges each run against its constraints on a
validation split, and prints the table, the Pareto front (validation base loss against violation) and the λ to use.

Options:
  --lambdas auto|LIST  auto (default): ${DEFAULT_GRID.count} values over ${DEFAULT_GRID.decades} decades centred on |L|/|P| of the
                       untrained model, plus 0 and the code's λ; or comma-separated λ values (with several
                       penalty λs: each swept λ takes these values)
  --count N            values of the auto grid (default ${DEFAULT_GRID.count})
  --decades X          decades the auto grid spans (default ${DEFAULT_GRID.decades})
  --tolerance EPS      ε under which every constraint counts as met (default: the constraint's own, else ${DEFAULT_TOLERANCE})
  --penalty NAME       with several penalty λs: sweep this one (a parameter's name, or a penalty's name; repeat
                       for more); the others stay at the code's values (default: each in turn)
  --grid               with several penalty λs: a small grid over two of them (the first two, or the two
                       --penalty names) instead of one at a time
  --write              write the recommended λ (every penalty's) into <file> or the notebook's cell (only when
                       it meets the constraints)
  --function NAME      the loss to sweep (default: the first one in the file)
  --steps N            training steps per run (default 300)
  --seed N             random seed (default 42)
  --data FILE          a .csv, .json or .npy dataset (default: synthetic data chosen from the loss)
  --backend B          auto | tensorflow | wasm | cpu (default auto)
  --json               print the grid, every run's verdict and the recommendation as one JSON object
  -h, --help           this help`;

class UsageError extends Error {}

interface SweepArgs {
  file: string;
  fn?: string;
  lambdas?: number[];
  count: number;
  decades: number;
  tolerance?: number;
  write: boolean;
  json: boolean;
  /** --penalty: the penalty λs to sweep (several penalty λs). */
  penalties: string[];
  /** --grid: a grid over two penalty λs instead of one at a time. */
  grid: boolean;
  steps: number;
  seed: number;
  data: string;
  backend: TrainingSettings['backend'];
}

const positive = (flag: string, v: string, integer = false): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`${flag} takes a positive ${integer ? 'integer' : 'number'}, got '${v}'`);
  return n;
};

const valued: Record<string, (a: SweepArgs, v: string) => void> = {
  '--lambdas': (a, v) => {
    if (v === 'auto') return;
    const nums = v.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    if (nums.length === 0 || nums.some((n) => !Number.isFinite(n) || n < 0)) throw new UsageError(`--lambdas takes auto or comma-separated λ ≥ 0, got '${v}'`);
    a.lambdas = nums;
  },
  '--count': (a, v) => { a.count = Math.min(25, positive('--count', v, true)); },
  '--decades': (a, v) => { a.decades = Math.min(12, positive('--decades', v)); },
  '--tolerance': (a, v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--tolerance takes a number ≥ 0, got '${v}'`);
    a.tolerance = n;
  },
  '--function': (a, v) => { a.fn = v; },
  '--penalty': (a, v) => { a.penalties.push(v); },
  '--steps': (a, v) => { a.steps = positive('--steps', v, true); },
  '--seed': (a, v) => { a.seed = Number(v); },
  '--data': (a, v) => { a.data = resolve(v); },
  '--backend': (a, v) => {
    if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(v)) throw new UsageError(`--backend takes auto, tensorflow, wasm or cpu, got '${v}'`);
    a.backend = v as SweepArgs['backend'];
  },
};

const switches: Record<string, 'json' | 'write' | 'grid'> = { '--json': 'json', '--write': 'write', '--grid': 'grid' };

export function parseSweepArgs(argv: readonly string[]): SweepArgs | 'help' {
  const a: SweepArgs = { file: '', count: DEFAULT_GRID.count, decades: DEFAULT_GRID.decades, write: false, json: false, penalties: [], grid: false, steps: 300, seed: 42, data: '', backend: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    const flagName = switches[arg];
    if (flagName) {
      a[flagName] = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const set = valued[flag];
    if (set) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      set(a, value);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else if (!a.file) a.file = arg;
    else throw new UsageError(`one file at a time (got '${a.file}' and '${arg}')`);
  }
  if (!a.file) throw new UsageError('which file? loss-lab sweep <file>');
  return a;
}

function settingsOf(a: SweepArgs): TrainingSettings {
  return {
    lambdas: a.lambdas ?? [0],
    includeCodeLambda: true,
    steps: a.steps,
    batchSize: 64,
    hiddenLayers: [64, 64],
    outputActivation: 'auto',
    optimizer: 'adam',
    learningRate: 0.01,
    dataset: a.data,
    seed: a.seed,
    backend: a.backend,
  };
}

export async function runSweep(argv: readonly string[]): Promise<number> {
  const { stdout: out, stderr: err } = process;
  let args: SweepArgs | 'help';
  try {
    args = parseSweepArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`loss-lab sweep: ${e.message}\n\n${sweepUsage}\n`);
    return 2;
  }
  if (args === 'help') {
    out.write(`${sweepUsage}\n`);
    return 0;
  }
  const file = resolve(args.file);
  const language = existsSync(file) ? languageOf(file) : undefined;
  if (!language) {
    err.write(`loss-lab sweep: ${args.file}: ${existsSync(file) ? 'not a Python, TypeScript or JavaScript file' : 'no such file'}\n`);
    return 2;
  }
  await initParsers(grammarsDir());
  const found = findLosses(file, language);
  const picked = typeof found === 'string' ? found : pickModel(found.losses, args.fn);
  if (typeof picked === 'string') {
    err.write(`loss-lab sweep: ${args.file}: ${picked}\n`);
    return 2;
  }
  const { model, cell } = picked;
  if (!model.terms.some((t) => t.role === 'penalty')) {
    err.write(`loss-lab sweep: ${model.name} has no penalty term: there is no λ to choose\n`);
    return 2;
  }
  const where = (line: number) => (cell ? `${args.file}, cell ${cell}, line ${line}` : `${args.file}:${line}`);
  const built = buildTrialSpec(model, settingsOf(args), { sourceFile: cell ? undefined : file, workspaceDir: process.cwd(), trusted: true });
  if (!built.ok) {
    err.write(`loss-lab sweep: ${built.message}\n`);
    return 2;
  }
  const plan = penaltyPlan(model, args);
  if (typeof plan === 'string') {
    err.write(`loss-lab sweep: ${plan}\n`);
    return 2;
  }
  if (plan.note && !args.json) err.write(`${plan.note}\n`);
  const spec = specOf(built.spec, built.codeLambda, args, plan);
  const collector = new SweepCollector();
  let fatal: string | undefined;
  const session = startTrainer(spec, {
    trainerPath: trainerPath(),
    onMessage: (m: TrainerToHost) => {
      collector.add(m);
      if (m.type === 'error') {
        if (m.fatal) fatal = m.message;
        const at = m.location ? `${m.location.file ? `${m.location.file}:${m.location.line}` : where(m.location.line)}: ` : '';
        err.write(`${m.fatal ? 'error' : 'warning'}: ${at}${m.message}\n`);
      }
      if (m.type === 'started' && !args.json) err.write(`training ${m.runs.length} ${m.runs.some((r) => r.lambdas) ? 'runs' : 'λ values'} for ${m.steps} steps on ${m.backend}…\n`);
    },
  });
  const onSigint = () => session.stop();
  process.on('SIGINT', onSigint);
  await session.exited;
  process.off('SIGINT', onSigint);
  if (fatal || collector.terms.length === 0) return 1;
  const penalties = plan.knobs.length > 1 ? { penalties: plan.knobs.map((k) => ({ id: k.id, label: k.label, terms: k.terms })) } : {};
  const result = collector.analyse({ tolerance: DEFAULT_TOLERANCE, ...(args.tolerance !== undefined ? { override: args.tolerance } : {}), ...penalties });
  const rec = result.recommendation;
  let written: { ok: boolean; message: string } | undefined;
  if (args.write) written = writeRecommended(file, model, cell, rec);
  if (args.json) {
    const loss = { name: model.name, file: args.file, line: model.nameRange.startLine + 1, ...(cell ? { cell } : {}) };
    const several = result.penalties ? { penalties: result.penalties, fronts: result.fronts ?? null } : {};
    out.write(`${JSON.stringify({ loss, grid: collector.grid ?? null, constraints: result.constraints, runs: result.runs, front: result.front, ...several, recommendation: rec ?? null, ...(written ? { written } : {}) })}\n`);
  } else {
    out.write(formatSweep(model.name, where(model.nameRange.startLine + 1), collector.grid, result));
    if (written) (written.ok ? out : err).write(`${written.message}\n`);
  }
  return rec?.feasible && (!written || written.ok) ? 0 : 1;
}

type Recommended = ReturnType<SweepCollector['analyse']>['recommendation'];

/** --write: the recommended λ (every penalty's) into the file or the notebook cell, when it is feasible and placeable. */
function writeRecommended(file: string, model: LossModel, cell: number | undefined, rec: Recommended): { ok: boolean; message: string } {
  if (!rec) return { ok: false, message: 'not written: no recommendation' };
  const said = choiceText(rec);
  if (!rec.feasible) return { ok: false, message: `not written: no λ met the constraints (${said} came closest)` };
  const source = readFileSync(file, 'utf8');
  const written = writeChoice(model, source, rec, cell);
  if (!written.ok) return { ok: false, message: `not written: ${written.reason}; set ${said} by hand` };
  if (written.text !== source) writeFileSync(file, written.text);
  return { ok: true, message: `wrote ${said} to ${written.where} in ${file}` };
}

interface PenaltyPlan {
  knobs: PenaltyKnob[];
  /** Knob ids to sweep (--penalty). */
  swept: string[];
  mode: MultiPenaltyMode;
  /** Said before training: how --grid or --penalty were read. */
  note?: string;
}

/** The penalty λs of the loss and which of them the flags sweep, or why the flags do not fit the loss. */
function penaltyPlan(model: LossModel, args: SweepArgs): PenaltyPlan | string {
  const knobs = penaltyKnobs(model);
  const labels = Object.fromEntries(model.terms.map((t) => [t.id, t.label]));
  const picked = pickKnobs(knobs, args.penalties, labels);
  if (typeof picked === 'string') return picked;
  const mode: MultiPenaltyMode = args.grid ? 'grid2' : 'oneAtATime';
  if (knobs.length < 2) {
    const note = args.grid || args.penalties.length > 0 ? `${model.name} has one penalty λ: --grid and --penalty change nothing` : undefined;
    return { knobs, swept: [], mode, ...(note ? { note } : {}) };
  }
  const note = args.grid && picked.length === 1 ? '--grid needs two penalty λs: sweeping the one named' : undefined;
  return { knobs, swept: picked.map((k) => k.id), mode, ...(note ? { note } : {}) };
}

/** The trial: an auto grid (the trainer centres it), or the --lambdas list, for one λ or for several (host-built runs). */
function specOf(base: TrialSpecInput, codeLambda: number | undefined, args: SweepArgs, plan: PenaltyPlan): TrialSpecInput {
  const several = plan.knobs.length > 1;
  if (!args.lambdas) {
    const multi = several ? { multiPenalty: plan.mode, ...(plan.swept.length > 0 ? { penalties: plan.swept } : {}) } : {};
    return { ...base, sweep: { count: args.count, decades: args.decades, ...(codeLambda !== undefined ? { codeLambda } : {}), ...multi } };
  }
  if (!several) return base;
  const measured = plan.knobs.map((knob) => ({ knob, penalty: Number.NaN }));
  return { ...base, runs: multiGrid(Number.NaN, measured, { count: args.lambdas.length, decades: 1 }, plan.mode, plan.swept, args.lambdas).runs };
}

export const run = runSweep;
