// How hard each penalty pulls on the weights next to the base loss: ‖∇θ(sign·λ·P)‖ / ‖∇θ L_original‖ per run and
// penalty term, on one batch. Measured at the first and the last step only (a few extra backward passes per
// trial), with the run's own loss, so a ratio > 10 says the penalty dominates the step and < 0.01 that λ is too
// small to matter. The weights' gradient, not the logits', because a penalty on the weights (L1 of kernels)
// pulls on them directly.
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import type { BatchedMlp } from './model/mlp';
import type { LossFn, LossValues } from './runLoss';

export interface GradRatioInput {
  tf: Tf;
  model: BatchedMlp;
  losses: LossFn[];
  readsWeights: boolean;
  /** Extra tensor arguments that are the last hidden layer's activations (loop.ts `hiddenArgs`). */
  hiddenArgs?: string[];
  /** Penalty term ids, in the order of the result's columns. */
  penalties: string[];
}

/** [active runs][penalties] ratios for this batch (NaN where the base gradient is 0). Reads back with one dataSync. */
export function gradRatios(o: GradRatioInput, xb: Tensor2D, yb: Tensor, active: number[]): number[][] {
  const { tf, model } = o;
  if (o.penalties.length === 0 || active.length === 0) return active.map(() => []);
  const norms = tf.tidy(() => {
    const forward = model.logits(xb);
    const runLogits = forward.runs();
    const rows = active.map((k) => {
      const pieces: ((v: LossValues) => Scalar)[] = [(v) => v.original, ...o.penalties.map((id) => (v: LossValues) => v.terms[id]?.weighted ?? tf.scalar(0))];
      return tf.stack(pieces.map((piece) => runGradNorm(o, forward.cache, runLogits, k, { xb, yb }, piece)));
    });
    return tf.stack(rows);
  });
  const values = norms.dataSync();
  norms.dispose();
  const width = o.penalties.length + 1;
  return active.map((_, i) => o.penalties.map((_, j) => values[i * width + 1 + j]! / values[i * width]!));
}

/** ‖∇θ piece(run k's loss)‖ over run k's weights: the piece's logits gradient through the model's backward pass. */
function runGradNorm(
  o: GradRatioInput,
  cache: ReturnType<BatchedMlp['logits']>['cache'],
  runLogits: Tensor2D[],
  k: number,
  { xb, yb }: { xb: Tensor2D; yb: Tensor },
  piece: (v: LossValues) => Scalar,
): Scalar {
  const { tf, model } = o;
  const params = o.readsWeights ? model.runParameters(k) : [];
  const hiddenNames = o.hiddenArgs ?? [];
  const hiddenParts = hiddenNames.length > 0 ? cache.hidden.at(-1)! : [];
  // tf.grads refuses an input the value does not depend on (the base loss does not read the weights, a weight
  // penalty not the logits): every input is joined by a zero term, so its gradient is a zero, not an error.
  const grads = tf.grads((z: Tensor, ...rest: Tensor[]) => {
    const weights = rest.slice(0, params.length);
    const h = hiddenParts.length > 0 ? tf.reshape(rest[params.length]!, [z.shape[0]!, -1]) : undefined;
    const tensors = h ? Object.fromEntries(hiddenNames.map((n) => [n, h])) : undefined;
    const value = piece(o.losses[k]!(yb, model.activate(z), { ...(o.readsWeights ? { weights } : {}), ...(tensors ? { tensors } : {}), input: xb }));
    return tf.add(value, tf.mul(0, tf.addN([z, ...rest].map((x) => tf.sum(x))))) as Scalar;
  })([runLogits[k]!, ...params, ...(hiddenParts.length > 0 ? [hiddenParts[k]!] : [])]);
  const dLogits = runLogits.map((z, j) => (j === k ? (grads[0] as Tensor2D) : (tf.zerosLike(z) as Tensor2D)));
  const dHidden = hiddenParts.length > 0 ? tf.concat(hiddenParts.map((h, j) => (j === k ? grads[1 + params.length]! : tf.zerosLike(h)))) : undefined;
  let varGrads = model.backward(cache, dLogits, dHidden);
  if (o.readsWeights) {
    const direct = model.foldRunGrads([k], grads.slice(1, 1 + params.length));
    varGrads = varGrads.map((g, i) => tf.add(g, direct[i]!));
  }
  // Run k's slice of each variable's gradient (the other runs' are zero).
  const squares = varGrads.map((g) => tf.sum(tf.square(g)));
  return tf.sqrt(tf.addN(squares)) as Scalar;
}
