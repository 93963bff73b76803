// A prediction flattened to one value per sample beside target columns (an interval [lower, upper] target): the
// trial's model has one output and the synthetic target as many columns as the loss reads (not the prediction's
// width, which made `y_true[:, 0] - K.flatten(y_pred)` fail to broadcast on the user's line); and a shape failure
// on the trainer's own synthetic data says it is the data's, not the user's code.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { lossSampleShape, prepareData } from '../../../src/trainer/data';
import { compileLoss } from '../../../src/trainer/interpreter';
import { syntheticShapeFault } from '../../../src/trainer/syntheticShapeFault';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

const spec = { dataset: { kind: 'synthetic' as const, task: 'auto' as const, samples: 200, features: 6, outputs: 4 }, seed: 3, validationSplit: 0 };
const keras = (source: string) => analyzeSource(`import tensorflow as tf\nfrom tensorflow.keras import backend as K\n\n${source}`, 'python', 'loss.py').models[0]!;
const torch = (source: string) => analyzeSource(`import torch\n\n${source}`, 'python', 'loss.py').models[0]!;

const interval = `def interval(y_true, y_pred, w=0.1):
    lo = y_true[:, 0]
    hi = y_true[:, 1]
    p = K.flatten(y_pred)
    miss = K.mean(K.relu(lo - p) + K.relu(p - hi))
    return miss + w * K.mean(K.square(p - 0.5 * (lo + hi)))
`;

before(() => initParsers());

test('`K.flatten(y_pred)` against `y_true[:, 0]` and `y_true[:, 1]`: one output, targets of two columns, each said', async () => {
  const data = await prepareData(spec, keras(interval));
  assert.deepEqual(data.sampleShape, [1]);
  assert.deepEqual(data.targetShape, [2]);
  assert.equal(data.train.targets, 2);
  assert.equal(data.train.outputs, 1);
  assert.match(data.description, /targets of 2 columns because the loss reads target columns beside the flattened prediction \(`lo - p`, line 8\)/);
});

test('the other flattenings (`tf.reshape(y_pred, [-1])`, `tf.squeeze(y_pred)`, `pred.view(-1)`) and a third column', async () => {
  const forms = [
    keras('def l(y_true, y_pred, w=0.1):\n    p = tf.reshape(y_pred, [-1])\n    return K.mean(K.square(y_true[:, 0] - p)) + w * K.mean(K.relu(p - y_true[:, 2]))\n'),
    keras('def l(y_true, y_pred, w=0.1):\n    p = tf.squeeze(y_pred)\n    return K.mean(y_true[:, 1] * K.square(y_true[:, 0] - p)) + w * K.mean(K.relu(p - y_true[:, 2]))\n'),
    torch('def l(pred, target, w=0.1):\n    p = pred.view(-1)\n    return ((target[:, 0] - p) ** 2).mean() + w * torch.relu(p - target[:, 2]).mean()\n'),
  ];
  for (const loss of forms) {
    const data = await prepareData(spec, loss);
    assert.deepEqual([data.sampleShape, data.targetShape], [[1], [3]], loss.body.text);
  }
});

test('the flattening and the target columns seen through casts (`tf.cast(tf.squeeze(y_pred, axis=-1), tf.float32)`, `.float()`)', async () => {
  const forms = [
    keras('def l(y_true, y_pred, w=0.1):\n    load = tf.cast(y_true[:, 0], tf.float32)\n    p = tf.cast(tf.squeeze(y_pred, axis=-1), tf.float32)\n    return K.mean(K.square(load - p)) + w * K.mean(K.relu(p - y_true[:, 1]))\n'),
    torch('def l(pred, target, w=0.1):\n    p = pred.squeeze(-1).float()\n    return ((target[:, 0].float() - p) ** 2).mean() + w * torch.relu(p - target[:, 1]).mean()\n'),
  ];
  for (const loss of forms) {
    const data = await prepareData(spec, loss);
    assert.deepEqual([data.sampleShape, data.targetShape], [[1], [2]], loss.body.text);
  }
});

test('a loss that reads columns of its prediction, or flattens both sides (a Dice loss), keeps the prediction shape', async () => {
  const own = keras('def l(y_true, y_pred, w=0.1):\n    return K.mean(K.square(y_true[:, 0] - y_pred[:, 1])) + w * K.mean(K.abs(K.flatten(y_pred) - y_true[:, 0]))\n');
  const dice = keras('def l(y_true, y_pred, w=0.1):\n    t = K.flatten(y_true)\n    p = K.flatten(y_pred)\n    return 1 - 2 * K.sum(t * p) / (K.sum(t) + K.sum(p) + 1) + w * K.mean(K.abs(p))\n');
  for (const loss of [own, dice]) {
    const data = await prepareData(spec, loss);
    assert.equal(data.targetShape, undefined, loss.body.text);
    assert.notDeepEqual(data.sampleShape, [1], loss.body.text);
  }
});

