// A loss that reads its prediction's columns (`y_pred[:, 1:] - y_pred[:, :-1]`) in a file whose model ends in a layer
// of known width (`Dense(6)`, `nn.Linear(h, N_OUT)` with N_OUT = 6) gets a trial prediction that wide, said in the
// header, so the columns mean what they mean in the user's model; a width the file does not show, or a loss that
// never reads columns, keeps the trial's default.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { lossSampleShape } from '../../../src/trainer/data';

before(() => initParsers());

const keras = (last: string, penalty = 'K.mean(K.relu(-(y_pred[:, 1:] - y_pred[:, :-1])))') => `import tensorflow as tf
from tensorflow.keras import backend as K, layers

ALPHA = 0.5

def monotone_mse(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true)) + ALPHA * ${penalty}

model = tf.keras.Sequential([layers.Dense(32, activation="relu"), ${last}])
model.compile(optimizer="adam", loss=monotone_mse)
`;

const lossOf = (source: string) => analyzeSource(source, 'python', 'f.py').models[0]!;

test("the model's last Dense(6): six outputs, said with the layer's line", () => {
  const loss = lossOf(keras('layers.Dense(6)'));
  assert.deepEqual(loss.outputUnits, { count: 6, line: 9 });
  const shape = lossSampleShape(loss, 4);
  assert.deepEqual(shape.shape, [6]);
  assert.match(shape.why ?? '', /^6 outputs because your model's last layer has 6 units \(line 9\) and the loss reads `y_pred\[:, 1:\]`/);
});

test('nn.Linear(h, N_OUT) with a module constant: that many outputs', () => {
  const loss = lossOf(`import torch
import torch.nn as nn

N_OUT = 5

def monotone(pred, target, lam=0.1):
    return ((pred - target) ** 2).mean() + lam * torch.relu(pred[:, :-1] - pred[:, 1:]).mean()

net = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, N_OUT))
`);
  assert.deepEqual(lossSampleShape(loss, 4).shape, [5]);
});

test("a last layer of unknown width, or a loss that never reads columns, keeps the trial's default", () => {
  assert.deepEqual(lossSampleShape(lossOf(keras('layers.Dense(n_out)')), 4).shape, [4]);
  assert.equal(lossOf(keras('layers.Dense(n_out)')).outputUnits, undefined);
  assert.deepEqual(lossSampleShape(lossOf(keras('layers.Dense(6)', 'K.mean(K.relu(-y_pred))')), 4).shape, [4]);
});

test('TF.js: the last tf.layers.dense({units: 10}) gives ten outputs, said with its line', () => {
  const loss = analyzeSource(
    `const tf = require('@tensorflow/tfjs');
function smoothLoss(yTrue, yPred) {
  const diffs = yPred.slice([0, 1], [-1, -1]).sub(yPred.slice([0, 0], [-1, yPred.shape[1] - 1]));
  return tf.losses.meanSquaredError(yTrue, yPred).add(diffs.square().mean().mul(0.05));
}
const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [6] }));
model.add(tf.layers.dense({ units: 10 }));
model.compile({ optimizer: 'adam', loss: smoothLoss });
`,
    'javascript',
    'f.js',
  ).models[0]!;
  assert.deepEqual(loss.outputUnits, { count: 10, line: 8 });
  const shape = lossSampleShape(loss, 4);
  assert.deepEqual(shape.shape, [10]);
  assert.match(shape.why ?? '', /^10 outputs because your model's last layer has 10 units \(line 8\)/);
});

test("a classifier's last layer is its count of classes: a center loss sized by it fits (five classes, not the default four)", () => {
  const loss = lossOf(`import torch
import torch.nn as nn
import torch.nn.functional as F

N_CLASSES = 5


class CenterLoss(nn.Module):
    def __init__(self, num_classes, lam=0.01):
        super().__init__()
        self.centers = nn.Parameter(torch.randn(num_classes, num_classes))
        self.lam = lam

    def forward(self, logits, target):
        pull = (logits - self.centers.index_select(0, target)).pow(2).sum(dim=1).mean()
        return F.cross_entropy(logits, target) + self.lam * pull


net = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, N_CLASSES))
criterion = CenterLoss(N_CLASSES)
`);
  assert.deepEqual(lossSampleShape(loss, 4).shape, [5]);
  assert.match(lossSampleShape(loss, 4).why ?? '', /^5 outputs because your model's last layer has 5 units \(line 19\)/);
  // a regression loss that never reads columns keeps the default
  assert.deepEqual(lossSampleShape(lossOf(keras('layers.Dense(6)', 'K.mean(K.square(y_pred))')), 4).shape, [4]);
});
