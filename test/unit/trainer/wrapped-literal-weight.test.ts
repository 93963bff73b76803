// A penalty weight written as a number wrapped in a tensor (`tf.scalar(0.01).mul(p)`, `tf.constant(0.5) * p`,
// `torch.tensor(0.1) * p`) is the code's λ, as the analysis reads it: a run's λ must replace it as it replaces a bare
// `0.1 * p`. Before, only a bare number was replaced, so "λ = 0" trained the code's weight under a label that said
// otherwise, and λ = 10 trained 0.01·p.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel, SourceLanguage } from '../../../src/analysis/ir';
import { penaltyKnobs } from '../../../src/analysis/knobs';
import { writeLambda } from '../../../src/analysis/lambdaSite';
import { literalOfWeight } from '../../../src/analysis/literalWeight';
import { compileLoss } from '../../../src/trainer/interpreter';
import { runCompileArgs } from '../../../src/trainer/runLoss';
import { codeLambda } from '../../../src/trial/spec';
import { cpu, tf } from '../interpreter/tf';

const TFJS = `import * as tf from '@tensorflow/tfjs';
export function boundedLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  const mse = tf.losses.meanSquaredError(yTrue, yPred);
  const below = tf.mean(tf.relu(tf.neg(yPred)));
  return mse.add(tf.scalar(0.01).mul(below)) as tf.Scalar;
}
`;

const TFJS_CONST = `import * as tf from '@tensorflow/tfjs';
const C = 0.01;
export function boundedLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  const mse = tf.losses.meanSquaredError(yTrue, yPred);
  const below = tf.mean(tf.relu(tf.neg(yPred)));
  return mse.add(below.mul(tf.scalar(C))) as tf.Scalar;
}
`;

const KERAS = `import tensorflow as tf

def bounded_loss(y_true, y_pred):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    below = tf.reduce_mean(tf.nn.relu(-y_pred))
    return mse + tf.constant(0.5) * below
`;

const TORCH = `import torch
import torch.nn.functional as F

def bounded_loss(pred, target):
    mse = F.mse_loss(pred, target)
    below = torch.relu(-pred).mean()
    return mse + torch.tensor(0.1) * below
`;

const KERAS_TWO = `import numpy as np
from tensorflow.keras import backend as K

def two_loss(y_true, y_pred):
    mse = K.mean(K.square(y_true - y_pred))
    below = K.mean(K.relu(-y_pred))
    above = K.mean(K.relu(y_pred - 1.0))
    return mse + K.constant(0.5) * below + np.float32(0.2) * above
`;

const lossOf = (source: string, language: SourceLanguage = 'python'): LossModel => {
  const m = analyzeSource(source, language, language === 'python' ? 'f.py' : 'f.ts').models[0];
  assert.ok(m, 'a loss is found');
  return m;
};

/** Each penalty's weighted / raw value in the run of λ = `lambda`, and total − original. */
function runOf(loss: LossModel, lambda: number): { factors: number[]; penaltyPart: number } {
  const { bindings, options } = runCompileArgs(loss, { id: 'r', label: '', lambda }, {});
  const y = tf.tensor2d([[0.5, 0.5]]);
  const p = tf.tensor2d([[-1, 2]]);
  const out = compileLoss(tf, loss, bindings, options)(y, p);
  const penalties = loss.terms.filter((t) => t.role === 'penalty').map((t) => out.terms[t.id]!);
  const factors = penalties.map((t) => Number((t.weighted.dataSync()[0]! / t.raw.dataSync()[0]!).toFixed(6)));
  return { factors, penaltyPart: out.total.dataSync()[0]! - out.original.dataSync()[0]! };
}

describe('a penalty weight written as a wrapped number literal', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  const cases: [string, string, SourceLanguage, number][] = [
    ['TF.js tf.scalar(0.01).mul(p)', TFJS, 'typescript', 0.01],
    ['TF.js p.mul(tf.scalar(C)) with const C = 0.01', TFJS_CONST, 'typescript', 0.01],
    ['Keras tf.constant(0.5) * p', KERAS, 'python', 0.5],
    ['PyTorch torch.tensor(0.1) * p', TORCH, 'python', 0.1],
    ['PyTorch torch.scalar_tensor(0.1) * p', TORCH.replace('torch.tensor(0.1)', 'torch.scalar_tensor(0.1)'), 'python', 0.1],
  ];
  for (const [name, source, language, written] of cases) {
    it(`${name}: λ = 0 trains no penalty, λ = 10 trains 10·p, the code's λ is ${written}`, () => {
      const loss = lossOf(source, language);
      assert.equal(codeLambda(loss), written);
      const zero = runOf(loss, 0);
      assert.deepEqual(zero.factors, [0]);
      assert.ok(Math.abs(zero.penaltyPart) < 1e-7, `λ = 0 adds ${zero.penaltyPart}`);
      assert.deepEqual(runOf(loss, 10).factors, [10]);
      assert.deepEqual(runOf(loss, written).factors, [written], "the code's λ trains what the code trains");
    });
  }

  it('several wrapped weights (K.constant, np.float32) are each a knob a run replaces', () => {
    const loss = lossOf(KERAS_TWO);
    assert.deepEqual(penaltyKnobs(loss).map((k) => k.code), [0.5, 0.2]);
    assert.deepEqual(runOf(loss, 0).factors, [0, 0]);
    assert.deepEqual(runOf(loss, 10).factors, [10, 10]);
  });

  it('"Use λ = x" writes the number inside the wrapper', () => {
    const written = writeLambda(lossOf(TORCH), TORCH, 0.3);
    assert.ok(written.ok, written.ok ? '' : written.reason);
    assert.match(written.text, /mse \+ torch\.tensor\(0\.3\) \* below/);
  });

  it('a wrapper that may hold several values, or an unknown call, is not a literal', () => {
    const weightOf = (source: string) => lossOf(source).terms.find((t) => t.role === 'penalty')?.weight;
    assert.equal(literalOfWeight(weightOf(KERAS.replace('tf.constant(0.5)', 'tf.constant(0.5, shape=[4])')), 'keras'), undefined);
    assert.equal(literalOfWeight(weightOf(TORCH), 'keras'), undefined, 'torch.tensor is not a Keras wrapper');
    assert.equal(literalOfWeight(weightOf(TORCH), 'pytorch')?.value, 0.1);
  });
});