test('the interval loss trains with its centring penalty (it failed to broadcast before)', async () => {
  const loss = keras(interval);
  const runs = [0, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 40, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const last = messages.flatMap((m) => (m.type === 'metrics' ? m.points : [])).at(-1)!;
  assert.ok(Number.isFinite(last.terms[penalty.id]!.raw));
});

test('a shape failure on synthetic data is said to be the data\'s, with the shapes the trial gave; on the user\'s data it stays', async () => {
  const data = await prepareData(spec, keras(interval));
  const message = 'line 8: `-`: shapes [2] and [8] do not broadcast';
  assert.match(syntheticShapeFault(message, data, true)!, /^the trial's synthetic data does not fit this loss \(line 8: .*; the trial gave predictions \(N, 1\) and targets \(N, 2\)\): Loss Lab shaped its own data wrong, your code is not at fault/);
  assert.equal(syntheticShapeFault(message, data, false), undefined);
  assert.equal(syntheticShapeFault('line 8: `foo` is not supported', data, true), undefined);
  // a slice past the synthetic prediction's end (the data has fewer outputs than the loss slices) is the data's too
  const overflow = 'line 17: `.slice`: Error in slice2D: begin[1] + size[1] (12) would overflow input.shape[1] (4)';
  assert.match(syntheticShapeFault(overflow, data, true)!, /^the trial's synthetic data does not fit this loss \(line 17: /);
  // a tensor with fewer axes than the loss reads (an image or a sequence the trial gave flat) is the data's too
  const tiled = 'line 50: `.tile`: Error in transpose: rank of input 2 must match length of reps 1,1,1,3.';
  assert.match(syntheticShapeFault(tiled, data, true)!, /^the trial's synthetic data does not fit this loss \(line 50: /);
  const indexed = 'line 24: `[]`: too many indices (3) for a tensor of rank 2';
  assert.match(syntheticShapeFault(indexed, data, true)!, /^the trial's synthetic data does not fit this loss \(line 24: /);
});

const packedFairness = (lastLayer: string) => `import tensorflow as tf

FAIR = 0.3

def fair_bce(y_true, y_pred):
    labels = y_true[:, 0:1]
    group = y_true[:, 1:2]
    bce = tf.keras.losses.binary_crossentropy(labels, y_pred)
    gap = tf.abs(tf.reduce_sum(y_pred * group) / tf.reduce_sum(group) - tf.reduce_sum(y_pred * (1 - group)) / tf.reduce_sum(1 - group))
    return tf.reduce_mean(bce) + FAIR * gap

model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu"), ${lastLayer}])
model.compile(optimizer="adam", loss=fair_bce)
`;

test("a label and a group packed in the target (`y_true[:, 0:1]`, `y_true[:, 1:2]`) beside a model of one output: one output, two target columns", async () => {
  const loss = analyzeSource(packedFairness('tf.keras.layers.Dense(1, activation="sigmoid")'), 'python', 'fair.py').models[0]!;
  const data = await prepareData(spec, loss);
  assert.deepEqual([data.sampleShape, data.targetShape], [[1], [2]]);
  assert.match(data.description, /targets of 2 columns because the loss reads target columns \(`y_true\[:, 0:1\]`, line 6\)/);
  assert.equal(lossSampleShape(loss, 4).why, "1 output because your model's last layer has 1 unit (line 12)");
  // a last layer of several units keeps the prediction as wide as the target columns
  const wide = analyzeSource(packedFairness('tf.keras.layers.Dense(2, activation="sigmoid")'), 'python', 'fair.py').models[0]!;
  assert.notDeepEqual((await prepareData(spec, wide)).sampleShape, [1]);
});

test('a Keras loss object on one target column and the whole prediction: one output, and Keras squeezes the prediction to meet the column', async () => {
  const loss = keras(`class Blend(tf.keras.losses.Loss):
    def __init__(self, weight=0.9):
        super().__init__()
        self.w = weight
        self.fit = tf.keras.losses.MeanSquaredError()

    def call(self, y_true, y_pred):
        band = tf.square(tf.nn.relu(tf.abs(y_pred[:, 0] - y_true[:, 1]) - 0.25))
        return self.w * band + (1.0 - self.w) * self.fit(y_true[:, 0], y_pred)
`);
  const data = await prepareData(spec, loss);
  assert.deepEqual(data.sampleShape, [1]);
  assert.deepEqual(data.targetShape, [2]);
  assert.match(data.description, /targets of 2 columns because the loss reads target columns \(`self\.fit\(y_true\[:, 0\], y_pred\)`, line 12\)/);
  await cpu();
  const fit = loss.terms.find((t) => t.expr.text.includes('self.fit'))!;
  const v = compileLoss(tf, loss, {})(tf.tensor2d([[1, 0], [3, 0]]), tf.tensor2d([[2], [1]]));
  // MeanSquaredError of [1, 3] against [2, 1] (squeezed): (1 + 4) / 2 = 2.5, not the (2, 2) broadcast's mean
  assert.ok(Math.abs(v.terms[fit.id]!.raw.dataSync()[0]! - 2.5) < 1e-6, `mse ${v.terms[fit.id]!.raw.dataSync()[0]}`);
});
