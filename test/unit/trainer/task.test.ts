// Which synthetic data a loss trains on, read from its base loss: functions and loss classes called as objects,
// in every framework. A class weighed as regression would train a classifier on the wrong targets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import type { SourceLanguage } from '../../../src/analysis/ir';
import { lossTask } from '../../../src/trainer/data/task';

const python = (base: string) =>
  `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport tensorflow as tf\n\ndef loss(y_true, y_pred, lam=1.0):\n    base = ${base}\n    return base + lam * tf.reduce_mean(tf.square(y_pred))\n`;
const torch = (base: string) =>
  `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\ndef loss(pred, target, lam=1.0):\n    base = ${base}\n    return base + lam * torch.mean(pred ** 2)\n`;
const tfjs = (base: string) =>
  `import * as tf from '@tensorflow/tfjs';\nfunction loss(yTrue, yPred, lam = 1) {\n  const base = ${base};\n  return tf.add(base, tf.mul(lam, tf.mean(tf.square(yPred))));\n}\n`;

const cases: [SourceLanguage, string, string, string][] = [
  ['python', torch('F.cross_entropy(pred, target)'), 'classification', 'index'],
  ['python', torch('nn.CrossEntropyLoss()(pred, target)'), 'classification', 'index'],
  ['python', torch('nn.NLLLoss()(pred, target)'), 'classification', 'index'],
  ['python', torch('nn.KLDivLoss()(pred, target)'), 'classification', 'onehot'],
  ['python', torch('nn.BCEWithLogitsLoss()(pred, target)'), 'binary', 'onehot'],
  ['python', torch('nn.BCELoss()(pred, target)'), 'binary', 'onehot'],
  ['python', torch('nn.MSELoss()(pred, target)'), 'regression', 'onehot'],
  ['python', torch('nn.SmoothL1Loss()(pred, target)'), 'regression', 'onehot'],
  ['python', torch('F.l1_loss(pred, target)'), 'regression', 'onehot'],
  ['python', python('tf.keras.losses.categorical_crossentropy(y_true, y_pred)'), 'classification', 'onehot'],
  ['python', python('tf.keras.losses.CategoricalCrossentropy()(y_true, y_pred)'), 'classification', 'onehot'],
  ['python', python('tf.keras.losses.SparseCategoricalCrossentropy()(y_true, y_pred)'), 'classification', 'index'],
  ['python', python('tf.keras.losses.BinaryCrossentropy()(y_true, y_pred)'), 'binary', 'onehot'],
  ['python', python('tf.keras.losses.MeanSquaredError()(y_true, y_pred)'), 'regression', 'onehot'],
  // TF's logits losses over 0/1 labels: regression targets made a weighted cross-entropy run to -1e6
  ['python', python('tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(y_true, y_pred))'), 'binary', 'onehot'],
  ['python', python('tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(y_true, y_pred, pos_weight=3.0))'), 'binary', 'onehot'],
  ['python', python('tf.keras.losses.Huber()(y_true, y_pred)'), 'regression', 'onehot'],
  ['typescript', tfjs('tf.losses.softmaxCrossEntropy(yTrue, yPred)'), 'classification', 'onehot'],
  ['typescript', tfjs('tf.losses.sigmoidCrossEntropy(yTrue, yPred)'), 'binary', 'onehot'],
  ['typescript', tfjs('tf.losses.meanSquaredError(yTrue, yPred)'), 'regression', 'onehot'],
];

test('the synthetic task and target encoding follow the base loss, called as a function or as a loss object', async () => {
  await initParsers();
  for (const [language, source, task, encoding] of cases) {
    const model = analyzeSource(source, language).models[0];
    const base = /base = (.*)$/m.exec(source)![1];
    assert.ok(model, `a loss in: ${base}`);
    assert.deepEqual([lossTask(model).task, lossTask(model).encoding], [task, encoding], base);
  }
});

test('a constraint on the outputs picks regression data it has something to fight in', async () => {
  await initParsers();
  const withPenalty = (penalty: string) =>
    `import torch\nimport torch.nn.functional as F\n\ndef loss(pred, target, lam=1.0):\n    base = F.mse_loss(pred, target)\n    penalty = ${penalty}\n    return base + lam * penalty\n`;
  const task = (penalty: string) => lossTask(analyzeSource(withPenalty(penalty), 'python').models[0]!).task;
  assert.equal(task('torch.mean(torch.relu(-pred) ** 2)'), 'non-negative-regression');
  assert.equal(task('torch.mean(torch.relu(pred - 1.0) ** 2 + torch.relu(0.0 - pred) ** 2)'), 'bounded-regression');
  assert.equal(task('torch.mean(pred ** 2)'), 'regression');
});

test('a loss that tells zero targets apart (`target == 0`) gets targets with exact zeros; one that does not, plain regression', async () => {
  await initParsers();
  const masked = (test: string) =>
    `import torch\n\ndef loss(x, target, lam=0.3):\n    empty = (${test}).float()\n    err = (target - x) ** 2\n    return (err * (1 - empty)).mean() + lam * (err * empty).mean()\n`;
  const task = (test: string) => lossTask(analyzeSource(masked(test), 'python').models[0]!).task;
  assert.equal(task('target == 0'), 'non-negative-regression');
  assert.equal(task('0.0 != target'), 'non-negative-regression');
  assert.equal(task('target > 0.5'), 'regression');
  assert.equal(task('x == 0'), 'regression');
});
