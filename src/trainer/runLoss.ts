// One loss function per run, with the run's λ applied as the TrialSpec says: when the loss has a `lambdaParam`,
// the run binds it; otherwise the run's λ multiplies every penalty that has no weight of its own (the
// interpreter's `unweightedPenaltyScale`), or stands in for the one literal all penalties are weighted by
// (`literalLambda`: `mse + 4.0 * p` trains `mse + λ * p`).
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { LossModel } from '../analysis/ir';
import { knobCompile, penaltyKnobs } from '../analysis/knobs';
import type { RunSpec } from '../protocol/trainer';
import type { Tf } from './backend';
import { scheduledLambda } from './interpreter/schedule';

export interface LossValues {
  total: Scalar;
  original: Scalar;
  terms: Record<string, { raw: Scalar; weighted: Scalar }>;
}

/** The interpreter's CompiledLoss, structurally. */
/** What a run's loss gets beside targets and predictions: its weights, named tensors (hidden activations), the model's input batch. */
export interface LossExtras {
  weights?: Tensor[];
  tensors?: Readonly<Record<string, Tensor>>;
  /** The batch the model ran on, for a loss that reads the model's input beside its target (tensorArgs.ts 'model-input'). */
  input?: Tensor;
}
export type LossFn = ((yTrue: Tensor, yPred: Tensor, extras?: LossExtras) => LossValues) & {
  /** The weights of the layers the loss builds itself (the interpreter's layer store): trained with it, per run. */
  layerWeights?: () => Tensor[];
  disposeLayers?: () => void;
};
export type CompileFn = (tf: Tf, model: LossModel, bindings: Record<string, number>, options?: RunLambdaOptions) => LossFn;

/** How a run's λ enters a loss without a λ parameter (the interpreter's CompileOptions, structurally). */
export interface RunLambdaOptions {
  unweightedPenaltyScale?: number;
  literalLambda?: number;
  penaltyWeights?: Readonly<Record<string, number>>;
}

/** The CompileOptions of a run of a loss without a λ parameter. */
export const runLambdaOptions = (lambda: number): RunLambdaOptions => ({ unweightedPenaltyScale: lambda, literalLambda: lambda });

/** The bindings and options of one run: its knobs' values when it has several λs, else its one λ. */
export function runCompileArgs(loss: LossModel, run: RunSpec, params: Record<string, number>): { bindings: Record<string, number>; options: RunLambdaOptions } {
  if (run.lambdas) {
    const { bindings, penaltyWeights } = knobCompile(penaltyKnobs(loss), run.lambdas);
    return { bindings: { ...params, ...bindings }, options: { penaltyWeights } };
  }
  const key = loss.lambdaParam;
  if (!key) return { bindings: params, options: runLambdaOptions(run.lambda) };
  // a λ parameter inside a schedule (`cfg.weight / (epoch + 1)`): the run's λ stands in the whole schedule's place
  // (schedule.ts), as it does for a schedule of literals
  return { bindings: { ...params, [key]: run.lambda }, options: scheduledLambda(loss) ? runLambdaOptions(run.lambda) : {} };
}

export function runLosses(tf: Tf, loss: LossModel, runs: RunSpec[], params: Record<string, number>, compile: CompileFn): LossFn[] {
  return runs.map((run) => {
    const { bindings, options } = runCompileArgs(loss, run, params);
    return compile(tf, loss, bindings, options);
  });
}
