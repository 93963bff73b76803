// One trial from start to end: backend, unsupported-op check (before anything trains), data, model, the runs'
// losses, the `started` message, the loop, `done`. Every failure becomes an `error` message that says what and
// where; nothing is thrown at the host. The same function runs in the child process (main.ts) and in tests.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossModel } from '../analysis/ir';
import { penaltyKnobs } from '../analysis/knobs';
import type { RunSpec, SweepGrid, TrainerToHost, TrialSpec } from '../protocol/trainer';
import { formatLambda } from '../trial/spec';
import { type BackendOptions, loadBackend, type Tf } from './backend';
import { type BatchedChoice, batchedRunLoss } from './batchedRuns';
import { reportEvery, validateEvery } from './cadence';
import { DatasetError, DatasetLoadStopped, prepareData, type TrialData, targetTensorShape } from './data';
import { withDataSettings } from './dataSettings';
import { type GradientIssue, nonFiniteGradient } from './gradientCheck';
import { fittedHidden } from './hiddenFit';
import { compileLoss, findUnsupported, LossEvaluationError, readsModelWeights, refusalMessage, UnsupportedOpError } from './interpreter';
import { ownLiteralWeights } from './interpreter/compile';
import { scheduleNote } from './interpreter/schedule';
import { unreadSettingNotes } from './interpreter/settingSources';
import { branchChoices, branchNote } from './interpreter/termBranch';
import { withKeyedPrediction } from './keyedPrediction';
import { heldNote, unsetLambdaReason } from './lambdaReach';
import { trainLoop } from './loop';
import { memoryRefusal } from './memory';
import { readableConstraint } from './metrics/violations';
import { type BatchedMlp, chooseOutputActivation, type OutputActivation } from './model';
import { BatchedVae } from './model/vae';
import { modelCallNote, withModelCallsAsPrediction } from './modelCall';
import { createOptimizer } from './optimizer';
import { regularizedTensor, withRegularizedTensor } from './regularizerInput';
import { type LossFn, runLosses } from './runLoss';
import { shapedBatchedLoss, shapedLosses, toSampleShape } from './shapedLoss';
import { planSweep } from './sweepGrid';
import { syntheticShapeFault } from './syntheticShapeFault';
import { describeArgs, probeExtras, type TrialModel, trialLosses, trialModel } from './trialModel';

export interface TrialOptions extends BackendOptions {
  send: (message: TrainerToHost) => void;
  shouldStop: () => boolean;
  /** Folder that relative dataset paths resolve against. */
  baseDir?: string;
  onStep?: (step: number, tf: Tf, pendingSteps: number) => void;
}


