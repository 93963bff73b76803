// tfjs on the CPU backend for the interpreter tests, with gradients registered (tfjs-core alone does not
// register them; the trainer imports the same module).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Expr, Framework, LossModel } from '../../../src/analysis/ir';
import { compileLoss, evaluateExpr, type LossValues } from '../../../src/trainer/interpreter';
import { lossModel } from './ir';

export { tf };

export async function cpu(): Promise<void> {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
}

export type Nested = number | Nested[];

/** Evaluates one expression of `framework` on (yTrue, yPred) as a single-term loss and returns its raw value. */
export function evalExpr(framework: Framework, expr: Expr, yTrue: Nested | tf.Tensor, yPred: Nested | tf.Tensor, bindings: Record<string, number> = {}): number {
  const model = lossModel(framework, [{ expr }]);
  return run(model, yTrue, yPred, bindings).terms.t0.raw;
}

export interface Numbers {
  total: number;
  original: number;
  terms: Record<string, { raw: number; weighted: number }>;
}

export function numbers(v: LossValues): Numbers {
  const terms: Numbers['terms'] = {};
  for (const [id, t] of Object.entries(v.terms)) terms[id] = { raw: t.raw.dataSync()[0], weighted: t.weighted.dataSync()[0] };
  const out = { total: v.total.dataSync()[0], original: v.original.dataSync()[0], terms };
  tf.dispose(v as unknown as tf.TensorContainer);
  return out;
}

const asTensor = (v: Nested | tf.Tensor) => (v instanceof tf.Tensor ? v : tf.tensor(v as number[]));

export function run(model: LossModel, yTrue: Nested | tf.Tensor, yPred: Nested | tf.Tensor, bindings: Record<string, number> = {}): Numbers {
  const f = compileLoss(tf, model, bindings);
  return numbers(f(asTensor(yTrue), asTensor(yPred)));
}

/** An expression's unreduced value (shape and values), for element-wise checks. */
export function evalTensor(framework: Framework, expr: Expr, yTrue: Nested, yPred: Nested, bindings: Record<string, number> = {}): { shape: number[]; values: number[] } {
  const v = evaluateExpr(tf, lossModel(framework, [{ expr }]), expr, asTensor(yTrue), asTensor(yPred), bindings);
  if (!(v instanceof tf.Tensor)) throw new Error(`not a tensor: ${JSON.stringify(v)}`);
  return { shape: v.shape, values: Array.from(v.dataSync()) };
}

export function close(actual: number, expected: number, tol = 1e-5, what = ''): void {
  const ok = Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
  if (!ok) throw new Error(`${what} expected ${expected}, got ${actual} (tolerance ${tol})`);
}

/** The fixed pair of trial weights the weight-penalty tests read: a 2×2 kernel, then its bias. */
export const KERNEL = [[0.5, -1.0], [2.0, 0.25]];
export const BIAS = [0.3, -0.2];

/** A loss on (yTrue, yPred) given the pair [KERNEL, BIAS] as the run's weights: its value and both gradients. */
export function onWeightPair(m: LossModel, yTrue: Nested, yPred: Nested): { value: number; kernelGrad: number[]; biasGrad: number[] } {
  const kernel = tf.variable(tf.tensor(KERNEL));
  const bias = tf.variable(tf.tensor(BIAS));
  const f = compileLoss(tf, m, {});
  const t = tf.tensor(yTrue as number[]);
  const p = tf.tensor(yPred as number[]);
  const { value, grads } = tf.variableGrads(() => f(t, p, { weights: [kernel, bias] }).total, [kernel, bias]);
  const out = { value: value.dataSync()[0]!, kernelGrad: Array.from(grads[kernel.name]!.dataSync()), biasGrad: Array.from(grads[bias.name]!.dataSync()) };
  tf.dispose([kernel, bias, t, p, value, ...Object.values(grads)]);
  return out;
}
