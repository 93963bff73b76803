// Whole TF.js loss functions, end to end: each source goes through the TypeScript front end and the interpreter;
// the same function, written here as real TF.js code, gives the reference total on the same tensors.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run, tf } from './tf';

type Ref = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

const cases: { name: string; source: string; reference: Ref }[] = [
  {
    name: 'MSE + λ·bounds with tf.* calls',
    source: `export function boundedLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lower = 0, upper = 1, lam = 4): tf.Scalar {
  return tf.tidy(() => {
    const base = tf.losses.meanSquaredError(yTrue, yPred);
    const lowerPenalty = tf.mean(tf.square(tf.maximum(tf.sub(lower, yPred), 0)));
    const upperPenalty = tf.mean(tf.square(tf.maximum(tf.sub(yPred, upper), 0)));
    return tf.add(base, tf.mul(lam, tf.add(lowerPenalty, upperPenalty)));
  });
}`,
    reference: (t, p) =>
      tf.add(tf.losses.meanSquaredError(t, p), tf.mul(4, tf.add(tf.mean(tf.square(tf.maximum(tf.sub(0, p), 0))), tf.mean(tf.square(tf.maximum(tf.sub(p, 1), 0)))))),
  },
  {
    name: 'softmax cross-entropy + λ·sum-to-one on sigmoid outputs, chained',
    source: `const sumLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => {
  const ce = tf.losses.softmaxCrossEntropy(yTrue, yPred);
  const p = tf.sigmoid(yPred);
  const penalty = p.sum(-1).sub(1).abs().mean();
  return ce.add(penalty.mul(0.7));
};`,
    reference: (t, p) => tf.add(tf.losses.softmaxCrossEntropy(t, p), tf.mul(tf.mean(tf.abs(tf.sub(tf.sum(tf.sigmoid(p), -1), 1))), 0.7)),
  },
  {
    name: 'huber + monotone penalty with tf.slice and yPred.shape',
    source: `function monotoneLoss(yTrue, yPred, margin = 0.1, lam = 2) {
  const base = tf.losses.huberLoss(yTrue, yPred);
  const width = yPred.shape[1];
  const earlier = tf.slice(yPred, [0, 0], [-1, width - 1]);
  const later = tf.slice(yPred, [0, 1], [-1, width - 1]);
  const drops = tf.relu(tf.add(tf.sub(earlier, later), margin));
  return tf.add(base, tf.mul(lam, tf.mean(tf.square(drops))));
}`,
    reference: (t, p) => {
      const w = p.shape[1] as number;
      const drops = tf.relu(tf.add(tf.sub(tf.slice(p, [0, 0], [-1, w - 1]), tf.slice(p, [0, 1], [-1, w - 1])), 0.1));
      return tf.add(tf.losses.huberLoss(t, p), tf.mul(2, tf.mean(tf.square(drops))));
    },
  },
  {
    name: 'sigmoid cross-entropy − 0.05·mean |p| (a subtracted term)',
    source: `export const l = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.sub(tf.losses.sigmoidCrossEntropy(yTrue, yPred), tf.mul(0.05, tf.mean(tf.abs(yPred))));`,
    reference: (t, p) => tf.sub(tf.losses.sigmoidCrossEntropy(t, p), tf.mul(0.05, tf.mean(tf.abs(p)))),
  },
];

describe('whole TF.js losses match the same code run on tfjs', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  const yTrue = [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]];
  const yPred = [[0.3, 1.4, -0.2, 0.5], [2.1, -0.7, 0.4, 0.9], [-1.2, 0.3, 0.8, 0.6]];

  for (const c of cases) {
    it(c.name, () => {
      const analysis = analyzeSource(`import * as tf from '@tensorflow/tfjs';\n\n${c.source}\n`, 'typescript', 'loss.ts');
      assert.equal(analysis.models.length, 1, JSON.stringify(analysis.syntaxErrors));
      const model = analysis.models[0];
      assert.equal(model.framework, 'tfjs');
      assert.deepEqual(findUnsupported(model), []);
      const expected = tf.tidy(() => c.reference(tf.tensor(yTrue), tf.tensor(yPred)).dataSync()[0]);
      close(run(model, yTrue, yPred).total, expected, 1e-5, c.name);
      assert.ok(model.terms.length >= 2, 'the terms are split');
    });
  }
});
