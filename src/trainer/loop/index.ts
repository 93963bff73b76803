// The training loop: K runs in one batched model, one optimizer step per mini-batch, every term measured.
// Each step's metrics (total, original, each term's raw and weighted value, each recognised constraint's
// violation, for every active run) are stacked into one tensor that is kept; pending steps are read back with
// a single dataSync when a message is due (report.ts), so reading never costs a sync per scalar. Everything else
// lives inside tf.tidy, so the tensor count does not grow from step to step. Between steps the loop yields to the
// event loop, so a stop message or SIGTERM is seen within milliseconds.
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { Term } from '../../analysis/ir';
import type { RunSpec, RunSummary, TrainerToHost } from '../../protocol/trainer';
import type { Tf } from '../backend';
import { BatchSampler } from '../batches';
import { type TrialData, targetTensorShape } from '../data';
import type { GradientIssue } from '../gradientCheck';
import { gradRatios } from '../gradRatios';
import type { BatchedLoss } from '../interpreter';
import { RunTracker } from '../metrics/tracker';
import type { BatchedMlp } from '../model/mlp';
import type { TrainOptimizer } from '../optimizer';
import type { LossFn } from '../runLoss';
import { MetricColumns } from './columns';
import { LayerSteps } from './layerSteps';
import { Reporter } from './report';
import { batchedTape, perRunTape, type TapeContext } from './tapes';
import { ViolationColumns } from './violationColumns';

export interface LoopOptions {
  tf: Tf;
  model: BatchedMlp;
  optimizer: TrainOptimizer;
  data: TrialData;
  runs: RunSpec[];
  /** One loss per run (the run's λ applied). */
  losses: LossFn[];
  /** The loss reads the model's parameters (`sum(… for p in model.parameters())`): each run's are passed to it. */
  readsWeights?: boolean;
  /** Extra tensor arguments that are the last hidden layer's activations (`encoded`): passed to each run's loss. */
  hiddenArgs?: string[];
  /** Per run, the weights of the layers its loss builds itself (none for most losses): trained beside the model's. */
  layerWeights?: (() => Tensor[])[];
  /** An optimizer of the trial's kind for a run's loss-built layer weights. */
  layerOptimizer?: (variables: Variable[]) => TrainOptimizer;
  /** All runs' losses in one evaluation, when that is exact for this loss (batchedRuns.ts); used while every run is active. */
  batchedLoss?: BatchedLoss;
  terms: Term[];
  steps: number;
  batchSize: number;
  seed: number;
  /** Validation loss every this many steps (and at the last step); a multiple of `reportEvery`. */
  validateEvery: number;
  /** A point is reported every this many steps (and the last step, and steps that measure something more). */
  reportEvery: number;
  maxMessagesPerSecond: number;
  /** Where the loss is written, to name a term's line when it goes non-finite. */
  sourceFile?: string;
  /** A term whose gradient is non-finite before training (../gradientCheck.ts): a diverged run blames it. */
  gradientIssue?: GradientIssue;
  send: (message: TrainerToHost) => void;
  shouldStop: () => boolean;
  /** Called after every step with the number of kept metrics tensors not yet read (tests watch the tensor count). */
  onStep?: (step: number, pendingTensors: number) => void;
}

export interface LoopResult {
  summaries: RunSummary[];
  wallSeconds: number;
  stepsPerSecond: number;
}

/** What a step and a validation need, shared by the loop's parts. */
interface LoopParts {
  o: LoopOptions;
  tape: TapeContext;
  columns: MetricColumns;
  violations: ViolationColumns;
  /** The validation split as tensors (undefined: the data has none). */
  val?: { x: Tensor2D; y: Tensor };
  layerSteps: LayerSteps;
}

/** All runs' losses in one evaluation while every run is active and the loss allows it. */
const batchedWhile = (o: LoopOptions, active: number[]): BatchedLoss | undefined => (o.batchedLoss && active.length === o.runs.length ? o.batchedLoss : undefined);

