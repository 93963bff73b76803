// Messages between the extension host (or the CLI) and the trainer child process, as zod schemas: the
// schema is the type and the validator, so a message is checked where it enters (see ./validate.ts).
// The LossModel IR travels as plain JSON; it is produced by our own analysis, so it is checked for shape at the
// top level only (its deep structure is typed by src/analysis/ir.ts).
import { z } from 'zod';
import type { LossModel } from '../analysis/ir';

export const BackendChoice = z.enum(['auto', 'tensorflow', 'wasm', 'cpu']);
export type BackendChoice = z.infer<typeof BackendChoice>;
/** What actually runs: `tensorflow` is tfjs-node (native libtensorflow). */
export const BackendName = z.enum(['tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;

export const OptimizerSpec = z.object({
  name: z.enum(['adam', 'sgd', 'rmsprop']),
  learningRate: z.number().positive().max(10),
});
export type OptimizerSpec = z.infer<typeof OptimizerSpec>;

/** Values in one synthetic sample's prediction a trial affords (2048 samples of at most this many values). */
export const MAX_SAMPLE_VALUES = 4096;

export const DatasetSpec = z.discriminatedUnion('kind', [
  /** Chosen from the loss: `classification` blobs for cross-entropy, `regression` targets that leave the bounds, … */
  z.object({
    kind: z.literal('synthetic'),
    task: z.enum(['auto', 'classification', 'binary', 'regression', 'bounded-regression', 'non-negative-regression']),
    samples: z.number().int().min(8).max(1_000_000),
    features: z.number().int().min(1).max(4096),
    outputs: z.number().int().min(1).max(MAX_SAMPLE_VALUES),
  }),
  /** CSV, JSON or .npy; columns select features and targets (names for CSV/JSON, indices for any). */
  z.object({
    kind: z.literal('file'),
    path: z.string().min(1),
    featureColumns: z.array(z.union([z.string(), z.number().int().min(0)])).optional(),
    targetColumns: z.array(z.union([z.string(), z.number().int().min(0)])).optional(),
    /** For .npy: a second file with the targets. */
    targetPath: z.string().optional(),
    /** Larger files are refused before they are read (lossLab.training.maxDatasetMB; the trainer's default is 200). */
    maxMB: z.number().positive().max(1_000_000).optional(),
  }),
]);
export type DatasetSpec = z.infer<typeof DatasetSpec>;

export const ModelSpec = z.object({
  hidden: z.array(z.number().int().min(1).max(4096)).max(8),
  /** `auto`: inferred from the loss (softmax for categorical cross-entropy on probabilities, …); reported back. */
  outputActivation: z.enum(['auto', 'linear', 'softmax', 'sigmoid', 'relu', 'tanh']),
});
export type ModelSpec = z.infer<typeof ModelSpec>;

/** One run of a trial: the same loss with λ set to `lambda` (see TrialSpec). */
export const RunSpec = z.object({
  id: z.string().min(1).max(64),
  label: z.string().max(128),
  lambda: z.number().finite(),
  /**
   * A sweep over several penalties: each penalty's λ in this run, keyed by knob id (src/sweep/knobs.ts: the
   * hyper-parameter's name, or the term id of a literal or missing weight). `lambda` is then the swept knob's value.
   */
  lambdas: z.record(z.string(), z.number().finite()).optional(),
});
export type RunSpec = z.infer<typeof RunSpec>;

/**
 * A trial: one loss, several runs trained side by side.
 * λ semantics: when `loss.lambdaParam` is set, each run binds that parameter to its `lambda`; otherwise each
 * run multiplies every penalty term that has no weight by its `lambda`, and when every penalty is weighted by the same
 * literal (`mse + 4.0 * p`, or wrapped: `tf.scalar(4.0).mul(p)`, analysis/literalWeight.ts: the λ written in the
 * code), the run's `lambda` stands in for that literal (each penalty's own literal when they differ). A penalty whose
 * weight none of these reaches keeps the code's weight in every run, and the header says so (trainer/lambdaReach.ts).
 * `params` overrides other hyper-parameters of the loss (bounds, …) for every run.
 */
export const TrialSpec = z.object({
  loss: z.custom<LossModel>(
    (v) => typeof v === 'object' && v !== null && typeof (v as LossModel).name === 'string' && Array.isArray((v as LossModel).terms),
    'loss must be a LossModel',
  ),
  /** Where the loss came from, so errors can say "file:line". */
  sourceFile: z.string().optional(),
  params: z.record(z.string(), z.number().finite()).default({}),
  runs: z.array(RunSpec).min(1).max(32),
  dataset: DatasetSpec,
  model: ModelSpec,
  optimizer: OptimizerSpec,
  steps: z.number().int().min(1).max(1_000_000),
  batchSize: z.number().int().min(1).max(65536),
  /** Fraction of the data held out for validation loss. */
  validationSplit: z.number().min(0).max(0.5).default(0.2),
  seed: z.number().int().default(42),
  backend: BackendChoice.default('auto'),
  /**
   * VS Code's workspace trust (the command line is trusted). Untrusted: the trainer loads tfjs-node only from Loss
   * Lab's own folder (never from the workspace, the working folder or a setting) and reads a dataset only when its
   * real path lies inside `workspaceDir`. Absent means untrusted.
   */
  workspaceTrusted: z.boolean().default(false),
  /** The workspace folder (datasets of an untrusted workspace must lie inside it; says where tfjs-node came from). */
  workspaceDir: z.string().optional(),
  /** Most metrics messages per second (batched); the trainer never sends more. */
  maxMessagesPerSecond: z.number().positive().max(1000).default(20),
  /**
   * Most points each run reports (a long trial reports every k-th step, and always its last): what the editor
   * receives stays bounded however fast and long the trial runs. Every step is still trained and checked.
   */
  maxPointsPerRun: z.number().int().min(10).max(1_000_000).default(2000),
  /**
   * A λ sweep: before training, the trainer measures |L_original| and |P| on the first batches of the untrained
   * model and adds `count` log-spaced λ over `decades` decades centred on their ratio to `runs` (which then hold
   * the fixed values: 0 and the code's λ). `started.grid` says what it measured and chose.
   */
  sweep: z
    .object({
      count: z.number().int().min(1).max(25),
      decades: z.number().positive().max(12),
      /** The λ written in the code: the centre when the ratio cannot be measured. */
      codeLambda: z.number().finite().optional(),
      /**
       * A loss with several penalty λs (knobs): 'oneAtATime' sweeps each around the code's values, the others held
       * at theirs; 'grid2' a small grid over two. Absent: 'oneAtATime'. A loss with one λ ignores it.
       */
      multiPenalty: z.enum(['oneAtATime', 'grid2']).optional(),
      /** Knob ids to sweep (default: all for 'oneAtATime', the first two for 'grid2'). */
      penalties: z.array(z.string()).max(16).optional(),
    })
    .optional(),
});
export type TrialSpec = z.infer<typeof TrialSpec>;
export type TrialSpecInput = z.input<typeof TrialSpec>;

/** One measured step of one run. Term values are keyed by Term.id. */
export const StepMetrics = z.object({
  runId: z.string(),
  step: z.number().int().min(0),
  total: z.number(),
  /** Sum of the base terms (the "original" loss). */
  original: z.number(),
  /** Raw P of each penalty term and its weighted value sign·λ·P. */
  terms: z.record(z.string(), z.object({ raw: z.number(), weighted: z.number() })),
  /** Readable violations for recognised constraints, keyed by Term.id (e.g. mean |Σp − 1|). */
  violations: z.record(z.string(), z.number()),
  valLoss: z.number().optional(),
  /** On validation steps (with valLoss): the base loss, each term's raw value and each violation on the validation split. */
  valOriginal: z.number().optional(),
  valTerms: z.record(z.string(), z.number()).optional(),
  valViolations: z.record(z.string(), z.number()).optional(),
  /**
   * At the first and last step: per penalty term id, ‖∇θ(sign·λ·P)‖ / ‖∇θ L_original‖ on that step's batch
   * (how much the penalty pulls on the weights next to the base loss).
   */
  gradRatios: z.record(z.string(), z.number()).optional(),
});
export type StepMetrics = z.infer<typeof StepMetrics>;

export const RunSummary = z.object({
  runId: z.string(),
  lambda: z.number(),
  steps: z.number().int(),
  final: StepMetrics.nullable(),
  bestStep: z.number().int().nullable(),
  bestTotal: z.number().nullable(),
  stepsPerSecond: z.number(),
  wallSeconds: z.number(),
  /** Why the run ended. */
  status: z.enum(['completed', 'stopped', 'diverged', 'failed']),
  message: z.string().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** The λ grid of a sweep: its values, its centre |L|/|P| and the measurements it came from. */
export const SweepGrid = z.object({
  values: z.array(z.number()),
  centre: z.number(),
  /** Mean |L_original| and |P| (the penalties' raw sum) on the first batches of the untrained model. */
  base: z.number(),
  penalty: z.number(),
  /** One sentence: why this centre (the ratio, or why it fell back). */
  reason: z.string(),
  /** Several penalty λs: how they were swept, and each swept knob's own grid (centred on |L| / |P of that knob|). */
  mode: z.enum(['oneAtATime', 'grid2']).optional(),
  penalties: z
    .array(
      z.object({
        id: z.string(),
        label: z.string(),
        values: z.array(z.number()),
        centre: z.number(),
        penalty: z.number(),
        reason: z.string(),
        code: z.number().optional(),
        /** The penalty term ids this λ weights. */
        terms: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  /** Knobs not swept, held at these values in every run (the code's, or the centre when the code sets none). */
  held: z.array(z.object({ id: z.string(), label: z.string(), value: z.number(), terms: z.array(z.string()).optional() })).optional(),
});
export type SweepGrid = z.infer<typeof SweepGrid>;

/** Where in the user's code something went wrong. Lines are 1-based for people. */
export const CodeLocation = z.object({
  file: z.string().optional(),
  line: z.number().int().min(1),
  column: z.number().int().min(1).optional(),
  /** In a Jupyter notebook, the cell (1-based) whose lines `line` counts: set by the editor, which knows the notebook. */
  cell: z.number().int().min(1).optional(),
});
export type CodeLocation = z.infer<typeof CodeLocation>;

export const TrainerErrorKind = z.enum([
  'invalid-spec', 'unsupported-op', 'dataset', 'non-finite', 'backend', 'internal',
]);

export const TrainerToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({
    type: z.literal('started'),
    backend: BackendName,
    /** Why this backend: e.g. "tfjs-node not installed: Cannot find module …; using wasm". */
    backendReason: z.string(),
    /**
     * The tfjs-node module the trainer required (its code ran), when it came from outside Loss Lab's own folder:
     * which file, which version, from where, and whether its backend started. Said to the user once per trial.
     */
    native: z
      .object({ file: z.string(), version: z.string(), origin: z.enum(['workspace', 'loss-lab', 'folder']), started: z.boolean() })
      .optional(),
    outputActivation: z.string(),
    dataset: z.object({ description: z.string(), trainSamples: z.number().int(), valSamples: z.number().int(), features: z.number().int(), outputs: z.number().int() }),
    /**
     * What the trial model and the data are and why, one line each, for the panel header: e.g. model "MLP 8 → 32 →
     * 32 → 48, output reshaped to (N, 3, 4, 4); `encoded` = the last hidden layer's activations", data "synthetic
     * regression …; images (N, C, H, W) because the loss indexes four axes". Absent from older trainers.
     */
    trial: z.object({ model: z.string(), data: z.string() }).optional(),
    runs: z.array(RunSpec),
    /** Term ids, roles and labels, so a UI can name the series before the first point. */
    terms: z.array(
      z.object({
        id: z.string(),
        role: z.enum(['base', 'penalty']),
        label: z.string(),
        constraint: z.string().optional(),
        /** The activation the loss applies to the prediction before constraining it (RecognisedConstraint.on). */
        constraintOn: z.enum(['sigmoid', 'softmax', 'tanh']).optional(),
      }),
    ),
    steps: z.number().int(),
    /** For a sweep: the grid's centre and why (see TrialSpec.sweep). */
    grid: SweepGrid.optional(),
  }),
  /**
   * A batch of measured steps (several runs, several steps), sent at most `maxMessagesPerSecond` times a second; a
   * long trial reports every k-th step only (`maxPointsPerRun`).
   */
  z.object({ type: z.literal('metrics'), points: z.array(StepMetrics), stepsPerSecond: z.number() }),
  z.object({ type: z.literal('run-ended'), summary: RunSummary }),
  z.object({ type: z.literal('done'), summaries: z.array(RunSummary), wallSeconds: z.number() }),
  z.object({
    type: z.literal('error'),
    kind: TrainerErrorKind,
    message: z.string(),
    /** The op, term, step or run concerned, when there is one. */
    op: z.string().optional(),
    term: z.string().optional(),
    step: z.number().int().optional(),
    runId: z.string().optional(),
    location: CodeLocation.optional(),
    /** Fatal errors end the trial; a non-fatal one ends only `runId`. */
    fatal: z.boolean(),
  }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
]);
export type TrainerToHost = z.infer<typeof TrainerToHost>;

export const HostToTrainer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), spec: TrialSpec }),
  z.object({ type: z.literal('stop') }),
]);
export type HostToTrainer = z.infer<typeof HostToTrainer>;
export type HostToTrainerInput = z.input<typeof HostToTrainer>;
