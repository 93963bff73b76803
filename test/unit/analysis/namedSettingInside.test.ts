// A variable weighted where it is added (`self.alpha * reg`) whose own definition multiplies in a setting
// (`reg = self.lambda_ * self.model.compute_reg()`): the effective λ is alpha · lambda_ (0.5 · 0.01), not alpha; a
// setting the definition also reads elsewhere (a distillation's T in `kl_div(s / T, t / T) * T * T`) stays in it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

const LOSS = (reg: string) => `import torch
import torch.nn as nn
import torch.nn.functional as F


class Balanced(nn.Module):
    def __init__(self, lam=0.01, T=2.0):
        super().__init__()
        self.lam = lam
        self.T = T
        self.alpha = 0.5

    def forward(self, student, teacher, target):
        fit = F.cross_entropy(student, target)
        reg = ${reg}
        return (1 - self.alpha) * fit + self.alpha * reg
`;

const penaltyWeight = (reg: string) => model(analyze(LOSS(reg)), 'Balanced').terms.find((t) => t.role === 'penalty')?.weight?.text;

describe('a setting inside a weighted named variable', () => {
  before(() => ready);

  it('reg = self.lam * student.pow(2).mean(): the weight is alpha · lam', () => {
    assert.equal(penaltyWeight('self.lam * student.pow(2).mean()'), 'self.alpha * self.lam');
  });

  it('reg = kl_div(student / T, teacher / T) * T * T: T is part of the term, the weight alpha', () => {
    assert.equal(penaltyWeight('F.kl_div(F.log_softmax(student / self.T, 1), F.softmax(teacher / self.T, 1)) * self.T * self.T'), 'self.alpha');
  });
});
