// Issue 10 §2 / issue 9 §4: a loss written as a model's method reads the model's own trainable parameters through
// self (`self.head_weight = nn.Parameter(...)`, `self.hidden.weight` of an nn.Linear built in __init__, a Keras
// `self.add_weight(...)`): tensors of the model, so the penalty has a gradient (no LL105) and each is a parameter
// marked modelWeight for the trainer. A loss class's own nn.Parameter is the loss's, not the model's.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready } from './helpers';

before(() => ready);

const torchModel = `import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, lam=0.01):
        super().__init__()
        self.hidden = nn.Linear(8, 16)
        self.A = nn.Parameter(torch.randn(16, 2))
        self.lam = lam
        self.criterion = nn.MSELoss()

    def forward(self, x):
        return torch.relu(self.hidden(x)) @ self.A

    def compute_loss(self, pred, target):
        fit = self.criterion(pred, target)
        shrink = self.lam * (self.A.pow(2).sum() + self.hidden.weight.abs().sum())
        return fit + shrink
`;

const kerasModel = `import tensorflow as tf


class Scorer(tf.keras.Model):
    def __init__(self, strength=0.001):
        super().__init__()
        self.strength = strength
        self.proj = self.add_weight(shape=(4, 4), initializer="random_normal", trainable=True)

    def call(self, x):
        return tf.matmul(x, self.proj)

    def pair_loss(self, y_true, y_pred):
        fit = tf.reduce_mean(tf.square(y_true - y_pred))
        return fit + self.strength * tf.reduce_sum(tf.square(self.proj))
`;

const lossClass = `import torch
import torch.nn as nn


class Weighted(nn.Module):
    def __init__(self):
        super().__init__()
        self.log_var = nn.Parameter(torch.zeros(1))

    def forward(self, pred, target):
        return torch.exp(-self.log_var) * ((pred - target) ** 2).mean() + self.log_var.sum()
`;

const kerasLayer = `import tensorflow as tf


class ShrunkDense(tf.keras.layers.Layer):
    def __init__(self, units, l2=1e-4):
        super().__init__()
        self.units = units
        self.l2 = l2

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", trainable=True)

    def call(self, inputs):
        self.add_loss(self.l2 * tf.reduce_sum(tf.square(self.w)))
        return tf.matmul(inputs, self.w)
`;

describe("a model method reading the model's own weights", () => {
  it('makes each weight a tensor parameter marked modelWeight (nn.Parameter and a layer weight)', () => {
    const m = model(analyze(torchModel), 'compute_loss');
    const weights = m.params.filter((p) => p.modelWeight).map((p) => [p.name, p.role]);
    assert.deepEqual(weights, [['self.A', 'tensor'], ['self.hidden.weight', 'tensor']]);
  });

  it('so the penalty has a gradient: no LL105, and the criterion built in __init__ is no unknown op', () => {
    const a = analyze(torchModel);
    assert.deepEqual(runRules(a, torchModel).map((f) => f.code).filter((c) => c === 'LL105' || c === 'LL113'), []);
  });

  it("reads a Keras model's add_weight the same way, not as a call to inline", () => {
    const m = model(analyze(kerasModel), 'pair_loss');
    assert.deepEqual(m.params.filter((p) => p.modelWeight).map((p) => p.name), ['self.proj']);
    assert.deepEqual(runRules(analyze(kerasModel), kerasModel).map((f) => f.code).filter((c) => c === 'LL105' || c === 'LL113'), []);
  });

  it("leaves a loss class's own parameter alone: it belongs to the loss, not the model", () => {
    const m = model(analyze(lossClass), 'Weighted');
    assert.deepEqual(m.params.filter((p) => p.modelWeight), []);
  });

  it("reads a Keras layer's weight made in build(self, input_shape) as a weight, not a value it lacks", () => {
    const m = analyze(kerasLayer).models[0]!;
    assert.deepEqual(m.params.filter((p) => p.modelWeight).map((p) => p.name), ['self.w']);
  });
});
