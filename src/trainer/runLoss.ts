// One loss function per run, with the run's λ applied as the TrialSpec says: when the loss has a `lambdaParam`,
// the run binds it; otherwise the run's λ multiplies every penalty that has no weight of its own (the
// interpreter's `unweightedPenaltyScale`).
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { LossModel } from '../analysis/ir';
import type { RunSpec } from '../protocol/trainer';
import type { Tf } from './backend';

export interface LossValues {
  total: Scalar;
  original: Scalar;
  terms: Record<string, { raw: Scalar; weighted: Scalar }>;
}

/** The interpreter's CompiledLoss, structurally. */
export type LossFn = (yTrue: Tensor, yPred: Tensor, extras?: { weights?: Tensor[]; tensors?: Readonly<Record<string, Tensor>> }) => LossValues;
export type CompileFn = (tf: Tf, model: LossModel, bindings: Record<string, number>, options?: { unweightedPenaltyScale?: number }) => LossFn;

export function runLosses(tf: Tf, loss: LossModel, runs: RunSpec[], params: Record<string, number>, compile: CompileFn): LossFn[] {
  const key = loss.lambdaParam;
  return runs.map((run) =>
    key ? compile(tf, loss, { ...params, [key]: run.lambda }) : compile(tf, loss, params, { unweightedPenaltyScale: run.lambda }),
  );
}
