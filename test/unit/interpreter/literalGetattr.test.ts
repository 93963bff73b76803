// `getattr(self, "l1")` with a literal name and no default is Python's `self.l1` (issue 10 §1): the setting's value
// in the trainer, where the trainer refused `getattr` by name. With a default it stays a call
// (whether the attribute exists is not told before training), refused by name as before.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeSource, initParsers } from '../../../src/analysis/index';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { close, cpu, run } from './tf';

const loss = (read: string): string => `import torch
import torch.nn as nn
import torch.nn.functional as F


class SparseLoss(nn.Module):
    def __init__(self, l1=0.25):
        super().__init__()
        self.l1 = l1

    def forward(self, pred, target):
        w = ${read}
        return F.mse_loss(pred, target) + w * pred.abs().mean()


criterion = SparseLoss(l1=0.5)
`;

const modelOf = (src: string) => analyzeSource(src, 'python', 'loss.py').models.find((m) => m.name === 'SparseLoss')!;

describe('getattr with a literal name', () => {
  before(async () => {
    await initParsers();
    await cpu();
  });

  it('getattr(self, "l1") is self.l1: the constructor call\'s 0.5 weighs mean |ŷ|', () => {
    const m = modelOf(loss('getattr(self, "l1")'));
    assert.deepEqual(findUnsupported(m), []);
    // ŷ = [1, -3], y = ŷ: mse 0, mean |ŷ| = 2 → 0.5 · 2
    close(run(m, [[1, -3]], [[1, -3]]).total, 0.5 * 2, 1e-6);
  });

  it('a default or a computed name keeps the call, refused by name', () => {
    for (const read of ['getattr(self, "l1", 0.1)', 'getattr(self, "l" + "1")']) {
      assert.ok(findUnsupported(modelOf(loss(read))).some((u) => u.op === 'getattr'), read);
    }
  });
});
