// LL103 on a positive setting negated where it weights the penalty: a Keras layer that adds
// `-self.lambda_reg * reduce_mean(reduce_variance(codes))` trains with the weight -0.01, rewarding the term it
// penalises. The setting itself is positive, so only the weight's value shows it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits } from '../../../src/analysis/fixes/apply';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const LAYER = `import tensorflow as tf
from tensorflow import keras


class SpreadCodes(keras.layers.Layer):
    def __init__(self, lambda_reg=0.01, **kwargs):
        super().__init__(**kwargs)
        self.lambda_reg = lambda_reg

    def call(self, inputs):
        spread = -self.lambda_reg * tf.reduce_mean(tf.math.reduce_variance(inputs, axis=0))
        self.add_loss(spread)
        return inputs


inputs = keras.Input((16,))
codes = SpreadCodes(lambda_reg=0.01)(keras.layers.Dense(8)(inputs))
model = keras.Model(inputs, keras.layers.Dense(16)(codes))
model.compile(optimizer="adam", loss="mse")
`;

const weightFindings = (src: string) => check(src, 'python', 'layer.py').findings.filter((f) => f.code === 'LL103' || f.code === 'LL104');

describe('LL103 on a negated positive setting', () => {
  before(async () => {
    await initParsers();
  });

  it('reports the weight once, with its value, and the fix drops the minus', () => {
    const found = weightFindings(LAYER);
    assert.deepEqual(found.map((f) => f.code), ['LL103']);
    assert.match(found[0]!.message, /`-self\.lambda_reg` .* is -0\.01, which rewards violating the constraint/);
    const fixed = applyEdits(LAYER, found[0]!.fixes[0]!.edits);
    assert.match(fixed, /spread = self\.lambda_reg \* tf\.reduce_mean/);
  });

  it('is silent on the same setting not negated', () => {
    assert.deepEqual(weightFindings(LAYER.replace('-self.lambda_reg *', 'self.lambda_reg *')), []);
  });
});
