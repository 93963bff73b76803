// The seed article's first two examples as PyTorch and TF.js users write them, analysed by the real front ends
// (Python, TypeScript) and evaluated by the interpreter against closed-form values.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel, SourceLanguage } from '../../../src/analysis/ir';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run, tf } from './tf';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function only(source: string, language: SourceLanguage): LossModel {
  const a = analyzeSource(source, language, language === 'python' ? 'loss.py' : 'loss.ts');
  assert.equal(a.models.length, 1, JSON.stringify(a.syntaxErrors));
  assert.deepEqual(findUnsupported(a.models[0]), []);
  return a.models[0];
}

const logits = [[2, 0.5, -1], [0.1, 0.2, 1.5]];
const classes = [0, 2];
const logSoftmax = (row: number[]) => {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0));
  return row.map((z) => z - lse);
};
const ce = mean(logits.map((row, i) => -logSoftmax(row)[classes[i]]));
const softmaxSumPenalty = 0; // softmax rows sum to one

describe('front ends → interpreter', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('PyTorch nn.Module loss with self.lam: F.cross_entropy on logits with integer targets + bound penalty', () => {
    const model = only(`import torch
import torch.nn as nn
import torch.nn.functional as F

class BoundedCE(nn.Module):
    def __init__(self, lam=0.5, upper=1.0):
        super().__init__()
        self.lam = lam
        self.upper = upper

    def forward(self, logits, target):
        ce = F.cross_entropy(logits, target)
        over = torch.clamp(logits - self.upper, min=0.0)
        return ce + self.lam * (over ** 2).mean()
`, 'python');
    const over = mean(logits.flat().map((z) => Math.max(z - 1, 0) ** 2));
    const v = run(model, tf.tensor(classes, undefined, 'int32'), logits);
    close(v.original, ce, 1e-5, 'cross-entropy');
    close(v.total, ce + 0.5 * over, 1e-5, 'total with self.lam = 0.5');
    const v2 = run(model, tf.tensor(classes, undefined, 'int32'), logits, { 'self.lam': 2 });
    close(v2.total, ce + 2 * over, 1e-5, 'total with self.lam bound to 2');
  });

  it('TF.js: softmax cross-entropy + λ·mean|Σp − 1| written with chained methods and tf.* calls', () => {
    const model = only(`import * as tf from '@tensorflow/tfjs';

export function constrainedLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lambda = 0.3): tf.Scalar {
  return tf.tidy(() => {
    const ce = tf.losses.softmaxCrossEntropy(yTrue, yPred);
    const probs = tf.softmax(yPred);
    const sumPenalty = probs.sum(-1).sub(1).abs().mean();
    const lowPenalty = tf.mean(tf.square(tf.relu(tf.sub(0.05, probs))));
    return ce.add(tf.mul(lambda, tf.add(sumPenalty, lowPenalty)));
  });
}
`, 'typescript');
    const onehot = classes.map((k) => [0, 1, 2].map((j) => (j === k ? 1 : 0)));
    const probs = logits.map((row) => logSoftmax(row).map(Math.exp));
    const low = mean(probs.flat().map((p) => Math.max(0.05 - p, 0) ** 2));
    const v = run(model, onehot, logits);
    close(v.original, ce, 1e-5, 'softmaxCrossEntropy');
    close(v.total, ce + 0.3 * (softmaxSumPenalty + low), 1e-5, 'total');
    assert.ok(low > 0, 'the low-probability penalty is active on these logits');
  });

  it('Keras factory: the λ bound by the factory call make_loss(lam=4.0) is used, not the default', () => {
    const model = only(`import tensorflow as tf

def make_loss(lam=2.0, lower=0.0):
    def loss(y_true, y_pred):
        mse = tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
        neg = tf.reduce_mean(tf.square(tf.maximum(lower - y_pred, 0.0)))
        return mse + lam * neg
    return loss

model.compile(loss=make_loss(lam=4.0), optimizer='adam')
`, 'python');
    const yTrue = [[0, 1]];
    const yPred = [[-1, 2]];
    const mse = mean([1, 1]);
    const neg = mean([1, 0]);
    const v = run(model, yTrue, yPred);
    close(v.original, mse, 1e-6);
    close(v.total, mse + 4 * neg, 1e-6, 'λ bound by the factory call make_loss(lam=4.0)');
  });

  it('Keras 3: keras.losses + keras.ops (from keras import ops) through the front end', () => {
    const model = only(`import keras
from keras import ops

def loss(y_true, y_pred, lam=0.5):
    base = keras.losses.mean_squared_error(y_true, y_pred)
    p = ops.mean(ops.abs(ops.sum(y_pred, axis=-1) - 1.0))
    return base + lam * p
`, 'python');
    const yTrue = [[0, 1], [1, 0]];
    const yPred = [[0.5, 0.9], [0.2, 0.1]];
    const mse = mean([mean([0.25, 0.01]), mean([0.64, 0.01])]);
    const p = mean([0.4, 0.7]);
    close(run(model, yTrue, yPred).total, mse + 0.5 * p, 1e-6);
  });
});

