// A model's loss method calling another method of its class (`sparse = self.activity(codes)`, the helper reading
// `self.weight` set in `__init__`) trains: the analysis follows the call, so the trainer interprets the helper's
// body with the attribute's value, and the penalty's curve is measured.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

/** Trains `name` of `source` at λ = 0 and λ = 10; its penalty term and that term's last value in each run. */
async function penaltyAtZeroAndTen(source: string, file: string, name: string, steps: number) {
  await initParsers();
  const loss = analyzeSource(source, 'python', file).models.find((m) => m.name === name)!;
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  const runs = [0, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!;
  return {
    penalty,
    errors: messages.filter((m) => m.type === 'error'),
    free: last('l0').terms[penalty.id]!.raw,
    pushed: last('l10').terms[penalty.id]!.raw,
  };
}

const source = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Coder(nn.Module):
    def __init__(self, weight=0.002):
        super().__init__()
        self.weight = weight

    def activity(self, codes):
        level = codes.mean(dim=0)
        return self.weight * (level ** 2).sum()

    def reconstruction_loss(self, recon, target, codes):
        fit = F.mse_loss(recon, target)
        sparse = self.activity(codes)
        return fit + sparse
`;

test("a loss method's call of its own class's method trains with the helper's penalty present", async () => {
  const { penalty, errors, free, pushed } = await penaltyAtZeroAndTen(source, 'coder.py', 'reconstruction_loss', 40);
  assert.equal(penalty.label, 'sparse');
  assert.deepEqual(errors, []);
  assert.ok(Number.isFinite(free) && free > 0, `the penalty is measured: ${free}`);
  assert.ok(pushed < free, `λ = 10 lowers the mean activation's square: ${pushed} against ${free}`);
});

const ownWeight = `import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, lam=0.01):
        super().__init__()
        self.A = nn.Parameter(torch.randn(16, 2))
        self.lam = lam
        self.criterion = nn.MSELoss()

    def compute_loss(self, pred, target):
        fit = self.criterion(pred, target)
        shrink = self.lam * self.A.pow(2).sum()
        return fit + shrink
`;

test("a model method's penalty on the model's own nn.Parameter trains on a trial weight, whatever it is called", async () => {
  const { errors, free, pushed } = await penaltyAtZeroAndTen(ownWeight, 'net.py', 'compute_loss', 60);
  // `A` would read as a sensitive attribute by its name: being the model's parameter decides
  assert.deepEqual(errors, []);
  assert.ok(free > 0, `the weight's squared norm is measured: ${free}`);
  assert.ok(pushed < free / 2, `λ = 10 shrinks the weight: ${pushed} against ${free}`);
});

const lightning = `import pytorch_lightning as pl
import torch.nn.functional as F
from torch import nn


class Base(pl.LightningModule):
    def step(self, batch, use_decay=False):
        x, y = batch
        pred = self(x)
        fit = F.mse_loss(pred, y)
        if use_decay:
            fit = fit + self.decay()
        return {"loss": fit}

    def training_step(self, batch, batch_idx):
        return self.step(batch, use_decay=True)


class Ridge(Base):
    def __init__(self, lam=0.01):
        super().__init__()
        self.lam = lam
        self.lin = nn.Linear(4, 1)

    def decay(self):
        return self.lam * self.lin.weight.pow(2).sum()
`;

test('a Lightning step handing its batch to a shared step method trains, the decay of the subclass present', async () => {
  const { errors, free, pushed } = await penaltyAtZeroAndTen(lightning, 'ridge.py', 'training_step', 60);
  assert.deepEqual(errors, []);
  assert.ok(free > 0, `the decay is measured: ${free}`);
  assert.ok(pushed < free / 2, `λ = 10 shrinks the layer's weight: ${pushed} against ${free}`);
});
