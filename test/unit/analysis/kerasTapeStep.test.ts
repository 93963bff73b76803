// Keras: a plain function (not Model.train_step) that records its loss under GradientTape is a training step, and a
// helper's `if w is not None:` with w left at its default None is a static branch, not an unsupported op.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { check } from '../rules/corpus';
import { model, ready } from './helpers';

before(() => ready);

const src = `import tensorflow as tf


def scaled_mse(a, b, w=None):
    err = tf.square(a - b)
    if w is not None:
        err = err * w
    return tf.reduce_mean(err)


def step(model, x, y, optimizer, smooth_weight=0.5):
    with tf.GradientTape() as tape:
        out = model(x, training=True)
        fit = scaled_mse(y, out)
        smooth = tf.reduce_mean(tf.square(out[:, 1:] - out[:, :-1]))
        loss = fit + smooth_weight * smooth
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
`;

describe('Keras: a function with a GradientTape block', () => {
  it('is found as a training step, its helper read with the static None branch', () => {
    const { analysis, findings } = check(src, 'python', 'step.py');
    const m = model(analysis, 'step');
    assert.equal(m.kind, 'training-step');
    assert.deepEqual(m.terms.map((t) => [t.role, t.label, t.weight?.text ?? null]), [['base', 'fit', null], ['penalty', 'smooth', 'smooth_weight']]);
    assert.deepEqual(findUnsupported(m), []);
    assert.deepEqual(findings.map((f) => f.code), []);
  });

  it('an identity test on a value known only at run time is evaluated then: the model input it weights by is the batch, not refused', () => {
    const { analysis } = check(src.replace('fit = scaled_mse(y, out)', 'fit = scaled_mse(y, out, x)'), 'python', 'step.py');
    const m = model(analysis, 'step');
    assert.ok(m.params.some((p) => p.name === 'x'), 'the helper reads the model input');
    assert.deepEqual(findUnsupported(m), []);
  });
});
