// A Keras model with one output gives [B, 1] predictions, and a sensitive column of its data is [B, 1] too
// (`sex[:, None]`): the group the trainer passes a fairness penalty has that shape, so `centred * y_pred` is per sample,
// not a [B, B] outer product whose mean is exactly zero (a covariance penalty λ could never move).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { compileLoss } from '../../../src/trainer/interpreter';
import { type ArgLayout, mappedLosses } from '../../../src/trainer/mappedLoss';
import { cpu, tf } from '../interpreter/tf';

before(async () => {
  await initParsers();
  await cpu();
});

const source = `import tensorflow as tf

def fair_loss(y_true, y_pred, group, lam=1.0):
    centred = group - tf.reduce_mean(group)
    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * tf.abs(tf.reduce_mean(centred * y_pred))
`;

test('the group column keeps the prediction\'s column shape in Keras: the covariance is the per-sample one', () => {
  const loss = analyzeSource(source, 'python', 'fair.py').models[0]!;
  const layout: ArgLayout = { framework: 'keras', units: 8, weightIndex: 0, groupColumn: 'columns' };
  const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], layout);
  const pred = tf.tensor2d([[0.9], [0.8], [0.1], [0.2]]);
  const targets = tf.tensor2d([[1, 1], [1, 1], [0, 0], [0, 0]]); // target, then the group
  const penalty = loss.terms.find((t) => t.role === 'penalty')!.id;
  const value = run!(targets, pred).terms[penalty]!.raw.dataSync()[0]!;
  // groups 1,1,0,0 centred ±0.5: mean(±0.5 · pred) = (0.45 + 0.4 − 0.05 − 0.1) / 4 = 0.175
  assert.ok(Math.abs(value - 0.175) < 1e-6, `${value}`);
});
