// Issue 9 §2: λ as a tuple-unpacked closure value. The factory call passes a list whose items are read one by one:
// a tensor item (unknown before training) does not hide a number beside it, written as a module constant of
// arithmetic (`PHYS_LAMBDA = 1000 * 0.5`) and wrapped in `K.constant(…)`.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
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
