// Sums written as framework calls (issue 9 §3): `tf.math.add(w_loss1, w_loss2)`, `torch.add(ce, lam * p)`,
// `tf.add_n([ce, lam * p])` are split as `+` is, and a Keras `Loss` subclass held and called (reduced by
// `compute_weighted_loss`) is the file's loss, not a framework loss that would outrank the MSE beside it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

const summary = (src: string, name: string): string[] =>
  model(analyze(src), name).terms.map((t) => `${t.role}:${t.label}${t.weight ? `*${t.weight.text.replace(/\s/g, '')}` : ''}`);

describe('sums written as calls', () => {
  before(() => ready);

  it('tf.math.add / tf.subtract / torch.add of two pieces split as + and -', () => {
    const tf = `import tensorflow as tf

def fit_loss(y_true, y_pred, lam=0.3):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    over = tf.reduce_mean(tf.nn.relu(y_pred - 1.0))
    return tf.math.add(mse, tf.math.multiply(lam, over))
`;
    assert.deepEqual(summary(tf, 'fit_loss'), ['base:mse', 'penalty:over*lam']);
    assert.deepEqual(summary(tf.replace('tf.math.add(', 'tf.subtract('), 'fit_loss'), ['base:mse', 'penalty:over*lam']);
    const torch = `import torch
import torch.nn.functional as F

def fit_loss(pred, target, lam=0.3):
    return torch.add(F.mse_loss(pred, target), lam * torch.relu(pred - 1.0).mean())
`;
    assert.deepEqual(summary(torch, 'fit_loss'), ['base:mse_loss', 'penalty:relu(pred - 1.0)*lam']);
  });

  it('tf.add_n of a written list is the sum of its items; with keywords a call stays whole', () => {
    const src = `import tensorflow as tf

def fit_loss(y_true, y_pred, lam=0.3):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    over = tf.reduce_mean(tf.nn.relu(y_pred - 1.0))
    return tf.add_n([mse, lam * over])
`;
    assert.deepEqual(summary(src, 'fit_loss'), ['base:mse', 'penalty:over*lam']);
    const alpha = `import torch
import torch.nn.functional as F

def fit_loss(pred, target, lam=0.3):
    return torch.add(F.mse_loss(pred, target), torch.relu(pred - 1.0).mean(), alpha=lam)
`;
    assert.equal(model(analyze(alpha), 'fit_loss').terms.length, 1);
  });

  it('a held Loss subclass beside a framework MSE, each weighted: the MSE is the base, the subclass the penalty', () => {
    const src = `import tensorflow as tf
from tensorflow import keras


class Band(keras.losses.Loss):
    def call(self, y_true, y_pred):
        return tf.nn.relu(tf.square(y_pred[:, 0] - y_true[:, 1]) - 0.1)


class Blended(keras.losses.Loss):
    def __init__(self, weight=0.9):
        super().__init__()
        self.band = Band()
        self.fit = keras.losses.MeanSquaredError()
        self.w1 = weight
        self.w2 = 1.0 - weight

    def call(self, y_true, y_pred):
        band = self.band(y_true, y_pred)
        fit = self.fit(y_true[:, 0], y_pred)
        return tf.math.add(tf.math.multiply(self.w1, band), tf.math.multiply(self.w2, fit))
`;
    assert.deepEqual(
      model(analyze(src), 'Blended').terms.map((t) => `${t.role}:${t.label}`),
      ['penalty:band', 'base:fit'],
    );
  });
});