/**
 * One optimizer step; returns the step's metrics [runs, width] (kept, the caller disposes it). The model runs
 * off the gradient tape (model/mlp.ts): the tape holds the output activation and the loss, which give the
 * gradient of the logits; the model's backward pass does the rest. Metrics are stacked after the tape closes.
 */
function trainStep(parts: LoopParts, xb: Tensor2D, yb: Tensor, active: number[]): Tensor {
  const { o, tape: c, violations } = parts;
  const { tf, model } = o;
  const together = batchedWhile(o, active);
  return tf.tidy(() => {
    const forward = model.logits(xb);
    const tape = together ? batchedTape(c, together, forward, yb) : perRunTape(c, forward, yb, active, xb);
    const g = model.backward(forward.cache, tape.dLogits, tape.dHidden);
    o.optimizer.apply(tape.weightGrads ? g.map((t, i) => tf.add(t, tape.weightGrads![i]!)) : g);
    for (const [k, grads] of tape.layerGrads ?? []) parts.layerSteps.apply(k, grads);
    const { preds } = tape;
    const measured = together && preds.length > 0 ? violations.batched(preds[0]!, yb) : undefined;
    const metrics = together ? tape.stack() : tape.stack(violations.perRunValues(preds, yb, active));
    // Kept tensors are not released by the tidy: these are, once used (the result is kept by the tidy).
    tf.dispose(tape.values);
    tf.dispose(preds);
    return measured ? tf.concat([metrics, measured], 1) : metrics;
  });
}

/** What run k's loss gets beside targets and predictions outside the tape (validation): its weights, its hidden activations. */
function runExtras(parts: LoopParts, k: number) {
  const { o } = parts;
  const hiddenNames = o.hiddenArgs ?? [];
  const weights = o.readsWeights ? o.model.runParameters(k) : undefined;
  const input = parts.val?.x;
  if (hiddenNames.length === 0) return { ...(weights ? { weights } : {}), ...(input ? { input } : {}) };
  const h = o.model.lastHidden(o.model.logits(parts.val!.x).cache)!;
  const hk = o.tf.reshape(o.tf.slice(h, [k, 0, 0], [1, -1, -1]), [h.shape[1]!, h.shape[2]!]);
  return { ...(weights ? { weights } : {}), tensors: Object.fromEntries(hiddenNames.map((n) => [n, hk])), ...(input ? { input } : {}) };
}

/**
 * The validation split's values of the active runs, [runs, 2 + terms + violations]: total, original, each
 * term's raw value, each violation (the same columns as a step's metrics, less the weighted values).
 */
function validate(parts: LoopParts, active: number[]): Tensor {
  const { o, columns, violations } = parts;
  const { tf, model } = o;
  const { x, y } = parts.val!;
  return tf.tidy(() => {
    const together = batchedWhile(o, active);
    if (together) {
      const preds = model.forward(x);
      const out = together(y, preds);
      const raws = columns.ids.map((id) => out.terms[id]?.raw ?? tf.fill([o.runs.length], Number.NaN));
      const values = tf.stack([out.total, out.original, ...raws], 1);
      return violations.any ? tf.concat([values, violations.batched(preds, y)], 1) : values;
    }
    const preds = model.predictions(x);
    const values = tf.stack(
      active.map((k) => {
        const out = o.losses[k]!(y, preds[k]!, runExtras(parts, k));
        return tf.stack([out.total, out.original, ...columns.ids.map((id) => out.terms[id]?.raw ?? tf.scalar(Number.NaN))]);
      }),
    );
    const measured = violations.perRun(
      active.map((k) => preds[k]!),
      y,
      active,
    );
    return measured ? tf.concat([values, measured], 1) : values;
  });
}

