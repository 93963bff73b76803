import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { loadBackend } from '../../../src/trainer/backend';
import { BatchedMlp, chooseOutputActivation } from '../../../src/trainer/model';
import { lossFrom } from './helpers';

test('the batched MLP gives every run the same start, equal to a single run and to the stacked forward', async () => {
  const { tf } = await loadBackend('cpu');
  const options = { runs: 3, inputs: 5, hidden: [7, 6], outputs: 4, activation: 'softmax' as const, seed: 3 };
  const native = new BatchedMlp(tf, options);
  const single = new BatchedMlp(tf, { ...options, runs: 1 });
  const x = tf.randomNormal([8, 5]) as Tensor2D;
  const a = native.predictions(x).map((t) => Array.from(t.dataSync()));
  const b = (tf.unstack(native.forward(x)) as Tensor2D[]).map((t) => Array.from(t.dataSync()));
  const c = Array.from(single.predictions(x)[0]!.dataSync());
  assert.equal(a.length, 3);
  for (let k = 0; k < 3; k++) {
    a[k]!.forEach((v, i) => {
      assert.ok(Math.abs(v - b[k]![i]!) < 1e-5);
      assert.ok(Math.abs(v - c[i]!) < 1e-5, 'same initial weights as a single run');
    });
  }
  // softmax rows sum to one; shapes are [B, outputs]
  assert.deepEqual(native.predictions(x)[0]!.shape, [8, 4]);
  assert.ok(Math.abs(a[0]!.slice(0, 4).reduce((s, v) => s + v, 0) - 1) < 1e-5);
  assert.deepEqual(native.kernels.map((k) => k.shape), [[3, 5, 7], [3, 7, 6], [3, 6, 4]]);
});

test('the output activation is inferred from the loss and the reason is given', async () => {
  const ex1 = await lossFrom('test/fixtures/seed/example1_sum_to_one.py');
  const ex2 = await lossFrom('test/fixtures/seed/example2_bounded_output.py');
  const ex3 = await lossFrom('test/fixtures/seed/example3_sparsity.py');
  assert.match(chooseOutputActivation(ex1, 'auto').reason, /^sigmoid: a softmax sums to one by construction/);
  assert.equal(chooseOutputActivation(ex2, 'auto').activation, 'linear');
  assert.equal(chooseOutputActivation(ex3, 'auto').activation, 'linear');
  assert.deepEqual(chooseOutputActivation(ex1, 'tanh'), { activation: 'tanh', reason: 'tanh: set in the settings' });
  // categorical cross-entropy without a sum-to-one penalty: softmax; from_logits: linear
  const plain = { ...ex1, terms: ex1.terms.filter((t) => t.role === 'base') };
  assert.equal(chooseOutputActivation(plain, 'auto').activation, 'softmax');
  // sum-to-one beside a [0, 1] bound: a sigmoid would meet the bound by construction (its front would be flat at 0)
  const box = await lossFrom('test/fixtures/sweep2/two_penalties.py');
  assert.deepEqual(box.terms.map((t) => t.constraint?.kind).filter(Boolean).sort(), ['bounds', 'sum-to-one']);
  assert.equal(chooseOutputActivation(box, 'auto').activation, 'linear');
  assert.equal(chooseOutputActivation({ ...plain, outputActivation: 'sigmoid' }, 'auto').reason, "sigmoid: as in your model's last layer");
});

test("a softmax in the model's last layer gives way to a sigmoid when a penalty constrains the outputs' sum (any target)", async () => {
  await initParsers();
  const source = `import keras
from keras import ops


class CountPrior(keras.layers.Layer):
    def call(self, probs):
        total = ops.sum(probs, axis=-1)
        self.add_loss(0.02 * ops.mean(ops.square(total - 5.0)))
        return probs


inp = keras.Input(shape=(8,))
probs = CountPrior()(keras.layers.Dense(10, activation="softmax")(inp))
model = keras.Model(inp, probs)
model.compile(optimizer="adam", loss="binary_crossentropy")
`;
  const loss = analyzeSource(source, 'python', 'm.py').models.find((m) => m.kind === 'add-loss')!;
  assert.equal(loss.outputActivation, 'softmax', "the file's last layer");
  const choice = chooseOutputActivation(loss, 'auto');
  assert.equal(choice.activation, 'sigmoid');
  assert.match(choice.reason, /softmax, which fixes the sum of the outputs that the penalty constrains \(`ops\.sum\(probs, axis=-1\)`, line 7\)/);
  // a sum over the batch (axis 0) is not fixed by a softmax: the written activation stands
  const overBatch = analyzeSource(source.replace('axis=-1', 'axis=0'), 'python', 'm.py').models.find((m) => m.kind === 'add-loss')!;
  assert.equal(chooseOutputActivation(overBatch, 'auto').activation, 'softmax');
  // a sigmoid head beside a softmax head: no one output activation is the file's, so none is written to give way
  const twoHeads = source.replace('model = keras.Model(inp, probs)', 'side = keras.layers.Dense(10, activation="sigmoid")(inp)\nmodel = keras.Model(inp, [probs, side])');
  assert.equal(analyzeSource(twoHeads, 'python', 'm.py').models.find((m) => m.kind === 'add-loss')!.outputActivation, undefined);
});

test('the softmax a categorical loss implies gives way to a sigmoid when a penalty reads the outputs\' sum (beyond a tolerance)', async () => {
  await initParsers();
  const source = `import tensorflow as tf


def simplex_loss(y_true, y_pred, tol=0.01, lam=0.5):
    ce = tf.keras.losses.categorical_crossentropy(y_true, y_pred)
    gap = tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0)
    excess = tf.nn.relu(gap - tol)
    return ce + lam * excess
`;
  const loss = analyzeSource(source, 'python', 'm.py').models[0]!;
  const choice = chooseOutputActivation(loss, 'auto');
  assert.equal(choice.activation, 'sigmoid');
  assert.match(choice.reason, /a softmax would fix the sum of the outputs that the penalty constrains \(`tf\.reduce_sum\(y_pred, axis=-1\)`, line 6\)/);
  // a penalty that does not read the outputs' sum keeps the softmax
  const other = analyzeSource(source.replace('tf.reduce_sum(y_pred, axis=-1)', 'tf.reduce_max(y_pred, axis=-1)'), 'python', 'm.py').models[0]!;
  assert.equal(chooseOutputActivation(other, 'auto').activation, 'softmax');
});
