// A quantile loss module as public code writes it: one target per sample set against several quantile outputs
// through a cast (`target.to(input.dtype).unsqueeze(-1) - q`), a guarded non-crossing penalty, and a reduction chosen
// by early returns (`if self.reduction == "mean": return … ; if … "sum": return … ; return per_sample`). It trains
// the branch its construction runs, on one target per sample. And a loss the data does not fit is refused before
// training with the data's fault named, never crashing mid-trial because the probe's batch matched a sample axis.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

before(() => initParsers());

const quantile = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Pinball(nn.Module):
    def __init__(self, levels=(0.1, 0.9), reduction="mean", crossing=0.0):
        super().__init__()
        self.register_buffer("levels", torch.as_tensor(levels).view(1, -1))
        self.reduction = reduction
        self.crossing = float(crossing)

    def forward(self, input, target):
        u = target.to(input.dtype).unsqueeze(-1) - input
        per_sample = torch.maximum(self.levels * u, (self.levels - 1.0) * u).sum(dim=1)
        if self.crossing > 0.0:
            per_sample = per_sample + self.crossing * F.relu(input[:, 0] - input[:, -1])
        if self.reduction == "mean":
            return per_sample.mean()
        if self.reduction == "sum":
            return per_sample.sum()
        return per_sample


criterion = Pinball(crossing=0.05)
`;

const run = async (loss: LossModel, outputs: number): Promise<TrainerToHost[]> => {
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 10, dataset: { kind: 'synthetic', task: 'regression', samples: 256, features: 8, outputs } }), { send: (m) => messages.push(m), shouldStop: () => false });
  return messages;
};

test('a quantile module with reduction returns trains the branch it is built to run, one target per sample', async () => {
  const loss = analyzeSource(quantile, 'python', 'q.py').models.find((m) => m.name === 'Pinball')!;
  const messages = await run(loss, 2);
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const penalty = loss.terms.find((t) => t.role === 'penalty')!.id;
  assert.ok(messages.some((m) => m.type === 'metrics' && m.points.some((p) => Number.isFinite(p.terms[penalty]?.raw))));
});

test('a loss that fits the data only when the batch is as long as a sample axis is refused before training, not mid-trial', async () => {
  const source = `import torch


def outer(y_true, y_pred, lam=0.1):
    spread = (y_pred.unsqueeze(-1) - y_true) ** 2
    return spread.mean() + lam * y_pred.abs().mean()
`;
  const loss = analyzeSource(source, 'python', 'o.py').models[0]!;
  const messages = await run(loss, 2);
  const error = messages.find((m) => m.type === 'error');
  assert.ok(error?.type === 'error', 'refused');
  assert.notEqual(error.kind, 'internal', error.message);
  assert.match(error.message, /synthetic data does not fit this loss/);
});
