// A penalty that reads the last hidden layer as rates in (0, 1) (a KL sparsity's log((1 − ρ) / (1 − ρ̂)), a gate
// entropy's log(1 − m)) gets a sigmoid code layer, as the user's model has: relu units can be 0 or above 1, which made
// the penalty NaN from the first step. The header says so and why; the hand-written backward pass takes sigmoid′.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { loadBackend } from '../../../src/trainer/backend';
import { BatchedMlp } from '../../../src/trainer/model';
import { runTrial } from '../../../src/trainer/trial';
import { lossFrom, specFor } from './helpers';

const klSource = `import torch
import torch.nn.functional as F

def sparse_ae_loss(y_pred, y_true, encoded, rho=0.05, beta=0.1):
    recon = F.mse_loss(y_pred, y_true)
    rho_hat = encoded.mean(dim=0)
    kl = (rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()
    return recon + beta * kl
`;

async function trial(source: string, steps: number): Promise<TrainerToHost[]> {
  await initParsers();
  const loss = analyzeSource(source, 'python', 'loss.py').models[0]!;
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps }), { send: (m) => messages.push(m), shouldStop: () => false });
  return messages;
}

test('a KL sparsity on `encoded`: the code layer is sigmoid, said in the header, and the penalty trains finite', async () => {
  const messages = await trial(klSource, 60);
  assert.deepEqual(messages.filter((m) => m.type === 'error' || (m.type === 'log' && m.level === 'warn')), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /^MLP 8 → 32 → 32 → 4 \(relu hidden layers, the last one sigmoid because the loss takes the log of 1 − `encoded` \(line 7\), which needs activations in \(0, 1\), /);
  assert.match(started.trial!.model, /`encoded` = the last hidden layer's activations \(32 sigmoid units\)/);
  const done = messages.find((m) => m.type === 'done');
  assert.ok(done?.type === 'done');
  assert.deepEqual(done.summaries.map((s) => s.status), ['completed', 'completed']);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const kl = (id: string) => Object.values(points.filter((p) => p.runId === id).at(-1)!.terms).map((t) => t.raw);
  for (const id of ['l0', 'l10']) assert.ok(kl(id).every(Number.isFinite), `run ${id}: every term finite (${kl(id)})`);
});

test('a gate entropy on a further output (`masks`, log(1 − m + eps)): sigmoid code layer, both runs complete', async () => {
  const loss = await lossFrom('test/fixtures/real-shapes/tomb_torch_fn_pruning_masks_sparsity_entropy.py');
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 30 }), { send: (m) => messages.push(m), shouldStop: () => false });
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started', JSON.stringify(messages.find((m) => m.type === 'error')));
  assert.match(started.trial!.model, /the last one sigmoid because the loss takes the log of 1 − `masks` \(line 32\)/);
  const done = messages.find((m) => m.type === 'done');
  assert.ok(done?.type === 'done');
  assert.deepEqual(done.summaries.map((s) => s.status), ['completed', 'completed']);
});

test('a penalty that reads `encoded` without log(1 − …) keeps relu hidden layers', async () => {
  const messages = await trial(klSource.replace(/kl = .*\n/, 'kl = encoded.abs().mean()\n'), 2);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /^MLP 8 → 32 → 32 → 4 \(relu hidden layers, \w+ output\)/);
});

// Golden numbers from PyTorch 1.13 (a 3 → 4 relu → 3 sigmoid → 2 linear MLP with the weights below; loss =
// mse(pred, y) + 0.5 · Σ KL(0.05 ‖ mean code)): loss.backward(), each gradient printed to 7 decimals.
const golden = {
  loss: 1.0537135601043701,
  W0: [-0.0521368, 0.0, 0.2421288, 0.1067659, -0.0086895, 0.0, -0.0905265, 0.0177943, 0.0173789, 0.0, 0.1810531, -0.0355886],
  W1: [0.079766, 0.1163398, 0.0946836, 0.0, 0.0, 0.0, 0.1548358, 0.2173204, 0.2508563, 0.0977777, 0.14261, 0.1160638],
  W2: [-0.1597498, 0.0660686, -0.1759826, 0.1449324, -0.169509, 0.102023],
  b0: [-0.0347578, 0.0, 0.2419616, 0.0711772],
  b1: [0.1966511, 0.2805147, 0.283105],
  b2: [-0.2931847, 0.1776469],
};

for (const backend of ['cpu', 'wasm'] as const) {
  test(`${backend}: a sigmoid code layer's forward and hand-written backward give PyTorch's loss and gradients`, async () => {
    const { tf } = await loadBackend(backend);
    const model = new BatchedMlp(tf, { runs: 1, inputs: 3, hidden: [4, 3], outputs: 2, activation: 'linear', lastHidden: 'sigmoid', seed: 1 });
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
    const rho = 0.05;
    const lossOf = (z: Tensor, h: Tensor): Scalar => {
      const rate = tf.mean(tf.reshape(h, [2, 3]), 0);
      const kl = tf.sum(tf.add(tf.mul(rho, tf.log(tf.div(rho, rate))), tf.mul(1 - rho, tf.log(tf.div(1 - rho, tf.sub(1, rate))))));
      return tf.add(tf.mean(tf.square(tf.sub(tf.reshape(z, [2, 2]), y))), tf.mul(0.5, kl)) as Scalar;
    };
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
}
