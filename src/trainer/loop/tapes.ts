// One step's gradient tape: the loss of every active run on its predictions, the gradient of the logits (and of
// the weights or hidden activations when the loss reads them), and the loss values kept for the metrics.
// The model runs off the tape (model/mlp.ts): the tape holds only the output activation and the loss.
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import type { BatchedLoss } from '../interpreter';
import type { BatchedMlp, Logits } from '../model/mlp';
import type { LossFn } from '../runLoss';
import type { MetricColumns } from './columns';

export interface TapeContext {
  tf: Tf;
  model: BatchedMlp;
  /** One loss per run (the run's λ applied). */
  losses: LossFn[];
  readsWeights: boolean;
  /** Names of the extra tensor arguments that are the last hidden layer's activations. */
  hiddenArgs: string[];
  /** Per run, the weights of the layers its loss builds itself (LossFn.layerWeights). */
  layerWeights?: (() => Tensor[])[];
  columns: MetricColumns;
  /** Keep the predictions: the loss has recognised constraints whose violations are measured. */
  keepPredictions: boolean;
}

/** What one step's tape gives: the logits' gradient, extra gradients of the variables, kept loss values and predictions. */
export interface TapeResult {
  dLogits: Tensor | Tensor2D[];
  weightGrads?: Tensor[];
  /** The loss's gradient with respect to the last hidden layer's output, [K, B, n], when it reads it. */
  dHidden?: Tensor;
  /** Per active run that has them, the gradients of its loss-built layer weights. */
  layerGrads?: [number, Tensor[]][];
  /** The step's loss values [runs, width], not yet stacked: kept, the caller disposes them. */
  values: Tensor[];
  /**
   * The values as [runs, width]; with `extra` (per active run, scalars such as its violations) each row goes on
   * with them, in one stack rather than a stack and a concat (each a kernel call). Batched tapes take none.
   */
  stack: (extra?: Tensor[][]) => Tensor;
  /** Kept predictions for the violation metrics (all runs' [K, B, …], or one per active run). */
  preds: Tensor[];
}

/** All runs' losses in one evaluation: the gradient of the stacked logits. */
export function batchedTape(c: TapeContext, together: BatchedLoss, forward: Logits, yb: Tensor): TapeResult {
  const { tf, model } = c;
  let values: Tensor[] = [];
  let preds: Tensor[] = [];
  const [dLogits] = tf.grads((z: Tensor) => {
    const p = model.activate(z);
    const out = together(yb, p);
    values = c.columns.lossColumns(out).map((t) => tf.keep(t));
    preds = c.keepPredictions ? [tf.keep(p)] : [];
    return tf.sum(out.total) as Scalar;
  })([forward.logits]) as [Tensor];
  return { dLogits, values, stack: () => tf.stack(values, 1), preds };
}

/** The flat gradients of the runs' layer weights, cut back per run. */
function layerGradsOf(active: number[], layers: Tensor[][], grads: Tensor[]): [number, Tensor[]][] {
  let at = 0;
  return active.flatMap((k, i) => {
    const n = layers[i]!.length;
    at += n;
    return n > 0 ? [[k, grads.slice(at - n, at)] as [number, Tensor[]]] : [];
  });
}

/** Gradients of the active runs' parts ([1, B, n] each) as one [K, B, n] tensor, zeros for the other runs. */
function runsJoined(tf: Tf, active: number[], grads: Tensor[], parts: Tensor[]): Tensor {
  return tf.concat(parts.map((h, k) => (active.includes(k) ? grads[active.indexOf(k)]! : tf.zerosLike(h))));
}

/**
 * One loss per active run, summed (runs share no weights, so each gets its own gradient); inactive runs get a
 * zero gradient. A loss that reads the model's parameters gets each run's, as further inputs of the tape; one
 * that reads hidden activations gets its run's last hidden layer output, also an input of the tape.
 */
export function perRunTape(c: TapeContext, forward: Logits, yb: Tensor, active: number[], xb?: Tensor): TapeResult {
  const { tf, model, hiddenArgs } = c;
  const rows: Tensor[][] = [];
  const preds: Tensor[] = [];
  const runLogits = forward.runs();
  const params = c.readsWeights ? active.map((k) => model.runParameters(k)) : [];
  const A = active.length;
  const perRun = params[0]?.length ?? 0;
  const hiddenIn = hiddenArgs.length > 0 ? active.map((k) => forward.cache.hidden.at(-1)![k]!) : [];
  const hiddenAt = A + params.flat().length;
  // the loss's own layers (made on its first evaluation, before the loop): inputs of the tape like the model's weights
  const layers = active.map((k) => c.layerWeights?.[k]?.() ?? []);
  const layersAt = hiddenAt + hiddenIn.length;
  const grads = tf.grads((...xs: Tensor[]) => {
    const totals = xs.slice(0, A).map((z, i) => {
      const p = model.activate(z);
      const weights = c.readsWeights ? xs.slice(A + i * perRun, A + (i + 1) * perRun) : undefined;
      const h = hiddenIn.length > 0 ? tf.reshape(xs[hiddenAt + i]!, [z.shape[0]!, -1]) : undefined;
      const tensors = h ? Object.fromEntries(hiddenArgs.map((n) => [n, h])) : undefined;
      const out = c.losses[active[i]!]!(yb, p, { ...(weights ? { weights } : {}), ...(tensors ? { tensors } : {}), ...(xb ? { input: xb } : {}) });
      rows.push(c.columns.lossParts(out).map((t) => tf.keep(t)));
      if (c.keepPredictions) preds.push(tf.keep(p));
      return out.total;
    });
    const total = totals.length === 1 ? totals[0]! : tf.addN(totals);
    // tf.grads refuses an input the loss does not depend on (a penalty on one kernel leaves the other layers'
    // weights and the biases out; a loss of hidden activations alone leaves the logits out): every input joins by a
    // zero term, so its gradient is a zero, not an error (a loss with no extra input always reads the prediction)
    const extra = xs.slice(A);
    return (extra.length > 0 ? tf.add(total, tf.mul(0, tf.addN(xs.map((x) => tf.sum(x))))) : total) as Scalar;
  })([...active.map((k) => runLogits[k]!), ...params.flat(), ...hiddenIn, ...layers.flat()]);
  const dLogits = runLogits.map((z, k) => {
    const i = active.indexOf(k);
    return (i >= 0 ? grads[i]! : tf.zerosLike(z)) as Tensor2D;
  });
  return {
    dLogits,
    ...(c.readsWeights ? { weightGrads: model.foldRunGrads(active, grads.slice(A, hiddenAt)) } : {}),
    ...(hiddenIn.length > 0 ? { dHidden: runsJoined(tf, active, grads.slice(hiddenAt, layersAt), forward.cache.hidden.at(-1)!) } : {}),
    ...(layers.some((l) => l.length > 0) ? { layerGrads: layerGradsOf(active, layers, grads.slice(layersAt)) } : {}),
    values: rows.flat(),
    stack: (extra) => tf.stack(rows.map((r, i) => tf.stack(extra ? [...r, ...extra[i]!] : r))),
    preds,
  };
}
