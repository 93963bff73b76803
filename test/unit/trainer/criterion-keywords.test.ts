// A criterion object's constructor keywords (ops/lossClasses.ts): those its table entry honours reach the function
// (golden values in test/unit/interpreter/torchGolden.test.ts); any other is refused in one sentence naming it and
// the line it is written on, never dropped (`ignore_class=` would change the value); `name=` and a None are inert.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { Framework, LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { cpu, tf } from '../interpreter/tf';

const torchSource = (ctor: string) => `import torch
import torch.nn as nn

criterion = ${ctor}


def objective(logits, labels):
    return criterion(logits, labels) + 0.01 * torch.mean(logits ** 2)
`;

const kerasSource = (ctor: string) => `import tensorflow as tf

bce = ${ctor}


def objective(y_true, y_pred):
    return bce(y_true, y_pred) + 0.01 * tf.reduce_mean(tf.square(y_pred))
`;

const lossOf = (source: string, framework: Framework): LossModel => {
  const loss = analyzeSource(source, 'python', 'c.py').models.find((m) => m.name === 'objective');
  assert.ok(loss && loss.framework === framework);
  return loss;
};

before(async () => {
  await initParsers();
  await cpu();
});

test('a torch criterion keyword outside the table is refused with its name and the constructor\'s line', () => {
  const refused = findUnsupported(lossOf(torchSource('nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0]), foo=3)'), 'pytorch'));
  assert.deepEqual(refused.map((u) => u.op), ['nn.CrossEntropyLoss(foo=…)']);
  assert.equal(refused[0]!.range.startLine + 1, 4);
  assert.match(refused[0]!.message, /`nn\.CrossEntropyLoss\(foo=…\)` \(line 4\): the Loss Lab trainer does not honour the keyword `foo`/);
});

test('honoured keywords, the legacy size_average and a None pass', () => {
  for (const ctor of ['nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0]), ignore_index=0, label_smoothing=0.1)', 'nn.MSELoss(size_average=False)', 'nn.BCEWithLogitsLoss(pos_weight=None, reduction="sum")']) {
    assert.deepEqual(findUnsupported(lossOf(torchSource(ctor), 'pytorch')), [], ctor);
  }
});

test('a Keras loss object: from_logits and name pass, a keyword its function lacks is refused', () => {
  assert.deepEqual(findUnsupported(lossOf(kerasSource('tf.keras.losses.BinaryCrossentropy(from_logits=True, name="bce")'), 'keras')), []);
  const refused = findUnsupported(lossOf(kerasSource('tf.keras.losses.MeanSquaredError(from_logits=True)'), 'keras'));
  assert.deepEqual(refused.map((u) => u.op), ['tf.keras.losses.MeanSquaredError(from_logits=…)']);
});

test('evaluated anyway, the keyword is refused rather than dropped', () => {
  const loss = lossOf(torchSource('nn.MSELoss(foo=3)'), 'pytorch');
  const run = compileLoss(tf, loss, {});
  assert.throws(() => run(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])), /does not honour the keyword `foo`/);
});
