// Keras: a loss function looked up by name in a registry function (`def pick_loss(name): table = {"huber": huber,
// "weighted": weighted}; return table.get(name)`), the loop calling what it returns under the tape.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chooseLoss } from '../../../src/analysis/index';
import { analyze, ready } from './helpers';

before(() => ready);

const SRC = `import tensorflow as tf

SETTINGS = {"loss": "weighted", "decay": 0.002}


def huber(truth, guess):
    return tf.reduce_mean(tf.keras.losses.huber(truth, guess))


def weighted(truth, guess, decay=None, params=None):
    shrink = tf.add_n([tf.reduce_sum(tf.square(p)) for p in params])
    return tf.reduce_mean(tf.abs(truth - guess)) + decay * shrink


def pick_loss(name):
    table = {"huber": huber, "weighted": weighted}
    return table.get(name)


net = tf.keras.Sequential([tf.keras.layers.Dense(1)])
opt = tf.keras.optimizers.SGD(0.01)
objective = pick_loss("weighted")
for xb, yb in tf.data.Dataset.from_tensor_slices((tf.zeros((8, 3)), tf.zeros((8, 1)))).batch(4):
    with tf.GradientTape() as tape:
        out = net(xb)
        loss = objective(yb, out, decay=SETTINGS["decay"], params=net.trainable_weights)
    opt.apply_gradients(zip(tape.gradient(loss, net.trainable_weights), net.trainable_weights))
`;

describe('a loss function picked from a registry function', () => {
  it("is the loss chosen, with the λ the loop's call passes", () => {
    const a = analyze(SRC);
    const chosen = chooseLoss(a);
    assert.ok(chosen.ok);
    assert.equal(chosen.model.name, 'weighted');
    const penalty = chosen.model.terms.find((t) => t.role === 'penalty');
    assert.equal(penalty?.label, 'shrink');
    // the call under the tape binds it (what a λ sweep starts from and writes back)
    assert.ok(chosen.model.usages.some((u) => u.passedArgs?.decay === 0.002));
  });

  it('the loop that only calls it is not a second loss', () => {
    assert.ok(!analyze(SRC).models.some((m) => m.name === 'loss'));
  });
});
