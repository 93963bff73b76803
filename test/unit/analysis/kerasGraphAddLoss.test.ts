// The keras.io VAE shape: a functional model built from `Input` and layers, and its loss added at the top of the
// script (or a notebook cell) with `vae.add_loss(...)` over the graph's tensors. The loss is read over those tensors
// (the model's output the prediction, its input the target when the loss compares them, the latent heads extra
// tensors by name), the graph's own statements are never read as values, and an added loss that does not compare the
// output with the input stays a penalty on the compiled loss. A Layer's `call` that unpacks its inputs
// (`mu, log_var = inputs`) adds a loss on those tensors, not on items of the prediction; and a compiled loss function
// of the file is the base of such an add_loss.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource } from '../../../src/analysis/index';
import { runRules } from '../../../src/analysis/rules/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const graph = `import tensorflow as tf
from tensorflow.keras import layers, backend as K

inputs = layers.Input(shape=(784,))
h = layers.Dense(64, activation="relu")(inputs)
z_mean = layers.Dense(2)(h)
z_log_var = layers.Dense(2)(h)
z = layers.Lambda(sample)([z_mean, z_log_var])
encoder = tf.keras.Model(inputs, [z_mean, z_log_var, z])
latent = layers.Input(shape=(2,))
decoded = layers.Dense(784, activation="sigmoid")(layers.Dense(64)(latent))
decoder = tf.keras.Model(latent, decoded)
outputs = decoder(encoder(inputs)[2])
vae = tf.keras.Model(inputs, outputs)
`;

const lossCell = `reconstruction = tf.keras.losses.binary_crossentropy(inputs, outputs)
reconstruction *= 784
kl = 1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)
kl = K.sum(kl, axis=-1)
kl *= -0.5
vae.add_loss(K.mean(reconstruction + kl))
vae.compile(optimizer="adam")
`;

describe('a functional model whose loss is added over its tensors', () => {
  it('names the loss by its model and splits it as any loss: the reconstruction is the base, the KL a penalty', () => {
    const m = model(analyze(graph + lossCell), 'vae');
    assert.equal(m.kind, 'add-loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:reconstruction*784', 'penalty:+:kl']);
    assert.equal(m.yPred, 'outputs');
    assert.equal(m.yTrue, 'inputs');
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name).sort(), ['z_log_var', 'z_mean']);
    assert.match(m.standsInFor ?? '', /`vae`/);
  });

  it('reads no layer of the graph as a value: nothing the trainer cannot run, and the unweighted KL is LL101', () => {
    const source = graph + lossCell;
    const codes = runRules(analyze(source), source).map((f) => f.code);
    assert.deepEqual(codes, ['LL101']);
  });

  it('reads the graph of the cells above in a notebook', () => {
    const a = analyzeSource(lossCell, 'python', 'nb.ipynb', { cellsAbove: [{ number: 1, source: graph }] });
    const m = model(a, 'vae');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:reconstruction*784', 'penalty:+:kl']);
  });

  it('an added loss that does not compare the output with the input is a penalty on the compiled loss', () => {
    const source = `${graph}spread = tf.reduce_mean(tf.square(z_mean))\nvae.add_loss(0.3 * spread)\nvae.compile(optimizer="adam", loss="mse")\n`;
    const m = model(analyze(source), 'vae');
    assert.deepEqual(m.terms.map(termSummary), ['penalty:+:spread*0.3', 'base:+:mse']);
  });

  it("reads it the same in a script's `if __name__ == '__main__':` block", () => {
    const indented = lossCell.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
    const m = model(analyze(`${graph}\nif __name__ == "__main__":\n${indented}`), 'vae');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:reconstruction*784', 'penalty:+:kl']);
  });

  it('reads it in a function that builds the model, adds its loss and returns it', () => {
    const body = (graph.split('\n').slice(3).join('\n') + lossCell).split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
    const source = `${graph.split('\n').slice(0, 3).join('\n')}\n\ndef build_vae():\n${body}\n    return vae\n`;
    const m = model(analyze(source), 'vae');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:reconstruction*784', 'penalty:+:kl']);
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name).sort(), ['z_log_var', 'z_mean']);
  });

  it('a name the loss reassigns after the graph built it is a value of the loss again', () => {
    const source = `${graph}z_mean = tf.constant(0.5)\nvae.add_loss(K.mean(tf.keras.losses.mse(inputs, outputs)) + 0.1 * K.sum(z_mean))\n`;
    const m = model(analyze(source), 'vae');
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name), []);
  });
});

const klLayer = `import keras.backend as K
from keras.layers import Dense, Input, Layer
from keras.models import Model


