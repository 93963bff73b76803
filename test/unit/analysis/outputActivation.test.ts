// The output activation is the last layer's: a hidden ReLU followed by a plain linear layer leaves the output linear.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';

before(() => initParsers());

const loss = 'def loss(y_true, y_pred, lam=1.0):\n    return tf.reduce_mean(tf.square(y_true - y_pred)) + lam * tf.reduce_mean(tf.nn.relu(-y_pred))\n';
const activation = (source: string, language: 'python' | 'typescript' = 'python') =>
  analyzeSource(source, language).models[0]?.outputActivation;

test('Keras: Dense(32, relu) then Dense(4) is linear; a final softmax Dense is softmax', () => {
  const head = 'import tensorflow as tf\n' + loss;
  assert.equal(activation(`${head}model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation='relu'), tf.keras.layers.Dense(4)])\n`), 'linear');
  assert.equal(activation(`${head}model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation='relu'), tf.keras.layers.Dense(4, activation='softmax')])\n`), 'softmax');
});

test('PyTorch: Linear, ReLU, Linear is linear; a trailing nn.Sigmoid is sigmoid', () => {
  const head = 'import torch\nfrom torch import nn\n' + loss.replace(/tf\.\w+(\.\w+)?/g, 'torch.mean');
  assert.equal(activation(`${head}net = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 4))\n`), 'linear');
  assert.equal(activation(`${head}net = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 4), nn.Sigmoid())\n`), 'sigmoid');
});

test('TF.js: a dense layer without activation after a relu one is linear', () => {
  const src = [
    "import * as tf from '@tensorflow/tfjs';",
    'const loss = (yTrue, yPred) => tf.losses.meanSquaredError(yTrue, yPred).add(tf.mul(0.5, yPred.neg().relu().mean()));',
    "model.add(tf.layers.dense({ units: 32, activation: 'relu' }));",
    'model.add(tf.layers.dense({ units: 4 }));',
  ].join('\n');
  assert.equal(activation(src, 'typescript'), 'linear');
  assert.equal(activation(src.replace('{ units: 4 }', "{ units: 4, activation: 'sigmoid' }"), 'typescript'), 'sigmoid');
});

test('PyTorch: a softmax over a random draw makes synthetic targets, not the model output', () => {
  const head = 'import torch\nfrom torch import nn\n' + loss.replace(/tf\.\w+(\.\w+)?/g, 'torch.mean');
  const data = 'targets = torch.softmax(torch.randn(100, 4), dim=1)\n';
  assert.equal(activation(`${head}net = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 4))\n${data}`), 'linear');
  assert.equal(activation(`${head}net = nn.Linear(8, 4)\nout = torch.softmax(net(x), dim=1)\n`), 'softmax');
});

test("PyTorch: a softmax inside forward is the output's only where forward returns it, not an attention it pools with", () => {
  const head = 'import torch\nfrom torch import nn\n' + loss.replace(/tf\.\w+(\.\w+)?/g, 'torch.mean');
  const net = (body: string) => `${head}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.query = nn.Linear(8, 8)\n        self.head = nn.Linear(8, 3)\n\n    def forward(self, h):\n${body}`;
  // attention weights returned beside the logits of a linear head
  const attention = '        attn = torch.softmax(self.query(h), dim=1)\n        return attn, self.head(attn * h)\n';
  assert.equal(activation(net(attention)), 'linear');
  // a softmax that feeds another layer (`self.head(q)`) is hidden
  assert.equal(activation(net('        q = torch.softmax(self.query(h), dim=-1)\n        return self.head(q)\n')), 'linear');
  // returned: alone, through its variable, as the first item of a VAE's tuple, or as a field of the outputs
  assert.equal(activation(net('        return torch.sigmoid(self.head(h))\n')), 'sigmoid');
  assert.equal(activation(net('        recon = torch.sigmoid(self.head(h))\n        return recon, h.mean(), h.std()\n')), 'sigmoid');
  assert.equal(activation(net('        cdf = torch.sigmoid(self.head(h))\n        return Outputs(cdf=cdf, risk=h)\n')), 'sigmoid');
});

test("Keras: a convolution's activation is the output's when it is the model's last layer (a VAE's Conv2DTranspose decoder)", () => {
  const head = 'import tensorflow as tf\nfrom tensorflow.keras import layers\n' + loss;
  const decoder = (last: string) => `${head}x = layers.Dense(7 * 7 * 8, activation="relu")(z)\nx = layers.Reshape((7, 7, 8))(x)\nout = ${last}(x)\n`;
  assert.equal(activation(decoder('layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")')), 'sigmoid');
  assert.equal(activation(decoder('layers.Conv2D(4, 1, activation="softmax")')), 'softmax');
  assert.equal(activation(decoder('layers.Conv1D(1, 1)')), 'linear');
});

test('Keras functional: a layer applied where it is built to feed another (Dense(1)(Dense(64, tanh)(x))) is not the output', () => {
  const head = 'import tensorflow as tf\nfrom tensorflow.keras import layers\n' + loss;
  const build = (out: string) => `${head}inputs = layers.Input(shape=(4,))\nx = layers.Dense(32, activation="relu")(inputs)\noutputs = ${out}\n`;
  assert.equal(activation(build('layers.Dense(1)(layers.Dense(64, activation="tanh")(x))')), 'linear');
  assert.equal(activation(build('layers.Dense(1, activation="sigmoid")(layers.Dense(64, activation="tanh")(x))')), 'sigmoid');
});
