// The training loop: K runs in one batched model, one optimizer step per mini-batch, every term measured.
// Each step's metrics (total, original, each term's raw and weighted value, each recognised constraint's
// violation, for every active run) are stacked into one tensor that is kept; pending steps are read back with
// a single dataSync when a message is due (at most `maxMessagesPerSecond`), so reading never costs a sync per
// scalar. Everything else lives inside tf.tidy, so the tensor count does not grow from step to step.
// Between steps the loop yields to the event loop, so a stop message or SIGTERM is seen within milliseconds.
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { ConstraintKind, Term } from '../analysis/ir';
import type { RunSpec, RunSummary, StepMetrics, TrainerToHost } from '../protocol/trainer';
import type { Tf } from './backend';
import { BatchSampler } from './batches';
import { gradRatios } from './gradRatios';
import { batchedViolation } from './batchedViolations';
import type { TrialData } from './data';
import { RunTracker } from './metrics/tracker';
import { constrainedValues, violationFns } from './metrics/violations';
import type { BatchedMlp, Logits } from './model/mlp';
import type { TrainOptimizer } from './optimizer';
import type { BatchedLoss } from './interpreter';
import type { LossFn } from './runLoss';

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

interface Pending {
  step: number;
  /** The runs measured at this step, in order. */
  runs: number[];
  metrics: Tensor;
  /** Validation totals of the same runs, when this step validates. */
  val?: Tensor;
}

