// A TF.js penalty on the model's weights written as a fold in the training code: `let reg = tf.scalar(0); for (const
// w of model.trainableWeights) { const v = w.read(); if (v.shape.length === 2) reg = reg.add(…) }` (or `if (…)
// continue;` to skip the biases). It reads as a sum over the model's weights (`overWeights`), as Python's
// `for p in net.parameters(): total += …`, and evaluates to the sum over the kernels the run passes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, numbers, tf } from './tf';

const source = (loop: string) => `import * as tf from '@tensorflow/tfjs';
const DECAY = 0.01;
export function fitStep(model: tf.LayersModel, opt: tf.Optimizer, xs: tf.Tensor, ys: tf.Tensor) {
  return opt.minimize(() => {
    const pred = model.predict(xs) as tf.Tensor;
    const fit = tf.losses.meanSquaredError(ys, pred);
    let reg = tf.scalar(0);
    ${loop}
    return tf.add(fit, tf.mul(DECAY, reg)) as tf.Scalar;
  }, true);
}
`;

const SHAPE_TEST = `for (const w of model.trainableWeights) {
      const v = w.read();
      if (v.shape.length === 2) reg = tf.add(reg, tf.sum(tf.square(v)));
    }`;
const CONTINUE = `for (const w of model.getWeights()) {
      if (w.rank < 2) continue;
      reg = reg.add(w.abs().sum());
    }`;

function loss(loop: string): LossModel {
  const m = analyzeSource(source(loop), 'typescript', 'train.ts').models.find((x) => x.name === 'minimize')!;
  assert.deepEqual(findUnsupported(m), []);
  return m;
}

describe('TF.js folds over the model weights', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('read as a penalty over the weights, weighted by its constant', () => {
    for (const loop of [SHAPE_TEST, CONTINUE]) {
      const m = loss(loop);
      const penalty = m.terms.find((t) => t.role === 'penalty');
      assert.equal(penalty?.label, 'reg');
      assert.equal(penalty?.weight?.text, 'DECAY');
      assert.equal(penalty?.expr.kind, 'overWeights');
    }
  });

  it('sums the kernels only, over the weights the run passes', () => {
    const kernel1 = [[1, -2], [0.5, 0]];
    const bias1 = [3, 4];
    const kernel2 = [[2], [-1]];
    const weights = [tf.tensor(kernel1), tf.tensor(bias1), tf.tensor(kernel2), tf.tensor([5])];
    const yTrue = tf.tensor([[1], [0]]);
    const yPred = tf.tensor([[0.5], [0.5]]);
    const squares = 1 + 4 + 0.25 + 4 + 1;
    const abs = 1 + 2 + 0.5 + 2 + 1;
    for (const [loop, expected] of [[SHAPE_TEST, squares], [CONTINUE, abs]] as const) {
      const values = numbers(compileLoss(tf, loss(loop), {})(yTrue, yPred, { weights }));
      const penalty = Object.values(values.terms).find((_, i) => i === 1)!;
      close(penalty.raw, expected, 1e-5, 'Σ over the kernels');
      close(values.total, 0.25 + 0.01 * expected, 1e-5, 'fit + DECAY · Σ');
    }
  });
});
