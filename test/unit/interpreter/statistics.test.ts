// Keras/TF ops of ops/statistics.ts (the PyTorch ones are in the torch goldens): tf.image.image_gradients, the
// Euclidean-norm reduction, cumulative products and small backend activations, against values worked by hand.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { evaluateExpr, type Tensor } from '../../../src/trainer/interpreter';
import { call, idx, lossModel, num, sub, yp } from './ir';
import { close, cpu, tf } from './tf';

const keras = (expr: ReturnType<typeof call>, x: number[], shape: number[]): number[] =>
  Array.from((evaluateExpr(tf, lossModel('keras', []), expr, tf.scalar(0), tf.tensor(x, shape)) as Tensor).dataSync());

describe('statistics and image ops (Keras)', () => {
  before(cpu);

  it('tf.image.image_gradients: forward differences down and across, the last row / column zero', () => {
    const img = [1, 2, 4, 7, 0, 5]; // one 2×3 image, one channel: [[1, 2, 4], [7, 0, 5]]
    const dy = keras(sub(call('tf.image.image_gradients', [yp]), idx(0)), img, [1, 2, 3, 1]);
    const dx = keras(sub(call('tf.image.image_gradients', [yp]), idx(1)), img, [1, 2, 3, 1]);
    assert.deepEqual(dy, [6, -2, 1, 0, 0, 0]);
    assert.deepEqual(dx, [1, 2, 0, -7, 5, 0]);
  });

  it('tf.math.reduce_euclidean_norm, tf.math.cumprod, K.softsign and K.elu', () => {
    const rows = keras(call('tf.math.reduce_euclidean_norm', [yp], { axis: num(1) }), [3, 4, 0, 5, 12, 0], [2, 3]);
    assert.deepEqual(rows, [5, 13]);
    assert.deepEqual(keras(call('tf.math.cumprod', [yp], { axis: num(1) }), [1, 2, 3, 2, 0.5, 4], [2, 3]), [1, 2, 6, 2, 1, 4]);
    const soft = keras(call('K.softsign', [yp]), [-3, 1], [2]);
    close(soft[0]!, -0.75, 1e-6, 'softsign(-3)');
    close(soft[1]!, 0.5, 1e-6, 'softsign(1)');
    const elu = keras(call('K.elu', [yp, num(0.5)]), [-1, 2], [2]);
    close(elu[0]!, 0.5 * (Math.exp(-1) - 1), 1e-6, 'elu(-1), alpha 0.5');
    close(elu[1]!, 2, 1e-6, 'elu(2)');
  });
});
