// A Keras regularizer written as a lambda where a layer factory builds its layer (`kernel_regularizer=lambda w:
// total_reg(w, lam_filter, lam_l1, lam_pos, size)`): Keras calls it on the kernel and adds what it returns, so the
// helpers it calls are penalties on that layer's kernel, each with its λ read from the factory's parameters (their
// defaults, or what a call of the factory passes).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { readSplit } from '../realShapes/corpus';
import { analyze, ready } from './helpers';

before(() => ready);

const SOURCE = (factoryCall: string, keyword = 'kernel_regularizer') => `import tensorflow.keras.backend as K
from tensorflow.keras import Model
from tensorflow.keras.layers import Conv2D, Dense, Flatten, Input


def sparse_reg(w, lam_l1, lam_col):
    l1_part = lam_l1 * K.sum(K.abs(w))
    col_part = lam_col * K.sum(K.square(K.sum(w, axis=0)))
    return l1_part + col_part


def total_reg(w, lam_l1, lam_col, lam_smooth):
    smooth_part = lam_smooth * K.sum(K.square(w[1:] - w[:-1]))
    return sparse_reg(w, lam_l1, lam_col) + smooth_part


def regularized_conv(filters, size, lam_l1=3e-3, lam_col=1e-6, lam_smooth=5e-3):
    return Conv2D(filters, (1, size), activation="relu",
                  ${keyword}=lambda w: total_reg(w, lam_l1, lam_col, lam_smooth))


def build(n=64):
    inputs = Input(shape=(1, n, 1))
    x = ${factoryCall}(inputs)
    outputs = Dense(1, activation="sigmoid")(Flatten()(x))
    model = Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model
`;

const regularizerOf = (source: string) => {
  const found = analyze(source).models.find((m) => m.kind === 'regularizer');
  assert.ok(found, 'the lambda regularizer is found');
  return found;
};

describe('a regularizer lambda in a layer factory', () => {
  it("reads the helpers' weighted penalties on the layer's kernel, λ from the factory's defaults", () => {
    const m = regularizerOf(SOURCE('regularized_conv(8, 5)'));
    assert.equal(m.name, 'regularized_conv');
    assert.deepEqual(m.regularizes, { on: 'kernel', layer: 'Conv2D' });
    assert.deepEqual(readSplit(m), {
      base: ['binary_crossentropy'],
      penalties: [{ name: 'l1_part', lambda: 3e-3 }, { name: 'col_part', lambda: 1e-6 }, { name: 'smooth_part', lambda: 5e-3 }],
    });
  });

  it('a call of the factory binds the λ it passes', () => {
    const split = readSplit(regularizerOf(SOURCE('regularized_conv(8, 5, lam_l1=1e-3)')));
    assert.deepEqual(split.penalties.map((p) => p.lambda), [1e-3, 1e-6, 5e-3]);
  });

  it('an activity_regularizer lambda acts on the activity', () => {
    assert.equal(regularizerOf(SOURCE('regularized_conv(8, 5)', 'activity_regularizer')).regularizes?.on, 'activity');
  });
});
