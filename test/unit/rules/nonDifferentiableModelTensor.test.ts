// LL106 on a penalty that never reads the prediction but a tensor of the model the loss is handed (a hidden layer's
// codes, `mu`): its paths to that tensor are judged as paths to the prediction are. A bin-occupancy penalty that
// reaches the codes only through floor and an integer cast has no gradient. A detached copy stays LL105's alone.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initParsers } from '../../../src/analysis/index';
import { check } from './corpus';

const OCCUPANCY = `import tensorflow as tf


def occupancy_loss(y_true, y_pred, codes, bins=4, capacity=3.0, lam=1e-3):
    fit = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y_true, y_pred))
    index = tf.cast(tf.floor((tf.tanh(codes) + 1.0) / 2.0 * bins), tf.int32)
    counts = tf.reduce_sum(tf.one_hot(index, bins), axis=0)
    overflow = tf.reduce_mean(tf.square(tf.nn.relu(counts - capacity)))
    return fit + lam * overflow
`;

const found = (src: string, code: string) => check(src, 'python', 'occupancy.py').findings.filter((f) => f.code === code);

describe("LL106 along the paths to the model's other tensors", () => {
  before(async () => {
    await initParsers();
  });

  it('reports the integer cast that cuts the codes from the penalty, naming the codes', () => {
    const cut = found(OCCUPANCY, 'LL106');
    assert.equal(cut.length, 1);
    assert.match(cut[0]!.message, /reaches `codes` only through `tf\.cast\(/);
  });

  it('is silent on a smooth penalty of the codes', () => {
    assert.deepEqual(found(OCCUPANCY.replace('return fit + lam * overflow', 'return fit + lam * tf.reduce_mean(tf.square(codes))'), 'LL106'), []);
  });

  it('leaves a detached copy of the codes to LL105 (one finding)', () => {
    const detached = OCCUPANCY.replace('return fit + lam * overflow', 'return fit + lam * tf.reduce_mean(tf.square(tf.stop_gradient(codes)))');
    assert.equal(found(detached, 'LL106').length, 0);
    assert.equal(found(detached, 'LL105').length, 1);
  });
});