/** Runs the trial; resolves when it is over (done, stopped or failed), having sent every message. */
export async function runTrial(requested: TrialSpec, options: TrialOptions): Promise<void> {
  const { send } = options;
  // A loss that runs its model argument on its input: the call is the trial model's prediction (./modelCall.ts).
  const called = modelCallNote(requested.loss as LossModel);
  let spec = called ? { ...requested, loss: withModelCallsAsPrediction(requested.loss as LossModel) } : requested;
  // A prediction read by key (`out["pred"]`, a model returning a dict): a tuple of its entries (./keyedPrediction.ts)
  spec = { ...spec, loss: withKeyedPrediction(spec.loss as LossModel) };
  // A custom regularizer's argument: the layer's kernel, bias or activations, not the prediction (./regularizerInput.ts)
  if (regularizedTensor(spec.loss as LossModel)) spec = { ...spec, loss: withRegularizedTensor(spec.loss as LossModel) };
  const fitted = fittedHidden(spec.loss as LossModel, spec.model.hidden);
  spec = { ...spec, model: { ...spec.model, hidden: fitted.hidden } };
  const started = performance.now();
  const location = (line: number) => ({ line, ...(spec.sourceFile ? { file: spec.sourceFile } : {}) });
  const fail = (kind: Extract<TrainerToHost, { type: 'error' }>['kind'], message: string, extra: Partial<Extract<TrainerToHost, { type: 'error' }>> = {}) =>
    send({ type: 'error', kind, message, fatal: true, ...extra });

  const unsupported = findUnsupported(spec.loss);
  if (unsupported.length > 0) {
    const first = unsupported[0]!;
    // The error's location gives the first op's line; the message names the lines only when there are several.
    fail('unsupported-op', refusalMessage(spec.loss.name, unsupported), { op: first.op, location: location(first.range.startLine + 1) });
    return;
  }

  let backend: Awaited<ReturnType<typeof loadBackend>>;
  try {
    // The spec's trust decides where tfjs-node may come from (./trust.ts), whatever folders the caller offers.
    backend = await loadBackend(spec.backend, { ...options, trusted: spec.workspaceTrusted, workspaceDir: spec.workspaceDir ?? options.workspaceDir });
  } catch (e) {
    fail('backend', (e as Error).message);
    return;
  }
  const { tf } = backend;

  let data: TrialData;
  if (spec.dataset.kind === 'file') send({ type: 'log', level: 'info', message: `reading the dataset ${spec.dataset.path}` });
  try {
    data = await prepareData(spec, spec.loss, options.baseDir, options.shouldStop, {
      trusted: spec.workspaceTrusted,
      workspaceDir: spec.workspaceDir ?? options.baseDir,
    });
  } catch (e) {
    if (e instanceof DatasetLoadStopped) {
      send({ type: 'log', level: 'info', message: 'stopped while the dataset was loading: nothing was trained' });
      send({ type: 'done', summaries: [], wallSeconds: (performance.now() - started) / 1000 });
      return;
    }
    if (e instanceof DatasetError) {
      fail('dataset', e.message, e.file ? { location: { file: e.file, line: e.row ?? 1 } } : {});
      return;
    }
    throw e;
  }
  const tooLarge = memoryRefusal({ runs: spec.runs.length, inputs: data.train.features, hidden: spec.model.hidden, outputs: data.train.outputs, batchSize: spec.batchSize, samples: data.train.samples + (data.val?.samples ?? 0) }, backend.name);
  if (tooLarge) {
    fail('invalid-spec', tooLarge);
    return;
  }

  // settings the script derives from its data take the trial data's own (./dataSettings.ts), said in the header
  const derived = withDataSettings(spec.loss as LossModel, data.train);
  if ('refusal' in derived) {
    fail('invalid-spec', derived.refusal, { location: location(derived.line) });
    return;
  }
  spec = { ...spec, loss: derived.loss };
  const activation = chooseOutputActivation(spec.loss as LossModel, spec.model.outputActivation);
  let grid: SweepGrid | undefined;
  if (spec.sweep) {
    const measured = sweepRuns(tf, spec, data, activation.activation, fail, location);
    if (!measured) return;
    grid = measured.grid;
    spec = { ...spec, runs: measured.runs };
  }
  const trial = trialModel(
    tf,
    spec.loss as LossModel,
    { runs: spec.runs.length, inputs: data.train.features, hidden: spec.model.hidden, outputs: data.train.outputs, activation: activation.activation, seed: spec.seed },
    data,
  );
  const { model, hidden } = trial;
  const optimizer = createOptimizer(tf, spec.optimizer, model.variables);
  let compiled: LossFn[] = [];
  try {
    // The loss gets its extra tensor arguments (mappedLoss.ts) outermost: the targets still carry a group column there.
    compiled = runLosses(tf, spec.loss, spec.runs, spec.params, compileLoss);
    const losses = trialLosses(tf, spec.loss as LossModel, shapedLosses(tf, compiled, data.sampleShape), trial);
    // the weights of layers the loss builds itself, made on its first evaluation (the probe below), one set per run
    const layerWeights = compiled.map((f) => f.layerWeights ?? (() => []));
    // Evaluate once on a tiny batch before training, so an op that fails on real tensors is reported up front.
    const readsWeights = readsModelWeights(spec.loss as LossModel) || trial.readsArgWeights;
    // A VAE's head is its own layer; hidden activations (and a matrix cut from them) need a hidden layer.
    const needsHidden = trial.layout.latent === undefined ? hidden[0] : undefined;
    if (needsHidden && spec.model.hidden.length === 0) {
      fail('invalid-spec', `${spec.loss.name} cannot be trained: \`${needsHidden}\` is a hidden layer's activations, but the trial model has no hidden layer (set lossLab.training.hiddenLayers)`);
      return;
    }
    const probe = checkLosses(tf, trial, data, losses, readsWeights);
    if (probe) {
      const dataFault = probe instanceof UnsupportedOpError ? undefined : syntheticShapeFault(probe.message, data, spec.dataset.kind === 'synthetic');
      fail(probe instanceof UnsupportedOpError ? 'unsupported-op' : 'invalid-spec', dataFault ?? probe.message, {
        op: probe.op,
        location: location(probe.range.startLine + 1),
      });
      return;
    }
    const gradientIssue = probeGradients(tf, spec.loss as LossModel, trial, data, losses[0], readsWeights);
    const extraArgs = [...hidden, ...(trial.readsArgWeights ? ['weights'] : []), ...(data.groupColumn ? ['group column'] : [])];
    const batched: BatchedChoice =
      extraArgs.length > 0 ? { reason: `the loss reads each run's own tensors beside its prediction (${extraArgs.join(', ')})` } : chooseBatched(tf, model, data, spec, losses);
    const batchedLoss = 'loss' in batched ? shapedBatchedLoss(tf, batched.loss, data.sampleShape) : undefined;
    if ('reason' in batched && spec.runs.length > 1) {
      send({ type: 'log', level: 'info', message: `runs evaluate the loss one by one (slower): ${batched.reason}` });
    }
    send({
      type: 'started',
      backend: backend.name,
      backendReason: backend.reason,
      // Said once when code from outside Loss Lab's own folder was required (which file, which version, from where).
      ...(backend.native && backend.native.origin !== 'loss-lab'
        ? { native: { file: backend.native.file, version: backend.native.version, origin: backend.native.origin, started: backend.native.started } }
        : {}),
      outputActivation: activation.reason,
      trial: describeTrial(trial, spec.loss as LossModel, data, activation.activation, spec.runs.some((r) => r.lambdas), called, [...derived.notes, ...(fitted.note ? [fitted.note] : [])]),
      dataset: {
        description: data.description,
        trainSamples: data.train.samples,
        valSamples: data.val?.samples ?? 0,
        features: data.train.features,
        outputs: data.train.outputs,
      },
      runs: spec.runs,
      terms: spec.loss.terms.map((t) => ({
        id: t.id,
        role: t.role,
        label: t.label,
        ...(readableConstraint(t) ? { constraint: t.constraint!.kind } : {}),
        ...(readableConstraint(t)?.on ? { constraintOn: t.constraint!.on } : {}),
      })),
      steps: spec.steps,
      ...(grid ? { grid } : {}),
    });
    const report = reportEvery(spec.steps, spec.maxPointsPerRun);
    const result = await trainLoop({
      tf,
      model,
      optimizer,
      data,
      runs: spec.runs,
      losses,
      readsWeights,
      hiddenArgs: hidden,
      layerWeights,
      layerOptimizer: (variables) => createOptimizer(tf, spec.optimizer, variables),
      ...(batchedLoss ? { batchedLoss } : {}),
      terms: spec.loss.terms,
      steps: spec.steps,
      batchSize: spec.batchSize,
      seed: spec.seed,
      reportEvery: report,
      validateEvery: validateEvery(spec.steps, report),
      maxMessagesPerSecond: spec.maxMessagesPerSecond,
      ...(spec.sourceFile ? { sourceFile: spec.sourceFile } : {}),
      ...(gradientIssue ? { gradientIssue } : {}),
      send,
      shouldStop: options.shouldStop,
      ...(options.onStep ? { onStep: (s: number, pendingSteps: number) => options.onStep!(s, tf, pendingSteps) } : {}),
    });
    send({ type: 'done', summaries: result.summaries, wallSeconds: (performance.now() - started) / 1000 });
  } finally {
    model.dispose();
    optimizer.dispose();
    // the weights of layers the losses built themselves (one set per run)
    for (const f of compiled) f.disposeLayers?.();
  }
}

