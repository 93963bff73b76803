// A penalty on the negative part of the last hidden layer (`- z.clamp(max=0).sum()`, codes kept non-negative) reads 0
// at every λ on relu units, which are never below 0: the trial's code layer is linear there, the header says why, and
// the hand-written backward pass takes the identity as that layer's derivative (golden numbers from PyTorch).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import { loadBackend } from '../../../src/trainer/backend';
import { BatchedMlp } from '../../../src/trainer/model';
import { chooseHiddenActivation } from '../../../src/trainer/model/hiddenActivation';

const source = `import torch.nn.functional as F


def nonneg_codes_loss(recon, x, z):
    mse = F.mse_loss(recon, x)
    return mse - z.clamp(max=0).sum() * 20
`;

test('a penalty on the negative part of a hidden-layer argument gets a linear code layer; other penalties keep relu', async () => {
  await initParsers();
  const loss = analyzeSource(source, 'python', 'm.py').models[0]!;
  const choice = chooseHiddenActivation(loss, ['z']);
  assert.equal(choice.activation, 'linear');
  assert.match(choice.reason ?? '', /negative part of `z` \(line 6\)/);
  for (const written of ['F.relu(-z).sum() * 20', 'torch.minimum(z, 0).abs().sum() * 20', 'torch.clamp(z, max=0).abs().sum() * 20']) {
    const other = analyzeSource(source.replace('- z.clamp(max=0).sum() * 20', `+ ${written}`), 'python', 'm.py').models[0]!;
    assert.equal(chooseHiddenActivation(other, ['z']).activation, 'linear', written);
  }
  const positive = analyzeSource(source.replace('- z.clamp(max=0).sum() * 20', '+ z.clamp(min=0).sum() * 20'), 'python', 'm.py').models[0]!;
  assert.equal(chooseHiddenActivation(positive, ['z']).activation, 'relu');
});

// Golden numbers from PyTorch 1.13 (a 3 → 4 relu → 3 linear → 2 linear MLP with the weights below; loss =
// mse(pred, y) − 0.5 · Σ clamp(h, max=0)): loss.backward(), each gradient printed to 7 decimals.
const golden = {
  loss: 0.5393801927566528,
  W0: [0.5052994, 0.0, -0.4844713, 0.1189538, 0.0842166, 0.0, -0.4719044, 0.0198256, -0.1684331, 0.0, 0.9438087, -0.0396513],
  W1: [0.0598978, -0.4351625, -0.0899775, 0.0, 0.0, 0.0, -0.9763285, 0.1834925, 0.1393875, 0.0734231, -0.533425, -0.110295],
  W2: [0.1372557, -0.2246222, -0.4189856, 0.3426097, -0.1049494, 0.0186278],
  b0: [0.3368663, 0.0, -0.0822676, 0.0793025],
  b1: [-0.6616625, -0.3112, 0.0108],
  b2: [-0.34725, 0.075875],
};

test("a linear code layer's forward and hand-written backward give PyTorch's loss and gradients", async () => {
  const { tf } = await loadBackend('cpu');
  const model = new BatchedMlp(tf, { runs: 1, inputs: 3, hidden: [4, 3], outputs: 2, activation: 'linear', lastHidden: 'linear', seed: 1 });
  const kernels = [
    [[0.1, -0.2, 0.3, 0.4], [0.5, 0.6, -0.7, 0.8], [-0.9, 0.1, 0.2, -0.3]],
    [[0.3, -0.6, 0.2], [0.1, 0.4, -0.5], [-0.2, 0.7, 0.3], [0.6, -0.1, 0.2]],
    [[0.4, -0.3], [-0.5, 0.2], [0.1, 0.6]],
  ];
  const biases = [[0.05, -0.05, 0.1, 0.0], [0.0, 0.1, -0.1], [0.02, -0.02]];
  for (const [l, w] of kernels.entries()) model.kernels[l]!.assign(tf.tensor3d([w]));
  for (const [l, b] of biases.entries()) model.biases[l]!.assign(tf.tensor2d([b]));
  const x = tf.tensor2d([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]) as Tensor2D;
  const y = tf.tensor2d([[0.2, -0.1], [0.4, 0.3]]);
  const lossOf = (z: Tensor, h: Tensor): Scalar =>
    tf.sub(tf.mean(tf.square(tf.sub(tf.reshape(z, [2, 2]), y))), tf.mul(0.5, tf.sum(tf.minimum(tf.reshape(h, [2, 3]), 0)))) as Scalar;
  const forward = model.logits(x);
  const hidden = model.lastHidden(forward.cache)!;
  assert.ok(Math.abs(lossOf(forward.logits, hidden).dataSync()[0]! - golden.loss) < 1e-5);
  const [dLogits, dHidden] = tf.grads((z: Tensor, h: Tensor) => lossOf(z, h))([forward.logits, hidden]);
  const got = model.backward(forward.cache, dLogits!, dHidden);
  const names = ['W0', 'W1', 'W2', 'b0', 'b1', 'b2'] as const;
  names.forEach((name, i) => {
    const values = [...got[i]!.dataSync()];
    for (const [j, want] of golden[name].entries()) assert.ok(Math.abs(values[j]! - want) < 1e-5, `${name}[${j}]: ${values[j]} vs PyTorch ${want}`);
  });
});