export async function trainLoop(o: LoopOptions): Promise<LoopResult> {
  const { tf, model, optimizer, data } = o;
  const trackers = o.runs.map((r) => new RunTracker(r));
  const violationTerms = o.terms.filter((t): t is Term & { constraint: NonNullable<Term['constraint']> } => !!t.constraint);
  const sampler = new BatchSampler(data.train, o.batchSize, o.seed);
  const yShape = (n: number): number[] => (data.encoding === 'index' ? [n] : [n, data.train.targets]);
  const valX = data.val ? tf.tensor2d(data.val.x, [data.val.samples, data.val.features]) : undefined;
  const valY = data.val ? tf.tensor(data.val.y, yShape(data.val.samples)) : undefined;
  const interval = 1000 / o.maxMessagesPerSecond;
  const startedAt = performance.now();
  let lastSent = Number.NEGATIVE_INFINITY;
  let lastYield = startedAt;
  let pending: Pending[] = [];
  let termIds: string[] | undefined;
  let stepsRun = 0;

  /** A run's loss values in metrics order: total, original, each term's raw and weighted. */
  const lossParts = (out: ReturnType<LossFn>): Scalar[] => {
    termIds ??= o.terms.map((t) => t.id).filter((id) => out.terms[id] !== undefined);
    const parts: Scalar[] = [out.total, out.original];
    for (const id of termIds) {
      const t = out.terms[id];
      parts.push(t ? t.raw : tf.scalar(Number.NaN), t ? t.weighted : tf.scalar(Number.NaN));
    }
    return parts;
  };

  /** The same for all runs at once, each [K]. */
  const lossColumns = (out: ReturnType<BatchedLoss>): Tensor[] => {
    termIds ??= o.terms.map((t) => t.id).filter((id) => out.terms[id] !== undefined);
    const columns: Tensor[] = [out.total, out.original];
    for (const id of termIds) {
      const t = out.terms[id];
      columns.push(t ? t.raw : tf.fill([K], Number.NaN), t ? t.weighted : tf.fill([K], Number.NaN));
    }
    return columns;
  };

  /**
   * Each measured run's violations, [runs, violations], or undefined when the loss has no recognised constraint.
   * Called after the gradient tape: they are read-only metrics, so they need no saved copies nor backprop.
   */
  const violationColumns = (preds: Tensor[], yTrue: Tensor, runs: number[]): Tensor | undefined => {
    if (violationTerms.length === 0) return undefined;
    const rows = runs.map((k, i) =>
      tf.stack(
        violationTerms.map((t) =>
          violationFns[t.constraint.kind as ConstraintKind](
            { tf, yPred: constrainedValues(tf, preds[i]!, t.constraint.on), yTrue, kernels: () => model.runKernels(k) },
            t.constraint.params,
          ),
        ),
      ),
    );
    return tf.stack(rows);
  };

  const K = o.runs.length;
  const penaltyIds = o.terms.filter((t) => t.role === 'penalty').map((t) => t.id);
  const ratioInput = { tf, model, losses: o.losses, readsWeights: !!o.readsWeights, ...(o.hiddenArgs ? { hiddenArgs: o.hiddenArgs } : {}), penalties: penaltyIds };
  /** Step → run → each penalty's gradient-norm ratio, measured at the first and last step (gradRatios.ts). */
  const gradRatioRows = new Map<number, Map<number, Record<string, number>>>();
  const measureGradRatios = (s: number, xb: Tensor2D, yb: Tensor, active: number[]): void => {
    if (penaltyIds.length === 0) return;
    const rows = gradRatios(ratioInput, xb, yb, active);
    const byRun = new Map<number, Record<string, number>>();
    active.forEach((k, i) => {
      // JSON has no NaN/Infinity: a ratio with a zero base gradient is left out.
      byRun.set(k, Object.fromEntries(penaltyIds.map((id, j) => [id, rows[i]![j]!] as const).filter(([, v]) => Number.isFinite(v))));
    });
    gradRatioRows.set(s, byRun);
  };
  const violationsTogether = violationTerms.map((t) => batchedViolation(tf, K, t.constraint.kind as ConstraintKind, t.constraint.params, t.constraint.on));
  /** All runs' violations from their predictions [K, B, …], [K, violations]: together where the kind allows. */
  const batchedViolationColumns = (preds: Tensor, yTrue: Tensor): Tensor => {
    const runPreds = violationsTogether.every((f) => f) ? [] : tf.unstack(preds);
    const columns = violationTerms.map((t, j) => {
      const f = violationsTogether[j];
      if (f) return f(preds, yTrue);
      const fn = violationFns[t.constraint.kind as ConstraintKind];
      return tf.stack(
        runPreds.map((p, k) => fn({ tf, yPred: constrainedValues(tf, p, t.constraint.on), yTrue, kernels: () => model.runKernels(k) }, t.constraint.params)),
      );
    });
    return tf.stack(columns, 1);
  };
  const batched = (active: number[]): BatchedLoss | undefined => (o.batchedLoss && active.length === K ? o.batchedLoss : undefined);

  /** What one step's tape gives: the logits' gradient, extra gradients of the variables, kept loss values and predictions. */
  interface TapeResult {
    dLogits: Tensor | Tensor2D[];
    weightGrads?: Tensor[];
    /** The loss's gradient with respect to the last hidden layer's output, [K, B, n], when it reads it. */
    dHidden?: Tensor;
    /** The step's loss values [runs, width], not yet stacked: kept, the caller disposes them. */
    values: Tensor[];
    stack: () => Tensor;
    /** Kept predictions for the violation metrics (all runs' [K, B, …], or one per active run). */
    preds: Tensor[];
  }

  /** All runs' losses in one evaluation: the gradient of the stacked logits. */
  const batchedTape = (together: BatchedLoss, forward: Logits, yb: Tensor): TapeResult => {
    let values: Tensor[] = [];
    let preds: Tensor[] = [];
    const [dLogits] = tf.grads((z: Tensor) => {
      const p = model.activate(z);
      const out = together(yb, p);
      values = lossColumns(out).map((t) => tf.keep(t));
      preds = violationTerms.length > 0 ? [tf.keep(p)] : [];
      return tf.sum(out.total) as Scalar;
    })([forward.logits]) as [Tensor];
    return { dLogits, values, stack: () => tf.stack(values, 1), preds };
  };

  /** Gradients of the active runs' parts ([1, B, n] each) as one [K, B, n] tensor, zeros for the other runs. */
  const runsJoined = (active: number[], grads: Tensor[], parts: Tensor[]): Tensor =>
    tf.concat(parts.map((h, k) => (active.includes(k) ? grads[active.indexOf(k)]! : tf.zerosLike(h))));

  /** What run k's loss gets beside targets and predictions outside the tape (validation): its weights, its hidden activations. */
  const runExtras = (k: number) => {
    const hiddenNames = o.hiddenArgs ?? [];
    const weights = o.readsWeights ? model.runParameters(k) : undefined;
    if (hiddenNames.length === 0) return weights ? { weights } : undefined;
    const h = model.lastHidden(model.logits(valX!).cache)!;
    const hk = tf.reshape(tf.slice(h, [k, 0, 0], [1, -1, -1]), [h.shape[1]!, h.shape[2]!]);
    return { ...(weights ? { weights } : {}), tensors: Object.fromEntries(hiddenNames.map((n) => [n, hk])) };
  };

  /**
   * One loss per active run, summed (runs share no weights, so each gets its own gradient); inactive runs get a
   * zero gradient. A loss that reads the model's parameters gets each run's, as further inputs of the tape.
   */
  const perRunTape = (forward: Logits, yb: Tensor, active: number[]): TapeResult => {
    const rows: Tensor[][] = [];
    const preds: Tensor[] = [];
    const runLogits = forward.runs();
    const params = o.readsWeights ? active.map((k) => model.runParameters(k)) : [];
    const A = active.length;
    const perRun = params[0]?.length ?? 0;
    const hiddenNames = o.hiddenArgs ?? [];
    // The last hidden layer's output of each active run, [1, B, n]: further inputs of the tape when the loss reads it.
    const hiddenIn = hiddenNames.length > 0 ? active.map((k) => forward.cache.hidden.at(-1)![k]!) : [];
    const hiddenAt = A + params.flat().length;
    const grads = tf.grads((...xs: Tensor[]) => {
      const totals = xs.slice(0, A).map((z, i) => {
        const p = model.activate(z);
        const weights = o.readsWeights ? xs.slice(A + i * perRun, A + (i + 1) * perRun) : undefined;
        const h = hiddenIn.length > 0 ? tf.reshape(xs[hiddenAt + i]!, [z.shape[0]!, -1]) : undefined;
        const tensors = h ? Object.fromEntries(hiddenNames.map((n) => [n, h])) : undefined;
        const out = o.losses[active[i]!]!(yb, p, weights || tensors ? { ...(weights ? { weights } : {}), ...(tensors ? { tensors } : {}) } : undefined);
        rows.push(lossParts(out).map((t) => tf.keep(t)));
        if (violationTerms.length > 0) preds.push(tf.keep(p));
        return out.total;
      });
      return (totals.length === 1 ? totals[0]! : tf.addN(totals)) as Scalar;
    })([...active.map((k) => runLogits[k]!), ...params.flat(), ...hiddenIn]);
    const dLogits = runLogits.map((z, k) => {
      const i = active.indexOf(k);
      return (i >= 0 ? grads[i]! : tf.zerosLike(z)) as Tensor2D;
    });
    return {
      dLogits,
      ...(o.readsWeights ? { weightGrads: model.foldRunGrads(active, grads.slice(A, hiddenAt)) } : {}),
      ...(hiddenIn.length > 0 ? { dHidden: runsJoined(active, grads.slice(hiddenAt), forward.cache.hidden.at(-1)!) } : {}),
      values: rows.flat(),
      stack: () => tf.stack(rows.map((r) => tf.stack(r))),
      preds,
    };
  };

  /**
   * One optimizer step; returns the step's metrics [runs, width] (kept, the caller disposes it). The model runs
   * off the gradient tape (model/mlp.ts): the tape holds the output activation and the loss, which give the
   * gradient of the logits; the model's backward pass does the rest. Metrics are stacked after the tape closes.
   */
  const step = (xb: Tensor2D, yb: Tensor, active: number[]): Tensor => {
    const together = batched(active);
    return tf.tidy(() => {
      const forward = model.logits(xb);
      const tape = together ? batchedTape(together, forward, yb) : perRunTape(forward, yb, active);
      const g = model.backward(forward.cache, tape.dLogits, tape.dHidden);
      optimizer.apply(tape.weightGrads ? g.map((t, i) => tf.add(t, tape.weightGrads![i]!)) : g);
      const losses = tape.stack();
      // Kept tensors are not released by the tidy: these are, once used (the result is kept by the tidy).
      tf.dispose(tape.values);
      const { preds } = tape;
      const violations = together && preds.length > 0 ? batchedViolationColumns(preds[0]!, yb) : violationColumns(preds, yb, active);
      tf.dispose(preds);
      if (!violations) return losses;
      return tf.concat([losses, violations], 1);
    });
  };

  /**
   * The validation split's values of the active runs, [runs, 2 + terms + violations]: total, original, each
   * term's raw value, each violation (the same columns as a step's metrics, less the weighted values).
   */
  const validate = (active: number[]): Tensor =>
    tf.tidy(() => {
      const together = batched(active);
      if (together) {
        const preds = model.forward(valX!);
        const out = together(valY!, preds);
        const ids = termIds ?? [];
        const columns = [out.total, out.original, ...ids.map((id) => out.terms[id]?.raw ?? tf.fill([K], Number.NaN))];
        const values = tf.stack(columns, 1);
        return violationTerms.length > 0 ? tf.concat([values, batchedViolationColumns(preds, valY!)], 1) : values;
      }
      const preds = model.predictions(valX!);
      const values = tf.stack(
        active.map((k) => {
          const out = o.losses[k]!(valY!, preds[k]!, runExtras(k));
          return tf.stack([out.total, out.original, ...(termIds ?? []).map((id) => out.terms[id]?.raw ?? tf.scalar(Number.NaN))]);
        }),
      );
      const violations = violationColumns(active.map((k) => preds[k]!), valY!, active);
      return violations ? tf.concat([values, violations], 1) : values;
    });

  /**
   * Reads every pending step with one dataSync, checks for NaN/Inf, sends one metrics message with the reported
   * steps (`final`: the last pending step is reported too, so a stopped run's chart ends where it stopped).
   */
  const flush = (final = false): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const all = tf.tidy(() => tf.concat(batch.flatMap((p) => (p.val ? [p.metrics, p.val] : [p.metrics])).map((t) => tf.reshape(t, [-1]))));
    const values = all.dataSync();
    all.dispose();
    for (const p of batch) {
      p.metrics.dispose();
      p.val?.dispose();
    }
    const ids = termIds ?? [];
    const width = 2 + 2 * ids.length + violationTerms.length;
    const valWidth = 2 + ids.length + violationTerms.length;
    const points: StepMetrics[] = [];
    let offset = 0;
    for (const p of batch) {
      const valOffset = offset + p.runs.length * width;
      p.runs.forEach((k, i) => {
        const tracker = trackers[k]!;
        const base = offset + i * width;
        if (tracker.status === 'diverged') return;
        const point: StepMetrics = {
          runId: tracker.run.id,
          step: p.step,
          total: values[base]!,
          original: values[base + 1]!,
          terms: Object.fromEntries(ids.map((id, j) => [id, { raw: values[base + 2 + 2 * j]!, weighted: values[base + 3 + 2 * j]! }])),
          violations: Object.fromEntries(
            violationTerms.map((t, j) => [t.id, values[base + 2 + 2 * ids.length + j]!]).filter(([, v]) => Number.isFinite(v)),
          ),
        };
        if (p.val) Object.assign(point, validationFields(values.subarray(valOffset + i * valWidth, valOffset + (i + 1) * valWidth), ids, violationTerms));
        const ratios = gradRatioRows.get(p.step)?.get(k);
        if (ratios) point.gradRatios = ratios;
        const bad = nonFinite(point, o.terms);
        if (bad) {
          diverge(k, p.step, bad);
          return;
        }
        tracker.record(point);
        const lastOfAll = final && p === batch[batch.length - 1];
        if (p.step % o.reportEvery === 0 || p.val || ratios || lastOfAll || p.step === o.steps - 1) points.push(point);
        gradRatioRows.get(p.step)?.delete(k);
      });
      offset = valOffset + (p.val ? p.runs.length * valWidth : 0);
    }
    lastSent = performance.now();
    const elapsed = (lastSent - startedAt) / 1000;
    // Steps between two reported ones send nothing: the next message is at most `interval` away anyway.
    if (points.length > 0) o.send({ type: 'metrics', points, stepsPerSecond: elapsed > 0 ? stepsRun / elapsed : 0 });
  };

  const diverge = (k: number, stepIndex: number, bad: { term: Term | undefined; what: string }): void => {
    const tracker = trackers[k]!;
    // The line where the term's value is computed (its definition, e.g. `p = ...`), not where it is added.
    const line = bad.term ? (bad.term.expr?.range ?? bad.term.range).startLine + 1 : undefined;
    const where = bad.term ? ` in term ${bad.term.id} '${bad.term.label}' (line ${line})` : '';
    const message = `run ${tracker.run.label || tracker.run.id}: ${bad.what} is not finite at step ${stepIndex}${where}`;
    tracker.end('diverged', performance.now(), message);
    tracker.stepsDone = stepIndex;
    o.send({
      type: 'error',
      kind: 'non-finite',
      message,
      step: stepIndex,
      runId: tracker.run.id,
      fatal: false,
      ...(bad.term ? { term: bad.term.id, location: { line: line!, ...(o.sourceFile ? { file: o.sourceFile } : {}) } } : {}),
    });
    o.send({ type: 'run-ended', summary: tracker.summary(startedAt, performance.now()) });
  };

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
        if (s === 0 || last) measureGradRatios(s, xb, yb, active);
        metrics = step(xb, yb, active);
      } finally {
        xb.dispose();
        yb.dispose();
      }
      const val = valX && (s % o.validateEvery === 0 || last) ? validate(active) : undefined;
      pending.push({ step: s, runs: active, metrics, ...(val ? { val } : {}) });
      stepsRun = s + 1;
      for (const k of active) trackers[k]!.stepsDone = s + 1;
      const now = performance.now();
      if (now - lastSent >= interval) flush();
      o.onStep?.(s, pending.reduce((n, p) => n + (p.val ? 2 : 1), 0));
      if (now - lastYield > 8) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    // The last message still respects the rate.
    const wait = interval - (performance.now() - lastSent);
    if (pending.length > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    flush(true);
  } finally {
    for (const p of pending) {
      p.metrics.dispose();
      p.val?.dispose();
    }
    valX?.dispose();
    valY?.dispose();
  }
  const now = performance.now();
  const stopped = o.shouldStop();
  for (const t of trackers) {
    if (t.active) {
      t.end(stopped ? 'stopped' : 'completed', now, stopped ? `stopped after ${t.stepsDone} of ${o.steps} steps` : undefined);
      o.send({ type: 'run-ended', summary: t.summary(startedAt, now) });
    }
  }
  const wallSeconds = (now - startedAt) / 1000;
  return { summaries: trackers.map((t) => t.summary(startedAt, now)), wallSeconds, stepsPerSecond: wallSeconds > 0 ? stepsRun / wallSeconds : 0 };
}

