// A term is named by what it is, not by the dtype conversion or the numerical epsilon around it:
// `(1 - lam) * tf.cast(binary_crossentropy(y_true, y_pred) + epsilon, tf.float64) + lam * tf.cast(gap, tf.float64)`
// has the base `binary_crossentropy` and the penalty `gap`.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const source = `import tensorflow as tf
from tensorflow.keras.losses import binary_crossentropy

epsilon = 1e-5


def make_loss(lam=0.3):
    def convex_loss(y_true, y_pred):
        gap = tf.abs(tf.reduce_mean(y_pred[:, 0]) - 0.5)
        return (1 - lam) * tf.cast(binary_crossentropy(y_true, y_pred) + epsilon, tf.float64) + lam * tf.cast(gap, tf.float64)
    return convex_loss
`;

describe('labels through conversions and epsilons', () => {
  it('names the base by its loss and the penalty by its variable', () => {
    assert.deepEqual(model(analyze(source), 'make_loss').terms.map(termSummary), ['base:+:binary_crossentropy*1 - lam', 'penalty:+:gap*lam']);
  });
});
