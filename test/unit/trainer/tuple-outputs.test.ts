// A criterion whose first argument is the model's output tuple (`logits, aux_norm = outputs`, as models that return
// an auxiliary quantity beside their logits are trained) trains: the trial model's output is the first item, the last
// hidden layer's activations the second, and the header says so. A target used as the index of a hand-written
// cross-entropy (`soft.scatter_(1, labels.unsqueeze(1), …)`) makes the data class indices.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { lossTask } from '../../../src/trainer/data';
import { compileLoss } from '../../../src/trainer/interpreter';
import { mappedTensorArgs, outputItemIndex, predictionItems } from '../../../src/trainer/tensorArgs';
import { runTrial } from '../../../src/trainer/trial';
import { cpu, tf } from '../interpreter/tf';
import { specFor } from './helpers';

const source = `import torch
import torch.nn as nn


class SmoothedWithAux(nn.Module):
    def __init__(self, eps=0.1, beta=0.5):
        super().__init__()
        self.eps = eps
        self.beta = beta
        self.log_softmax = nn.LogSoftmax(dim=-1)

    def forward(self, outputs, labels):
        logits, aux_norm = outputs
        log_probs = self.log_softmax(logits)
        with torch.no_grad():
            soft = torch.full_like(log_probs, self.eps / (logits.shape[1] - 1))
            soft.scatter_(1, labels.unsqueeze(1), 1.0 - self.eps)
        smoothed = -torch.mean(torch.sum(soft * log_probs, dim=-1))
        aux = torch.mean(aux_norm ** 2)
        return smoothed + self.beta * aux
`;

let loss: LossModel;
before(async () => {
  await cpu();
  await initParsers();
  loss = analyzeSource(source, 'python', 'criterion.py').models[0]!;
});

test('the unpacked prediction is a tuple: the output, then a further item by name', () => {
  assert.deepEqual(predictionItems(loss), ['outputs[0]', 'outputs[1]']);
  const run = compileLoss(tf, loss, {});
  const logits = tf.tensor2d([[2, 0, -1], [0, 1, 0]]);
  const labels = tf.tensor1d([0, 2], 'int32');
  const aux = tf.tensor2d([[1, 3], [2, 0]]);
  const v = run(labels, logits, { tensors: { 'outputs[1]': aux } });
  // by hand: smoothed targets [0.9, 0.05, 0.05] and [0.05, 0.05, 0.9]; aux = mean([1, 9, 4, 0]) = 3.5
  const lsm = (row: number[]) => row.map((x) => x - Math.log(row.reduce((s, y) => s + Math.exp(y), 0)));
  const [a, b] = [lsm([2, 0, -1]), lsm([0, 1, 0])];
  const smoothed = -((0.9 * a[0]! + 0.05 * a[1]! + 0.05 * a[2]!) + (0.05 * b[0]! + 0.05 * b[1]! + 0.9 * b[2]!)) / 2;
  assert.ok(Math.abs(v.total.dataSync()[0]! - (smoothed + 0.5 * 3.5)) < 1e-5, `total ${v.total.dataSync()[0]} vs ${smoothed + 1.75}`);
});

test('a target used as the index of a scatter is class labels', () => {
  assert.deepEqual(lossTask(loss), { task: 'classification', encoding: 'index', because: '.scatter_' });
});

test('it trains: the second item is the hidden activations, which λ shrinks', async () => {
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  assert.ok(penalty, `a penalty (terms ${loss.terms.map((t) => t.label).join(', ')})`);
  const runs = [0, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 120, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.model, /`outputs\[1\]` = the last hidden layer's activations \(32 relu units\), a further output beside the prediction.*the loss unpacks its prediction as a tuple/);
  assert.match(started.dataset.description, /class indices/);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!;
  const free = last('l0').terms[penalty.id]!.raw;
  const pushed = last('l10').terms[penalty.id]!.raw;
  assert.ok(pushed < free / 2, `λ = 10: mean aux² = ${pushed}, against ${free} at λ = 0`);
});

test('a Keras add_loss layer unpacking its inputs beside a compiled loss: the compiled loss reads the model output, the items are the tensors the layer is placed on', () => {
  const keras = analyzeSource(`import keras
from keras import backend as K


class KLLayer(keras.layers.Layer):
    def call(self, inputs):
        mean, log_var = inputs
        self.add_loss(0.5 * K.mean(K.sum(K.square(mean) + K.exp(log_var) - 1 - log_var, axis=-1)))
        return inputs


def build():
    model = keras.models.Model(inp, out)
    model.compile(optimizer="adam", loss="mse")
    return model
`, 'python', 'vae.py').models[0]!;
  assert.equal(keras.terms.find((t) => t.role === 'base')?.label, 'mse');
  const run = compileLoss(tf, keras, {});
  const out = tf.tensor2d([[1, 2], [0, 1]]);
  const logVar = tf.tensor2d([[0, 0], [0, 0]]);
  // the layer sits on the encoder's heads (`mean, log_var = inputs`), not on the prediction: they are tensors by name
  // (a VAE head's mean and log-variance, tensorArgs.ts), never items of the model's output
  assert.deepEqual(keras.params.filter((p) => p.role === 'tensor').map((p) => p.name), ['mean', 'log_var']);
  const v = run(tf.tensor2d([[1, 1], [1, 1]]), out, { tensors: { mean: tf.tensor2d([[1, 2], [0, 1]]), log_var: logVar } });
  // mse of the output: mean([0, 1, 1, 0]) = 0.5; KL with mean = [[1, 2], [0, 1]], log_var = 0: 0.5 · mean([1 + 4, 0 + 1]) = 1.5
  assert.ok(Math.abs(v.original.dataSync()[0]! - 0.5) < 1e-5, `original ${v.original.dataSync()[0]}`);
  assert.ok(Math.abs(v.total.dataSync()[0]! - 2) < 1e-5, `total ${v.total.dataSync()[0]}`);
});

test('a prediction unpacked heads first (`[m, lv, recon] = yPred`): the item compared with the target is the output, the others are handed by name', () => {
  const js = analyzeSource(`const tf = require('@tensorflow/tfjs');

const vaeLoss = (yTrue, yPred) =>
  tf.tidy(() => {
    const [m, lv, recon] = yPred;
    const rec = tf.losses.meanSquaredError(yTrue, recon);
    const kl = tf.mean(tf.sum(m.square().add(lv.exp()).sub(lv).sub(1), -1));
    return rec.add(kl);
  });

module.exports = { vaeLoss };
`, 'javascript', 'vae.js').models[0]!;
  assert.equal(outputItemIndex(js), 2);
  assert.deepEqual(mappedTensorArgs(js).map((a) => `${a.name} ${a.kind}`), ['yPred[0] output-item', 'yPred[1] output-item']);
  const run = compileLoss(tf, js, {});
  const v = run(tf.tensor2d([[1, 1], [1, 1]]), tf.tensor2d([[1, 3], [1, 1]]), {
    tensors: { 'yPred[0]': tf.tensor2d([[1, 0], [0, 2]]), 'yPred[1]': tf.tensor2d([[0, 0], [0, 0]]) },
  });
  // mse of recon against the target: mean([0, 4, 0, 0]) = 1; KL rows: (1 + 1 - 0 - 1) + (0 + 1 - 1) = 1, (0 + 0) + (4 + 0) = 4 → mean 2.5
  assert.ok(Math.abs(v.original.dataSync()[0]! - 1) < 1e-5, `original ${v.original.dataSync()[0]}`);
  assert.ok(Math.abs(v.total.dataSync()[0]! - 3.5) < 1e-5, `total ${v.total.dataSync()[0]}`);
});
