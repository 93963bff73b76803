// Layers a loss builds and runs itself (a Barlow Twins loss's own projector, a Keras loss's own head, a model whose
// forward computes its loss through its encoder and decoder): the user's function, with weights of its own that the
// trial trains with the loss, one set per run, shared between two calls of one layer. Before, each such layer was
// "not supported" (LL113) and the loss refused.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { runRules } from '../../../src/analysis/rules';
import type { TrainerToHost } from '../../../src/protocol';
import { loadBackend } from '../../../src/trainer/backend';
import { compileLoss, findUnsupported, LossEvaluationError, UnsupportedOpError } from '../../../src/trainer/interpreter';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

before(() => initParsers());

const projected = `import torch
from torch import nn


class ProjectedDecorrelation(nn.Module):
    def __init__(self, lam=0.05, width=4, proj=6):
        super().__init__()
        self.lam = lam
        self.projector = nn.Sequential(nn.Linear(width, proj, bias=False), nn.BatchNorm1d(proj), nn.ReLU(inplace=True), nn.Linear(proj, proj))

    def forward(self, pred, target):
        fit = torch.mean((pred - target) ** 2)
        a = self.projector(target)
        cross = (a - 0.3).pow(2).mean()
        return fit + self.lam * cross


criterion = ProjectedDecorrelation()
`;

const lossOf = (source: string, name: string): LossModel => {
  const loss = analyzeSource(source, 'python', 'l.py').models.find((m) => m.name === name);
  assert.ok(loss, `${name} is found`);
  return loss;
};

const messagesOf = async (loss: LossModel, steps = 120): Promise<TrainerToHost[]> => {
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps }), { send: (m) => messages.push(m), shouldStop: () => false });
  return messages;
};

const lastRaw = (messages: TrainerToHost[], run: string, term: string): number =>
  messages.flatMap((m) => (m.type === 'metrics' ? m.points : [])).filter((p) => p.runId === run).at(-1)!.terms[term]!.raw;

test('a projector the loss builds is nothing to refuse: no LL113, and the trainer finds no unsupported op', () => {
  const analysis = analyzeSource(projected, 'python', 'l.py');
  assert.deepEqual(findUnsupported(lossOf(projected, 'ProjectedDecorrelation')).map((u) => u.op), []);
  assert.ok(!runRules(analysis, projected).some((f) => f.code === 'LL113'));
});

test("the projector's weights are made on the first evaluation, once per layer however often it is called, and each compiled loss has its own", async () => {
  const tf = (await loadBackend('cpu')).tf;
  const loss = lossOf(projected, 'ProjectedDecorrelation');
  const [one, other] = [compileLoss(tf, loss, {}), compileLoss(tf, loss, {})];
  const pred = tf.randomNormal([16, 4], 0, 1, 'float32', 1);
  const target = tf.randomNormal([16, 4], 0, 1, 'float32', 2);
  assert.equal(one.layerWeights().length, 0);
  one(target, pred);
  one(pred, target);
  // Linear(4, 6) without bias: weight; BatchNorm1d(6): weight, bias; Linear(6, 6): weight, bias
  assert.deepEqual(one.layerWeights().map((w) => w.shape), [[4, 6], [6], [6], [6, 6], [6]]);
  other(target, pred);
  assert.notEqual(other.layerWeights()[0], one.layerWeights()[0]);
});

test('the layers compute what torch computes in training mode (batch norm on the batch statistics)', async () => {
  const tf = (await loadBackend('cpu')).tf;
  const source = `import torch
from torch import nn


class Normed(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.BatchNorm1d(2, affine=False)
        self.lin = nn.Linear(2, 1, bias=False)

    def forward(self, pred, target):
        return torch.mean((pred - target) ** 2) + 0.5 * self.lin(self.norm(pred)).pow(2).mean()
`;
  const loss = lossOf(source, 'Normed');
  const compiled = compileLoss(tf, loss, {});
  const pred = tf.tensor2d([
    [1, 2],
    [3, 6],
    [5, 4],
  ]);
  compiled(tf.zerosLike(pred), pred);
  const [w] = compiled.layerWeights() as [Tensor & { assign(t: Tensor): void }];
  w.assign(tf.tensor2d([[2], [-1]]));
  const out = compiled(tf.zerosLike(pred), pred);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!.id;
  // by hand: column means 3 and 4, biased variances 8/3 and 8/3; normalised rows (±√1.5 …); then 2a − b, squared, mean
  const s = Math.sqrt(8 / 3 + 1e-5);
  const normed = [
    [(1 - 3) / s, (2 - 4) / s],
    [(3 - 3) / s, (6 - 4) / s],
    [(5 - 3) / s, (4 - 4) / s],
  ];
  const want = normed.map(([a, b]) => (2 * a! - b!) ** 2).reduce((x, y) => x + y, 0) / 3;
  assert.ok(Math.abs(out.terms[penalty]!.raw.dataSync()[0]! - want) < 1e-4, `${out.terms[penalty]!.raw.dataSync()[0]} vs ${want}`);
});