/** A sweep's grid and runs, measured on the untrained model; undefined after reporting a failure. */
function sweepRuns(
  tf: Tf,
  spec: TrialSpec,
  data: TrialData,
  activation: OutputActivation,
  fail: (kind: 'invalid-spec', message: string, extra?: { location?: { line: number } }) => void,
  location: (line: number) => { line: number },
): { grid: SweepGrid; runs: RunSpec[] } | undefined {
  // a sweep whose λ sets no penalty would compare identical runs and recommend one of them: refused, saying why
  const unset = penaltyKnobs(spec.loss as LossModel).length < 2 ? unsetLambdaReason(spec.loss as LossModel) : undefined;
  if (unset) {
    fail('invalid-spec', `Sweep λ cannot compare λs for ${spec.loss.name}: ${unset.message}`, { location: location(unset.line) });
    return undefined;
  }
  try {
    return planSweep(tf, spec, data, activation, readsModelWeights(spec.loss as LossModel));
  } catch (e) {
    const at = e instanceof UnsupportedOpError || e instanceof LossEvaluationError ? { location: location(e.range.startLine + 1) } : {};
    fail('invalid-spec', `the sweep could not measure the loss on the untrained model: ${(e as Error).message}`, at);
    return undefined;
  }
}

/** The batched loss of all runs, checked against the runs' own losses on (up to) 16 training rows. */
function chooseBatched(tf: Tf, model: BatchedMlp, data: TrialData, spec: TrialSpec, losses: ReturnType<typeof runLosses>): BatchedChoice {
  if (spec.runs.length < 2) return { reason: 'one run' };
  const n = Math.min(16, data.train.samples);
  const x = tf.tensor2d(data.train.x.subarray(0, n * data.train.features), [n, data.train.features]);
  const y = tf.tensor(data.train.y.subarray(0, n * data.train.targets), targetTensorShape(data, n));
  const pred = tf.tidy(() => model.predictions(x)[0]!);
  try {
    // Compared in the shape the loss reads (the per-run losses pass shaped tensors through unchanged).
    const shaped = (t: Tensor) => toSampleShape(tf, t, data.sampleShape);
    const [yShaped, predShaped] = [shaped(y), shaped(pred)];
    try {
      return batchedRunLoss(tf, spec.loss as LossModel, spec.runs, spec.params, losses, { yTrue: yShaped, yPred: predShaped });
    } finally {
      if (yShaped !== y) tf.dispose([yShaped, predShaped]);
    }
  } finally {
    x.dispose();
    y.dispose();
    pred.dispose();
  }
}