class KLLayer(Layer):
    def __init__(self, beta=0.5, **kwargs):
        self.beta = beta
        super().__init__(**kwargs)

    def call(self, inputs):
        mu, log_var = inputs
        kl_batch = -self.beta * K.sum(1 + log_var - K.square(mu) - K.exp(log_var), axis=-1)
        self.add_loss(K.mean(kl_batch), inputs=inputs)
        return inputs


def bernoulli_nll(y_true, y_pred):
    return K.sum(K.binary_crossentropy(y_true, y_pred), axis=-1)


x = Input(shape=(16,))
mu, log_var = KLLayer(0.01)([Dense(4)(x), Dense(4)(x)])
model = Model(x, Dense(16, activation="sigmoid")(mu))
model.compile(optimizer="adam", loss=bernoulli_nll)
`;

describe("a Keras layer's add_loss on the tensors it is placed on", () => {
  it('takes the unpacked inputs as tensors of the model (a VAE head), not items of the prediction', () => {
    const m = model(analyze(klLayer), 'call');
    const tensors = m.params.filter((p) => p.role === 'tensor').map((p) => p.name);
    assert.deepEqual(tensors, ['mu', 'log_var']);
    const unpacked = JSON.stringify(m.terms).includes('"unpacked":true');
    assert.equal(unpacked, false);
  });

  it('the compiled loss function of the file is its base, the layer KL its penalty named by its variable', () => {
    const m = model(analyze(klLayer), 'call');
    assert.deepEqual(m.terms.map((t) => `${t.role}:${t.label}`), ['base:bernoulli_nll', 'penalty:kl_batch']);
  });
});

const itemLayer = (call: string) => `import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K

inputs = keras.Input(shape=(20,))
h = keras.layers.Dense(32, activation="relu")(inputs)
z_mean = keras.layers.Dense(3)(h)
z_log_var = keras.layers.Dense(3)(h)
decoded = keras.layers.Dense(20, activation="sigmoid")(z_mean)


class ElboLayer(keras.layers.Layer):
    def __init__(self, kl_weight=0.5):
        super().__init__()
        self.kl_weight = kl_weight

${call}


out = ElboLayer()([inputs, z_mean, z_log_var, decoded])
vae = keras.Model(inputs, out)
vae.compile(optimizer="adam", loss=None)
`;

describe("a Keras loss layer placed on the model's input and output", () => {
  it('items taken by index (`x = inputs[0]`): the input is the target, the decoded output the prediction, the loss whole', () => {
    const source = itemLayer(`    def call(self, inputs):
        x = inputs[0]
        x_decoded_mean = inputs[3]
        rec = tf.reduce_mean(keras.losses.binary_crossentropy(x, x_decoded_mean))
        kl = -0.5 * tf.reduce_mean(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var))
        self.add_loss(rec + self.kl_weight * kl, inputs=inputs)
        return x`);
    const m = model(analyze(source), 'call');
    assert.deepEqual([m.yTrue, m.yPred], ['x', 'x_decoded_mean']);
    assert.equal(m.targetIsInput, true);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kl*self.kl_weight']);
  });

  it('unpacked with the heads between (`x, z_mean, z_log_var, y = inputs`): the item it passes on is the prediction', () => {
    const source = itemLayer(`    def call(self, inputs):
        x, mean, log_var, y = inputs
        rec = tf.reduce_mean(keras.losses.binary_crossentropy(x, y))
        kl = -0.5 * tf.reduce_mean(1 + log_var - tf.square(mean) - tf.exp(log_var))
        self.add_loss(rec + self.kl_weight * kl)
        return y`);
    const m = model(analyze(source), 'call');
    assert.deepEqual([m.yTrue, m.yPred], ['x', 'y']);
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name), ['mean', 'log_var']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:kl*self.kl_weight']);
  });

  it('items that are not an input and an output stay tensors and the added loss a penalty', () => {
    const source = itemLayer(`    def call(self, inputs):
        mean, log_var = inputs[1], inputs[2]
        self.add_loss(self.kl_weight * tf.reduce_mean(tf.square(mean) + tf.exp(log_var) - log_var))
        return inputs`);
    const m = model(analyze(source), 'call');
    assert.equal(m.targetIsInput, undefined);
    assert.ok(m.terms.every((t) => t.role === 'penalty'));
  });

  it('a layer whose call names the pair (`call(self, y_true, y_pred)`, placed on a target Input and the output) holds the whole loss on them', () => {
    const source = `import tensorflow.keras.backend as K
