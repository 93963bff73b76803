// A Keras loss of (y_true, y_pred) that returns several tensors (`return energy, curl, divergence`) is what Keras
// makes of it: the tuple converted to one stacked tensor and averaged, i.e. its items are terms of equal weight. The
// trainer used to train the first item alone, a different function from the one Keras fits. Values against the
// stacked mean computed here; a PyTorch loss returning `(loss, logs)` still trains its first item.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

const yTrue = [[1, 2, 0], [0.5, -1, 2]];
const yPred = [[0.5, 2.5, 1], [1, -1, 1]];
const rows = (f: (t: number[], p: number[]) => number) => yTrue.map((t, i) => f(t, yPred[i]!));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

before(async () => {
  await initParsers();
  await cpu();
});

test('a Keras loss returning a tuple is the mean of its stacked items: each item a term, none weighted', () => {
  const loss = analyzeSource(`import tensorflow as tf

def field_loss(y_true, y_pred):
    se = tf.math.reduce_mean(tf.math.squared_difference(y_true, y_pred), axis=1)
    spread = tf.math.reduce_mean(tf.math.scalar_mul(0.5, tf.math.abs(y_pred)), axis=1)
    drift = tf.math.abs(tf.math.reduce_mean(y_pred, axis=1))
    return se, spread, drift
`, 'python', 'loss.py').models[0]!;
  assert.deepEqual(findUnsupported(loss), []);
  assert.deepEqual(loss.terms.map((t) => `${t.role}:${t.label}:${t.weight ? 'w' : '-'}`), ['base:se:-', 'penalty:spread:-', 'penalty:drift:-']);
  const se = rows((t, p) => mean(t.map((x, j) => (x - p[j]!) ** 2)));
  const spread = rows((_t, p) => mean(p.map((x) => 0.5 * Math.abs(x))));
  const drift = rows((_t, p) => Math.abs(mean(p)));
  // Keras: convert_to_tensor((se, spread, drift)) is (3, batch); the loss is its mean
  const keras = mean([...se, ...spread, ...drift]);
  close(run(loss, yTrue, yPred).total, keras, 1e-5, 'the stacked mean Keras fits');
});

test('a PyTorch loss returning (loss, logs) still trains its first item', () => {
  const loss = analyzeSource(`import torch

def fit_loss(pred, target):
    mse = ((pred - target) ** 2).mean()
    return mse, {"mse": mse.item()}
`, 'python', 'loss.py').models[0]!;
  assert.deepEqual(loss.terms.map((t) => t.label), ['mse']);
  close(run(loss, yTrue, yPred).total, mean(rows((t, p) => mean(t.map((x, j) => (x - p[j]!) ** 2)))), 1e-5);
});
