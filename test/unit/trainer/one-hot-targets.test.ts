// A loss that one-hot encodes its targets itself (`tf.oneHot(yTrue.toInt(), NUM_CLASSES)` passed to a softmax
// cross-entropy, `F.one_hot(target, num_classes=6)`) takes class indices, and its prediction has one output per
// class: one-hot targets of the default width were flattened into too many rows, and the logits were too narrow.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { lossSampleShape, lossTask } from '../../../src/trainer/data';

before(async () => {
  await initParsers();
});

test('TF.js: tf.oneHot of the target with a module constant depth: class indices, one output per class', () => {
  const loss = analyzeSource(`const tf = require('@tensorflow/tfjs');
const NUM_CLASSES = 5;

function labelLoss(yTrue, yPred) {
  const onehot = tf.oneHot(yTrue.reshape([-1]).toInt(), NUM_CLASSES);
  const ce = tf.losses.softmaxCrossEntropy(onehot, yPred);
  return ce.add(tf.mul(0.01, tf.mean(tf.square(yPred))));
}
`, 'javascript', 'labels.js').models[0]!;
  assert.deepEqual(lossTask(loss), { task: 'classification', encoding: 'index', because: 'tf.oneHot' });
  const shape = lossSampleShape(loss, 4);
  assert.deepEqual(shape.shape, [5]);
  assert.match(shape.why ?? '', /5 outputs because the loss reads its targets one-hot encoded as 5 classes \(`tf\.oneHot`, line 5\)/);
});

test('PyTorch: F.one_hot(target, num_classes=6) beside a mean squared error: indices, six outputs', () => {
  const loss = analyzeSource(`import torch
import torch.nn.functional as F


def brier(logits, target):
    probs = torch.softmax(logits, dim=1)
    fit = F.mse_loss(probs, F.one_hot(target, num_classes=6).float())
    return fit + 0.1 * probs.max(dim=1).values.mean()
`, 'python', 'brier.py').models[0]!;
  assert.equal(lossTask(loss).encoding, 'index');
  assert.deepEqual(lossSampleShape(loss, 4).shape, [6]);
});

test('a one-hot of something else than the target changes nothing', () => {
  const loss = analyzeSource(`import torch
import torch.nn.functional as F


def masked(pred, target):
    mask = F.one_hot(torch.tensor([1, 0]), num_classes=3)
    return F.mse_loss(pred, target) + 0.1 * pred.abs().mean()
`, 'python', 'masked.py').models[0]!;
  assert.equal(lossTask(loss).encoding, 'onehot');
  assert.deepEqual(lossSampleShape(loss, 4).shape, [4]);
});

test('a one-hot of one target column (a gender column beside an age column) keeps the target and its columns', () => {
  const loss = analyzeSource(`const tf = require('@tensorflow/tfjs');

function ageGender(yTrue, yPred) {
  const age = tf.losses.absoluteDifference(yTrue.slice([0, 0], [-1, 1]), yPred.slice([0, 0], [-1, 1]));
  const gender = tf.oneHot(yTrue.slice([0, 1], [-1, 1]).squeeze([1]).toInt(), 2);
  return age.add(tf.mul(0.5, tf.losses.softmaxCrossEntropy(gender, yPred.slice([0, 1], [-1, 2]))));
}
`, 'javascript', 'ageGender.js').models[0]!;
  assert.equal(lossTask(loss).encoding, 'onehot');
  assert.deepEqual(lossSampleShape(loss, 4).shape, [4]);
});
