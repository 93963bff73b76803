// Keras: a train_step that differentiates a total its class's helper method returns in a tuple (`fit, reg, total =
// self.losses_of(data)` under the tape, then `total = tf.reduce_mean(total)`), the helper running the model through
// `self.call(data)`.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

before(() => ready);

const SRC = `import tensorflow as tf
from tensorflow import keras


class Denoiser(keras.Model):
    def __init__(self, body, smooth=0.3, **kwargs):
        super().__init__(**kwargs)
        self.body = body
        self.smooth = smooth

    def call(self, inputs):
        clean, _ = inputs
        return self.body(clean)

    def losses_of(self, data):
        clean, noisy = data
        out = self.call(data)
        fit = tf.reduce_mean(tf.abs(noisy - out), axis=-1)
        reg = tf.reduce_mean(tf.square(out[:, 1:] - out[:, :-1]), axis=-1)
        total = fit + self.smooth * reg
        return fit, reg, total

    def train_step(self, data):
        with tf.GradientTape() as tape:
            fit, reg, total = self.losses_of(data)
            total = tf.reduce_mean(total)
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {"total": total}
`;

const split = (src: string) => model(analyze(src), 'train_step').terms.map((t) => [t.role, t.label, t.weight?.text ?? null]);

describe('a train_step whose helper method returns the total in a tuple', () => {
  it("is the loss: the helper's terms, the output of self.call the prediction", () => {
    const m = model(analyze(SRC), 'train_step');
    assert.equal(m.yPred, 'out');
    assert.deepEqual(split(SRC), [['base', 'fit', null], ['penalty', 'reg', 'self.smooth']]);
  });

  it('the item taken is the one at the place the step unpacks the differentiated name', () => {
    const src = SRC.replace('return fit, reg, total', 'return total, fit, reg').replace('fit, reg, total = self.losses_of(data)', 'total, fit, reg = self.losses_of(data)');
    assert.deepEqual(split(src), [['base', 'fit', null], ['penalty', 'reg', 'self.smooth']]);
  });
});
