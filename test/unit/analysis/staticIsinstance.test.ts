// `isinstance` decided before training (issue 9 §2, issue 10 §1): a branch on the type of a value whose type the file
// fixes (a constructor attribute every call passes a number for, a literal, the loss's tensor argument) is read as
// the branch Python takes, so its λ and its terms are those of the code that runs and nothing is left to refuse.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { analyze, model, ready, termSummary } from './helpers';

before(() => ready);

const SPREAD = (build: string) => `import torch
from torch import nn


class SpreadPenalty(nn.Module):
    def __init__(self, base, weight=1.0):
        super().__init__()
        self.base = base
        self.weight = weight

    def forward(self, pred, target):
        fit = self.base(pred, target)
        weight = self.weight
        if isinstance(weight, torch.Tensor):
            weight = weight.clamp(min=0).mean()
        if not isinstance(pred, torch.Tensor):
            pred = torch.as_tensor(pred)
        spread = pred.var(dim=0).mean()
        return fit + weight * spread


${build}
`;

describe('isinstance decided statically', () => {
  it('a number every call passes is no tensor: the weight stays the constructor attribute, the branch is not read', () => {
    const m = model(analyze(SPREAD('crit = SpreadPenalty(nn.MSELoss(), weight=0.3)')), 'SpreadPenalty');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:spread*self.weight']);
    assert.deepEqual(findUnsupported(m).map((u) => u.op), []);
  });

  it('a call that passes a tensor leaves the test open (the weight is then not a plain attribute)', () => {
    const m = model(analyze(SPREAD('crit = SpreadPenalty(nn.MSELoss(), weight=torch.tensor(0.3))')), 'SpreadPenalty');
    const penalty = m.terms.find((t) => t.role === 'penalty');
    assert.notEqual(penalty?.weight?.kind, 'attr');
  });

  it('reads (int, float) tuples, module constants and literals: isinstance(MARGIN, (int, float)) holds, isinstance(True, float) does not', () => {
    const m = model(analyze(`import torch
MARGIN = 2
def loss(y_true, y_pred):
    if isinstance(MARGIN, (int, float)):
        scale = 0.1
    else:
        scale = 0.5
    if isinstance(True, float):
        scale = 7.0
    fit = torch.mean((y_pred - y_true) ** 2)
    excess = torch.relu(y_pred - MARGIN).mean()
    return fit + scale * excess
`), 'loss');
    assert.deepEqual(m.terms.map(termSummary), ['base:+:fit', 'penalty:+:excess*0.1']);
  });
});
