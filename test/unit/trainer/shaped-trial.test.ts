// The trial's data and model take the shape the loss reads: as many outputs as its highest index + 1 or its
// per-output constant, images for a loss that indexes four axes, sequences for three. Such losses train (their
// index is never "out of range" on the trainer's own data), and the header says what the data is and why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { lossSampleShape } from '../../../src/trainer/data/shape';
import { runTrial } from '../../../src/trainer/trial';
import { buildTrialSpec, type TrainingSettings } from '../../../src/trial/spec';
import { specFor } from './helpers';

async function loss(source: string, name?: string): Promise<LossModel> {
  await initParsers();
  const models = analyzeSource(source, 'python', 'loss.py').models;
  const m = name ? models.find((x) => x.name === name) : models[0];
  if (!m) throw new Error(`no loss in:\n${source}`);
  return m;
}

const torchHeader = 'import torch\nimport torch.nn.functional as F\n\n';

const orderedOutputs = `${torchHeader}def ordered(y_pred, y_true, lam=0.5):
    base = F.mse_loss(y_pred, y_true)
    order = torch.relu(y_pred[:, 3] - y_pred[:, 5]).mean()
    return base + lam * order
`;

const perOutputPrior = `${torchHeader}def weighted(y_pred, y_true, lam=0.1):
    w = torch.tensor([0.5] * 6)
    return F.mse_loss(y_pred, y_true) + lam * (w * y_pred.abs()).mean()
`;

const totalVariation = `${torchHeader}def tv_loss(img, target, weight=0.1):
    tv_h = torch.pow(img[:, :, 1:, :] - img[:, :, :-1, :], 2).mean()
    tv_w = torch.pow(img[:, :, :, 1:] - img[:, :, :, :-1], 2).mean()
    return F.mse_loss(img, target) + weight * (tv_h + tv_w)
`;

const smoothSequence = `import tensorflow as tf

def smooth(y_true, y_pred, lam=1.0):
    mse = tf.reduce_mean(tf.square(y_true - y_pred))
    jumps = tf.reduce_mean(tf.square(y_pred[:, 1:, :] - y_pred[:, :-1, :]))
    return mse + lam * jumps
`;

const settings: TrainingSettings = {
  lambdas: [0, 10], includeCodeLambda: false, steps: 30, batchSize: 32, hiddenLayers: [32, 32], outputActivation: 'auto',
  optimizer: 'adam', learningRate: 0.01, dataset: '', seed: 7, backend: 'wasm',
};

async function train(l: LossModel): Promise<TrainerToHost[]> {
  const built = buildTrialSpec(l, settings);
  assert.ok(built.ok);
  const messages: TrainerToHost[] = [];
  const dataset = built.spec.dataset;
  await runTrial(specFor(l, { dataset: { ...dataset, samples: 256 } as never, steps: 30 }), { send: (m) => messages.push(m), shouldStop: () => false });
  return messages;
}

/** Ordered thresholds: a sigmoid each, BCE, and a squared hinge on the drops between neighbours (torch.diff). */
const orderedThresholds = `${torchHeader}ORDER_WEIGHT = 2.0

def ordered_loss(logits, target):
    probs = torch.sigmoid(logits)
    fit = F.binary_cross_entropy(probs, target)
    drops = torch.relu(-torch.diff(probs, dim=1)).pow(2).mean()
    return fit + ORDER_WEIGHT * drops
`;

/** Per-output limits as a constructor default written with list repetition, read through `self` (an unseen shape). */
const repeatedLimits = `${torchHeader}import torch.nn as nn

class ClippedActionLoss(nn.Module):
    def __init__(self, limits=[1.5] * 6, weight=5.0, device="cpu"):
        super().__init__()
        self.limits = torch.tensor(limits).to(device)
        self.weight = weight

    def forward(self, actions, expert):
        fit = 0.5 * (actions - expert).pow(2).mean()
        excess = (actions.abs() - self.limits).clamp_min(0.0)
        return fit + self.weight * excess.pow(2).mean()
`;

