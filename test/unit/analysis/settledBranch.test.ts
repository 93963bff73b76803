// Values a loss class holds that Python reads statically (issue 9 §2, issue 10 §1): an item of a tuple attribute
// (`self.concentration = pow, weight` then `self.concentration[1]`), and a reduction chosen by a string setting
// (`if how == "mean": return v.mean()` …) whose branches hold the same terms: split along the branch the
// constructor calls of the file select, which the trainer then trains instead of refusing.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findUnsupported } from '../../../src/trainer/interpreter';
import { branchChoices } from '../../../src/trainer/interpreter/termBranch';
import { codeLambda } from '../../../src/trial/spec';
import { analyze, model, ready } from './helpers';

const PORTFOLIO = (build: string) => `import torch
from torch import nn


def _reduce(values, how):
    if how == "mean":
        return values.mean()
    if how == "sum":
        return values.sum()
    return values


class ConcentratedLoss(nn.Module):
    def __init__(self, power=2, weight=0.25, reduction="mean"):
        super().__init__()
        self.concentration = power, weight
        self.reduction = reduction

    def forward(self, allocation, returns):
        gain = torch.sum(returns * allocation, dim=-1)
        spread = torch.sum(allocation ** self.concentration[0], dim=-1) * self.concentration[-1]
        return _reduce(-gain + spread, self.reduction)


${build}
loss = criterion(net(x), r)
loss.backward()
`;

describe('tuple attributes and settled branches', () => {
  before(() => ready);

  it('self.concentration[-1] of a tuple set in __init__ is that item: the λ is the weight, 0.25 by default', () => {
    const m = model(analyze(PORTFOLIO('criterion = ConcentratedLoss()')), 'ConcentratedLoss');
    const penalty = m.terms.find((t) => t.role === 'penalty');
    assert.equal(penalty?.weightParam, 'weight');
    assert.equal(codeLambda(m), 0.25);
  });

  it('a reduction chosen by a string is split along the branch the constructor call selects, so it trains', () => {
    for (const [build, line] of [['criterion = ConcentratedLoss(reduction="mean")', 6], ['criterion = ConcentratedLoss(reduction="sum")', 8]] as const) {
      const m = model(analyze(PORTFOLIO(build)), 'ConcentratedLoss');
      assert.deepEqual(findUnsupported(m), [], build);
      const runs = branchChoices(m).find((c) => c.trained === 'then');
      assert.equal(runs?.line, line, `${build}: the branch trained is the one that runs`);
      assert.equal(m.terms.length, 2);
    }
  });

  it('calls that disagree settle nothing: the trainer still says which branch runs and refuses the other', () => {
    const m = model(analyze(PORTFOLIO('other = ConcentratedLoss(reduction="sum")\ncriterion = ConcentratedLoss(reduction="mean")')), 'ConcentratedLoss');
    assert.equal(branchChoices(m)[0]?.trained, 'else', 'the later branch, as before');
  });

  it('a flag the constructor computes from its arguments (`self.use_entropy = alpha == 0.0`) selects its branch', () => {
    const actor = (build: string) => `import torch.nn as nn

class ActorObjective(nn.Module):
    def __init__(self, alpha=0.0):
        super().__init__()
        self.alpha = alpha
        self.use_entropy = alpha == 0.0

    def forward(self, q_values, log_probs):
        if self.use_entropy:
            return (-q_values + self.alpha * log_probs).mean()
        else:
            return -q_values.mean()

${build}
loss = objective(q, lp)
loss.backward()
`;
    // built with its default 0.0, the flag is set and the entropy term is in the loss (its λ is 0: LL103 says so)
    const flagged = model(analyze(actor('objective = ActorObjective()')), 'ActorObjective');
    assert.deepEqual(flagged.terms.map((t) => `${t.role}:${t.label}`), ['base:q_values', 'penalty:log_probs']);
    assert.deepEqual(findUnsupported(flagged), []);
    // built with alpha=0.2 the flag is clear: the code runs `-q_values.mean()` alone, and that is what is read and trained
    const plain = model(analyze(actor('objective = ActorObjective(alpha=0.2)')), 'ActorObjective');
    assert.deepEqual(plain.terms.map((t) => `${t.role}:${t.label}`), ['base:q_values']);
    assert.deepEqual(branchChoices(plain).map((c) => [c.trained, c.decided]), [['else', { value: false }]]);
    assert.deepEqual(findUnsupported(plain), []);
  });
});

