// A model's loss method calling another method of its class (`sparse = self.activity(codes)`, the helper reading
// `self.weight` set in `__init__`) trains: the analysis follows the call, so the trainer interprets the helper's
// body with the attribute's value, and the penalty's curve is measured.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { TrainerToHost } from '../../../src/protocol';
import { runTrial } from '../../../src/trainer/trial';
import { specFor } from './helpers';

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
  await initParsers();
  const loss = analyzeSource(source, 'python', 'coder.py').models.find((m) => m.name === 'reconstruction_loss')!;
  const penalty = loss.terms.find((t) => t.role === 'penalty')!;
  assert.equal(penalty.label, 'sparse');
  const runs = [0, 10].map((lambda) => ({ id: `l${lambda}`, label: `λ = ${lambda}`, lambda }));
  const messages: TrainerToHost[] = [];
  await runTrial(specFor(loss, { steps: 40, runs }), { send: (m) => messages.push(m), shouldStop: () => false });
  assert.deepEqual(messages.filter((m) => m.type === 'error'), []);
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  const last = (id: string) => points.filter((p) => p.runId === id).at(-1)!;
  const free = last('l0').terms[penalty.id]!.raw;
  const pushed = last('l10').terms[penalty.id]!.raw;
  assert.ok(Number.isFinite(free) && free > 0, `the penalty is measured: ${free}`);
  assert.ok(pushed < free, `λ = 10 lowers the mean activation's square: ${pushed} against ${free}`);
});