/** Step → run → each penalty's gradient-norm ratio ‖λ∇P‖/‖∇L‖ (gradRatios.ts), measured at the first and last step. */
function gradRatioLog(o: LoopOptions) {
  const penaltyIds = o.terms.filter((t) => t.role === 'penalty').map((t) => t.id);
  const input = { tf: o.tf, model: o.model, losses: o.losses, readsWeights: !!o.readsWeights, ...(o.hiddenArgs ? { hiddenArgs: o.hiddenArgs } : {}), penalties: penaltyIds };
  const rows = new Map<number, Map<number, Record<string, number>>>();
  const measure = (s: number, xb: Tensor2D, yb: Tensor, active: number[]): void => {
    if (penaltyIds.length === 0) return;
    const ratios = gradRatios(input, xb, yb, active);
    // JSON has no NaN/Infinity: a ratio with a zero base gradient is left out.
    const byRun = new Map(active.map((k, i) => [k, Object.fromEntries(penaltyIds.map((id, j) => [id, ratios[i]![j]!] as const).filter(([, v]) => Number.isFinite(v)))]));
    rows.set(s, byRun);
  };
  return { rows, measure };
}

export async function trainLoop(o: LoopOptions): Promise<LoopResult> {
  const { tf, data } = o;
  const trackers = o.runs.map((r) => new RunTracker(r));
  const columns = new MetricColumns(tf, o.terms, o.runs.length);
  const violations = new ViolationColumns(tf, o.model, o.terms, o.runs.length, o.data.sampleShape);
  const sampler = new BatchSampler(data.train, o.batchSize, o.seed);
  const yShape = (n: number): number[] => targetTensorShape(data, n);
  const val = data.val ? { x: tf.tensor2d(data.val.x, [data.val.samples, data.val.features]), y: tf.tensor(data.val.y, yShape(data.val.samples)) } : undefined;
  const tape: TapeContext = {
    tf,
    model: o.model,
    losses: o.losses,
    readsWeights: !!o.readsWeights,
    hiddenArgs: o.hiddenArgs ?? [],
    ...(o.layerWeights ? { layerWeights: o.layerWeights } : {}),
    columns,
    keepPredictions: violations.any,
  };
  const layerSteps = new LayerSteps(o);
  const parts: LoopParts = { o, tape, columns, violations, layerSteps, ...(val ? { val } : {}) };
  const ratios = gradRatioLog(o);
  const reporter = new Reporter({ ...o, trackers, columns, violationTerms: violations.terms, gradRatioRows: ratios.rows });
  let lastYield = performance.now();
  try {
    for (let s = 0; s < o.steps; s++) {
      if (o.shouldStop()) break;
      const active = trackers.flatMap((t, k) => (t.active ? [k] : []));
      if (active.length === 0) break;
      const batch = sampler.next();
      const xb = tf.tensor2d(batch.x, [batch.size, data.train.features]);
      const yb = tf.tensor(batch.y, yShape(batch.size));
      let metrics: Tensor;
      const last = s === o.steps - 1;
      try {
        if (s === 0 || last) ratios.measure(s, xb, yb, active);
        metrics = trainStep(parts, xb, yb, active);
      } finally {
        xb.dispose();
        yb.dispose();
      }
      const validation = val && (s % o.validateEvery === 0 || last) ? validate(parts, active) : undefined;
      for (const k of active) trackers[k]!.stepsDone = s + 1;
      reporter.add({ step: s, runs: active, metrics, ...(validation ? { val: validation } : {}) });
      o.onStep?.(s, reporter.pendingTensors);
      if (performance.now() - lastYield > 8) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    await reporter.finish();
  } finally {
    layerSteps.dispose();
    reporter.dispose();
    val?.x.dispose();
    val?.y.dispose();
  }
  return endRuns(o, trackers, reporter);
}

/** Ends the runs still going (completed, or stopped), says so, and sums up the trial. */
function endRuns(o: LoopOptions, trackers: RunTracker[], reporter: Reporter): LoopResult {
  const now = performance.now();
  const stopped = o.shouldStop();
  for (const t of trackers) {
    if (!t.active) continue;
    t.end(stopped ? 'stopped' : 'completed', now, stopped ? `stopped after ${t.stepsDone} of ${o.steps} steps` : undefined);
    o.send({ type: 'run-ended', summary: t.summary(reporter.startedAt, now) });
  }
  const wallSeconds = (now - reporter.startedAt) / 1000;
  return { summaries: trackers.map((t) => t.summary(reporter.startedAt, now)), wallSeconds, stepsPerSecond: wallSeconds > 0 ? reporter.stepsRun / wallSeconds : 0 };
}