/** A validation row (total, original, each term's raw value, each violation) as a point's fields; non-finite values left out (JSON has no NaN). */
function validationFields(row: ArrayLike<number>, ids: string[], violationTerms: Term[]): Partial<StepMetrics> {
  const finite = (entries: [string, number][]) => Object.fromEntries(entries.filter(([, v]) => Number.isFinite(v)));
  const fields: Partial<StepMetrics> = {
    valTerms: finite(ids.map((id, j) => [id, row[2 + j]!])),
    valViolations: finite(violationTerms.map((t, j) => [t.id, row[2 + ids.length + j]!])),
  };
  if (Number.isFinite(row[0]!)) fields.valLoss = row[0]!;
  if (Number.isFinite(row[1]!)) fields.valOriginal = row[1]!;
  return fields;
}

/** The first non-finite value of a point, named by its term when a term is the cause. */
function nonFinite(p: StepMetrics, terms: Term[]): { term: Term | undefined; what: string } | undefined {
  for (const t of terms) {
    const v = p.terms[t.id];
    if (v && !Number.isFinite(v.raw)) return { term: t, what: `${t.role === 'base' ? 'the base loss' : 'penalty'} value ${v.raw}` };
    if (v && !Number.isFinite(v.weighted)) return { term: t, what: `the weighted value ${v.weighted}` };
  }
  if (!Number.isFinite(p.original)) return { term: undefined, what: `the original loss (${p.original})` };
  if (!Number.isFinite(p.total)) return { term: undefined, what: `the total loss (${p.total})` };
  return undefined;
}