describe('a trial shaped by the loss', () => {
  it('a constructor default [1.5] * 6 read through self gives 6 outputs, and the loss trains with its penalty', async () => {
    const l = await loss(repeatedLimits);
    const shape = lossSampleShape(l, 4);
    assert.deepEqual(shape.shape, [6]);
    assert.match(shape.why ?? '', /a constant of 6 values/);
    const messages = await train(l);
    assert.equal(messages.find((m) => m.type === 'error'), undefined, JSON.stringify(messages.find((m) => m.type === 'error')));
    const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
    assert.ok(points.length > 0 && points.every((p) => Object.values(p.terms).length === 2), 'both terms measured at every point');
  });

  it('reads the output count, images and sequences from the loss', async () => {
    assert.deepEqual(lossSampleShape(await loss(orderedOutputs), 4).shape, [6]);
    assert.deepEqual(lossSampleShape(await loss(perOutputPrior), 4).shape, [6]);
    assert.deepEqual(lossSampleShape(await loss(totalVariation), 4).shape, [3, 6, 6]);
    assert.deepEqual(lossSampleShape(await loss(smoothSequence), 4).shape, [8, 2]);
    // a plain loss keeps the task's default and says nothing about it
    const plain = lossSampleShape(await loss(`${torchHeader}def plain(y_pred, y_true):\n    return F.mse_loss(y_pred, y_true)\n`), 4);
    assert.deepEqual(plain, { shape: [4] });
  });

  it('differences between neighbouring outputs get several outputs on a binary task, never one (nothing to differ)', async () => {
    const l = await loss(orderedThresholds);
    const shape = lossSampleShape(l, 1);
    assert.deepEqual(shape.shape, [4]);
    assert.match(shape.why ?? '', /4 outputs because the loss reads differences between neighbouring outputs, `torch\.diff` \(line 9\)/);
    const built = buildTrialSpec(l, settings);
    assert.ok(built.ok && built.spec.dataset.kind === 'synthetic');
    assert.equal(built.spec.dataset.outputs, 4);
    // one output left torch.diff empty, and its mean on wasm was whatever the memory held: a run diverged at random
    const messages = await train(l);
    assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
    const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
    assert.ok(points.length > 0 && points.every((p) => Object.values(p.terms).every((t) => Number.isFinite(t.raw) && t.raw >= 0)), 'BCE and a squared hinge: finite, never negative');
  });

  it('the spec asks for as many outputs as the loss reads', async () => {
    const built = buildTrialSpec(await loss(orderedOutputs), settings);
    assert.ok(built.ok && built.spec.dataset.kind === 'synthetic');
    assert.equal(built.spec.dataset.outputs, 6);
    const images = buildTrialSpec(await loss(totalVariation), settings);
    assert.ok(images.ok && images.spec.dataset.kind === 'synthetic');
    assert.equal(images.spec.dataset.outputs, 3 * 6 * 6);
  });

  for (const [what, source, header] of [
    ['y_pred[:, 5] on a default of 4 outputs', orderedOutputs, /6 outputs because the loss reads `y_pred\[:, 3\]` \(line 6\), `y_pred\[:, 5\]` \(line 6\)/],
    ['a constant of 6 per-output weights', perOutputPrior, /6 outputs because the loss reads a constant of 6 values \(line 5\)/],
    ['total variation over image axes', totalVariation, /images \(N, C, H, W\) = \(N, 3, 6, 6\), the MLP's output reshaped, because the loss indexes four axes/],
    ['differences along time', smoothSequence, /sequences \(N, T, F\) = \(N, 8, 2\)/],
  ] as const) {
    it(`trains ${what}, and the header says why the data has that shape`, async () => {
      const messages = await train(await loss(source));
      assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
      const started = messages.find((m) => m.type === 'started');
      assert.ok(started?.type === 'started' && started.trial);
      assert.match(started.trial.data, header);
      const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
      const penalty = started.terms.find((t) => t.role === 'penalty')!;
      assert.ok(points.length > 0 && points.every((p) => Number.isFinite(p.terms[penalty.id]?.raw)), 'the penalty is measured at every step');
      if (/images|sequences/.test(started.trial.data)) assert.match(started.trial.model, /output reshaped to \(N, /);
    });
  }
});
