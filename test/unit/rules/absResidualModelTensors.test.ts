// LL107 on a residual of a tensor of the model other than the prediction: a capacity-annealed β-VAE writes
// `gamma * |KL(mu, logvar) - C|`, the KL of the encoder's latent heads pulled to a target capacity. The kink sits
// where the constraint holds, as for a residual of the prediction; a residual of data alone moves nothing.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const CAPACITY = `import tensorflow as tf

def capacity_loss(y_true, y_pred, mu, logvar, gamma=100.0, capacity=25.0):
    recon = tf.reduce_mean(tf.square(y_true - y_pred))
    kl = -0.5 * tf.reduce_mean(1 + logvar - mu ** 2 - tf.exp(logvar))
    return recon + gamma * tf.abs(kl - capacity)
`;

const ll107 = (src: string) => check(src, 'python', 'vae.py').findings.filter((f) => f.code === 'LL107');

describe('LL107 on a residual of the model\'s other tensors', () => {
  before(async () => {
    await initParsers();
  });

  it('flags |KL(mu, logvar) - C|, a latent residual toward its capacity', () => {
    const found = ll107(CAPACITY);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /tf\.abs\(kl - capacity\)/);
  });

  it('stays silent on the same residual of a frozen copy (no gradient reaches the kink)', () => {
    assert.deepEqual(ll107(CAPACITY.replace('tf.abs(kl - capacity)', 'tf.abs(tf.stop_gradient(kl) - capacity)')), []);
  });

  it('stays silent on a residual of the target alone', () => {
    assert.deepEqual(ll107(CAPACITY.replace('tf.abs(kl - capacity)', 'tf.reduce_mean(tf.abs(y_true - capacity)) * tf.reduce_mean(tf.square(y_pred))')), []);
  });
});

describe('LL107 on weights: a Gram residual counts, a tie between two weights or a distance to the grid does not', () => {
  before(async () => {
    await initParsers();
  });

  const ties = (penalty: string) => `import tensorflow as tf

def tied(layer_a, layer_b, lam=0.1):
    def loss(y_true, y_pred):
        w = tf.reshape(layer_a.trainable_weights[0], [-1])
        v = tf.reshape(layer_b.trainable_weights[0], [-1])
        k = layer_a.kernel
        return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * ${penalty}
    return loss
`;

  it('is silent on |w_a - w_b| (a fused-lasso tie) and |w - round(w)| (quantisation), each chosen for its kink', () => {
    assert.deepEqual(ll107(ties('tf.reduce_sum(tf.abs(tf.subtract(w, v)))')), []);
    assert.deepEqual(ll107(ties('tf.reduce_sum(tf.abs(k - tf.round(k)))')), []);
  });

  it('still flags a Gram of the weights against the identity, and a tie against a fixed target value', () => {
    assert.equal(ll107(ties('tf.reduce_sum(tf.abs(tf.matmul(k, k, transpose_a=True) - tf.eye(4)))')).length, 1);
    assert.equal(ll107(ties('tf.reduce_sum(tf.abs(k - 0.5))')).length, 1);
  });
});

describe('LL107 on a difference with a shifted copy of the same tensor (a turnover, a TV along time)', () => {
  before(async () => {
    await initParsers();
  });
  const turnover = (shifted: string) => `import torch

def turnover_loss(pred, target, lam=0.1):
    shifted = ${shifted}
    change = (pred - shifted).abs().sum(dim=1).mean()
    return ((pred - target) ** 2).mean() + lam * change
`;

  it('is silent on pred - cat((pred[1:], zeros)) and pred - roll(pred, 1, 0): a finite difference along the batch', () => {
    assert.deepEqual(ll107(turnover('torch.cat((pred[1:], pred.new_zeros((1, pred.size(1)))), dim=0)')), []);
    assert.deepEqual(ll107(turnover('torch.cat([pred[:1], pred[:-1]], 0)')), []);
    assert.deepEqual(ll107(turnover('torch.roll(pred, 1, 0)')), []);
  });

  it('still flags the prediction against a shifted copy of the target (a residual toward data)', () => {
    assert.equal(ll107(turnover('torch.cat((target[1:], target.new_zeros((1, target.size(1)))), dim=0)')).length, 1);
  });
});