/**
 * Runs every loss once on three training rows; returns the interpreter's error, if any. Three, not two: a batch as
 * long as a sample's own axis (two quantiles, two outputs) broadcasts where the training batch does not, and a loss
 * that passed here then failed mid-trial.
 */
function checkLosses(tf: Tf, trial: TrialModel, data: TrialData, losses: ReturnType<typeof runLosses>, readsWeights: boolean): UnsupportedOpError | LossEvaluationError | undefined {
  const n = Math.min(3, data.train.samples);
  try {
    tf.tidy(() => {
      const x = tf.tensor2d(data.train.x.subarray(0, n * data.train.features), [n, data.train.features]);
      const y = tf.tensor(data.train.y.subarray(0, n * data.train.targets), targetTensorShape(data, n));
      const preds = trial.model.predictions(x);
      for (const [k, loss] of losses.entries()) loss(y, preds[k]!, probeExtras(tf, trial, x, k, readsWeights));
    });
    return undefined;
  } catch (e) {
    if (e instanceof UnsupportedOpError || e instanceof LossEvaluationError) return e;
    throw e;
  }
}

/** The first term whose gradient is non-finite on a few training rows before training (gradientCheck.ts), if any. */
function probeGradients(tf: Tf, loss: LossModel, trial: TrialModel, data: TrialData, run: LossFn | undefined, readsWeights: boolean): GradientIssue | undefined {
  if (!run) return undefined;
  const n = Math.min(8, data.train.samples);
  let issue: GradientIssue | undefined;
  try {
    tf.tidy(() => {
      const x = tf.tensor2d(data.train.x.subarray(0, n * data.train.features), [n, data.train.features]);
      const y = tf.tensor(data.train.y.subarray(0, n * data.train.targets), targetTensorShape(data, n));
      const shaped = (t: Tensor) => toSampleShape(tf, t, data.sampleShape);
      issue = nonFiniteGradient(tf, loss, run, y, trial.model.predictions(x)[0]!, probeExtras(tf, trial, x, 0, readsWeights), shaped);
    });
  } catch {
    return undefined; // the probe only adds a cause to a divergence: it never stops a trial
  }
  return issue;
}

/** Said when a run's λ replaces several penalties' own literal weights (interpreter/compile.ts ownLiteralWeights). */
function ownWeightsNote(loss: LossModel): string[] {
  const own = ownLiteralWeights(loss);
  if (!own) return [];
  const written = [...own].map(([label, w]) => `${label} ${formatLambda(w)}`).join(', ');
  return [`each penalty has its own weight in the code (${written}): a run's λ replaces every one of them (Sweep λ sets each on its own)`];
}

/** The panel header's two lines: the trial model and the data, each with why when it is shaped by the loss. */
function describeTrial(trial: TrialModel, loss: LossModel, data: TrialData, activation: string, byKnobs: boolean, modelCall?: string, fromData: string[] = []): { model: string; data: string } {
  const { model } = trial;
  const shape = data.sampleShape;
  const branches = [...branchChoices(loss).flatMap((c) => branchNote(c) ?? []), ...unreadSettingNotes(loss), ...ownWeightsNote(loss), ...scheduleNote(loss), ...heldNote(loss, byKnobs)];
  // the user's own model, whose tensors the loss reads, is what the trial model replaces: said, never silently
  const standsIn = loss.standsInFor ? `standing in for ${loss.standsInFor}` : undefined;
  const args = [standsIn, modelCall, describeArgs(loss, trial), ...fromData, ...branches].filter(Boolean).join('; ');
  const reshaped = (shape.length > 1 ? `, output reshaped to (N, ${shape.join(', ')})` : '') + (args ? `; ${args}` : '');
  const layers = trial.lastHidden?.reason ? `relu hidden layers, the last one ${trial.lastHidden.activation} because ${trial.lastHidden.reason}, ${activation} output` : `relu hidden layers, ${activation} output`;
  const kind = model instanceof BatchedVae ? `${model.describe()} (${layers})` : `MLP ${model.sizes.join(' → ')} (${layers})`;
  return {
    model: `${kind}${reshaped}`,
    data: `${data.description}${data.shapeWhy ? `; ${data.shapeWhy}` : ''}`,
  };
}
