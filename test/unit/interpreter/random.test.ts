// Random draws inside a loss (torch.rand/randn/randn_like/normal, tf.random.normal/uniform, K.random_normal, TF.js
// tf.randomNormal/randomUniform): each evaluation draws anew, two compilations of the same loss draw the same
// sequence (a trial is reproducible), and the draws have the framework's distribution and shape.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { LossModel, SourceLanguage } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { call, literal, method, num } from './ir';
import { cpu, evalTensor, tf } from './tf';

function only(source: string, language: SourceLanguage = 'python'): LossModel {
  const a = analyzeSource(source, language, language === 'python' ? 'loss.py' : 'loss.ts');
  assert.equal(a.models.length, 1);
  assert.deepEqual(findUnsupported(a.models[0]!), []);
  return a.models[0]!;
}

/** The totals of `steps` evaluations of one compilation of `model`. */
function totals(model: LossModel, steps: number): number[] {
  const f = compileLoss(tf, model, {});
  const yTrue = tf.zeros([4, 3]);
  const yPred = tf.ones([4, 3]);
  return Array.from({ length: steps }, () => f(yTrue, yPred).total.dataSync()[0]!);
}

const stats = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
};

describe('random draws in a loss', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('PyTorch: a power-iteration probe (torch.rand(n, 1)) and noise (torch.randn_like): fresh each step, the same in two trials', () => {
    const model = only(`import torch
def loss(pred, target):
    probe = torch.rand(pred.shape[1], 1)
    noisy = pred + 0.1 * torch.randn_like(pred)
    return ((noisy - target) ** 2).mean() + 0.5 * torch.matmul(pred, probe).abs().mean()
`);
    const first = totals(model, 3);
    assert.deepEqual(totals(model, 3), first, 'a second trial draws the same numbers');
    assert.notEqual(first[0], first[1], 'each evaluation draws anew');
  });

  it('Keras and TF.js spellings are supported and reproducible', () => {
    const keras = only(`import tensorflow as tf
from tensorflow.keras import backend as K
def loss(y_true, y_pred):
    eps = K.random_normal(shape=(K.shape(y_pred)[0], 3), mean=0., stddev=1.)
    u = tf.random.uniform([3], minval=-1.0, maxval=1.0)
    return tf.reduce_mean(tf.square(y_true - y_pred - 0.1 * eps)) + 0.2 * tf.reduce_mean(y_pred * u)
`);
    assert.deepEqual(totals(keras, 2), totals(keras, 2));
    const tfjs = only(`import * as tf from '@tensorflow/tfjs';
export function loss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  const prior = tf.randomNormal([3]);
  return tf.losses.meanSquaredError(yTrue, yPred).add(tf.mul(0.5, yPred.sub(prior).square().mean()));
}
`, 'typescript');
    assert.deepEqual(totals(tfjs, 2), totals(tfjs, 2));
  });

  it('distributions and shapes: randn ~ N(0, 1), rand in [0, 1), normal(mean, std, size), randint in [low, high)', () => {
    const draw = (callee: string, args: Parameters<typeof call>[1], kwargs = {}) => evalTensor('pytorch', call(callee, args, kwargs), [0], [0]);
    const n = draw('torch.randn', [num(4000)]);
    assert.deepEqual(n.shape, [4000]);
    const sn = stats(n.values);
    assert.ok(Math.abs(sn.mean) < 0.06 && Math.abs(sn.sd - 1) < 0.06, JSON.stringify(sn));
    const u = draw('torch.rand', [num(50), num(80)]);
    assert.deepEqual(u.shape, [50, 80]);
    const su = stats(u.values);
    assert.ok(su.min >= 0 && su.max < 1 && Math.abs(su.mean - 0.5) < 0.03, JSON.stringify(su));
    const g = stats(draw('torch.normal', [num(3), num(0.5)], { size: literal([4000]) }).values);
    assert.ok(Math.abs(g.mean - 3) < 0.05 && Math.abs(g.sd - 0.5) < 0.05, JSON.stringify(g));
    const k = draw('torch.randint', [num(2), num(5), literal([2000])]).values;
    assert.deepEqual([...new Set(k)].sort(), [2, 3, 4]);
    const kn = evalTensor('keras', call('tf.random.normal', [literal([3000])], { mean: num(-1), stddev: num(2) }), [0], [0]);
    const sk = stats(kn.values);
    assert.ok(Math.abs(sk.mean + 1) < 0.15 && Math.abs(sk.sd - 2) < 0.15, JSON.stringify(sk));
  });

  it('in-place draws on a tensor: torch.empty_like(x).normal_(), .uniform_(a, b), probs.bernoulli()', () => {
    const model = only(`import torch
def loss(pred, target):
    noise = torch.empty_like(pred).normal_(0.0, 0.1)
    jitter = torch.empty(3).uniform_(-1.0, 1.0)
    keep = torch.sigmoid(pred).bernoulli()
    return ((pred + noise - target) ** 2).mean() + 0.1 * (keep * pred).mean() + 0.1 * jitter.sum()
`);
    const first = totals(model, 2);
    assert.deepEqual(totals(model, 2), first);
    assert.notEqual(first[0], first[1]);
    const u = stats(evalTensor('pytorch', method(call('torch.empty', [num(3000)]), 'uniform_', [num(-1), num(3)]), [0], [0]).values);
    assert.ok(u.min >= -1 && u.max < 3 && Math.abs(u.mean - 1) < 0.1, JSON.stringify(u));
  });
});
