// The violation metrics of all K runs at once, for the constraint kinds whose formula is a mean over the run's
// outputs of an element- or row-wise value (sum-to-one, bounds, output sparsity, non-negativity): the formula of
// metrics/violations.ts is applied to the runs' predictions folded into the batch axis ([K·B, …]) with a `tf`
// whose mean over all elements is taken per run ([K]). Same formula, same elements, one evaluation instead of K.
// Other kinds (weights, parity, monotone slicing) return undefined and are measured run by run.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ConstraintKind, OutputTransform } from '../analysis/ir';
import type { Tf } from './backend';
import { constrainedValues, violationFns } from './metrics/violations';

const perRunKinds: ReadonlySet<ConstraintKind> = new Set<ConstraintKind>(['sum-to-one', 'bounds', 'output-sparsity', 'non-negativity']);

/** A `tf` whose `mean` without an axis averages each run's part of a [K·B, …] tensor. */
function perRunTf(tf: Tf, K: number): Tf {
  const mean = ((x: Tensor, axis?: number | number[], keepDims?: boolean) =>
    axis === undefined ? tf.mean(tf.reshape(x, [K, -1]), 1) : tf.mean(x, axis, keepDims)) as Tf['mean'];
  return { ...tf, mean } as Tf;
}

export type BatchedViolation = (preds: Tensor, yTrue: Tensor) => Tensor;

/** [K] per run from preds [K, B, …] and the shared targets, or undefined when the kind is measured run by run. */
export function batchedViolation(
  tf: Tf,
  K: number,
  kind: ConstraintKind,
  params: Record<string, number>,
  on?: OutputTransform,
): BatchedViolation | undefined {
  if (!perRunKinds.has(kind)) return undefined;
  const ptf = perRunTf(tf, K);
  return (preds, yTrue) => {
    const folded = constrainedValues(tf, tf.reshape(preds, [-1, ...preds.shape.slice(2)]), on);
    // These kinds read the predictions only: the targets are passed as they are, not copied K times.
    return violationFns[kind]({ tf: ptf, yPred: folded, yTrue, kernels: () => [] }, params);
  };
}