from tensorflow.keras import Model
from tensorflow.keras.layers import Dense, Input, Layer


class FitLayer(Layer):
    def __init__(self, lam=0.1):
        super().__init__()
        self.lam = lam

    def call(self, y_true, y_pred):
        self.add_loss(K.mean(K.square(y_true - y_pred)) + self.lam * K.mean(K.relu(-y_pred)))
        return y_pred


x_in = Input(shape=(5,))
y_in = Input(shape=(1,))
out = FitLayer(0.2)(y_in, Dense(1)(Dense(8)(x_in)))
model = Model([x_in, y_in], out)
model.compile(optimizer="adam")
`;
    const m = model(analyze(source), 'call');
    assert.deepEqual([m.yTrue, m.yPred], ['y_true', 'y_pred']);
    assert.equal(m.targetIsInput, undefined, 'the target is its own Input, not the model input: no autoencoder data');
    assert.deepEqual(m.terms.map((t) => t.role), ['base', 'penalty'], 'the whole loss, not a penalty on a compiled one');
  });
});

describe("a loss function that runs a sub-model of the file's graph", () => {
  const source = (call: string) => `import tensorflow as tf
from tensorflow import keras

inputs = keras.Input(shape=(32,))
codes = keras.layers.Dense(8, activation="sigmoid")(inputs)
outputs = keras.layers.Dense(32)(codes)
autoencoder = keras.Model(inputs, outputs)
encoder = keras.Model(inputs, codes)


def sparse_loss(y_true, y_pred):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    rate = tf.reduce_mean(${call}, axis=0)
    return mse + 0.1 * tf.reduce_sum(tf.abs(rate - 0.05))


autoencoder.compile(optimizer="adam", loss=sparse_loss)
`;

  it('`encoder(y_true)` is the inner tensor the sub-model gives, and the target is the model input', () => {
    const m = model(analyze(source('encoder(y_true)')), 'sparse_loss');
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name), ['codes']);
    assert.equal(m.targetIsInput, true);
    assert.match(m.standsInFor ?? '', /`encoder`/);
    assert.deepEqual(findUnsupported(m), []);
  });

  it('run on the prediction it computes other values than the trial pass: the call stays, refused by name', () => {
    const m = model(analyze(source('encoder(y_pred)')), 'sparse_loss');
    assert.equal(m.targetIsInput, undefined);
    assert.deepEqual(findUnsupported(m).map((u) => u.op), ['encoder']);
  });
});

describe('a loss nested in the function that builds its Keras model', () => {
  const source = `import tensorflow as tf
from tensorflow.keras import Model, layers


def build(n_features, code_size=6):
    x_in = layers.Input(shape=(n_features,))
    codes = layers.Dense(code_size, activation="relu")(x_in)
    encoder = Model(inputs=x_in, outputs=codes)
    out = layers.Dense(n_features)(codes)
    autoencoder = Model(x_in, out)

    def nested_loss(y_true, y_pred):
        rec = tf.reduce_mean(tf.square(y_true - y_pred))
        spread = tf.reduce_mean(tf.square(encoder(y_true)))
        return rec + 0.01 * spread

    autoencoder.compile(optimizer="adam", loss=nested_loss)
    return autoencoder
`;

  it("reads the builder's graph: its layers are no values of the loss, its encoder run on the target is its code tensor", () => {
    const m = model(analyze(source), 'nested_loss');
    assert.deepEqual(findUnsupported(m), []);
    assert.deepEqual(m.params.filter((p) => p.role === 'tensor').map((p) => p.name), ['codes']);
    assert.deepEqual(m.terms.map(termSummary), ['base:+:rec', 'penalty:+:spread*0.01']);
  });

  it("the builder's parameters the loss never reads are none of its settings", () => {
    const m = model(analyze(source), 'nested_loss');
    assert.equal(m.params.some((p) => p.name === 'n_features'), false);
  });
});
