// Issue 9 §2: λ as a tuple-unpacked closure value. The factory call passes a list whose items are read one by one:
// a tensor item (unknown before training) does not hide a number beside it, written as a module constant of
// arithmetic (`PHYS_LAMBDA = 1000 * 0.5`) and wrapped in `K.constant(…)`; a tensor item computed once at module
// level from concrete data is a constant to the optimiser (LL105).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { runRules } from '../../../src/analysis/rules/index';
import { analyze, model, ready } from './helpers';

before(() => ready);

const source = (item: string) => `import numpy as np
from tensorflow import keras
from tensorflow.keras import backend as K

PHYS_LAMBDA = 1000 * 0.5


def guided(settings):
    gap, lam = settings

    def loss(y_true, y_pred):
        fit = K.mean(K.square(y_pred - y_true), axis=-1)
        inversion = K.mean(K.relu(gap))
        return fit + lam * inversion

    return loss


model = keras.Sequential([keras.layers.Dense(1)])
pairs = model(K.constant(np.load("pairs.npy")))
model.compile(optimizer="adam", loss=guided([pairs, ${item}]))
`;

describe('a closure value unpacked from a list the factory call writes', () => {
  it('K.constant(PHYS_LAMBDA) with PHYS_LAMBDA = 1000 * 0.5 binds lam to 500 beside a tensor item', () => {
    const m = model(analyze(source('K.constant(PHYS_LAMBDA)')), 'guided');
    assert.equal(m.terms.find((t) => t.role === 'penalty')?.weightParam, 'lam');
    assert.equal(staticNumber(m, 'lam'), 500);
  });

  it('a literal item, and arithmetic of numbers', () => {
    assert.equal(staticNumber(model(analyze(source('0.25')), 'guided'), 'lam'), 0.25);
    assert.equal(staticNumber(model(analyze(source('2 * 0.5')), 'guided'), 'lam'), 1);
  });

  it('an item that is not known before training binds nothing', () => {
    assert.equal(staticNumber(model(analyze(source('np.random.rand()')), 'guided'), 'lam'), undefined);
  });
});

describe('a value computed once before training, passed where the loss is built (LL105)', () => {
  const codes = (src: string): string[] => runRules(analyze(src), src).map((f) => f.code);

  it('a penalty reading only a module-level tensor computed from concrete data has no gradient', () => {
    const findings = runRules(analyze(source('0.5')), source('0.5')).filter((f) => f.code === 'LL105');
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /computed once before training/);
  });

  it('not when the value is built from a symbolic keras.Input (a graph tensor of the model)', () => {
    const functional = `from tensorflow import keras
from tensorflow.keras import backend as K

def with_codes(settings):
    codes, lam = settings

    def loss(y_true, y_pred):
        return K.mean(K.square(y_pred - y_true)) + lam * K.mean(K.abs(codes))

    return loss

inp = keras.Input(shape=(8,))
codes = keras.layers.Dense(4)(inp)
out = keras.layers.Dense(1)(codes)
model = keras.Model(inp, out)
model.compile(optimizer="adam", loss=with_codes([codes, 0.1]))
`;
    assert.ok(!codes(functional).includes('LL105'));
  });

  it('not when the loss reaches the model through the object it is given (net.trainable_weights)', () => {
    const weights = `import tensorflow as tf
from tensorflow import keras

def weight_decay(net, lam=0.01):
    def loss(y_true, y_pred):
        return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * tf.add_n([tf.reduce_sum(tf.square(w)) for w in net.trainable_weights])
    return loss

net = keras.Sequential([keras.layers.Dense(1)])
net.compile(optimizer="adam", loss=weight_decay(net))
`;
    assert.ok(!codes(weights).includes('LL105'));
  });
});
