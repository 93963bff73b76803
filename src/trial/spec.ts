// Builds the TrialSpec for "Train with Constraint" from the loss (LossModel IR) and the `lossLab.training.*`
// settings. A plain layer (no `vscode`) shared by the editor and the CLI, unit-tested in Node.
import { isAbsolute, join } from 'node:path';
import { boundKey, staticNumber } from '../analysis/bound';
import type { LossModel } from '../analysis/ir';
import { literalWeightValue } from '../analysis/literalWeight';
import { type DatasetSpec, MAX_SAMPLE_VALUES, type ModelSpec, type RunSpec, type TrialSpecInput } from '../protocol';
import { lossSampleShape, shapeSize } from '../trainer/data/shape';
import { lossTask } from '../trainer/data/task';
import { scheduleCodeLambda, scheduledLambda } from '../trainer/interpreter/schedule';
import { lambdaSetsNothing } from '../trainer/lambdaReach';
import { penaltySumOverOutputs } from './outputSum';

/** The training settings (structurally the same as `LossLabConfig['training']` in src/editor/config.ts). */
export interface TrainingSettings {
  lambdas: number[];
  includeCodeLambda: boolean;
  steps: number;
  batchSize: number;
  hiddenLayers: number[];
  outputActivation: ModelSpec['outputActivation'];
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  learningRate: number;
  dataset: string;
  /** lossLab.training.maxDatasetMB: larger dataset files are refused before they are read (trainer default 200). */
  maxDatasetMB?: number;
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
}

export interface SpecContext {
  /** The file the loss is in (absolute path), so errors can say "file:line". */
  sourceFile?: string;
  /** The workspace folder relative dataset paths resolve against. */
  workspaceDir?: string;
  /** Workspace trust, enforced by the trainer (TrialSpec.workspaceTrusted). Absent: untrusted. */
  trusted?: boolean;
}

export type SpecResult = { ok: true; spec: TrialSpecInput; codeLambda: number | undefined } | { ok: false; message: string };

type SyntheticTask = Extract<DatasetSpec, { kind: 'synthetic' }>['task'];

/** Shape of the synthetic dataset per task: outputs > 1 where a constraint across outputs makes sense. */
const syntheticShape: Record<SyntheticTask, { features: number; outputs: number }> = {
  auto: { features: 8, outputs: 4 },
  classification: { features: 8, outputs: 4 },
  binary: { features: 8, outputs: 1 },
  regression: { features: 8, outputs: 4 },
  'bounded-regression': { features: 8, outputs: 4 },
  'non-negative-regression': { features: 8, outputs: 4 },
};

const SYNTHETIC_SAMPLES = 2048;
const MAX_RUNS = 32;

/** The synthetic task a loss trains best on: from its base loss, then its constraints (the trainer's own table). */
export function inferTask(model: LossModel): SyntheticTask {
  return lossTask(model).task;
}

