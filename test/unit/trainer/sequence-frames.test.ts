// A frame-wise classification loss on (batch, classes, time) scores, as temporal segmentation models train them:
// the scores are flattened to frames (`scores.transpose(2, 1).reshape(-1, K)`) against one label per frame, and a
// smoothing term slices time (`scores[:, :, 1:]`). The trial's data is a sequence: K classes on axis 1, a few frames on
// the axis it slices, and a class index per frame as the target; the loss trains instead of failing on the trainer's
// own reshape.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { lossSampleShape, prepareData } from '../../../src/trainer/data';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

const source = `import torch
import torch.nn.functional as F

N_ACTIONS = 5


def segment_loss(scores, labels, tau=0.2):
    ce = F.cross_entropy(scores.transpose(2, 1).reshape(-1, N_ACTIONS), labels.reshape(-1))
    step = F.log_softmax(scores[:, :, 1:], dim=1) - F.log_softmax(scores[:, :, :-1], dim=1)
    return ce + tau * torch.mean(step ** 2)
`;

let loss: LossModel;
before(async () => {
  await initParsers();
  loss = analyzeSource(source, 'python', 'segment.py').models[0]!;
});

test('classes on axis 1 from the reshape, frames on the axis the loss slices', () => {
  const shape = lossSampleShape(loss, 4);
  assert.deepEqual(shape.shape, [5, 8]);
  assert.match(shape.why ?? '', /^sequences \(N, C, T\) = \(N, 5, 8\).*`scores\.transpose\(2, 1\)\.reshape\(-1, N_ACTIONS\)` \(line 8\)/);
});

test('the targets are a class index per frame', async () => {
  const data = await prepareData({ dataset: { kind: 'synthetic', task: 'auto', samples: 64, features: 8, outputs: 4 }, seed: 3, validationSplit: 0 }, loss);
  assert.deepEqual(data.sampleShape, [5, 8]);
  assert.equal(data.train.outputs, 40);
  assert.equal(data.train.targets, 8, 'one label per frame');
  const labels = [...data.train.y];
  assert.ok(labels.every((v) => Number.isInteger(v) && v >= 0 && v < 5), 'class indices 0…4');
  assert.match(data.description, /5 Gaussian blobs, a class index per frame over 8 frames/);
});

test('it trains, and λ smooths the frames', async () => {
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const runs = [0, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 80, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!;
  assert.ok(last('l10').terms[penalty.id]!.raw < last('l0').terms[penalty.id]!.raw / 2);
});
