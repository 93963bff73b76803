// Attributes a loss class gets from its base's constructor (issue 9 §2, issue 10 §1): `super().__init__(weight,
// reduction=reduction)` of torch's `_WeightedLoss` sets self.weight and self.reduction; a base of the same file sets
// what its own `__init__` copies (`self.lam = lam`), bound to what the subclass passes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { makeLookup } from '../../../src/trainer/interpreter/scope';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready } from './helpers';

const WEIGHTED = (init: string) => `import torch
import torch.nn.functional as F
from torch.nn.modules.loss import _WeightedLoss


class SmoothCE(_WeightedLoss):
    def __init__(self, smooth=0.01, weight=None, reduction="sum"):
        ${init}
        self.smooth = smooth

    def forward(self, logits, labels):
        ce = F.cross_entropy(logits, labels, weight=self.weight, reduction=self.reduction)
        return ce + self.smooth * logits.pow(2).mean()
`;

const FILE_BASE = `import torch
from torch import nn


class Penalised(nn.Module):
    def __init__(self, lam=0.1, power=2):
        super().__init__()
        self.lam = lam
        self.power = power


class RangeLoss(Penalised):
    def __init__(self, lam=0.3):
        super(RangeLoss, self).__init__(lam, power=1)

    def forward(self, pred, target):
        fit = ((pred - target) ** 2).mean()
        return fit + self.lam * torch.relu(pred.abs() - 1).pow(self.power).mean()


criterion = RangeLoss(lam=0.05)
`;

describe('attributes set by the base constructor a loss class calls', () => {
  before(() => ready);

  it("torch's _WeightedLoss: the weight and reduction passed to super().__init__ are self.weight and self.reduction", () => {
    const m = model(analyze(WEIGHTED('super().__init__(weight, reduction=reduction)')), 'SmoothCE');
    assert.equal(makeLookup(m, {})('self.reduction'), 'sum');
    assert.deepEqual(findUnsupported(m), [], 'self.weight is None until a call binds it, as in torch');
  });

  it("nothing passed: torch's default reduction 'mean'", () => {
    const m = model(analyze(WEIGHTED('super().__init__()')), 'SmoothCE');
    assert.equal(makeLookup(m, {})('self.reduction'), 'mean');
  });

  it('a base of the same file: its `self.lam = lam`, bound by the subclass (default, then the constructor call)', () => {
    const m = model(analyze(FILE_BASE), 'RangeLoss');
    assert.equal(m.lambdaParam, 'self.lam');
    assert.equal(codeLambda(m), 0.05, "RangeLoss(lam=0.05) binds the subclass's lam, which it hands to the base");
    assert.equal(makeLookup(m, {})('self.power'), 1);
    assert.deepEqual(findUnsupported(m), []);
  });
});
