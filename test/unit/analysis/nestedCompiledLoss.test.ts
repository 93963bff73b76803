// A loss nested in the module-level function that compiles it (`def make_fair(model, …, lambda_value)` holding
// `def custom_loss(y_true, y_pred)` and `model.compile(loss=custom_loss)`), not returned: the file's call of that
// function (`make_fair(net, 3, 0.3)`) binds the parameters the loss reads, so λ = 0.3, and write-back edits the 0.3.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { staticNumber } from '../../../src/analysis/bound';
import { check } from '../rules/corpus';
import { analyze, model, ready } from './helpers';

const FILE = `import tensorflow as tf
from tensorflow.keras.losses import binary_crossentropy


def make_fair(model, protected, lambda_value):
    group = model.input[:, protected]

    def custom_loss(y_true, y_pred):
        gap = tf.abs(tf.reduce_mean(y_pred * group) - tf.reduce_mean(y_pred))
        return (1 - lambda_value) * binary_crossentropy(y_true, y_pred) + lambda_value * gap

    model.compile(loss=custom_loss, optimizer="adam")
    return model


inputs = tf.keras.Input(shape=(10,))
net = tf.keras.Model(inputs, tf.keras.layers.Dense(1, activation="sigmoid")(inputs))
fair = make_fair(net, 3, 0.3)
`;

describe('a loss nested in the function that compiles it', () => {
  before(() => ready);

  it("the function's call binds lambda_value = 0.3, written where the call passes it", () => {
    const m = model(analyze(FILE), 'custom_loss');
    assert.equal(staticNumber(m, 'lambda_value'), 0.3);
    const u = m.usages.find((x) => x.kind === 'factory-call');
    const r = u?.boundAt?.lambda_value;
    assert.ok(r);
    assert.equal(FILE.split('\n')[r.startLine]!.slice(r.startCol, r.endCol), '0.3');
  });

  it('the captured λ is no argument compile leaves at its default (no LL102)', () => {
    const codes = check(FILE, 'python', 'fair.py').findings.map((f) => f.code);
    assert.ok(!codes.includes('LL102'), codes.join(', '));
  });
});