test('a loss module with its own projector trains, its prediction as wide as the first Linear takes, and its penalty falls at λ = 10', async () => {
  const loss = lossOf(projected, 'ProjectedDecorrelation');
  const messages = await messagesOf(loss);
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const started = messages.find((m) => m.type === 'started');
  assert.ok(started?.type === 'started');
  assert.match(started.trial!.data, /4 outputs because the loss reads `self\.projector\(target\)` \(nn\.Linear\(4, …\), line 13\)/);
  // the penalty reads the targets through the projector alone: only the projector's own weights can lower it
  const cross = loss.terms.find((t) => t.role === 'penalty')!.id;
  assert.ok(lastRaw(messages, 'l10', cross) < lastRaw(messages, 'l0', cross) / 2, `${lastRaw(messages, 'l10', cross)} vs ${lastRaw(messages, 'l0', cross)}`);
});

test("a Keras loss's own Dense head is built on its first input and trained with the loss", async () => {
  const source = `import tensorflow as tf
from tensorflow import keras


class HeadPenalty(keras.losses.Loss):
    def __init__(self, lam=0.1):
        super().__init__()
        self.lam = lam
        self.head = keras.layers.Dense(3, activation="tanh")

    def call(self, y_true, y_pred):
        mse = tf.reduce_mean(tf.square(y_true - y_pred))
        z = self.head(y_true)
        return mse + self.lam * tf.reduce_mean(tf.square(z - 0.5))
`;
  const loss = lossOf(source, 'HeadPenalty');
  assert.deepEqual(findUnsupported(loss).map((u) => u.op), []);
  const messages = await messagesOf(loss, 80);
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!.id;
  // the head runs on the targets: only its own weights can bring tanh(z) to 0.5
  assert.ok(lastRaw(messages, 'l10', penalty) < lastRaw(messages, 'l0', penalty) / 2, `${lastRaw(messages, 'l10', penalty)} vs ${lastRaw(messages, 'l0', penalty)}`);
});

test('a layer keyword the trainer does not honour is refused by name and line, never dropped', async () => {
  const tf = (await loadBackend('cpu')).tf;
  const source = projected.replace('nn.Linear(proj, proj))', 'nn.Linear(proj, proj, norm_type=2))');
  const compiled = compileLoss(tf, lossOf(source, 'ProjectedDecorrelation'), {});
  const pred = tf.ones([4, 4]);
  assert.throws(
    () => compiled(pred, pred),
    (e: unknown) => (e instanceof UnsupportedOpError || e instanceof LossEvaluationError) && /line 9: `nn\.Linear\(norm_type=…\)` is not honoured/.test(e.message),
  );
});

test("a loss module's own nn.Parameter is a weight of the loss, starting at its initial tensor, trained with it", async () => {
  const source = `import torch
from torch import nn


class Anchored(nn.Module):
    def __init__(self, width=4, lam=0.1):
        super().__init__()
        self.width = width
        self.lam = lam
        self.anchor = nn.Parameter(torch.zeros(self.width))

    def forward(self, pred, target):
        fit = torch.mean((pred - target) ** 2)
        drift = ((self.anchor - 0.5) ** 2).sum()
        return fit + self.lam * drift


criterion = Anchored(width=4, lam=0.1)
`;
  const loss = lossOf(source, 'Anchored');
  assert.deepEqual(findUnsupported(loss).map((u) => u.op), []);
  const tf = (await loadBackend('cpu')).tf;
  const compiled = compileLoss(tf, loss, {});
  const drift = loss.terms.find((t) => t.role === 'penalty')!.id;
  // starts at zeros: (0 − 0.5)² · 4 = 1
  assert.equal(compiled(tf.zeros([2, 4]), tf.zeros([2, 4])).terms[drift]!.raw.dataSync()[0], 1);
  const messages = await messagesOf(loss, 80);
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  // only the parameter can move the penalty: it falls at λ = 10 and stays at λ = 0
  assert.ok(lastRaw(messages, 'l10', drift) < lastRaw(messages, 'l0', drift) / 2, `${lastRaw(messages, 'l10', drift)} vs ${lastRaw(messages, 'l0', drift)}`);
});
