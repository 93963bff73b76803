// A module of Keras layers that only add losses, of which the file's model builder uses one: the other layer's
// add_loss never runs, so no finding is about it; the layer the model is built with is judged as before.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const LAYERS = `import tensorflow as tf


class RmsPenalty(tf.keras.layers.Layer):
    def call(self, inputs):
        self.add_loss(tf.math.sqrt(tf.reduce_mean(tf.square(inputs))))
        return inputs


class RatePenalty(tf.keras.layers.Layer):
    def __init__(self, rate=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_mean(tf.abs(inputs)))
        return inputs


def build(n_features=12):
    inputs = tf.keras.Input(shape=(n_features,))
    code = RatePenalty()(tf.keras.layers.Dense(2)(inputs))
    outputs = tf.keras.layers.Dense(n_features)(code)
    return tf.keras.Model(inputs, outputs)


model = build()
model.compile(optimizer="adam", loss="mse")
`;

const lines = (src: string) => check(src, 'python', 'layers.py').findings.map((f) => `${f.code}@${f.range.startLine + 1}`);

describe('findings on a layer class the file never builds', () => {
  before(async () => {
    await initParsers();
  });

  it('reports nothing on the unweighted add_loss of a layer no model uses', () => {
    assert.deepEqual(lines(LAYERS).filter((l) => l.endsWith('@6')), []);
  });

  it('reports it once the builder uses that layer too', () => {
    const both = LAYERS.replace('code = RatePenalty()(tf.keras.layers.Dense(2)(inputs))', 'code = RmsPenalty()(RatePenalty()(tf.keras.layers.Dense(2)(inputs)))');
    assert.ok(lines(both).includes('LL101@6'));
  });

  it('still reports it in a file that builds none of its layers (a library of layers)', () => {
    const library = LAYERS.slice(0, LAYERS.indexOf('def build'));
    assert.ok(lines(library).includes('LL101@6'));
  });
});
