// `get(CONFIG["loss"])(theta=0.2, …)` with `def get(name): if name == "step": return make_step_loss …`: a function
// that returns one loss factory of the file by name, called with a key known before training; the outer call is a
// call of the factory it picks, so its arguments bind that factory's λ and settings.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

const SRC = (key: string) => `import tensorflow as tf


def get(name):
    if name == "step":
        return make_step_loss
    if name == "flat":
        return make_flat_loss


def make_step_loss(theta, size):
    def step_loss(y_true, y_pred):
        return tf.reduce_mean(tf.square(y_true - y_pred)) + theta * tf.reduce_mean(tf.abs(y_pred)) * size
    return step_loss


def make_flat_loss(theta, size):
    def flat_loss(y_true, y_pred):
        return tf.reduce_mean(tf.square(y_true - y_pred)) + theta * tf.reduce_mean(tf.square(y_pred)) * size
    return flat_loss


CONFIG = {"loss": ${key}, "theta": 0.2, "size": 3}
loss_fn = get(CONFIG["loss"])(theta=CONFIG["theta"], size=CONFIG["size"])
model.compile(optimizer="adam", loss=loss_fn)
`;

describe('a factory picked by a registry function, then called', () => {
  before(() => ready);

  it('the call binds the picked factory\'s λ and settings, not the other one\'s', () => {
    const a = analyze(SRC('"step"'));
    const bound = model(a, 'make_step_loss').usages.find((u) => u.kind === 'factory-call')?.boundArgs;
    assert.deepEqual(bound, { theta: 0.2, size: 3 });
    assert.equal(model(a, 'make_flat_loss').usages.some((u) => u.kind === 'factory-call'), false);
  });

  it('the other key picks the other factory', () => {
    const a = analyze(SRC('"flat"'));
    assert.deepEqual(model(a, 'make_flat_loss').usages.find((u) => u.kind === 'factory-call')?.boundArgs, { theta: 0.2, size: 3 });
    assert.equal(model(a, 'make_step_loss').usages.some((u) => u.kind === 'factory-call'), false);
  });
});
