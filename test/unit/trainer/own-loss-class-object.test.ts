// A loss that builds an object of the file's own loss class and calls it (`criterion = ScaledMSE(scale=2.0)` then
// `criterion(pred, target)`): the split keeps the call as one base term named by its variable, and the trainer runs
// the class's forward with the constructor's values bound (ir.ts call `forward`), instead of refusing `ScaledMSE` as
// an op missing from its table.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis';
import type { LossModel } from '../../../src/analysis/ir';
import { compileLoss, findUnsupported } from '../../../src/trainer/interpreter';
import { type ArgLayout, mappedLosses } from '../../../src/trainer/mappedLoss';
import { cpu, tf } from '../interpreter/tf';

const source = `import torch
import torch.nn as nn


class ScaledMSE(nn.Module):
    def __init__(self, scale=1.0):
        super().__init__()
        self.scale = scale
        self.inner = nn.MSELoss(reduction="sum")

    def forward(self, pred, target):
        return self.scale * self.inner(pred, target) + 0.5 * torch.mean(pred)


def objective(pred, target):
    criterion = ScaledMSE(scale=2.0)
    fit = criterion(pred, target)
    return fit + 0.1 * torch.mean(pred ** 2)
`;

let loss: LossModel;
before(async () => {
  await initParsers();
  await cpu();
  loss = analyzeSource(source, 'python', 'own.py').models.find((m) => m.name === 'objective')!;
});

test('the call stays one base term, and nothing is refused', () => {
  assert.deepEqual(loss.terms.map((t) => `${t.role}:${t.label}`), ['base:fit', 'penalty:pred ** 2']);
  assert.deepEqual(findUnsupported(loss).map((u) => u.op), []);
});

test('the trainer runs the forward with the constructor call\'s scale and the held criterion\'s reduction', () => {
  const layout: ArgLayout = { framework: 'pytorch', units: 2, weightIndex: 0 };
  const [run] = mappedLosses(tf, loss, [compileLoss(tf, loss, {})], layout);
  const out = run!(tf.tensor2d([[0, 0], [1, 1]]), tf.tensor2d([[1, 2], [1, 0]]));
  const base = loss.terms.find((t) => t.role === 'base')!;
  // 2 * ((1 + 4) + (0 + 1)) + 0.5 * mean([1, 2, 1, 0]) = 12 + 0.5
  const value = out.terms[base.id]!.weighted.dataSync()[0]!;
  assert.ok(Math.abs(value - 12.5) < 1e-5, `${value}`);
});
