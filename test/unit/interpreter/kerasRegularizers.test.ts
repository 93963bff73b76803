// Keras regularizers applied to a tensor inside a loss (`tf.keras.regularizers.l2(1e-5)(w)`), analysed by the Python
// front end and evaluated against closed-form tf.keras 2.x values: l1·Σ|x| + l2·Σx², no ½, default factor 0.01.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

const yPred = [[0.5, -1.5], [2, 0.25]];
const yTrue = [[0, 0], [0, 0]];
const flat = yPred.flat();
const sumSq = flat.reduce((s, x) => s + x * x, 0);
const sumAbs = flat.reduce((s, x) => s + Math.abs(x), 0);

function penaltyOf(expr: string): number {
  const a = analyzeSource(`import tensorflow as tf
from tensorflow import keras

def loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_true - y_pred)) + ${expr}
`, 'python', 'loss.py');
  assert.deepEqual(findUnsupported(a.models[0]!), [], expr);
  const v = run(a.models[0]!, yTrue, yPred);
  return v.total - v.original;
}

describe('Keras regularizers called on a tensor', () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('l2 / L2 with the factor positional, by keyword or left to its default 0.01', () => {
    close(penaltyOf('tf.keras.regularizers.l2(1e-3)(y_pred)'), 1e-3 * sumSq, 1e-6, 'l2(1e-3)');
    close(penaltyOf('keras.regularizers.L2(l2=0.5)(y_pred)'), 0.5 * sumSq, 1e-5, 'L2(l2=0.5)');
    close(penaltyOf('tf.keras.regularizers.l2()(y_pred)'), 0.01 * sumSq, 1e-6, 'l2()');
  });

  it('l1, l1_l2 (defaults 0.01 each) and L1L2 (defaults 0)', () => {
    close(penaltyOf('tf.keras.regularizers.l1(0.2)(y_pred)'), 0.2 * sumAbs, 1e-5, 'l1(0.2)');
    close(penaltyOf('tf.keras.regularizers.l1_l2(l1=0.1, l2=0.3)(y_pred)'), 0.1 * sumAbs + 0.3 * sumSq, 1e-5, 'l1_l2');
    close(penaltyOf('tf.keras.regularizers.l1_l2()(y_pred)'), 0.01 * (sumAbs + sumSq), 1e-5, 'l1_l2()');
    close(penaltyOf('keras.regularizers.L1L2(l2=0.3)(y_pred)'), 0.3 * sumSq, 1e-5, 'L1L2(l2=…)');
  });

  it('a regularizer built once and applied to several tensors (a list comprehension summed)', () => {
    const v = penaltyOf('tf.add_n([tf.keras.regularizers.l2(0.1)(t) for t in tf.unstack(y_pred)])');
    close(v, 0.1 * sumSq, 1e-5, 'sum over rows');
  });

  it('OrthogonalRegularizer: factor times the mean |cosine| between distinct rows (or columns)', () => {
    // rows (0.5, -1.5) and (2, 0.25): one pair, cosine (1 - 0.375) / (√2.5 · √4.0625)
    const cosRows = 0.625 / (Math.sqrt(2.5) * Math.sqrt(4.0625));
    close(penaltyOf('keras.regularizers.OrthogonalRegularizer(factor=0.1)(y_pred)'), 0.1 * cosRows, 1e-6, 'rows');
    // columns (0.5, 2) and (-1.5, 0.25): cosine (-0.75 + 0.5) / (√4.25 · √2.3125)
    const cosCols = Math.abs(-0.25) / (Math.sqrt(4.25) * Math.sqrt(2.3125));
    close(penaltyOf('tf.keras.regularizers.OrthogonalRegularizer(0.2, mode="columns")(y_pred)'), 0.2 * cosCols, 1e-6, 'columns');
    close(penaltyOf('tf.keras.regularizers.orthogonal_regularizer()(y_pred)'), 0.01 * cosRows, 1e-6, 'default factor 0.01');
  });
});

describe("TF's static shape in a loss (`w.get_shape().as_list()`)", () => {
  before(async () => {
    await cpu();
    await initParsers();
  });

  it('gives the shape as a list whose items index and count as Python reads them', () => {
    const a = analyzeSource(`import tensorflow as tf

def loss(y_true, y_pred):
    shape = y_pred.get_shape().as_list()
    c = shape[-1]
    gram = tf.matmul(tf.transpose(y_pred), y_pred)
    return tf.reduce_mean(tf.square(y_true - y_pred)) + 0.5 * tf.reduce_sum(tf.square(gram - tf.eye(c))) / len(shape)
`, 'python', 'loss.py');
    assert.deepEqual(findUnsupported(a.models[0]!), []);
    const v = run(a.models[0]!, yTrue, yPred);
    // the Gram of [[0.5, -1.5], [2, 0.25]] minus I is [[3.25, -0.25], [-0.25, 1.3125]]; len(shape) is 2
    close(v.total - v.original, (0.5 * (3.25 ** 2 + 2 * 0.25 ** 2 + 1.3125 ** 2)) / 2, 1e-5, 'get_shape penalty');
  });
});
