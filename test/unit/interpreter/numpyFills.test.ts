// NumPy arrays built in a loss from a size and a value (`np.full(n, v)`, `np.zeros(n)`, `np.ones((2, 2))`,
// `np.arange(n)`), then made tensors (`tf.convert_to_tensor`, `torch.from_numpy`): constants with NumPy's values,
// in the Keras and PyTorch tables alike.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

describe('np.full / np.zeros / np.ones / np.arange as constants', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('Keras: a ramp of np.full(n, v) and np.zeros(n) compared with the steps of the prediction', () => {
    const source = `import numpy as np
import tensorflow as tf

def step_loss(y_true, y_pred, lam=0.5):
    ramp = tf.convert_to_tensor(np.full(2, 0.25), dtype="float32")
    flat = tf.convert_to_tensor(np.zeros(2), dtype="float32")
    ones = tf.constant(np.ones((2,)), dtype=tf.float32)
    steps = tf.reshape(y_pred, [-1])
    gap = tf.reduce_mean(tf.square(steps - ramp)) + tf.reduce_mean(tf.square(steps - flat)) * tf.reduce_sum(ones)
    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * gap
`;
    const model = analyzeSource(source, 'python', 'loss.py').models[0]!;
    assert.deepEqual(findUnsupported(model), []);
    const v = run(model, [[0], [0]], [[1], [0.5]]);
    // mse: (1 + 0.25) / 2; ramp gap: (0.75² + 0.25²) / 2 = 0.3125; flat gap: (1 + 0.25) / 2 · 2 = 1.25
    close(v.total, 0.625 + 0.5 * (0.3125 + 1.25), 1e-6, 'total');
  });

  it('PyTorch: np.arange(n) and np.full((rows, cols), v) through torch.from_numpy', () => {
    const source = `import numpy as np
import torch

def ranked(pred, target, lam=0.1):
    pos = torch.from_numpy(np.arange(2)).float()
    half = torch.from_numpy(np.full((1, 2), 0.5)).float()
    return ((pred - target) ** 2).mean() + lam * (pred * pos + half).sum()
`;
    const model = analyzeSource(source, 'python', 'loss.py').models[0]!;
    assert.deepEqual(findUnsupported(model), []);
    const v = run(model, [[0, 0]], [[1, 2]]);
    // mse: (1 + 4) / 2; penalty: 1·0 + 2·1 + 0.5 + 0.5 = 3
    close(v.total, 2.5 + 0.1 * 3, 1e-6, 'total');
  });
});
