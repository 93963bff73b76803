// A Keras functional VAE whose loss is added over its graph's tensors (`vae.add_loss(…)`), or by a loss layer placed
// on the model's input and decoded output (`x_in = inputs[0]; x_out = inputs[1]`): the trial stands in for the
// user's model with its VAE on autoencoder data (target = input), the header says so, and λ = 10 shrinks the KL.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

before(() => initParsers());

const graph = `import tensorflow as tf
from tensorflow.keras import layers, backend as K

inputs = layers.Input(shape=(8,))
h = layers.Dense(32, activation="relu")(inputs)
z_mean = layers.Dense(2)(h)
z_log_var = layers.Dense(2)(h)
z = layers.Lambda(sample)([z_mean, z_log_var])
decoded = layers.Dense(8, activation="sigmoid")(layers.Dense(32, activation="relu")(z))
`;

async function trial(loss: LossModel) {
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 150, model: { hidden: [32], outputActivation: 'auto' } }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started' && started.trial);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const kl = (run: string) => Math.abs(points.filter((p) => p.runId === run).at(-1)!.terms[loss.terms.find((t) => t.label === 'kl')!.id]!.raw);
  return { started, kl };
}

test('vae.add_loss over the graph: a VAE on autoencoder data standing in for the model, said in the header', async () => {
  const source = `${graph}vae = tf.keras.Model(inputs, decoded)
rec = 8 * tf.keras.losses.binary_crossentropy(inputs, decoded)
kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
vae.add_loss(K.mean(rec + kl))
vae.compile(optimizer="adam")
`;
  const loss = analyzeSource(source, 'python', 'vae.py').models.find((m) => m.name === 'vae')!;
  const { started, kl } = await trial(loss);
  assert.match(started.trial!.model, /^VAE /);
  assert.match(started.trial!.model, /standing in for your Keras model `vae` \(its own layers, from `inputs` to `decoded`\)/);
  assert.match(started.trial!.data, /autoencoder data: target = input/);
  assert.ok(kl('l10') < kl('l0') / 2, `KL at λ = 10 (${kl('l10')}) not below half of λ = 0 (${kl('l0')})`);
});

test("a loss layer on the model's input and decoded output trains the VAE on autoencoder data", async () => {
  const source = `${graph}

class ElboLayer(layers.Layer):
    def call(self, inputs):
        x_in = inputs[0]
        x_out = inputs[1]
        rec = 8 * tf.keras.losses.binary_crossentropy(x_in, x_out)
        kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
        self.add_loss(K.mean(rec + kl))
        return x_in


y = ElboLayer()([inputs, decoded])
vae = tf.keras.Model(inputs, y)
vae.compile(optimizer="adam", loss=None)
`;
  const loss = analyzeSource(source, 'python', 'vae.py').models.find((m) => m.name === 'call')!;
  assert.deepEqual([loss.yTrue, loss.yPred], ['x_in', 'x_out']);
  const { started, kl } = await trial(loss);
  assert.match(started.trial!.model, /^VAE .*standing in for your Keras model \(the layer `ElboLayer` is placed on its input and its output\)/);
  assert.match(started.trial!.data, /autoencoder data: target = input \(the loss compares `x_out` with the input `x_in`\)/);
  assert.ok(kl('l10') < kl('l0') / 2, `KL at λ = 10 (${kl('l10')}) not below half of λ = 0 (${kl('l0')})`);
});

test("a base loss layer whose call adds what its subclass's compute_loss returns: read over the subclass's items, a VAE on autoencoder data", async () => {
  const source = `${graph}

class LossLayer(layers.Layer):
    def compute_loss(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        self.add_loss(self.compute_loss(inputs))
        return inputs[-1]


class ElboLossLayer(LossLayer):
    def compute_loss(self, inputs):
        z_mean, z_log_var, x, x_decoded = inputs
        rec = 8 * K.mean(K.binary_crossentropy(x, x_decoded), axis=-1)
        kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
        return K.mean(rec + kl)


y = ElboLossLayer()([z_mean, z_log_var, inputs, decoded])
vae = tf.keras.Model(inputs, y)
vae.compile(optimizer="adam")
`;
  const loss = analyzeSource(source, 'python', 'vae.py').models.find((m) => m.kind === 'add-loss')!;
  assert.deepEqual([loss.yTrue, loss.yPred], ['x', 'x_decoded']);
  assert.deepEqual(
    loss.terms.map((t) => `${t.role} ${t.label}`),
    ['base rec', 'penalty kl'],
  );
  const { started, kl } = await trial(loss);
  assert.match(started.trial!.model, /^VAE /);
  assert.match(started.trial!.data, /autoencoder data: target = input \(the loss compares `x_decoded` with the input `x`\)/);
  assert.ok(kl('l10') < kl('l0') / 2, `KL at λ = 10 (${kl('l10')}) not below half of λ = 0 (${kl('l0')})`);
});
