// A helper (a submodule's forward, a function the loss calls) that returns its setting times its own formula
// (`self.lamda * torch.sum(diff ** 2) / 2.0 / batch_size`): the setting is the λ; the ½ written in the formula
// stays in the term, as the -0.5 of a KL does, so the λ is the value the code sets (0.003), not 0.0015.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, model, ready } from './helpers';

const LOSS = (ret: string) => `import torch
import torch.nn as nn
import torch.nn.functional as F


class Pull(nn.Module):
    def __init__(self, lamda):
        super().__init__()
        self.lamda = lamda

    def forward(self, feat, target):
        diff = feat - target
        return ${ret}


class Combined(nn.Module):
    def __init__(self, lamda):
        super().__init__()
        self.pull = Pull(lamda)

    def forward(self, feat, target):
        fit = F.mse_loss(feat, target)
        pull = self.pull(feat, target)
        return fit + pull


criterion = Combined(lamda=0.003)
`;

const penaltyWeight = (src: string) => model(analyze(src), 'Combined').terms.find((t) => t.role === 'penalty')?.weight?.text;

describe("a helper's own numbers beside its setting", () => {
  before(() => ready);

  it('self.lamda * sum / 2.0 / batch: the λ is lamda alone', () => {
    assert.equal(penaltyWeight(LOSS('self.lamda * torch.sum(diff ** 2) / 2.0 / feat.size(0)')), 'lamda');
  });

  it('0.5 * self.lamda * sum: the λ is lamda alone', () => {
    assert.equal(penaltyWeight(LOSS('0.5 * self.lamda * torch.sum(diff ** 2)')), 'lamda');
  });
});
