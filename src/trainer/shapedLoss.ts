// The loss sees predictions (and targets) in the per-sample shape it reads (data/shape.ts: images, sequences):
// the MLP's flat output [B, n] is reshaped to [B, …shape] on the tape, so the gradient flows back unchanged.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import type { BatchedLoss } from './interpreter';
import type { LossFn } from './runLoss';

/**
 * [lead…, n] → [lead…, …shape] when the last axis holds exactly one sample's values (targets of another shape, a
 * class index per frame, are left as they are).
 */
export function toSampleShape(tf: Tf, t: Tensor, shape: readonly number[]): Tensor {
  return shape.length < 2 ? t : reshapeLast(tf, t, shape, shape.reduce((a, b) => a * b, 1));
}

function reshapeLast(tf: Tf, t: Tensor, shape: readonly number[], size: number): Tensor {
  if (t.shape[t.rank - 1] !== size) return t;
  return tf.reshape(t, [...t.shape.slice(0, -1), ...shape]);
}

export function shapedLosses(tf: Tf, losses: LossFn[], shape: readonly number[]): LossFn[] {
  if (shape.length < 2) return losses;
  const size = shape.reduce((a, b) => a * b, 1);
  return losses.map((loss): LossFn => (yTrue, yPred, extras) => loss(reshapeLast(tf, yTrue, shape, size), reshapeLast(tf, yPred, shape, size), extras));
}

export function shapedBatchedLoss(tf: Tf, loss: BatchedLoss, shape: readonly number[]): BatchedLoss {
  if (shape.length < 2) return loss;
  const size = shape.reduce((a, b) => a * b, 1);
  return (yTrue, yPred) => loss(reshapeLast(tf, yTrue, shape, size), reshapeLast(tf, yPred, shape, size));
}
