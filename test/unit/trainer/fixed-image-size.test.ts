// A loss that fixes its images' height and width (`pred[:, :, :h - 1, :w - 1]` beside `pred[:, :, 1:, :w - 1]`,
// h and w the sizes of the user's own images) gets data of exactly that size, with one channel where three would
// not fit in a trial's sample; a size no trial affords is refused with the sizes and what to do, never with the
// trainer's own message validation ("invalid message to the trainer").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { lossSampleShape } from '../../../src/trainer/data/shape';
import { runTrial } from '../../../src/trainer/trial';
import { buildTrialSpec, type TrainingSettings } from '../../../src/trial/spec';
import { specFor } from './helpers';

const fixedGrid = (h: number, w: number) => `import torch
from torch import nn

class GridSmoothLoss(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
        self.crit = nn.MSELoss()

    def forward(self, pred, truth):
        h = ${h}
        w = ${w}
        top = pred[:, :, :h - 1, :w - 1]
        below = pred[:, :, 1:, :w - 1]
        right = pred[:, :, :h - 1, 1:]
        return (self.crit(top, below) + self.crit(top, right)) * self.k + self.crit(pred, truth)

loss_fn = GridSmoothLoss(0.05)
`;

async function loss(source: string): Promise<LossModel> {
  await initParsers();
  const m = analyzeSource(source, 'python', 'loss.py').models[0];
  if (!m) throw new Error('no loss');
  return m;
}

const settings: TrainingSettings = {
  lambdas: [0, 10], includeCodeLambda: false, steps: 5, batchSize: 16, hiddenLayers: [16], outputActivation: 'auto',
  optimizer: 'adam', learningRate: 0.01, dataset: '', seed: 7, backend: 'wasm',
};

describe('images of a size the loss fixes', () => {
  it('gets exactly h × w, one channel when three would not fit, and trains', async () => {
    const l = await loss(fixedGrid(32, 48));
    assert.deepEqual(lossSampleShape(l, 1).shape, [1, 32, 48]);
    const built = buildTrialSpec(l, settings);
    assert.ok(built.ok, built.ok ? '' : built.message);
    assert.equal(built.spec.dataset.kind === 'synthetic' && built.spec.dataset.outputs, 32 * 48);
    const messages: TrainerToHost[] = [];
    const dataset = built.spec.dataset;
    await runTrial(specFor(l, { dataset: { ...dataset, samples: 64 } as never, steps: 5 }), { send: (m) => messages.push(m), shouldStop: () => false });
    assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
    const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
    assert.ok(points.length > 0 && points.every((p) => Object.values(p.terms).every((t) => Number.isFinite(t.raw))));
  });

  it('small fixed images keep three channels', async () => {
    assert.deepEqual(lossSampleShape(await loss(fixedGrid(8, 10)), 1).shape, [3, 8, 10]);
  });

  it('a size no trial affords is refused with its sizes and what to do', async () => {
    const built = buildTrialSpec(await loss(fixedGrid(101, 201)), settings);
    assert.ok(!built.ok);
    assert.match(built.message, /GridSmoothLoss reads predictions of 1 × 101 × 201 = 20301 values per sample \(images .*`pred\[:, :, :h - 1, :w - 1\]` \(line 13\).*\); a synthetic trial affords at most 4096: set lossLab\.training\.dataset/);
  });
});
