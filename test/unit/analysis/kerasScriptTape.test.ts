// Keras training written by hand at module level, and Keras train_steps with several inputs:
// - a script's `for x, group, y in ds: with tf.GradientTape() as tape: …; tape.gradient(loss, …)` is a training
//   step, named by its loss variable, and the batch column the penalty reads beside the model's input and the target
//   (`group`) is an argument of the loss (the trainer maps it by its name), not a free name;
// - `x_a, x_b = data; self.encoder([x_a, x_b])` hands both inputs to the model: neither is the target, and a
//   reconstruction of `x_a` makes `x_a` the target.
// - |mean((s - mean(s)) * y_pred)|, the absolute covariance of the output with a centred attribute, has its kink where
//   the constraint holds, as |residual| does (LL107).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { check } from '../rules/corpus';
import { model, ready, termSummary } from './helpers';

before(() => ready);

const script = `import tensorflow as tf

LAM = 2.0


def fair_terms(out, group, y):
    centred = tf.cast(group - tf.reduce_mean(group), tf.float32)
    cov = tf.reduce_mean(centred * out)
    return tf.keras.losses.binary_crossentropy(y, out), tf.math.abs(cov)


model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
opt = tf.keras.optimizers.Adam()
for epoch in range(3):
    for x, group, y in ds.batch(32):
        with tf.GradientTape() as tape:
            out = model(x)
            bce, gap = fair_terms(out, group, y)
            total = bce + LAM * gap
        grads = tape.gradient(total, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
`;

const twoInputs = `import tensorflow as tf
from tensorflow import keras


class PairVAE(keras.Model):
    def __init__(self, encoder, decoder, beta=1.0):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta

    def train_step(self, data):
        image, caption = data
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder([image, caption])
            recon = self.decoder(z)
            rec = tf.reduce_mean(tf.reduce_sum(tf.square(image - recon), axis=1))
            kl = -0.5 * tf.reduce_mean(tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=1))
            loss = rec + self.beta * kl
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {"loss": loss}
`;

describe('Keras GradientTape loops in a script, and steps with two inputs', () => {
  it('finds the script loop\'s loss, splits it, and reports the absolute covariance', () => {
    const { analysis, findings } = check(script, 'python', 'fair.py');
    const m = model(analysis, 'total');
    assert.equal(m.kind, 'training-step');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:bce', 'penalty:+:gap*LAM']);
    assert.deepEqual(findings.map((f) => f.code), ['LL107']);
  });

  it('the batch column the penalty reads is an argument of the loss', () => {
    const m = model(check(script, 'python', 'fair.py').analysis, 'total');
    assert.deepEqual([m.yPred, m.yTrue], ['out', 'y']);
    assert.ok(m.params.some((p) => p.name === 'group'), m.params.map((p) => p.name).join(', '));
  });

  it('a list of both inputs runs the encoder; the reconstructed input is the target', () => {
    const m = model(check(twoInputs, 'python', 'pair.py').analysis, 'train_step');
    assert.deepEqual([m.yPred, m.yTrue], ['recon', 'image']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kl*self.beta']);
  });

  it('module-level data beside a loop over batches is not the batch: the loop\'s names are', () => {
    const guide = `import numpy as np
import tensorflow as tf

x = np.random.rand(64, 4).astype("float32")
y = np.random.rand(64, 1).astype("float32")
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
for step, (x_batch_train, y_batch_train) in enumerate(tf.data.Dataset.from_tensor_slices((x, y)).batch(8)):
    with tf.GradientTape() as tape:
        pred = model(x_batch_train)
        loss_value = tf.reduce_mean(tf.square(y_batch_train - pred)) + 0.1 * tf.reduce_mean(tf.nn.relu(-pred))
    grads = tape.gradient(loss_value, model.trainable_weights)
`;
    const m = model(check(guide, 'python', 'guide.py').analysis, 'loss_value');
    assert.deepEqual([m.yPred, m.yTrue], ['pred', 'y_batch_train']);
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor' || p.role === 'other').map((p) => p.name), []);
  });
});
