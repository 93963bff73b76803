// A loss object keeping framework functions as `functools.partial`s in its attributes (`self.__loss =
// partial(tf.keras.losses.huber, delta=0.5)`, name-mangled or not): `self.__loss(y, p)` calls that function with the
// partial's keywords. It was an attribute the trainer had no op for (LL113, refused).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { cpu, tf } from '../interpreter/tf';
import { check } from '../rules/corpus';
import { analyze, model, ready } from './helpers';

const source = `import tensorflow as tf
from functools import partial


class CappedHuber(object):
    def __init__(self, lamda, ceiling=1.0):
        self.__lambda = lamda
        self.__ceiling = ceiling
        self.__fit = partial(tf.keras.losses.huber, delta=0.5)
        self.__excess = partial(tf.nn.relu)

    def __call__(self, y_true, y_pred):
        over = self.__excess(y_pred - self.__ceiling)
        return tf.reduce_mean(self.__fit(y_true, y_pred)) + self.__lambda * tf.reduce_mean(tf.square(over))


model = tf.keras.Sequential([tf.keras.layers.Dense(3)])
model.compile(optimizer="adam", loss=CappedHuber(0.2, ceiling=0.8))
`;

describe('framework functions held as partials in attributes', () => {
  before(async () => {
    await cpu();
    await ready;
  });

  it('calls them with the partial\'s keywords: no LL113, and the numbers are huber(δ = 0.5) and relu', () => {
    const src = source;
    assert.deepEqual(check(src, 'python', 'capped.py').findings.filter((f) => f.code === 'LL113'), []);
    const m = model(analyze(src), 'CappedHuber');
    assert.deepEqual(findUnsupported(m), []);
    const y = tf.tensor2d([[0, 0, 0]]);
    const p = tf.tensor2d([[2, 0.2, 1.0]]);
    const out = compileLoss(tf, m, {})(y, p);
    // huber with δ = 0.5: |2| → 0.5·(2 − 0.25) = 0.875, 0.2 → 0.02, 1 → 0.5·(1 − 0.25) = 0.375; mean 0.42333
    assert.ok(Math.abs(out.original.dataSync()[0]! - 1.27 / 3) < 1e-5, String(out.original.dataSync()[0]));
    // over the 0.8 ceiling: 1.2 and 0.2 → mean of squares (1.44 + 0.04) / 3, times λ = 0.2
    assert.ok(Math.abs(out.total.dataSync()[0]! - out.original.dataSync()[0]! - 0.2 * (1.48 / 3)) < 1e-5);
  });
});
