// A loop over a Keras model's variables (`for w in self.trainable_weights`, `model.trainable_variables`) runs on the
// trial's weights, each named as Keras names a Dense stack (`dense/kernel:0`, `dense/bias:0`), so a filter on
// `w.name` keeps what it keeps in the user's model; and a helper's parameter defaulting to a Keras regularizer
// (`loss=tf.keras.regularizers.l2`, called `loss(weight_decay)(w)`) is that regularizer. Values by hand.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, tf } from './tf';

const source = (decay: string) => `import tensorflow as tf


def regularize(model, weight_decay=0.5, loss=tf.keras.regularizers.l2):
    parts = []
    for w in model.trainable_weights:
        if "bias" not in w.name:
            parts.append(loss(weight_decay)(w) / tf.cast(tf.size(w), tf.float32))
    return parts


def decayed_mse(y_true, y_pred, model):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    decay = ${decay}
    return mse + decay
`;

const KERNEL = [[1, 2], [3, 4]];
const BIAS = [10, 10];

function penaltyOf(decay: string): { value: number; weight: string | undefined } {
  const m = analyzeSource(source(decay), 'python', 'loss.py').models.find((x) => x.name === 'decayed_mse')!;
  assert.deepEqual(findUnsupported(m), []);
  const f = compileLoss(tf, m, {});
  const out = f(tf.tensor([[0, 0]]), tf.tensor([[0, 0]]), { weights: [tf.tensor(KERNEL), tf.tensor(BIAS)] });
  const penalty = m.terms.find((t) => t.role === 'penalty')!;
  return { value: out.total.dataSync()[0]!, weight: penalty.weight?.text };
}

describe("a loop over a Keras model's variables", () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it("skips the biases by name, and the helper's regularizer default is Keras's l2", () => {
    // the kernel only: 0.5 · Σk² / 4 = 0.5 · 30 / 4
    const { value, weight } = penaltyOf('tf.add_n(regularize(model))');
    close(value, (0.5 * 30) / 4, 1e-5, 'the kernel only, l2 · Σw² / size');
    assert.equal(weight, '0.5', "the helper's default decay, inside the regularizer, is the penalty's weight");
  });

  it('keeps every variable without a filter', () => {
    const { value } = penaltyOf('tf.add_n([tf.reduce_sum(tf.square(w)) for w in model.trainable_variables])');
    close(value, 30 + 200, 1e-4, 'kernel and bias: Σk² + Σb²');
  });
});