/** Numbers bound by a `partial(...)` or a factory call in the same file, merged (last wins). */
function boundArgs(model: LossModel): Record<string, number> {
  const out: Record<string, number> = {};
  for (const u of model.usages) {
    for (const [k, v] of Object.entries(u.boundArgs ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

/**
 * The λ written in the code: the value bound to `lambdaParam` by a partial/factory call, else its default;
 * with no λ parameter, 1 when a penalty is added unweighted (the run's λ multiplies it), else a single literal weight.
 */
export function codeLambda(model: LossModel): number | undefined {
  const penalties = model.terms.filter((t) => t.role === 'penalty');
  if (penalties.length === 0) return undefined;
  // a λ scheduled by the training counter (`min(1.0, epoch / WARMUP)`, `cfg.weight / (epoch + 1)`): where it
  // settles, else its value at the start, λ parameter and all
  const scheduled = scheduledLambda(model);
  const scheduledCode = scheduled ? scheduleCodeLambda(scheduled) : undefined;
  if (scheduledCode !== undefined) return scheduledCode;
  if (model.lambdaParam) {
    const bound = boundArgs(model)[boundKey(model, model.lambdaParam)];
    if (bound !== undefined) return bound;
    // its default, or the item of a tuple it unpacks (`tol, lam = settings` with `make_loss((0.01, 0.5))`)
    return staticNumber(model, model.lambdaParam);
  }
  if (penalties.some((t) => !t.weight)) return 1;
  // a number, bare or wrapped (`tf.scalar(0.01)`, `torch.tensor(0.1)`): analysis/literalWeight.ts
  const literals = penalties.map((t) => literalWeightValue(t.weight, model.framework));
  const distinct = new Set(literals);
  return distinct.size === 1 && literals[0] !== undefined ? literals[0] : undefined;
}

/** Formats λ for ids and labels without float noise (0.1, 1e-4, 10). */
export function formatLambda(value: number): string {
  return Number.parseFloat(value.toPrecision(6)).toString();
}

/**
 * The runs: λ from the code plus the configured spread, deduplicated, ascending; one run when λ changes nothing
 * (no penalty, or no penalty weight a run's λ can set).
 */
export function lambdaRuns(model: LossModel, settings: Pick<TrainingSettings, 'lambdas' | 'includeCodeLambda'>): RunSpec[] {
  const fromCode = codeLambda(model);
  const hasPenalty = model.terms.some((t) => t.role === 'penalty');
  if (!hasPenalty) {
    // No constraint term: λ changes nothing, so one run is enough.
    return [{ id: 'run', label: 'no penalty term', lambda: 0 }];
  }
  // No penalty weight a run's λ can set: runs labelled with λs would all train the code's weights, so one run does,
  // labelled so; the panel's header says why (trainer/lambdaReach.ts). Its λ (1) scales nothing.
  if (lambdaSetsNothing(model)) return [{ id: 'code-weights', label: "the code's weights (λ cannot be set)", lambda: 1 }];
  const values = settings.lambdas.filter((v) => Number.isFinite(v));
  if (settings.includeCodeLambda && fromCode !== undefined) values.push(fromCode);
  if (values.length === 0) values.push(fromCode ?? 1);
  const byKey = new Map<string, number>();
  for (const v of values) byKey.set(formatLambda(v), Number.parseFloat(formatLambda(v)));
  const sorted = [...byKey.values()].sort((a, b) => a - b).slice(0, MAX_RUNS);
  const codeKey = fromCode === undefined ? undefined : formatLambda(fromCode);
  return sorted.map((lambda) => {
    const key = formatLambda(lambda);
    const fromCodeMark = settings.includeCodeLambda && key === codeKey ? ' (code)' : '';
    return { id: `lambda-${key}`, label: `λ = ${key}${fromCodeMark}`, lambda };
  });
}

const datasetExtensions = /\.(csv|json|npy)$/i;

function datasetSpec(model: LossModel, settings: TrainingSettings, ctx: SpecContext): DatasetSpec | string {
  const path = settings.dataset.trim();
  if (path) {
    if (!datasetExtensions.test(path)) return `lossLab.training.dataset "${path}" is not a .csv, .json or .npy file`;
    const absolute = isAbsolute(path) ? path : ctx.workspaceDir ? join(ctx.workspaceDir, path) : undefined;
    if (!absolute) return `lossLab.training.dataset "${path}" is relative but no workspace folder is open`;
    const maxMB = settings.maxDatasetMB;
    return { kind: 'file', path: absolute, ...(maxMB !== undefined && Number.isFinite(maxMB) && maxMB > 0 ? { maxMB } : {}) };
  }
  const task = inferTask(model);
  const { features } = syntheticShape[task];
  // a binary loss whose penalty sums the outputs is multi-label: as many outputs as the other tasks (./outputSum.ts)
  const outputs = task === 'binary' && penaltySumOverOutputs(model) ? syntheticShape.auto.outputs : syntheticShape[task].outputs;
  // As many outputs as the loss reads (`y_pred[:, 5]`, a constant of 6 per-output weights, images), not fewer.
  const sample = lossSampleShape(model, outputs);
  const size = shapeSize(sample.shape);
  if (size > MAX_SAMPLE_VALUES) {
    return `${model.name} reads predictions of ${sample.shape.join(' × ')} = ${size} values per sample (${sample.why ?? 'from its indexing'}); a synthetic trial affords at most ${MAX_SAMPLE_VALUES}: set lossLab.training.dataset to data of that shape, or make the sizes the loss fixes parameters with smaller defaults`;
  }
  return { kind: 'synthetic', task, samples: SYNTHETIC_SAMPLES, features, outputs: size };
}

const clampInt = (v: number, min: number, max: number, fallback: number) =>
  Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;

/** The TrialSpec for one loss; a message (never a throw) when the settings cannot make one. */
export function buildTrialSpec(model: LossModel, settings: TrainingSettings, ctx: SpecContext = {}): SpecResult {
  const dataset = datasetSpec(model, settings, ctx);
  if (typeof dataset === 'string') return { ok: false, message: dataset };
  if (!(settings.learningRate > 0 && settings.learningRate <= 10)) {
    return { ok: false, message: `lossLab.training.learningRate must be in (0, 10], got ${settings.learningRate}` };
  }
  const params = boundArgs(model);
  if (model.lambdaParam) delete params[boundKey(model, model.lambdaParam)];
  const spec: TrialSpecInput = {
    loss: model,
    sourceFile: ctx.sourceFile,
    params,
    runs: lambdaRuns(model, settings),
    dataset,
    model: {
      hidden: settings.hiddenLayers.filter((n) => Number.isFinite(n) && n >= 1).slice(0, 8).map((n) => Math.min(4096, Math.round(n))),
      // 'auto' lets the trainer choose: the file's last layer first, and it reports which and why
      outputActivation: settings.outputActivation,
    },
    optimizer: { name: settings.optimizer, learningRate: settings.learningRate },
    steps: clampInt(settings.steps, 1, 1_000_000, 300),
    batchSize: clampInt(settings.batchSize, 1, 65536, 64),
    seed: clampInt(settings.seed, -2_147_483_648, 2_147_483_647, 42),
    backend: settings.backend,
    workspaceTrusted: ctx.trusted === true,
    ...(ctx.workspaceDir ? { workspaceDir: ctx.workspaceDir } : {}),
  };
  return { ok: true, spec, codeLambda: codeLambda(model) };
}
