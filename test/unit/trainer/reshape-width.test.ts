// The loss's own reshape of its prediction or target (`x.view(-1, 784)`, `tf.reshape(y_true, [-1, N])`) fixes the
// width of a flat sample: the trial's data holds a multiple of it, so the reshape never fails on the trainer's data.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { prepareData } from '../../../src/trainer/data';
import { lossSampleShape } from '../../../src/trainer/data/shape';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const spec = { dataset: { kind: 'synthetic' as const, task: 'auto' as const, samples: 100, features: 6, outputs: 3 }, seed: 5, validationSplit: 0 };
const torchLoss = (source: string) => analyzeSource(`import torch\nimport torch.nn.functional as F\nPIXELS = 5 * 5\n\n${source}`, 'python', 'loss.py').models[0]!;

before(() => initParsers());

test('a reconstruction loss viewing its input as rows of PIXELS gets PIXELS features per sample, and says why', async () => {
  const loss = torchLoss('def rec(recon_x, x, lam=0.1):\n    return F.binary_cross_entropy(recon_x, x.view(-1, PIXELS), reduction="sum") + lam * recon_x.abs().sum()\n');
  const data = await prepareData(spec, loss);
  assert.deepEqual([data.train.features, data.train.outputs], [25, 25]);
  assert.match(data.description, /25 features because the loss reshapes `x` to rows of 25/);
});

test('a prediction reshaped to rows of K (method or function, tuple or list shape) gets a multiple of K outputs', () => {
  assert.deepEqual(lossSampleShape(torchLoss('def f(pred, target):\n    return ((pred.reshape(-1, 10) - target.reshape(-1, 10)) ** 2).mean()\n'), 3).shape, [10]);
  const keras = analyzeSource('import tensorflow as tf\n\ndef f(y_true, y_pred):\n    return tf.reduce_mean(tf.square(tf.reshape(y_pred, [-1, 7]) - tf.reshape(y_true, (-1, 7))))\n', 'python', 'loss.py').models[0]!;
  assert.deepEqual(lossSampleShape(keras, 3).shape, [7]);
  // a width the default already fits is kept, and a reshape of something else says nothing
  assert.deepEqual(lossSampleShape(torchLoss('def f(pred, target):\n    return ((pred.view(-1, 2) - target.view(-1, 2)) ** 2).mean()\n'), 4).shape, [4]);
  assert.deepEqual(lossSampleShape(torchLoss('def f(pred, target, w):\n    return ((pred - target) ** 2).mean() + (w.view(-1, 9) ** 2).mean()\n'), 3).shape, [3]);
});

test('a prediction reshaped to (-1, k, k) gets a multiple of k·k outputs', () => {
  const keras = analyzeSource('import tensorflow as tf\n\ndef f(y_true, y_pred):\n    m = tf.reshape(y_pred, (-1, 3, 3))\n    return tf.reduce_mean(tf.square(m - tf.reshape(y_true, (-1, 3, 3))))\n', 'python', 'loss.py').models[0]!;
  assert.deepEqual(lossSampleShape(keras, 4).shape, [9]);
});

test("an activity regularizer reshaping its layer's output to (-1, k, k): the trial's last hidden layer has k·k units, said, and it trains", async () => {
  const source = `import tensorflow as tf

class Ortho(tf.keras.regularizers.Regularizer):
    def __init__(self, k=3, l2=0.01):
        self.k = k
        self.l2 = l2

    def __call__(self, x):
        mats = tf.reshape(x, (-1, self.k, self.k))
        gram = tf.einsum("bij,bkj->bik", mats, mats)
        return tf.reduce_sum(self.l2 * tf.square(gram - tf.eye(self.k)))

inputs = tf.keras.Input(shape=(8,))
h = tf.keras.layers.Dense(9, activity_regularizer=Ortho())(inputs)
out = tf.keras.layers.Dense(1)(h)
model = tf.keras.Model(inputs, out)
model.compile(optimizer="adam", loss="mse")
`;
  const loss = analyzeSource(source, 'python', 'model.py').models.find((m) => m.kind === 'regularizer')!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 20 }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started && started.type === 'started');
  assert.match(started.trial?.model ?? '', /MLP 8 → 32 → 9 → /);
  assert.match(started.trial?.model ?? '', /the last hidden layer has 9 units because the loss reshapes `x` to rows of 9/);
});
