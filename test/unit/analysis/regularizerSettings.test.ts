// A custom Regularizer's settings as keras-contrib style code writes them: `self.l1 = bool(l1)` and
// `self.smoothness = float(smoothness)` hold their `__init__` argument (converted as Python converts it), a branch
// `if self.l1 is True:` on one is a static branch read as the one taken (identity with a literal is equality with it,
// compared strictly), and `add_weight(..., regularizer=self.smooth_reg)` in a custom layer regularizes that weight: a
// kernel, not the model's prediction.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

before(() => ready);

const source = (l1: string) => `from keras import backend as K
from keras.layers import Layer
from keras.regularizers import Regularizer


class Smooth(Regularizer):
    def __init__(self, smoothness=0.01, l1=${l1}):
        self.smoothness = float(smoothness)
        self.l1 = bool(l1)

    def __call__(self, x):
        diff = x[:, 1:] - x[:, :-1]
        if self.l1 is True:
            return K.mean(K.abs(diff)) * self.smoothness
        else:
            return K.mean(K.square(diff)) * self.smoothness


class Positional(Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.smooth_reg = Smooth(0.01)

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(self.units, input_shape[1]), regularizer=self.smooth_reg)
`;

describe('a regularizer\'s converted settings and identity tests', () => {
  it('bool() and float() keep the argument: λ is self.smoothness = 0.01, and self.l1 holds True', () => {
    const m = model(analyze(source('True')), 'Smooth');
    const byName = new Map(m.params.map((p) => [p.name, p]));
    assert.equal(byName.get('self.smoothness')?.default, 0.01);
    assert.equal(byName.get('self.l1')?.default, true);
    assert.equal(m.terms[0]?.weightParam, 'self.smoothness');
  });

  it('`if self.l1 is True:` takes the branch the setting decides', () => {
    assert.match(model(analyze(source('True')), 'Smooth').terms[0]!.expr.text, /K\.abs/);
    assert.match(model(analyze(source('False')), 'Smooth').terms[0]!.expr.text, /K\.square/);
  });

  it('bool(1) is True, so a setting of 1 takes the `is True` branch too', () => {
    assert.match(model(analyze(source('1')), 'Smooth').terms[0]!.expr.text, /K\.abs/);
  });

  it('add_weight(regularizer=self.smooth_reg) regularizes a kernel', () => {
    assert.equal(model(analyze(source('True')), 'Smooth').regularizes?.on, 'kernel');
  });

  it('identity between two values the loss computes is still not modelled', () => {
    const m = model(analyze('import tensorflow as tf\n\ndef f(y_true, y_pred):\n    a = y_pred\n    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.1 * tf.reduce_mean(tf.cast(a is y_pred, tf.float32))\n'), 'f');
    const text = JSON.stringify(m.terms.map((t) => t.expr));
    assert.match(text, /"operator is"/);
  });
});
